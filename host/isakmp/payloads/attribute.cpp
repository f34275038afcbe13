// Data attributes (RFC 2408 §3.3).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !A!       Attribute Type        !    AF=0  Attribute Length     !
// !F!                             !    AF=1  Attribute Value      !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// .                   AF=0  Attribute Value                       .
// .                   AF=1  Not Transmitted                       .
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Attributes have no count: they tile the enclosing body, so a TLV whose
// length runs past it (an "oversized attribute") is a syntax error.
#include <string>

#include "host/isakmp/codec.hpp"
#include "host/wire/reader.hpp"

namespace ikeoff::isakmp {

namespace {
constexpr uint16_t kAttrFormatBit = 0x8000;
}

Attribute Attribute::number(uint16_t type, uint64_t v) {
    if (v <= 0xFFFF) return basic(type, uint16_t(v));
    Attribute a;
    a.type = type;
    a.tv = false;
    std::size_t n = v <= 0xFFFFFFFFu ? 4 : 8;
    a.value.resize(n);
    for (std::size_t i = 0; i < n; ++i) a.value[i] = uint8_t(v >> (8 * (n - 1 - i)));
    return a;
}

Attribute Attribute::basic(uint16_t type, uint16_t v) {
    Attribute a;
    a.type = type;
    a.tv = true;
    a.value = {uint8_t(v >> 8), uint8_t(v)};
    return a;
}

Attribute Attribute::variable(uint16_t type, ByteView v) {
    Attribute a;
    a.type = type;
    a.tv = false;
    a.value.assign(v.begin(), v.end());
    return a;
}

std::optional<uint64_t> Attribute::as_uint() const {
    if (value.empty() || value.size() > 8) return std::nullopt;
    uint64_t v = 0;
    for (uint8_t b : value) v = (v << 8) | b;
    return v;
}

const Attribute* find_attribute(const std::vector<Attribute>& attrs, uint16_t type) {
    for (const Attribute& a : attrs)
        if (a.type == type) return &a;
    return nullptr;
}

std::optional<uint64_t> Transform::get(uint16_t type) const {
    const Attribute* a = find(type);
    if (!a) return std::nullopt;
    return a->as_uint();
}

CodecResult<std::vector<Attribute>> parse_attributes(ByteView data, NotifyType malformed) {
    std::vector<Attribute> out;
    wire::Reader r(data);
    while (!r.empty()) {
        const std::size_t at = r.position();
        uint16_t type_af, len_or_value;
        if (!r.u16(type_af) || !r.u16(len_or_value))
            return CodecError{malformed, "attribute at offset " + std::to_string(at) +
                                             ": truncated (" + std::to_string(data.size() - at) +
                                             " bytes left, 4 needed)"};
        Attribute a;
        a.type = uint16_t(type_af & ~kAttrFormatBit);
        a.tv = (type_af & kAttrFormatBit) != 0;
        if (a.tv) {
            a.value = {uint8_t(len_or_value >> 8), uint8_t(len_or_value)};
        } else if (!r.copy(len_or_value, a.value)) {
            return CodecError{malformed, "attribute " + std::to_string(a.type) + " at offset " +
                                             std::to_string(at) + ": TLV length " +
                                             std::to_string(len_or_value) + " exceeds the " +
                                             std::to_string(r.remaining()) + " bytes left"};
        }
        out.push_back(std::move(a));
    }
    return out;
}

Status encode_attributes(const std::vector<Attribute>& attrs, wire::Writer& w) {
    for (const Attribute& a : attrs) {
        if (a.type & kAttrFormatBit)
            return Error{Errc::invalid_argument,
                         "attribute type " + std::to_string(a.type) + " exceeds 15 bits"};
        if (a.tv) {
            if (a.value.size() != 2)
                return Error{Errc::invalid_argument, "TV attribute " + std::to_string(a.type) +
                                                         " needs a 2-octet value, has " +
                                                         std::to_string(a.value.size())};
            w.u16(uint16_t(a.type | kAttrFormatBit));
            w.bytes(a.value);
        } else {
            if (a.value.size() > 0xFFFF)
                return Error{Errc::invalid_argument, "TLV attribute " + std::to_string(a.type) +
                                                         " value over 65535 octets"};
            w.u16(a.type);
            w.u16(uint16_t(a.value.size()));
            w.bytes(a.value);
        }
    }
    return {};
}

Result<Bytes> encode_attributes(const std::vector<Attribute>& attrs) {
    wire::Writer w;
    IKEOFF_TRY(encode_attributes(attrs, w));
    return std::move(w).take();
}

}  // namespace ikeoff::isakmp
