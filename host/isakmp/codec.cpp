// Payload chains (RFC 2408 §3.2) and the type -> rule-table dispatch.
#include "host/isakmp/codec.hpp"

#include <algorithm>
#include <string>

#include "host/isakmp/field_codec.hpp"
#include "host/isakmp/header.hpp"
#include "host/wire/reader.hpp"

namespace ikeoff::isakmp {
namespace {

template <typename T>
CodecResult<PayloadBody> parse_as(ByteView body) {
    auto r = detail::parse_struct(spec_of<T>(), body);
    if (!r.ok()) return std::move(r).error();
    return PayloadBody(std::move(r).value());
}

}  // namespace

bool is_known_payload(PayloadType type) {
    switch (type) {
        case PayloadType::sa:
        case PayloadType::ke:
        case PayloadType::id:
        case PayloadType::cert:
        case PayloadType::cert_request:
        case PayloadType::hash:
        case PayloadType::sig:
        case PayloadType::nonce:
        case PayloadType::notify:
        case PayloadType::delete_:
        case PayloadType::vendor_id:
        case PayloadType::nat_d:
        case PayloadType::nat_oa:
        case PayloadType::nat_d_draft:
        case PayloadType::nat_oa_draft:
            return true;
        default:
            return false;
    }
}

PayloadType default_type(const PayloadBody& body) {
    struct V {
        PayloadType operator()(const SaPayload&) const { return PayloadType::sa; }
        PayloadType operator()(const KePayload&) const { return PayloadType::ke; }
        PayloadType operator()(const IdPayload&) const { return PayloadType::id; }
        PayloadType operator()(const CertPayload&) const { return PayloadType::cert; }
        PayloadType operator()(const CertRequestPayload&) const { return PayloadType::cert_request; }
        PayloadType operator()(const HashPayload&) const { return PayloadType::hash; }
        PayloadType operator()(const SigPayload&) const { return PayloadType::sig; }
        PayloadType operator()(const NoncePayload&) const { return PayloadType::nonce; }
        PayloadType operator()(const NotifyPayload&) const { return PayloadType::notify; }
        PayloadType operator()(const DeletePayload&) const { return PayloadType::delete_; }
        PayloadType operator()(const VendorIdPayload&) const { return PayloadType::vendor_id; }
        PayloadType operator()(const NatDPayload&) const { return PayloadType::nat_d; }
        PayloadType operator()(const NatOaPayload&) const { return PayloadType::nat_oa; }
        PayloadType operator()(const OpaquePayload&) const { return PayloadType::none; }
    };
    return std::visit(V{}, body);
}

bool type_matches(PayloadType type, const PayloadBody& body) {
    if (std::holds_alternative<OpaquePayload>(body)) return is_known_payload(type);
    if (std::holds_alternative<NatDPayload>(body))
        return type == PayloadType::nat_d || type == PayloadType::nat_d_draft;
    if (std::holds_alternative<NatOaPayload>(body))
        return type == PayloadType::nat_oa || type == PayloadType::nat_oa_draft;
    return type == default_type(body);
}

CodecResult<PayloadBody> parse_payload_body(PayloadType type, ByteView body) {
    switch (type) {
        case PayloadType::sa: return parse_as<SaPayload>(body);
        case PayloadType::ke: return parse_as<KePayload>(body);
        case PayloadType::id: return parse_as<IdPayload>(body);
        case PayloadType::cert: return parse_as<CertPayload>(body);
        case PayloadType::cert_request: return parse_as<CertRequestPayload>(body);
        case PayloadType::hash: return parse_as<HashPayload>(body);
        case PayloadType::sig: return parse_as<SigPayload>(body);
        case PayloadType::nonce: return parse_as<NoncePayload>(body);
        case PayloadType::notify: return parse_as<NotifyPayload>(body);
        case PayloadType::delete_: return parse_as<DeletePayload>(body);
        case PayloadType::vendor_id: return parse_as<VendorIdPayload>(body);
        case PayloadType::nat_d:
        case PayloadType::nat_d_draft: return parse_as<NatDPayload>(body);
        case PayloadType::nat_oa:
        case PayloadType::nat_oa_draft: return parse_as<NatOaPayload>(body);
        default:
            return CodecError{NotifyType::invalid_payload_type,
                              "payload type " + to_string(type) + " is not supported"};
    }
}

CodecResult<ParsedChain> parse_chain(ByteView body, PayloadType first, const ChainOptions& opts) {
    ParsedChain chain;
    wire::Reader r(body);
    PayloadType type = first;
    while (type != PayloadType::none) {
        const std::size_t start = r.position();
        const std::string where =
            "payload #" + std::to_string(chain.payloads.size() + 1) + " (" + to_string(type) + ")";
        // RFC 2408 §5.3: an unknown Next Payload value is INVALID-PAYLOAD-TYPE;
        // proposal/transform are only valid inside an SA (§3.5, §3.6).
        if (!is_known_payload(type))
            return CodecError{NotifyType::invalid_payload_type,
                              where + " at body offset " + std::to_string(start) +
                                  " is not a payload this implementation accepts"};
        uint8_t next, reserved;
        uint16_t length;
        if (!r.u8(next) || !r.u8(reserved) || !r.u16(length))
            return CodecError{NotifyType::payload_malformed,
                              where + ": truncated generic header at body offset " +
                                  std::to_string(start)};
        if (length < kGenericHeaderSize)
            return CodecError{NotifyType::payload_malformed,
                              where + ": payload length " + std::to_string(length) + " < 4"};
        ByteView payload_body;
        if (!r.take(length - kGenericHeaderSize, payload_body))
            return CodecError{NotifyType::payload_malformed,
                              where + ": payload length " + std::to_string(length) +
                                  " exceeds the " + std::to_string(r.remaining() + 4) +
                                  " bytes left in the message"};
        Payload p;
        p.type = type;
        bool opaque = std::find(opts.opaque.begin(), opts.opaque.end(), type) != opts.opaque.end();
        auto parsed = opaque ? parse_as<OpaquePayload>(payload_body)
                             : parse_payload_body(type, payload_body);
        if (!parsed.ok()) {
            CodecError e = std::move(parsed).error();
            e.message = where + ": " + e.message;
            return e;
        }
        p.body = std::move(parsed).value();
        p.raw.assign(payload_body.begin(), payload_body.end());
        p.offset = start;
        p.size = length;
        chain.payloads.push_back(std::move(p));
        type = PayloadType(next);
    }
    chain.end = r.position();
    chain.padding = r.remaining();
    if (chain.padding != 0 && !opts.allow_padding)
        return CodecError{NotifyType::unequal_payload_lengths,
                          std::to_string(chain.padding) +
                              " bytes after the last payload (message length disagrees with "
                              "the payload lengths)"};
    return chain;
}

Result<Bytes> encode_body(const PayloadBody& body) {
    wire::Writer w;
    Status st = std::visit(
        [&w](const auto& b) -> Status {
            using T = std::decay_t<decltype(b)>;
            return detail::generate_fields(spec_of<T>(), b, w);
        },
        body);
    if (!st.ok()) return std::move(st).error();
    return std::move(w).take();
}

Result<EncodedBody> generate_chain(std::span<const Payload> payloads) {
    EncodedBody out;
    wire::Writer w;
    out.first = payloads.empty() ? PayloadType::none : payloads.front().type;
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        const Payload& p = payloads[i];
        if (!type_matches(p.type, p.body))
            return Error{Errc::invalid_argument,
                         "generate: payload #" + std::to_string(i + 1) + " has type " +
                             to_string(p.type) + " but a body of another kind"};
        PayloadType next = i + 1 < payloads.size() ? payloads[i + 1].type : PayloadType::none;
        std::size_t start = w.size();
        auto len = detail::open_generic(w, next);
        Status st = std::visit(
            [&w](const auto& b) -> Status {
                using T = std::decay_t<decltype(b)>;
                return detail::generate_fields(spec_of<T>(), b, w);
            },
            p.body);
        if (!st.ok()) return std::move(st).error();
        IKEOFF_TRY(detail::close_generic(w, len, to_string(p.type).c_str()));
        out.spans.push_back(PayloadSpan{start, w.size() - start});
    }
    out.bytes = std::move(w).take();
    return out;
}

ByteView EncodedBody::body_of(std::size_t i) const {
    if (i >= spans.size()) return {};
    return ByteView(bytes).subspan(spans[i].offset + kGenericHeaderSize,
                                   spans[i].size - kGenericHeaderSize);
}

ByteView EncodedBody::after(std::size_t i) const {
    if (i >= spans.size()) return {};
    std::size_t from = spans[i].offset + spans[i].size;
    return ByteView(bytes).subspan(from);
}

MutableByteView EncodedBody::mutable_body_of(std::size_t i) {
    if (i >= spans.size()) return {};
    return MutableByteView(bytes).subspan(spans[i].offset + kGenericHeaderSize,
                                          spans[i].size - kGenericHeaderSize);
}

}  // namespace ikeoff::isakmp
