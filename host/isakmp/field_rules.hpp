// Field-rule tables: how a payload body is laid out on the wire, as data.
//
// In the spirit of strongSwan's encoding rules, each payload (payloads/*.cpp)
// describes its body as a constexpr array of FieldRule, with the RFC diagram
// above it and a verify() for the semantic checks. One generic parser and one
// generic generator (field_codec.hpp) interpret every table, so there is
// exactly one place where lengths, counts and nesting are bounds-checked.
//
// Tables describe the body only: the generic payload header (next payload,
// reserved, payload length; RFC 2408 §3.2) is the same for every payload,
// proposal and transform, and is handled once by the chain code.
//
// Field kinds and the slot each one uses:
//   u8/u16/u32     integer       an integer member (enums included), via int_ref<&T::m>()
//                                optional `check` runs right after reading (RFC 2408
//                                §5 orders its checks field by field)
//   reserved8/16   -             written as zero, ignored when read
//   spi_size       bytes | list  u8 size of the SPI(s) that follow, derived on generate
//   spi            bytes         `spi_size` octets
//   count8/count16 transforms | list   number of following transforms / SPIs
//   transforms     transforms    `count` Transform substructures (type 3)
//   proposals      proposals     Proposal substructures (type 2) to the end of the body
//   spis           list          `count` SPIs of `spi_size` octets each
//   attributes     attrs         data attributes to the end of the body
//   chunk          bytes         the rest of the body
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "host/isakmp/error.hpp"
#include "host/isakmp/payloads.hpp"

namespace ikeoff::isakmp {

enum class Field : uint8_t {
    u8, u16, u32,
    reserved8, reserved16,
    spi_size, spi,
    count8, count16,
    transforms, proposals, spis, attributes, chunk,
};

// Integer access through two plain functions, so enum-typed members
// (ProtocolId, Doi, ...) and integer members look alike to the codec.
template <typename T>
struct IntRef {
    uint32_t (*get)(const T&) = nullptr;
    void (*set)(T&, uint32_t) = nullptr;
    // Set by int_ref(). well_formed() tests this flag rather than the
    // pointers: GCC cannot compare a lambda's function pointer with null in
    // a constant expression once sanitizers are on.
    bool bound = false;
};

namespace detail {
template <typename C, typename M>
C class_of(M C::*);
}  // namespace detail

template <auto Member>
constexpr auto int_ref() {
    using C = decltype(detail::class_of(Member));
    using M = std::remove_cvref_t<decltype(std::declval<C&>().*Member)>;
    return IntRef<C>{
        [](const C& o) -> uint32_t { return static_cast<uint32_t>(o.*Member); },
        [](C& o, uint32_t v) { o.*Member = static_cast<M>(v); },
        true,
    };
}

template <typename T>
struct FieldRule {
    Field kind;
    const char* name;  // as in the RFC diagram, for error messages
    IntRef<T> integer{};
    CodecStatus (*check)(uint32_t value) = nullptr;
    Bytes T::*bytes = nullptr;
    std::vector<Bytes> T::*list = nullptr;
    std::vector<Attribute> T::*attrs = nullptr;
    std::vector<Proposal> T::*proposals = nullptr;
    std::vector<Transform> T::*transforms = nullptr;
};

template <typename T>
struct PayloadSpec {
    const char* name;
    std::span<const FieldRule<T>> rules;
    // Semantic checks after a successful parse (and before generating).
    CodecStatus (*verify)(const T&) = nullptr;
    // What a truncated or inconsistent body maps to: PAYLOAD-MALFORMED for
    // payloads, BAD-PROPOSAL-SYNTAX inside an SA (RFC 2408 §5.5/§5.6).
    NotifyType malformed = NotifyType::payload_malformed;
};

// Compile-time sanity of a table: every rule has the slot its kind needs,
// SPIs follow their size, counted items follow their count, and the
// "to the end" kinds come last. Each payload static_asserts this.
template <typename T, std::size_t N>
constexpr bool well_formed(const FieldRule<T> (&rules)[N]) {
    bool have_spi_size = false, have_count = false;
    for (std::size_t i = 0; i < N; ++i) {
        const FieldRule<T>& r = rules[i];
        if (!r.name) return false;
        bool last = i + 1 == N;
        switch (r.kind) {
            case Field::u8: case Field::u16: case Field::u32:
                if (!r.integer.bound) return false;
                break;
            case Field::reserved8: case Field::reserved16:
                break;
            case Field::spi_size:
                if (!r.bytes && !r.list) return false;
                have_spi_size = true;
                break;
            case Field::spi:
                if (!r.bytes || !have_spi_size) return false;
                break;
            case Field::count8: case Field::count16:
                if (!r.transforms && !r.list) return false;
                have_count = true;
                break;
            case Field::transforms:
                if (!r.transforms || !have_count || !last) return false;
                break;
            case Field::spis:
                if (!r.list || !have_count || !have_spi_size || !last) return false;
                break;
            case Field::proposals:
                if (!r.proposals || !last) return false;
                break;
            case Field::attributes:
                if (!r.attrs || !last) return false;
                break;
            case Field::chunk:
                if (!r.bytes || !last) return false;
                break;
        }
    }
    return true;
}

// Each payload file defines the specialization for its struct.
template <typename T>
const PayloadSpec<T>& spec_of();

template <> const PayloadSpec<SaPayload>& spec_of<SaPayload>();
template <> const PayloadSpec<Proposal>& spec_of<Proposal>();
template <> const PayloadSpec<Transform>& spec_of<Transform>();
template <> const PayloadSpec<KePayload>& spec_of<KePayload>();
template <> const PayloadSpec<IdPayload>& spec_of<IdPayload>();
template <> const PayloadSpec<CertPayload>& spec_of<CertPayload>();
template <> const PayloadSpec<CertRequestPayload>& spec_of<CertRequestPayload>();
template <> const PayloadSpec<HashPayload>& spec_of<HashPayload>();
template <> const PayloadSpec<SigPayload>& spec_of<SigPayload>();
template <> const PayloadSpec<NoncePayload>& spec_of<NoncePayload>();
template <> const PayloadSpec<NotifyPayload>& spec_of<NotifyPayload>();
template <> const PayloadSpec<DeletePayload>& spec_of<DeletePayload>();
template <> const PayloadSpec<VendorIdPayload>& spec_of<VendorIdPayload>();
template <> const PayloadSpec<NatDPayload>& spec_of<NatDPayload>();
template <> const PayloadSpec<NatOaPayload>& spec_of<NatOaPayload>();
template <> const PayloadSpec<OpaquePayload>& spec_of<OpaquePayload>();

}  // namespace ikeoff::isakmp
