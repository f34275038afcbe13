// Certificate Request payload (RFC 2408 §3.10).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Cert. Type   !                                               !
// +-+-+-+-+-+-+-+-+                                               !
// ~                    Certificate Authority                      ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 2408 §5.10: an undefined type -> INVALID-CERT-ENCODING. The
// authority (a DER distinguished name for X.509) may be empty, meaning any.
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

CodecStatus check_type(uint32_t e) {
    ISAKMP_ENSURE(e >= uint8_t(CertEncoding::pkcs7) && e <= uint8_t(CertEncoding::x509_attribute),
                  NotifyType::invalid_cert_encoding, "certificate type " + std::to_string(e));
    return {};
}

constexpr FieldRule<CertRequestPayload> kRules[] = {
    {.kind = Field::u8, .name = "Cert. Type", .integer = int_ref<&CertRequestPayload::type>(),
     .check = check_type},
    {.kind = Field::chunk, .name = "Certificate Authority",
     .bytes = &CertRequestPayload::authority},
};
static_assert(well_formed(kRules));

CodecStatus verify(const CertRequestPayload& p) { return check_type(uint8_t(p.type)); }

}  // namespace

template <>
const PayloadSpec<CertRequestPayload>& spec_of<CertRequestPayload>() {
    static constexpr PayloadSpec<CertRequestPayload> spec{"CERTREQ", kRules, verify,
                                                           NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
