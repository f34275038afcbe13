// Security Association payload (RFC 2408 §3.4, IPsec DOI RFC 2407 §4.6.1).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !              Domain of Interpretation  (IPsec DOI)            !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                       Situation (bitmap)                      !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                 Proposal payloads (§3.5) ...                  ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 2408 §5.4: "Determine if the Domain of Interpretation (DOI) is
// supported" (else DOI-NOT-SUPPORTED), "Determine if the given situation can
// be protected" (else SITUATION-NOT-SUPPORTED). Only SIT_IDENTITY_ONLY is
// supported: SIT_SECRECY/SIT_INTEGRITY add labelled-domain fields (RFC 2407
// §4.6.1) that no IKEv1 peer in use sends.
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

CodecStatus check_doi(uint32_t doi) {
    ISAKMP_ENSURE(doi == uint32_t(Doi::ipsec), NotifyType::doi_not_supported,
                  "SA DOI " + std::to_string(doi) + " (only the IPsec DOI, 1, is supported)");
    return {};
}

CodecStatus check_situation(uint32_t sit) {
    ISAKMP_ENSURE(sit == kSitIdentityOnly, NotifyType::situation_not_supported,
                  "situation " + std::to_string(sit) + " (only SIT_IDENTITY_ONLY is supported)");
    return {};
}

constexpr FieldRule<SaPayload> kRules[] = {
    {.kind = Field::u32, .name = "Domain of Interpretation",
     .integer = int_ref<&SaPayload::doi>(), .check = check_doi},
    {.kind = Field::u32, .name = "Situation",
     .integer = int_ref<&SaPayload::situation>(), .check = check_situation},
    {.kind = Field::proposals, .name = "Proposals", .proposals = &SaPayload::proposals},
};
static_assert(well_formed(kRules));

// RFC 2408 §4.2: "the Proposal # ... MUST monotonically increase" across the
// proposals of one SA (equal numbers form an AND-ed bundle such as AH+ESP).
CodecStatus verify(const SaPayload& sa) {
    ISAKMP_ENSURE(!sa.proposals.empty(), NotifyType::bad_proposal_syntax, "SA without proposals");
    for (std::size_t i = 1; i < sa.proposals.size(); ++i)
        ISAKMP_ENSURE(sa.proposals[i].number >= sa.proposals[i - 1].number,
                      NotifyType::bad_proposal_syntax,
                      "proposal numbers decrease (" +
                          std::to_string(sa.proposals[i - 1].number) + " then " +
                          std::to_string(sa.proposals[i].number) + ")");
    return {};
}

}  // namespace

template <>
const PayloadSpec<SaPayload>& spec_of<SaPayload>() {
    static constexpr PayloadSpec<SaPayload> spec{"SA", kRules, verify,
                                                  NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
