// Nonce payload (RFC 2408 §3.13).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Nonce Data                             ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// In RFC 2409 §5.2/§5.3 public-key modes the nonce body is RSA ciphertext
// and is kept as OpaquePayload, so this length rule applies to plaintext.
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

constexpr FieldRule<NoncePayload> kRules[] = {
    {.kind = Field::chunk, .name = "Nonce Data", .bytes = &NoncePayload::data},
};
static_assert(well_formed(kRules));

CodecStatus verify(const NoncePayload& p) {
    // RFC 2409 §5: "The length of nonce payload MUST be between 8 and 256
    // bytes inclusive."
    ISAKMP_ENSURE(p.data.size() >= 8 && p.data.size() <= 256, NotifyType::payload_malformed,
                  "nonce of " + std::to_string(p.data.size()) + " bytes (RFC 2409 §5: 8..256)");
    return {};
}

}  // namespace

template <>
const PayloadSpec<NoncePayload>& spec_of<NoncePayload>() {
    static constexpr PayloadSpec<NoncePayload> spec{"Nonce", kRules, verify, NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
