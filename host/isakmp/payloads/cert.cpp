// Certificate payload (RFC 2408 §3.9).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Cert Encoding !                                               !
// +-+-+-+-+-+-+-+-+                                               !
// ~                       Certificate Data                        ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 2408 §5.9: an encoding outside the defined values ->
// INVALID-CERT-ENCODING; certificate data that cannot be processed ->
// INVALID-CERTIFICATE (here: none at all; X.509 parsing is the
// authenticator's job). A known encoding this host does not use is
// CERT-TYPE-UNSUPPORTED, a policy decision left to the exchange.
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

CodecStatus check_encoding(uint32_t e) {
    ISAKMP_ENSURE(e >= uint8_t(CertEncoding::pkcs7) && e <= uint8_t(CertEncoding::x509_attribute),
                  NotifyType::invalid_cert_encoding, "certificate encoding " + std::to_string(e));
    return {};
}

constexpr FieldRule<CertPayload> kRules[] = {
    {.kind = Field::u8, .name = "Cert Encoding", .integer = int_ref<&CertPayload::encoding>(),
     .check = check_encoding},
    {.kind = Field::chunk, .name = "Certificate Data", .bytes = &CertPayload::data},
};
static_assert(well_formed(kRules));

CodecStatus verify(const CertPayload& p) {
    IKEOFF_TRY(check_encoding(uint8_t(p.encoding)));
    ISAKMP_ENSURE(!p.data.empty(), NotifyType::invalid_certificate, "empty certificate data");
    return {};
}

}  // namespace

template <>
const PayloadSpec<CertPayload>& spec_of<CertPayload>() {
    static constexpr PayloadSpec<CertPayload> spec{"CERT", kRules, verify,
                                                    NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
