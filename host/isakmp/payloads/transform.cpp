// Transform substructure (RFC 2408 §3.6), only found inside a Proposal.
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Transform #  !  Transform-Id !           RESERVED2           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                        SA Attributes                          ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Whether an ID or attribute is *supported* is a policy question for the
// proposal selector (NO-PROPOSAL-CHOSEN / ATTRIBUTES-NOT-SUPPORTED); the
// codec checks syntax only: attributes must tile the body exactly.
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

constexpr FieldRule<Transform> kRules[] = {
    {.kind = Field::u8, .name = "Transform #", .integer = int_ref<&Transform::number>()},
    {.kind = Field::u8, .name = "Transform-Id", .integer = int_ref<&Transform::id>()},
    {.kind = Field::reserved16, .name = "RESERVED2"},
    {.kind = Field::attributes, .name = "SA Attributes", .attrs = &Transform::attributes},
};
static_assert(well_formed(kRules));

}  // namespace

template <>
const PayloadSpec<Transform>& spec_of<Transform>() {
    static constexpr PayloadSpec<Transform> spec{"Transform", kRules, nullptr,
                                                  NotifyType::bad_proposal_syntax};
    return spec;
}

}  // namespace ikeoff::isakmp
