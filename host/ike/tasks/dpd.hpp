// Dead Peer Detection (RFC 3706): a keepalive for ISAKMP SAs that costs
// nothing while traffic flows.
//
//   support     both sides put the DPD vendor ID (RFC 3706 §5.3,
//               afcad71368a1f1c96b8696fc7757 with version 01 00) in their
//               first phase-1 message (tasks/vendor_id.cpp); R-U-THERE is
//               only sent to a peer that announced it.
//   messages    Notify payloads in protected Informational exchanges
//               (HDR*, HASH(1), N), each in a new exchange of its own:
//                 R-U-THERE      36136, SPI = CKY-I | CKY-R, data = sequence
//                 R-U-THERE-ACK  36137, the same SPI, data = the sequence
//                                number of the R-U-THERE it answers
//   when        (RFC 3706 §5.5's "idle" variant, as strongSwan does it for
//               dpddelay=) every `dpddelay`, if nothing came from the peer
//               since the last look: no inbound ESP/AH packet on its SAs
//               (engine counters via SaSink::usage) and no IKE message.
//               Unanswered, R-U-THERE is repeated every `dpddelay` with a
//               new sequence number; `dpdtimeout` after the first one the
//               peer is declared dead and dpdaction= applies.
//   answering   always, whatever dpdaction= says: strongSwan with
//               --dpd-delay asks us.
//
// Sequence numbers (RFC 3706 §5.5, §7): ours start at a random value and
// increase by one per R-U-THERE; an ACK must carry one we sent and have
// not seen answered. A peer's R-U-THERE whose number is not above the last
// one we accepted is a replay and is dropped unanswered (the HASH(1) of
// the informational already proves who sent it).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "host/common/result.hpp"
#include "host/common/timers.hpp"
#include "host/ike/ike_sa.hpp"
#include "host/isakmp/payloads.hpp"

namespace ikeoff::ike {

// The Notify payload of an R-U-THERE or R-U-THERE-ACK for `sa`.
isakmp::Payload dpd_notify(const IsakmpSa& sa, isakmp::NotifyType type, uint32_t seq);

struct DpdMessage {
    bool ack = false;  // R-U-THERE-ACK (true) or R-U-THERE
    uint32_t seq = 0;
};
bool is_dpd_notify(isakmp::NotifyType t);
// Checks a received DPD notify (protocol ISAKMP, SPI = our cookie pair,
// four octets of sequence number) and returns its content.
Result<DpdMessage> parse_dpd_notify(const IsakmpSa& sa, const isakmp::NotifyPayload& n);

struct DpdSettings {
    Duration delay = std::chrono::seconds(30);
    Duration timeout = std::chrono::seconds(150);
    bool active = false;  // send R-U-THERE (dpdaction != none and the peer supports DPD)
};

class DeadPeerDetector {
public:
    struct Hooks {
        // Send one notify in a new protected Informational exchange.
        std::function<void(isakmp::NotifyType type, uint32_t seq)> send;
        // Inbound packets so far, summed over the peer's IPsec SAs.
        std::function<uint64_t()> inbound_packets;
        // The peer did not answer within the timeout. Runs from a timer of
        // its own; it may destroy the detector.
        std::function<void()> dead;
    };

    DeadPeerDetector(Timers& timers, DpdSettings settings, Hooks hooks, uint32_t first_seq);
    ~DeadPeerDetector();
    DeadPeerDetector(const DeadPeerDetector&) = delete;
    DeadPeerDetector& operator=(const DeadPeerDetector&) = delete;

    // Starts the idle checks (only when settings.active).
    void start();
    // The peer asks: answer with an ACK (true), or drop a replay (false).
    bool on_r_u_there(uint32_t seq);
    // The peer answers: true when it answers an R-U-THERE we sent.
    bool on_ack(uint32_t seq);
    // Something authentic came from the peer.
    void on_activity();

    bool waiting() const noexcept { return waiting_; }
    uint32_t next_seq() const noexcept { return next_seq_; }

    struct Counters {
        uint64_t sent = 0;           // R-U-THERE sent
        uint64_t acked = 0;          // ACKs accepted
        uint64_t answered = 0;       // peer's R-U-THERE answered
        uint64_t stale = 0;          // ACKs for nothing outstanding, replayed R-U-THEREs
    };
    const Counters& counters() const noexcept { return counters_; }

private:
    void arm(Duration after);
    void check();
    void send_r_u_there();

    Timers& timers_;
    DpdSettings settings_;
    Hooks hooks_;
    TimerId timer_ = kNoTimer;
    TimerId dead_timer_ = kNoTimer;
    uint32_t next_seq_;
    uint32_t first_outstanding_ = 0;  // oldest unanswered R-U-THERE
    bool waiting_ = false;
    TimePoint waiting_since_{};
    TimePoint last_activity_{};
    uint64_t last_inbound_ = 0;
    std::optional<uint32_t> peer_seq_;
    Counters counters_;
};

}  // namespace ikeoff::ike
