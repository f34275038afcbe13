// NAT-D payload (RFC 3947 §3.2; type 20, drafts 130).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       HASH of the address and port           ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 3947 §3.2: HASH = HASH(CKY-I | CKY-R | IP | Port) with the negotiated
// hash, so its length is checked by the NAT-T code, which knows the hash.
// natt.hpp builds the hash input.
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

constexpr FieldRule<NatDPayload> kRules[] = {
    {.kind = Field::chunk, .name = "HASH of the address and port", .bytes = &NatDPayload::hash},
};
static_assert(well_formed(kRules));

CodecStatus verify(const NatDPayload& p) {
    ISAKMP_ENSURE(!p.hash.empty(), NotifyType::payload_malformed, "empty NAT-D hash");
    return {};
}

}  // namespace

template <>
const PayloadSpec<NatDPayload>& spec_of<NatDPayload>() {
    static constexpr PayloadSpec<NatDPayload> spec{"NAT-D", kRules, verify, NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
