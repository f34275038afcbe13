// The generic parser and generator that interpret field-rule tables
// (field_rules.hpp). Internal to host/isakmp; exchange code uses codec.hpp.
//
// Parsing never reads outside the body it was given (every access goes
// through wire::Reader) and changes nothing but its output. A truncated or
// inconsistent body maps to the spec's `malformed` notify; integer checks
// and verify() supply the specific notifies (INVALID-SPI, ...).
#pragma once

#include <string>

#include "host/isakmp/codec.hpp"
#include "host/isakmp/field_rules.hpp"
#include "host/isakmp/header.hpp"
#include "host/wire/reader.hpp"
#include "host/wire/writer.hpp"

namespace ikeoff::isakmp::detail {

// Values one field leaves for a later one (SPI size before SPI, counts).
struct FieldCtx {
    uint8_t spi_size = 0;
    uint16_t count = 0;
};

inline CodecError short_field(const char* payload, const char* field, NotifyType n,
                              const wire::Reader& r) {
    return CodecError{n, std::string(payload) + ": '" + field + "' truncated at body offset " +
                             std::to_string(r.position()) + " (" +
                             std::to_string(r.remaining()) + " bytes left)"};
}

template <typename Sub>
CodecStatus parse_nested(wire::Reader& r, PayloadType sub_type, bool counted, uint16_t count,
                         std::vector<Sub>& out);
template <typename Sub>
Status generate_nested(const std::vector<Sub>& items, PayloadType sub_type, wire::Writer& w);

template <typename T>
CodecStatus parse_fields(const PayloadSpec<T>& spec, wire::Reader& r, T& out) {
    FieldCtx ctx;
    const NotifyType bad = spec.malformed;
    for (const FieldRule<T>& rule : spec.rules) {
        switch (rule.kind) {
            case Field::u8: {
                uint8_t v;
                if (!r.u8(v)) return short_field(spec.name, rule.name, bad, r);
                if (rule.check) IKEOFF_TRY(rule.check(v));
                rule.integer.set(out, v);
                break;
            }
            case Field::u16: {
                uint16_t v;
                if (!r.u16(v)) return short_field(spec.name, rule.name, bad, r);
                if (rule.check) IKEOFF_TRY(rule.check(v));
                rule.integer.set(out, v);
                break;
            }
            case Field::u32: {
                uint32_t v;
                if (!r.u32(v)) return short_field(spec.name, rule.name, bad, r);
                if (rule.check) IKEOFF_TRY(rule.check(v));
                rule.integer.set(out, v);
                break;
            }
            case Field::reserved8:
                if (!r.skip(1)) return short_field(spec.name, rule.name, bad, r);
                break;
            case Field::reserved16:
                if (!r.skip(2)) return short_field(spec.name, rule.name, bad, r);
                break;
            case Field::spi_size:
                if (!r.u8(ctx.spi_size)) return short_field(spec.name, rule.name, bad, r);
                break;
            case Field::spi:
                if (!r.copy(ctx.spi_size, out.*rule.bytes))
                    return short_field(spec.name, rule.name, bad, r);
                break;
            case Field::count8: {
                uint8_t v;
                if (!r.u8(v)) return short_field(spec.name, rule.name, bad, r);
                ctx.count = v;
                break;
            }
            case Field::count16:
                if (!r.u16(ctx.count)) return short_field(spec.name, rule.name, bad, r);
                break;
            case Field::transforms:
                IKEOFF_TRY(parse_nested(r, PayloadType::transform, true, ctx.count,
                                        out.*rule.transforms));
                break;
            case Field::proposals:
                IKEOFF_TRY(parse_nested(r, PayloadType::proposal, false, 0,
                                        out.*rule.proposals));
                break;
            case Field::spis: {
                // RFC 2408 §3.15: "# of SPIs" SPIs of "SPI Size" octets each,
                // and nothing else: the payload length must agree exactly.
                std::size_t need = std::size_t(ctx.count) * ctx.spi_size;
                if (need != r.remaining())
                    return CodecError{bad, std::string(spec.name) + ": " +
                                               std::to_string(ctx.count) + " SPIs of " +
                                               std::to_string(ctx.spi_size) + " octets need " +
                                               std::to_string(need) + " bytes, body has " +
                                               std::to_string(r.remaining())};
                auto& list = out.*rule.list;
                list.clear();
                for (uint16_t i = 0; i < ctx.count; ++i) {
                    Bytes spi;
                    if (!r.copy(ctx.spi_size, spi)) return short_field(spec.name, rule.name, bad, r);
                    list.push_back(std::move(spi));
                }
                break;
            }
            case Field::attributes: {
                IKEOFF_ASSIGN(out.*rule.attrs, parse_attributes(r.take_rest(), bad));
                break;
            }
            case Field::chunk: {
                ByteView rest = r.take_rest();
                (out.*rule.bytes).assign(rest.begin(), rest.end());
                break;
            }
        }
    }
    if (!r.empty())
        return CodecError{bad, std::string(spec.name) + ": " + std::to_string(r.remaining()) +
                                   " unexpected bytes after the last field"};
    return {};
}

template <typename T>
CodecResult<T> parse_struct(const PayloadSpec<T>& spec, ByteView body) {
    wire::Reader r(body);
    T out{};
    IKEOFF_TRY(parse_fields(spec, r, out));
    if (spec.verify) IKEOFF_TRY(spec.verify(out));
    return out;
}

inline Error too_big(const char* payload, const char* field, uint64_t value) {
    return Error{Errc::invalid_argument, std::string("generate ") + payload + ": '" + field +
                                             "' value " + std::to_string(value) +
                                             " does not fit its wire field"};
}

template <typename T>
Status generate_fields(const PayloadSpec<T>& spec, const T& in, wire::Writer& w) {
    if (spec.verify) {
        auto v = spec.verify(in);
        if (!v.ok())
            return Error{Errc::invalid_argument,
                         std::string("generate ") + spec.name + ": " + v.error().to_string()};
    }
    // SPI size and counts are written before the data they describe; both
    // come from the containers, so they cannot disagree with what follows.
    for (const FieldRule<T>& rule : spec.rules) {
        switch (rule.kind) {
            case Field::u8:
            case Field::u16:
            case Field::u32: {
                uint32_t v = rule.integer.get(in);
                std::size_t width = rule.kind == Field::u8 ? 1 : rule.kind == Field::u16 ? 2 : 4;
                if (!w.uint_be(width, v)) return too_big(spec.name, rule.name, v);
                break;
            }
            case Field::reserved8: w.zeros(1); break;
            case Field::reserved16: w.zeros(2); break;
            case Field::spi_size: {
                std::size_t size = 0;
                if (rule.bytes) {
                    size = (in.*rule.bytes).size();
                } else {
                    const auto& list = in.*rule.list;
                    if (!list.empty()) size = list.front().size();
                    for (const Bytes& s : list)
                        if (s.size() != size)
                            return Error{Errc::invalid_argument,
                                         std::string("generate ") + spec.name +
                                             ": SPIs of different sizes"};
                }
                if (size > 0xFF) return too_big(spec.name, rule.name, size);
                w.u8(uint8_t(size));
                break;
            }
            case Field::spi: w.bytes(in.*rule.bytes); break;
            case Field::count8:
            case Field::count16: {
                std::size_t n = rule.transforms ? (in.*rule.transforms).size() : (in.*rule.list).size();
                if (!w.uint_be(rule.kind == Field::count8 ? 1 : 2, n))
                    return too_big(spec.name, rule.name, n);
                break;
            }
            case Field::transforms:
                IKEOFF_TRY(generate_nested(in.*rule.transforms, PayloadType::transform, w));
                break;
            case Field::proposals:
                IKEOFF_TRY(generate_nested(in.*rule.proposals, PayloadType::proposal, w));
                break;
            case Field::spis:
                for (const Bytes& s : in.*rule.list) w.bytes(s);
                break;
            case Field::attributes:
                IKEOFF_TRY(encode_attributes(in.*rule.attrs, w));
                break;
            case Field::chunk: w.bytes(in.*rule.bytes); break;
        }
    }
    return {};
}

// Writes a generic payload header (RFC 2408 §3.2) and returns the mark of
// its length field; close_generic() patches it once the body is written.
inline wire::Writer::Mark open_generic(wire::Writer& w, PayloadType next) {
    w.u8(uint8_t(next));
    w.u8(0);
    return w.reserve_u16();
}

inline Status close_generic(wire::Writer& w, wire::Writer::Mark len, const char* what) {
    std::size_t start = len.offset - 2;
    if (!w.patch_length(len, start))
        return Error{Errc::invalid_argument, std::string("generate ") + what + ": " +
                                                 std::to_string(w.size() - start) +
                                                 " bytes exceed the 65535-octet payload length"};
    return {};
}

// Proposals (to the end of the SA body) or `count` transforms (filling the
// proposal body exactly). RFC 2408 §3.5/§3.6: every substructure has a
// generic header whose Next Payload is the substructure type while more
// follow and 0 on the last one; the nested lengths must add up exactly.
template <typename Sub>
CodecStatus parse_nested(wire::Reader& r, PayloadType sub_type, bool counted, uint16_t count,
                         std::vector<Sub>& out) {
    const PayloadSpec<Sub>& spec = spec_of<Sub>();
    const NotifyType bad = NotifyType::bad_proposal_syntax;
    out.clear();
    if (counted && count == 0)
        return CodecError{bad, std::string(spec.name) + ": count is 0"};
    for (std::size_t i = 0;; ++i) {
        const std::string where = std::string(spec.name) + " #" + std::to_string(i + 1);
        uint8_t next, reserved;
        uint16_t length;
        if (!r.u8(next) || !r.u8(reserved) || !r.u16(length))
            return CodecError{bad, where + ": truncated generic header"};
        if (length < kGenericHeaderSize || length - kGenericHeaderSize > r.remaining())
            return CodecError{bad, where + ": length " + std::to_string(length) +
                                       " inconsistent with the " +
                                       std::to_string(r.remaining() + kGenericHeaderSize) +
                                       " bytes left in the enclosing payload"};
        wire::Reader body;
        if (!r.sub(length - kGenericHeaderSize, body)) return CodecError{bad, where + ": truncated"};
        Sub item{};
        auto parsed = parse_fields(spec, body, item);
        if (!parsed.ok()) {
            CodecError e = std::move(parsed).error();
            e.message = where + ": " + e.message;
            return e;
        }
        if (spec.verify) {
            auto v = spec.verify(item);
            if (!v.ok()) {
                CodecError e = std::move(v).error();
                e.message = where + ": " + e.message;
                return e;
            }
        }
        out.push_back(std::move(item));
        bool more = counted ? out.size() < count : !r.empty();
        if (next != (more ? uint8_t(sub_type) : 0))
            return CodecError{bad, where + ": next payload " + std::to_string(next) +
                                       (more ? " but more follow" : " on the last one")};
        if (!more) break;
    }
    if (!r.empty())
        return CodecError{bad, std::string(spec.name) + "s: " + std::to_string(r.remaining()) +
                                   " bytes after the last one"};
    return {};
}

template <typename Sub>
Status generate_nested(const std::vector<Sub>& items, PayloadType sub_type, wire::Writer& w) {
    const PayloadSpec<Sub>& spec = spec_of<Sub>();
    for (std::size_t i = 0; i < items.size(); ++i) {
        bool last = i + 1 == items.size();
        auto len = open_generic(w, last ? PayloadType::none : sub_type);
        IKEOFF_TRY(generate_fields(spec, items[i], w));
        IKEOFF_TRY(close_generic(w, len, spec.name));
    }
    return {};
}

}  // namespace ikeoff::isakmp::detail
