// Knobs of the IKEv1 engine that are not connection policy: retransmission
// schedule, bounds on unauthenticated state, nonce size. One struct so tests
// can shorten or stretch them and the daemon uses the defaults.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "host/common/timers.hpp"

namespace ikeoff::ike {

struct IkeTuning {
    // Retransmission (RFC 2408 §2.4 leaves it to the implementation): the
    // first resend after `retransmit_initial`, each later wait multiplied by
    // `retransmit_factor` and capped at `retransmit_max`; after
    // `retransmit_tries` resends the exchange fails ("timeout") when the
    // next wait ends. Defaults: sends at 0, 2, 6, 14 s, failure at 30 s.
    Duration retransmit_initial = std::chrono::seconds(2);
    unsigned retransmit_factor = 2;
    Duration retransmit_max = std::chrono::seconds(32);
    unsigned retransmit_tries = 3;

    // A repeat of the peer's last message that arrives this soon after we
    // (re)sent our answer is a copy the network made, not a retransmission
    // (peers wait a second or more before resending): it gets no answer,
    // so duplicated packets cannot multiply.
    Duration duplicate_holdoff = std::chrono::milliseconds(500);

    // A responder's ISAKMP SA that is not authenticated within this time is
    // dropped silently (its peer may be spoofed or gone).
    Duration half_open_timeout = std::chrono::seconds(30);
    // At most this many responder ISAKMP SAs may be half-open at once; more
    // Main/Aggressive Mode first messages are dropped (and counted).
    std::size_t max_half_open = 128;

    // RFC 3948 §4: the side behind a NAT sends a NAT-keepalive this often
    // so the mapping for UDP 4500 stays (strongSwan's default is 20 s).
    // Zero disables them.
    Duration keepalive_interval = std::chrono::seconds(20);

    // Set the Commit bit in our Quick Modes (RFC 2408 §3.1), making the
    // responder wait for our CONNECTED notify before it installs. Off by
    // default, as in strongSwan; a peer's Commit bit is always honoured.
    bool request_commit = false;

    // RFC 2409 §5: nonces of 8..256 bytes; strongSwan uses 32.
    std::size_t nonce_size = 32;

    // Finished exchanges remembered per ISAKMP SA, to answer retransmitted
    // requests with the stored reply and to refuse replayed Message IDs.
    std::size_t remembered_exchanges = 16;
    std::size_t remembered_message_ids = 256;
};

}  // namespace ikeoff::ike
