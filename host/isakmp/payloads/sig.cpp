// SIG payload (RFC 2408 §3.12).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Signature Data                         ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 2408 §5.12: an invalid signature -> INVALID-SIGNATURE. The codec only
// refuses an empty one; verification belongs to the exchange.
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

constexpr FieldRule<SigPayload> kRules[] = {
    {.kind = Field::chunk, .name = "Signature Data", .bytes = &SigPayload::data},
};
static_assert(well_formed(kRules));

CodecStatus verify(const SigPayload& p) {
    ISAKMP_ENSURE(!p.data.empty(), NotifyType::invalid_signature, "empty signature data");
    return {};
}

}  // namespace

template <>
const PayloadSpec<SigPayload>& spec_of<SigPayload>() {
    static constexpr PayloadSpec<SigPayload> spec{"SIG", kRules, verify, NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
