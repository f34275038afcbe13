// The wire side of one ISAKMP SA: its exchanges, keyed by Message ID
// (phase 1 is M-ID 0), and everything RFC 2408 leaves to "reliability":
//
//  * Retransmission. After sending a message that expects an answer, the
//    manager resends the same bytes with exponential back-off on the
//    injectable Timers (tuning.hpp) until the answer is accepted; when the
//    tries are used up the exchange fails with "timeout" (or, if the peer's
//    answers were all refused, with the reason they were refused for).
//  * Duplicates. A message byte-for-byte equal to the last one accepted for
//    its exchange is a retransmission by the peer: the stored reply is sent
//    again and the task never sees it (re-processing would move IVs and
//    re-run key exchange). This also covers the last message of an exchange
//    (MM6, QM3) being lost: the peer repeats its request and gets the same
//    reply.
//  * Message IDs. New phase-2/informational exchanges start only with an
//    unused M-ID; finished exchanges are remembered (bounded) so a replayed
//    message is answered (if it is a repeat of the last one) or dropped.
//  * Rejections change nothing. A message a task refuses (malformed,
//    tampered, wrong HASH) is counted and dropped; the IV chain is committed
//    only for accepted messages, so the genuine message still works later.
//
// The core (Hooks) learns when an exchange finished or failed and creates
// responder tasks for exchanges the peer starts. Hooks must not destroy
// the SA from inside a callback; the core defers that.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/common/timers.hpp"
#include "host/ike/ike_sa.hpp"
#include "host/ike/task.hpp"
#include "host/ike/transport.hpp"
#include "host/ike/tuning.hpp"
#include "host/isakmp/header.hpp"

namespace ikeoff::ike {

struct ExchangeCounters {
    uint64_t sent = 0;
    uint64_t retransmitted = 0;
    uint64_t duplicates = 0;  // peer retransmissions answered from storage
    uint64_t rejected = 0;    // messages a task refused
    uint64_t dropped = 0;     // undecryptable, replayed or unexpected messages
};

class TaskManager {
public:
    class Hooks {
    public:
        virtual ~Hooks() = default;
        virtual void task_done(IsakmpSa& sa, Task& task) = 0;
        virtual void task_failed(IsakmpSa& sa, Task& task, isakmp::NotifyType notify, const std::string& detail,
                                 bool timeout) = 0;
        // A task asked for `notify` to be sent to the peer (Step::tell_peer).
        virtual void notify_peer(IsakmpSa& sa, isakmp::NotifyType notify) = 0;
        // The peer starts an exchange with a new Message ID: the task to run
        // it, or nullptr to drop the message.
        virtual std::unique_ptr<Task> responder_for(IsakmpSa& sa, const isakmp::Header& h) = 0;
        // An unencrypted Informational (a notify sent before keys existed).
        virtual void unprotected_informational(IsakmpSa& sa, const Datagram& d) = 0;
    };

    TaskManager(IsakmpSa& sa, Transport& transport, Timers& timers, const IkeTuning& tuning, Hooks& hooks);
    ~TaskManager();
    TaskManager(const TaskManager&) = delete;
    TaskManager& operator=(const TaskManager&) = delete;

    // Runs an exchange we start (or, for a responder's phase 1, one the
    // peer's first message will feed: `initiate` false). Phase 1 uses M-ID 0.
    Status start(std::unique_ptr<Task> task, uint32_t mid, bool initiate = true);

    // A message addressed to this SA (cookies already matched).
    void on_message(const Datagram& d, const isakmp::Framed& f);

    // Ends exchange `mid` as done from outside (a Quick Mode waiting for the
    // peer's CONNECTED, which arrives in an Informational). False if no
    // such exchange runs.
    bool finish_external(uint32_t mid);

    // Stops every timer and forgets running exchanges (the SA is going).
    void abort_all();

    // A Message ID not used by any exchange of this SA yet.
    Result<uint32_t> fresh_message_id() const;
    bool message_id_used(uint32_t mid) const;

    // Running exchanges (for the core to see what is pending).
    std::vector<Task*> active() const;
    bool busy(TaskKind kind) const;
    // Has any message of exchange `mid` been accepted from the peer?
    bool has_received(uint32_t mid) const;

    const ExchangeCounters& counters() const noexcept { return counters_; }

private:
    struct Exchange {
        uint32_t mid = 0;
        std::unique_ptr<Task> task;
        Bytes last_in;   // last accepted message from the peer, as received
        Bytes last_out;  // last message we sent, ready to resend
        // last_out was sent in answer to last_in: only then does a repeat
        // of last_in get last_out again. (Answering the repeat of a final
        // message such as QM3 with our QM2 would start a resend loop.)
        bool out_answers_in = false;
        Endpoint out_local, out_remote;
        TimePoint out_at{};  // when last_out was last put on the wire
        TimerId retransmit = kNoTimer;
        unsigned tries = 0;
        Duration wait{};
        isakmp::NotifyType last_rejection = isakmp::NotifyType::none;
        std::string last_rejection_detail;
    };

    Status send(Exchange& ex, const OutMessage& m, bool expect_reply);
    void arm(Exchange& ex);
    void on_retransmit(uint32_t mid);
    void finish(uint32_t mid, bool keep);
    void handle(Exchange& ex, Step step, bool fresh);
    Exchange* find_active(uint32_t mid);
    Exchange* find_finished(uint32_t mid);
    void remember_mid(uint32_t mid);
    void answer_repeat(Exchange& ex);

    IsakmpSa& sa_;
    Transport& transport_;
    Timers& timers_;
    const IkeTuning& tuning_;
    Hooks& hooks_;
    std::map<uint32_t, Exchange> active_;
    std::deque<Exchange> finished_;  // most recent last; bounded
    std::deque<uint32_t> used_mids_; // bounded record of M-IDs seen or sent
    ExchangeCounters counters_;
};

}  // namespace ikeoff::ike
