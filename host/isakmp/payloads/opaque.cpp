// A payload body kept as ciphertext (RFC 2409 §5.2 "<IDii_b>PubKey_r",
// "<Ni_b>PubKey_r"; §5.3 "<KE_b>Ke_i", "<IDii_b>Ke_i", "<Cert-I_b>Ke_i").
//
// The generic header stays in the clear; only the body is encrypted, so the
// chain can be walked and the body decrypted and parsed later with
// parse_payload_body(type, plaintext).
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

constexpr FieldRule<OpaquePayload> kRules[] = {
    {.kind = Field::chunk, .name = "Encrypted Body", .bytes = &OpaquePayload::data},
};
static_assert(well_formed(kRules));

CodecStatus verify(const OpaquePayload& p) {
    ISAKMP_ENSURE(!p.data.empty(), NotifyType::payload_malformed, "empty encrypted body");
    return {};
}

}  // namespace

template <>
const PayloadSpec<OpaquePayload>& spec_of<OpaquePayload>() {
    static constexpr PayloadSpec<OpaquePayload> spec{"Encrypted", kRules, verify,
                                                      NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
