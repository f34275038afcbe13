// HASH payload (RFC 2408 §3.11).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Hash Data                              ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 2408 §5.11: an invalid hash -> INVALID-HASH-INFORMATION. Whether the
// value is right (and its length matches the PRF) is the exchange's check.
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

constexpr FieldRule<HashPayload> kRules[] = {
    {.kind = Field::chunk, .name = "Hash Data", .bytes = &HashPayload::data},
};
static_assert(well_formed(kRules));

CodecStatus verify(const HashPayload& p) {
    ISAKMP_ENSURE(!p.data.empty(), NotifyType::invalid_hash_information, "empty hash data");
    return {};
}

}  // namespace

template <>
const PayloadSpec<HashPayload>& spec_of<HashPayload>() {
    static constexpr PayloadSpec<HashPayload> spec{"HASH", kRules, verify, NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
