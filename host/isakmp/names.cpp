// Names for the numbers in constants.hpp and attributes.hpp, as the RFCs
// spell them, for logs and test diagnostics.
#include <ostream>
#include <string>

#include "host/isakmp/attributes.hpp"
#include "host/isakmp/constants.hpp"

namespace ikeoff::isakmp {
namespace {

std::string num(uint64_t v) { return "<" + std::to_string(v) + ">"; }

const char* exchange_name(ExchangeType t) {
    switch (t) {
        case ExchangeType::none: return "NONE";
        case ExchangeType::base: return "BASE";
        case ExchangeType::identity_protection: return "ID_PROT";
        case ExchangeType::authentication_only: return "AUTH_ONLY";
        case ExchangeType::aggressive: return "AGGRESSIVE";
        case ExchangeType::informational: return "INFORMATIONAL";
        case ExchangeType::transaction: return "TRANSACTION";
        case ExchangeType::quick: return "QUICK_MODE";
        case ExchangeType::new_group: return "NEW_GROUP";
    }
    return nullptr;
}

const char* payload_name(PayloadType t) {
    switch (t) {
        case PayloadType::none: return "NONE";
        case PayloadType::sa: return "SA";
        case PayloadType::proposal: return "PROPOSAL";
        case PayloadType::transform: return "TRANSFORM";
        case PayloadType::ke: return "KEY_EXCHANGE";
        case PayloadType::id: return "ID";
        case PayloadType::cert: return "CERTIFICATE";
        case PayloadType::cert_request: return "CERTIFICATE_REQUEST";
        case PayloadType::hash: return "HASH";
        case PayloadType::sig: return "SIGNATURE";
        case PayloadType::nonce: return "NONCE";
        case PayloadType::notify: return "NOTIFICATION";
        case PayloadType::delete_: return "DELETE";
        case PayloadType::vendor_id: return "VENDOR_ID";
        case PayloadType::attributes: return "ATTRIBUTES";
        case PayloadType::nat_d: return "NAT_D";
        case PayloadType::nat_oa: return "NAT_OA";
        case PayloadType::nat_d_draft: return "NAT_D_DRAFT";
        case PayloadType::nat_oa_draft: return "NAT_OA_DRAFT";
        case PayloadType::fragment: return "FRAGMENT";
    }
    return nullptr;
}

const char* notify_error_name(uint16_t t) {
    static const char* const kErrors[] = {
        nullptr, "INVALID-PAYLOAD-TYPE", "DOI-NOT-SUPPORTED", "SITUATION-NOT-SUPPORTED",
        "INVALID-COOKIE", "INVALID-MAJOR-VERSION", "INVALID-MINOR-VERSION",
        "INVALID-EXCHANGE-TYPE", "INVALID-FLAGS", "INVALID-MESSAGE-ID", "INVALID-PROTOCOL-ID",
        "INVALID-SPI", "INVALID-TRANSFORM-ID", "ATTRIBUTES-NOT-SUPPORTED", "NO-PROPOSAL-CHOSEN",
        "BAD-PROPOSAL-SYNTAX", "PAYLOAD-MALFORMED", "INVALID-KEY-INFORMATION",
        "INVALID-ID-INFORMATION", "INVALID-CERT-ENCODING", "INVALID-CERTIFICATE",
        "CERT-TYPE-UNSUPPORTED", "INVALID-CERT-AUTHORITY", "INVALID-HASH-INFORMATION",
        "AUTHENTICATION-FAILED", "INVALID-SIGNATURE", "ADDRESS-NOTIFICATION",
        "NOTIFY-SA-LIFETIME", "CERTIFICATE-UNAVAILABLE", "UNSUPPORTED-EXCHANGE-TYPE",
        "UNEQUAL-PAYLOAD-LENGTHS",
    };
    if (t < sizeof(kErrors) / sizeof(kErrors[0])) return kErrors[t];
    return nullptr;
}

}  // namespace

std::string to_string(ExchangeType t) {
    const char* n = exchange_name(t);
    return n ? n : num(uint8_t(t));
}

std::string to_string(PayloadType t) {
    const char* n = payload_name(t);
    return n ? n : num(uint8_t(t));
}

std::string to_string(NotifyType t) {
    uint16_t v = uint16_t(t);
    if (v == 0) return "NONE";
    if (const char* n = notify_error_name(v)) return n;
    switch (t) {
        case NotifyType::connected: return "CONNECTED";
        case NotifyType::responder_lifetime: return "RESPONDER-LIFETIME";
        case NotifyType::replay_status: return "REPLAY-STATUS";
        case NotifyType::initial_contact: return "INITIAL-CONTACT";
        case NotifyType::dpd_r_u_there: return "R-U-THERE";
        case NotifyType::dpd_r_u_there_ack: return "R-U-THERE-ACK";
        default: return num(v);
    }
}

std::string to_string(ProtocolId p) {
    switch (p) {
        case ProtocolId::none: return "NONE";
        case ProtocolId::isakmp: return "ISAKMP";
        case ProtocolId::ah: return "AH";
        case ProtocolId::esp: return "ESP";
        case ProtocolId::ipcomp: return "IPCOMP";
    }
    return num(uint8_t(p));
}

std::string to_string(IdType t) {
    switch (t) {
        case IdType::reserved: return "RESERVED";
        case IdType::ipv4_addr: return "ID_IPV4_ADDR";
        case IdType::fqdn: return "ID_FQDN";
        case IdType::user_fqdn: return "ID_USER_FQDN";
        case IdType::ipv4_addr_subnet: return "ID_IPV4_ADDR_SUBNET";
        case IdType::ipv6_addr: return "ID_IPV6_ADDR";
        case IdType::ipv6_addr_subnet: return "ID_IPV6_ADDR_SUBNET";
        case IdType::ipv4_addr_range: return "ID_IPV4_ADDR_RANGE";
        case IdType::ipv6_addr_range: return "ID_IPV6_ADDR_RANGE";
        case IdType::der_asn1_dn: return "ID_DER_ASN1_DN";
        case IdType::der_asn1_gn: return "ID_DER_ASN1_GN";
        case IdType::key_id: return "ID_KEY_ID";
    }
    return num(uint8_t(t));
}

std::string to_string(CertEncoding e) {
    switch (e) {
        case CertEncoding::none: return "NONE";
        case CertEncoding::pkcs7: return "PKCS7";
        case CertEncoding::pgp: return "PGP";
        case CertEncoding::dns_signed_key: return "DNS_SIGNED_KEY";
        case CertEncoding::x509_signature: return "X509_SIGNATURE";
        case CertEncoding::x509_key_exchange: return "X509_KEY_EXCHANGE";
        case CertEncoding::kerberos: return "KERBEROS";
        case CertEncoding::crl: return "CRL";
        case CertEncoding::arl: return "ARL";
        case CertEncoding::spki: return "SPKI";
        case CertEncoding::x509_attribute: return "X509_ATTRIBUTE";
    }
    return num(uint8_t(e));
}

std::string transform_name(ProtocolId protocol, uint8_t id) {
    switch (protocol) {
        case ProtocolId::isakmp:
            return id == kTransformKeyIke ? "KEY_IKE" : num(id);
        case ProtocolId::ah: {
            static const char* const kAh[] = {nullptr, nullptr, "AH_MD5", "AH_SHA", "AH_DES",
                                              "AH_SHA2_256", "AH_SHA2_384", "AH_SHA2_512",
                                              "AH_RIPEMD", "AH_AES_XCBC_MAC", nullptr,
                                              "AH_AES_128_GMAC", "AH_AES_192_GMAC",
                                              "AH_AES_256_GMAC"};
            if (id < sizeof(kAh) / sizeof(kAh[0]) && kAh[id]) return kAh[id];
            return num(id);
        }
        case ProtocolId::esp: {
            static const char* const kEsp[] = {
                nullptr, "ESP_DES_IV64", "ESP_DES", "ESP_3DES", "ESP_RC5", "ESP_IDEA",
                "ESP_CAST", "ESP_BLOWFISH", "ESP_3IDEA", "ESP_DES_IV32", "ESP_RC4", "ESP_NULL",
                "ESP_AES_CBC", "ESP_AES_CTR", "ESP_AES_CCM_8", "ESP_AES_CCM_12",
                "ESP_AES_CCM_16", nullptr, "ESP_AES_GCM_8", "ESP_AES_GCM_12", "ESP_AES_GCM_16",
                "ESP_SEED_CBC", "ESP_CAMELLIA", "ESP_NULL_AUTH_AES_GMAC"};
            if (id < sizeof(kEsp) / sizeof(kEsp[0]) && kEsp[id]) return kEsp[id];
            return num(id);
        }
        case ProtocolId::ipcomp: {
            static const char* const kComp[] = {nullptr, "IPCOMP_OUI", "IPCOMP_DEFLATE",
                                                "IPCOMP_LZS", "IPCOMP_LZJH"};
            if (id < sizeof(kComp) / sizeof(kComp[0]) && kComp[id]) return kComp[id];
            return num(id);
        }
        case ProtocolId::none:
            break;
    }
    return num(id);
}

std::string short_name(PayloadType t) {
    switch (t) {
        case PayloadType::sa: return "SA";
        case PayloadType::ke: return "KE";
        case PayloadType::id: return "ID";
        case PayloadType::cert: return "CERT";
        case PayloadType::cert_request: return "CERTREQ";
        case PayloadType::hash: return "HASH";
        case PayloadType::sig: return "SIG";
        case PayloadType::nonce: return "No";
        case PayloadType::notify: return "N";
        case PayloadType::delete_: return "D";
        case PayloadType::vendor_id: return "V";
        case PayloadType::nat_d: return "NAT-D";
        case PayloadType::nat_oa: return "NAT-OA";
        case PayloadType::nat_d_draft: return "NAT-D(draft)";
        case PayloadType::nat_oa_draft: return "NAT-OA(draft)";
        default: return to_string(t);
    }
}

std::ostream& operator<<(std::ostream& os, ExchangeType t) { return os << to_string(t); }
std::ostream& operator<<(std::ostream& os, PayloadType t) { return os << to_string(t); }
std::ostream& operator<<(std::ostream& os, NotifyType t) { return os << to_string(t); }

}  // namespace ikeoff::isakmp
