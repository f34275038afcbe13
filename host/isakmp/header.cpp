#include "host/isakmp/header.hpp"

#include <string>

#include "host/isakmp/codec.hpp"
#include "host/wire/reader.hpp"

namespace ikeoff::isakmp {
namespace {

bool known_exchange(uint8_t e) {
    switch (ExchangeType(e)) {
        case ExchangeType::base:
        case ExchangeType::identity_protection:
        case ExchangeType::authentication_only:
        case ExchangeType::aggressive:
        case ExchangeType::informational:
        case ExchangeType::transaction:
        case ExchangeType::quick:
        case ExchangeType::new_group:
            return true;
        default:
            return false;
    }
}

}  // namespace

bool is_zero(const Cookie& c) noexcept {
    uint8_t acc = 0;
    for (uint8_t b : c) acc |= b;
    return acc == 0;
}

CodecResult<Header> parse_header(ByteView datagram, const HeaderOptions& opts) {
    wire::Reader r(datagram);
    Header h;
    ByteView icky, rcky;
    uint8_t next, version, exchange;
    if (!r.take(8, icky) || !r.take(8, rcky) || !r.u8(next) || !r.u8(version) ||
        !r.u8(exchange) || !r.u8(h.flags) || !r.u32(h.message_id) || !r.u32(h.length))
        return CodecError{NotifyType::payload_malformed,
                          "datagram of " + std::to_string(datagram.size()) +
                              " bytes is shorter than the 28-byte ISAKMP header"};
    std::copy(icky.begin(), icky.end(), h.initiator_cookie.begin());
    std::copy(rcky.begin(), rcky.end(), h.responder_cookie.begin());
    h.next_payload = PayloadType(next);
    h.major_version = version >> 4;
    h.minor_version = version & 0x0F;
    h.exchange = ExchangeType(exchange);

    // RFC 2408 §3.1: "Implementations ... MUST set the Major Version to 1"
    // and "SHOULD never accept packets with a major version number larger
    // than its own"; §5.2 maps both version checks to their notifies.
    ISAKMP_ENSURE(h.major_version == kMajorVersion, NotifyType::invalid_major_version,
                  "ISAKMP major version " + std::to_string(h.major_version));
    ISAKMP_ENSURE(h.minor_version <= kMinorVersion, NotifyType::invalid_minor_version,
                  "ISAKMP minor version " + std::to_string(h.minor_version));
    // RFC 2408 §3.1: the initiator cookie is never zero (§2.5.3 derives it
    // from a hash); a zero one cannot belong to any SA.
    ISAKMP_ENSURE(!is_zero(h.initiator_cookie), NotifyType::invalid_cookie,
                  "initiator cookie is zero");
    ISAKMP_ENSURE(known_exchange(exchange), NotifyType::invalid_exchange_type,
                  "exchange type " + std::to_string(exchange));
    ISAKMP_ENSURE((h.flags & ~kKnownFlags) == 0, NotifyType::invalid_flags,
                  "undefined flag bits 0x" + to_hex(ByteView(&h.flags, 1)));
    ISAKMP_ENSURE(h.next_payload == PayloadType::none || is_known_payload(h.next_payload),
                  NotifyType::invalid_payload_type,
                  "first payload type " + to_string(h.next_payload));
    // RFC 2408 §5.2: "If the ISAKMP message length and the value in the
    // Payload Length field of the ISAKMP Header are not the same, then the
    // ISAKMP message is rejected."
    ISAKMP_ENSURE(h.length >= kHeaderSize, NotifyType::unequal_payload_lengths,
                  "header length " + std::to_string(h.length) + " < 28");
    bool fits = h.length <= datagram.size();
    bool exact = h.length == datagram.size();
    ISAKMP_ENSURE(exact || (fits && opts.allow_trailing_bytes),
                  NotifyType::unequal_payload_lengths,
                  "header length " + std::to_string(h.length) + " but the datagram has " +
                      std::to_string(datagram.size()) + " bytes");
    return h;
}

CodecResult<Framed> frame(ByteView datagram, const HeaderOptions& opts) {
    IKEOFF_ASSIGN(Header h, parse_header(datagram, opts));
    ByteView body = datagram.subspan(kHeaderSize, h.length - kHeaderSize);
    return Framed{h, body};
}

void encode_header(const Header& h, wire::Writer& w) {
    w.bytes(h.initiator_cookie);
    w.bytes(h.responder_cookie);
    w.u8(uint8_t(h.next_payload));
    w.u8(uint8_t((h.major_version << 4) | (h.minor_version & 0x0F)));
    w.u8(uint8_t(h.exchange));
    w.u8(h.flags);
    w.u32(h.message_id);
    w.u32(h.length);
}

Result<Bytes> encode_header(const Header& h, std::size_t body_size) {
    if (body_size > 0xFFFFFFFFu - kHeaderSize)
        return Error{Errc::invalid_argument, "ISAKMP message body of " +
                                                 std::to_string(body_size) + " bytes is too long"};
    Header copy = h;
    copy.length = uint32_t(kHeaderSize + body_size);
    wire::Writer w(kHeaderSize);
    encode_header(copy, w);
    return std::move(w).take();
}

std::string describe(const Header& h) {
    std::string flags;
    if (h.encrypted()) flags += "E";
    if (h.commit()) flags += "C";
    if (h.auth_only()) flags += "A";
    if (flags.empty()) flags = "-";
    uint8_t mid[4];
    store_be32(mid, h.message_id);
    return to_string(h.exchange) + " i=" + to_hex(h.initiator_cookie) +
           " r=" + to_hex(h.responder_cookie) + " mid=" + to_hex(mid) + " flags=" + flags +
           " len=" + std::to_string(h.length);
}

}  // namespace ikeoff::isakmp
