// The two things every exchange does with the codec: check a received
// message against its RFC 2409 payload table, and put an outgoing one
// together in the table's order.
#pragma once

#include <vector>

#include "host/common/result.hpp"
#include "host/ike/task.hpp"
#include "host/isakmp/message.hpp"
#include "host/isakmp/message_rules.hpp"

namespace ikeoff::ike {

// parse_body + validate for message `kind`; errors carry the notify.
isakmp::CodecResult<isakmp::Message> parse_received(const Received& r, const isakmp::MessageKind& kind);

// Orders `payloads` as the table for `kind` lists them and encodes them.
Result<OutMessage> make_message(std::vector<isakmp::Payload> payloads, const isakmp::MessageKind& kind,
                                bool encrypt);

// Same, with a HASH payload first whose value is computed over the rest
// of the message (RFC 2409 §5.5 HASH(1)/HASH(2), §5.7 informational
// HASH(1)): `fill(after_hash)` returns the hash.
template <typename Fill>
Result<OutMessage> make_hashed_message(std::vector<isakmp::Payload> payloads, const isakmp::MessageKind& kind,
                                       std::size_t hash_size, Fill&& fill) {
    payloads.insert(payloads.begin(), isakmp::Payload(isakmp::HashPayload{Bytes(hash_size, 0)}));
    IKEOFF_ASSIGN(OutMessage m, make_message(std::move(payloads), kind, true));
    IKEOFF_ASSIGN(Bytes h, fill(m.body.after(0)));
    if (h.size() != hash_size) return Error{Errc::internal, "hash size changed"};
    MutableByteView slot = m.body.mutable_body_of(0);
    std::copy(h.begin(), h.end(), slot.begin());
    return m;
}

}  // namespace ikeoff::ike
