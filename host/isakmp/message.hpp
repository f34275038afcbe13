// A whole ISAKMP message: header + payload chain, parsed or generated.
//
// ---- Receiving ----------------------------------------------------------
//   auto f = isakmp::frame(datagram);                 // header checks only
//   if (!f) -> drop, or answer f.error().notify
//   if (f->header.encrypted()) {
//       plain = decrypt(f->body)                      // exchange code: RFC 2409 App. B IV rules
//       msg = isakmp::parse_body(f->header, plain, {.allow_padding = true});
//   } else {
//       msg = isakmp::parse_body(f->header, f->body);
//   }
//   isakmp::validate(*msg, kind)                      // message_rules.hpp
// or, for cleartext messages, isakmp::parse_message(datagram) in one call.
//
// ---- Sending ------------------------------------------------------------
//   cleartext:  Bytes wire = generate_message(header, payloads)
//   encrypted:  auto body = generate_chain(payloads);        // codec.hpp
//               header.next_payload = body->first; header.flags |= E;
//               ct = encrypt(pad(body->bytes));
//               Bytes wire = *encode_header(header, ct.size()) + ct
//
// HASH(1)/HASH(2) of Quick Mode and informational exchanges (RFC 2409 §5.5,
// §5.7) cover the payloads after the HASH payload "including all payload
// headers, but excluding any padding": Message::after(i) when receiving,
// EncodedBody::after(i) when sending.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "host/isakmp/codec.hpp"
#include "host/isakmp/header.hpp"
#include "host/isakmp/payloads.hpp"

namespace ikeoff::isakmp {

struct Message {
    Header header;
    std::vector<Payload> payloads;
    Bytes body;               // the (decrypted) body the payloads came from
    std::size_t padding = 0;  // bytes after the last payload (decrypted bodies)

    // First payload of a body type / a wire type, or nullptr.
    template <typename T>
    const T* find() const {
        for (const Payload& p : payloads)
            if (const T* b = p.get<T>()) return b;
        return nullptr;
    }
    const Payload* find(PayloadType type) const;
    template <typename T>
    std::vector<const T*> all() const {
        std::vector<const T*> out;
        for (const Payload& p : payloads)
            if (const T* b = p.get<T>()) out.push_back(b);
        return out;
    }
    std::size_t count(PayloadType type) const;
    // Index of the first payload of `type`, or payloads.size().
    std::size_t index_of(PayloadType type) const;
    // The notify of a given type, or nullptr.
    const NotifyPayload* find_notify(NotifyType type) const;

    // Body bytes of payloads[i+1..] including their generic headers and
    // excluding padding: what HASH(1)/HASH(2) cover. Empty if i is out of range.
    ByteView after(std::size_t i) const;
};

// Parse the chain in `body` (already decrypted if header.encrypted()).
// `opts.allow_padding` should be true exactly for decrypted bodies.
CodecResult<Message> parse_body(const Header& header, ByteView body,
                                const ChainOptions& opts = {});

// frame() + parse_body() for a cleartext message. An encrypted message
// yields CodecError{NotifyType::none, ...}: the caller must decrypt first.
CodecResult<Message> parse_message(ByteView datagram, const HeaderOptions& hopts = {},
                                   const ChainOptions& copts = {});

// A complete cleartext message. header.next_payload and header.length are
// computed; the E flag must not be set (encrypt via generate_chain()).
Result<Bytes> generate_message(const Header& header, std::span<const Payload> payloads);

// "ID_PROT mid=0 [ SA V V V V V ]" with notify and NAT-D details, for logs.
std::string describe(const Message& m);

}  // namespace ikeoff::isakmp
