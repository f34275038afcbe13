// Exchanges as tasks (in the spirit of strongSwan's task_t): one object per
// running exchange of an ISAKMP SA, with its roles split at construction and
// a private state enum. The task manager (task_manager.hpp) owns the wire:
// it frames, decrypts, detects duplicates, encrypts, sends, retransmits.
// A task only turns received messages into a verdict and its next message.
//
// Contract:
//  - initiate() (initiators only) returns the first message. Its status is
//    need_more when a reply is expected (the manager retransmits until one
//    comes) or done for one-shot messages (informational).
//  - process() gets one decrypted message of the task's exchange and returns
//    a Step:
//      rejected   the message is not acceptable (malformed, wrong HASH,
//                 unexpected); nothing changed, so a genuine retransmission
//                 can still succeed. `notify` says why (for logs and, when
//                 the exchange times out, for the reason reported).
//      need_more  accepted; `reply` (if any) goes out and the manager waits
//                 for the next message, retransmitting `reply`.
//      done       accepted and the exchange is over for us; `reply` (if any)
//                 goes out once and is resent only when the peer repeats its
//                 last message.
//      failed     accepted but the negotiation cannot continue; `notify`
//                 names the reason and, if `tell_peer`, is sent to the peer.
// New exchange kinds (New Group Mode, DPD, rekeying) are new Task classes;
// nothing in the manager changes.
#pragma once

#include <optional>
#include <string>

#include "host/common/bytes.hpp"
#include "host/common/timers.hpp"
#include "host/config/config.hpp"
#include "host/config/secrets.hpp"
#include "host/ike/ike_core.hpp"
#include "host/ike/transport.hpp"
#include "host/ike/tuning.hpp"
#include "host/isakmp/codec.hpp"
#include "host/isakmp/constants.hpp"
#include "host/isakmp/header.hpp"

namespace ikeoff::ike {

enum class TaskKind : uint8_t { main_mode, aggressive_mode, quick_mode, informational, new_group };
const char* to_string(TaskKind k);

enum class TaskStatus : uint8_t { need_more, done, failed, rejected };

// A message a task wants sent. The manager fills in cookies, exchange type
// and Message ID of its exchange, sets the E flag when `encrypt`, and
// encrypts `body.bytes`.
struct OutMessage {
    isakmp::EncodedBody body;
    bool encrypt = false;
    uint8_t flags = 0;  // extra header flags (Commit)
};

// One received message, decrypted.
struct Received {
    const isakmp::Header& header;
    ByteView body;            // plaintext body (padding included when decrypted)
    const Datagram& datagram; // as it arrived (endpoints for NAT-D)
};

struct Step {
    TaskStatus status = TaskStatus::need_more;
    std::optional<OutMessage> reply;
    isakmp::NotifyType notify = isakmp::NotifyType::none;
    std::string detail;
    bool tell_peer = false;  // failed: send `notify` to the peer

    static Step more(OutMessage m) { return Step{TaskStatus::need_more, std::move(m), {}, {}, false}; }
    static Step more() { return Step{TaskStatus::need_more, std::nullopt, {}, {}, false}; }
    static Step finished(std::optional<OutMessage> m = std::nullopt) {
        return Step{TaskStatus::done, std::move(m), {}, {}, false};
    }
    static Step reject(isakmp::NotifyType n, std::string why) {
        return Step{TaskStatus::rejected, std::nullopt, n, std::move(why), false};
    }
    static Step fail(isakmp::NotifyType n, std::string why, bool tell = false) {
        return Step{TaskStatus::failed, std::nullopt, n, std::move(why), tell};
    }
};

// What tasks may use from their surroundings (the core provides it).
struct TaskEnv {
    const config::Config& config;
    const config::Secrets& secrets;
    SaSink& sas;
    Timers& timers;
    const IkeTuning& tuning;
};

class Task {
public:
    virtual ~Task() = default;
    virtual TaskKind kind() const = 0;
    virtual isakmp::ExchangeType exchange() const = 0;
    virtual bool initiator() const = 0;
    // Initiators only.
    virtual Step initiate() { return Step::fail(isakmp::NotifyType::none, "not an initiator"); }
    virtual Step process(const Received& m) = 0;
};

}  // namespace ikeoff::ike
