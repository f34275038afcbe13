// ISAKMP payload codec: payload chains and single payload bodies.
//
// RFC 2408 §3.2: every payload starts with a generic header whose Next
// Payload names the type of the payload after it (the ISAKMP header names the
// first). A "chain" is that sequence as found in a message body.
//
// Parse (pure: returns values, touches no state):
//   parse_chain(body, first_type, opts)     payloads of a (decrypted) body
//   parse_payload_body(type, body_bytes)    one body, e.g. after RSA decryption
//   parse_attributes(bytes)                 data attributes (RESPONDER-LIFETIME data)
// Errors carry the notify RFC 2408 §5 assigns (see CodecError):
//   unknown or misplaced payload type       INVALID-PAYLOAD-TYPE
//   generic header or body truncated,
//   payload length < 4 or beyond the body   PAYLOAD-MALFORMED
//   bytes after the last payload            UNEQUAL-PAYLOAD-LENGTHS (unless padding is allowed)
//   proposal/transform nesting, counts      BAD-PROPOSAL-SYNTAX
//   payload-specific checks                 DOI-NOT-SUPPORTED, SITUATION-NOT-SUPPORTED,
//                                           INVALID-PROTOCOL-ID, INVALID-SPI,
//                                           INVALID-TRANSFORM-ID, INVALID-ID-INFORMATION,
//                                           INVALID-CERT-ENCODING, INVALID-KEY-INFORMATION,
//                                           INVALID-HASH-INFORMATION, INVALID-SIGNATURE, ...
//
// Generate (Result<T>, errors only for impossible input such as a payload
// over 65535 bytes or a struct that fails its own verify()):
//   encode_body(payload_body)               body bytes (what SAi_b / IDii_b hash over)
//   generate_chain(payloads)                the chained payloads, with each one's span
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/isakmp/error.hpp"
#include "host/isakmp/payloads.hpp"
#include "host/wire/writer.hpp"

namespace ikeoff::isakmp {

struct ChainOptions {
    // A decrypted body may end in cipher padding after the last payload
    // (RFC 2409 Appendix B pads to the block size). When true those bytes
    // are reported in ParsedChain::padding instead of being an error.
    bool allow_padding = false;
    // Payload types whose bodies are ciphertext in this message (public-key
    // authentication, RFC 2409 §5.2/§5.3): kept as OpaquePayload.
    // message_rules.hpp's chain_options() fills this from the rule table.
    std::vector<PayloadType> opaque = {};
};

struct ParsedChain {
    std::vector<Payload> payloads;
    std::size_t end = 0;      // offset just past the last payload
    std::size_t padding = 0;  // bytes after it
};

CodecResult<ParsedChain> parse_chain(ByteView body, PayloadType first,
                                     const ChainOptions& opts = {});

// One payload body (without its generic header), typed by `type`.
CodecResult<PayloadBody> parse_payload_body(PayloadType type, ByteView body);

// RFC 2408 §3.3 data attributes filling `data` exactly. Truncation maps to
// `malformed` (BAD-PROPOSAL-SYNTAX inside a transform).
CodecResult<std::vector<Attribute>> parse_attributes(
    ByteView data, NotifyType malformed = NotifyType::payload_malformed);
Status encode_attributes(const std::vector<Attribute>& attrs, wire::Writer& w);
Result<Bytes> encode_attributes(const std::vector<Attribute>& attrs);

// The body of one payload as it goes on the wire (generic header excluded).
Result<Bytes> encode_body(const PayloadBody& body);

struct PayloadSpan {
    std::size_t offset = 0;  // of the generic header, within EncodedBody::bytes
    std::size_t size = 0;    // generic header + body
};

struct EncodedBody {
    Bytes bytes;
    PayloadType first = PayloadType::none;  // goes into the ISAKMP header
    std::vector<PayloadSpan> spans;         // one per payload, in order

    // The bytes of payload i's body (after its generic header).
    ByteView body_of(std::size_t i) const;
    // Payloads i+1.. with their generic headers: what RFC 2409 §5.5 HASH(1)
    // and HASH(2) cover ("the entire message that follows the hash payload").
    ByteView after(std::size_t i) const;
    // Writable view of payload i's body, to fill in a HASH computed over
    // after(i) once the rest of the body is final.
    MutableByteView mutable_body_of(std::size_t i);
};

Result<EncodedBody> generate_chain(std::span<const Payload> payloads);

}  // namespace ikeoff::isakmp
