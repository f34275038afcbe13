// KE payload (RFC 2408 §3.7).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Key Exchange Data                      ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 2408 §5.7: key exchange data the implementation cannot use ->
// INVALID-KEY-INFORMATION. Its exact size depends on the negotiated group
// (RFC 2409 §5 / RFC 5903 §7), which only the exchange knows; the codec
// rejects the one size no group has: zero. In RFC 2409 §5.3 revised
// public-key mode the body is symmetric ciphertext (see OpaquePayload).
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

constexpr FieldRule<KePayload> kRules[] = {
    {.kind = Field::chunk, .name = "Key Exchange Data", .bytes = &KePayload::data},
};
static_assert(well_formed(kRules));

CodecStatus verify(const KePayload& p) {
    ISAKMP_ENSURE(!p.data.empty(), NotifyType::invalid_key_information, "empty key exchange data");
    return {};
}

}  // namespace

template <>
const PayloadSpec<KePayload>& spec_of<KePayload>() {
    static constexpr PayloadSpec<KePayload> spec{"KE", kRules, verify, NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
