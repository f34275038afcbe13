// Formats and names of the Oakley and IPsec DOI attribute classes.
#include <string>

#include "host/isakmp/attributes.hpp"

namespace ikeoff::isakmp {
namespace {

std::string num(uint64_t v) { return std::to_string(v); }

struct ClassInfo {
    const char* name;
    AttrFormat format;
};

// RFC 2409 Appendix A, classes 1..16.
constexpr ClassInfo kOakley[] = {
    {nullptr, AttrFormat::unknown},
    {"Encryption-Algorithm", AttrFormat::basic},
    {"Hash-Algorithm", AttrFormat::basic},
    {"Authentication-Method", AttrFormat::basic},
    {"Group-Description", AttrFormat::basic},
    {"Group-Type", AttrFormat::basic},
    {"Group-Prime", AttrFormat::variable},
    {"Group-Generator-One", AttrFormat::variable},
    {"Group-Generator-Two", AttrFormat::variable},
    {"Group-Curve-A", AttrFormat::variable},
    {"Group-Curve-B", AttrFormat::variable},
    {"Life-Type", AttrFormat::basic},
    {"Life-Duration", AttrFormat::variable},
    {"PRF", AttrFormat::basic},
    {"Key-Length", AttrFormat::basic},
    {"Field-Size", AttrFormat::basic},
    {"Group-Order", AttrFormat::variable},
};

// RFC 2407 §4.5, classes 1..11.
constexpr ClassInfo kIpsec[] = {
    {nullptr, AttrFormat::unknown},
    {"SA-Life-Type", AttrFormat::basic},
    {"SA-Life-Duration", AttrFormat::variable},
    {"Group-Description", AttrFormat::basic},
    {"Encapsulation-Mode", AttrFormat::basic},
    {"Authentication-Algorithm", AttrFormat::basic},
    {"Key-Length", AttrFormat::basic},
    {"Key-Rounds", AttrFormat::basic},
    {"Compress-Dictionary-Size", AttrFormat::basic},
    {"Compress-Private-Algorithm", AttrFormat::variable},
    {"ECN-Tunnel", AttrFormat::basic},
    {"Extended-Sequence-Number", AttrFormat::basic},
};

template <std::size_t N>
const ClassInfo* lookup(const ClassInfo (&table)[N], uint16_t cls) {
    if (cls < N && table[cls].name) return &table[cls];
    return nullptr;
}

const char* encryption_name(uint64_t v) {
    static const char* const k[] = {nullptr, "DES-CBC", "IDEA-CBC", "Blowfish-CBC",
                                    "RC5-R16-B64-CBC", "3DES-CBC", "CAST-CBC", "AES-CBC",
                                    "CAMELLIA-CBC"};
    return v < sizeof(k) / sizeof(k[0]) ? k[v] : nullptr;
}

const char* hash_name(uint64_t v) {
    static const char* const k[] = {nullptr, "MD5", "SHA", "Tiger", "SHA2-256", "SHA2-384",
                                    "SHA2-512"};
    return v < sizeof(k) / sizeof(k[0]) ? k[v] : nullptr;
}

const char* life_type_name(uint64_t v) {
    return v == 1 ? "Seconds" : v == 2 ? "Kilobytes" : nullptr;
}

const char* ipsec_auth_name(uint64_t v) {
    static const char* const k[] = {nullptr, "HMAC-MD5", "HMAC-SHA", "DES-MAC", "KPDK",
                                    "HMAC-SHA2-256", "HMAC-SHA2-384", "HMAC-SHA2-512",
                                    "HMAC-RIPEMD", "AES-XCBC-MAC", "SIG-RSA", "AES-128-GMAC",
                                    "AES-192-GMAC", "AES-256-GMAC"};
    return v < sizeof(k) / sizeof(k[0]) ? k[v] : nullptr;
}

std::string or_num(const char* name, uint64_t v) { return name ? name : num(v); }

}  // namespace

AttrFormat attribute_format(bool phase1, uint16_t cls) {
    const ClassInfo* info = phase1 ? lookup(kOakley, cls) : lookup(kIpsec, cls);
    return info ? info->format : AttrFormat::unknown;
}

std::string attribute_name(bool phase1, uint16_t cls) {
    const ClassInfo* info = phase1 ? lookup(kOakley, cls) : lookup(kIpsec, cls);
    return info ? info->name : "<" + num(cls) + ">";
}

std::string to_string(OakleyAttr a) { return attribute_name(true, uint16_t(a)); }
std::string to_string(IpsecAttr a) { return attribute_name(false, uint16_t(a)); }

std::string to_string(AuthMethod m) {
    switch (m) {
        case AuthMethod::pre_shared_key: return "Pre-Shared-Key";
        case AuthMethod::dss_signature: return "DSS-Signature";
        case AuthMethod::rsa_signature: return "RSA-Signature";
        case AuthMethod::rsa_encryption: return "RSA-Encryption";
        case AuthMethod::rsa_revised_encryption: return "Revised-RSA-Encryption";
        case AuthMethod::ecdsa_sha256_p256: return "ECDSA-SHA256-P256";
        case AuthMethod::ecdsa_sha384_p384: return "ECDSA-SHA384-P384";
        case AuthMethod::ecdsa_sha512_p521: return "ECDSA-SHA512-P521";
        case AuthMethod::hybrid_init_rsa: return "HybridInitRSA";
        case AuthMethod::hybrid_resp_rsa: return "HybridRespRSA";
        case AuthMethod::hybrid_init_dss: return "HybridInitDSS";
        case AuthMethod::hybrid_resp_dss: return "HybridRespDSS";
        case AuthMethod::xauth_init_psk: return "XAUTHInitPreShared";
        case AuthMethod::xauth_resp_psk: return "XAUTHRespPreShared";
        case AuthMethod::xauth_init_dss: return "XAUTHInitDSS";
        case AuthMethod::xauth_resp_dss: return "XAUTHRespDSS";
        case AuthMethod::xauth_init_rsa: return "XAUTHInitRSA";
        case AuthMethod::xauth_resp_rsa: return "XAUTHRespRSA";
        case AuthMethod::xauth_init_rsa_encryption: return "XAUTHInitRSAEncryption";
        case AuthMethod::xauth_resp_rsa_encryption: return "XAUTHRespRSAEncryption";
        case AuthMethod::xauth_init_rsa_revised_encryption: return "XAUTHInitRSARevisedEncryption";
        case AuthMethod::xauth_resp_rsa_revised_encryption: return "XAUTHRespRSARevisedEncryption";
    }
    return num(uint16_t(m));
}

std::string to_string(GroupDescription g) {
    switch (g) {
        case GroupDescription::modp768: return "MODP-768";
        case GroupDescription::modp1024: return "MODP-1024";
        case GroupDescription::ec2n155: return "EC2N-155";
        case GroupDescription::ec2n185: return "EC2N-185";
        case GroupDescription::modp1536: return "MODP-1536";
        case GroupDescription::modp2048: return "MODP-2048";
        case GroupDescription::modp3072: return "MODP-3072";
        case GroupDescription::modp4096: return "MODP-4096";
        case GroupDescription::modp6144: return "MODP-6144";
        case GroupDescription::modp8192: return "MODP-8192";
        case GroupDescription::ecp256: return "ECP-256";
        case GroupDescription::ecp384: return "ECP-384";
        case GroupDescription::ecp521: return "ECP-521";
        case GroupDescription::modp1024_160: return "MODP-1024-160";
        case GroupDescription::modp2048_224: return "MODP-2048-224";
        case GroupDescription::modp2048_256: return "MODP-2048-256";
        case GroupDescription::ecp192: return "ECP-192";
        case GroupDescription::ecp224: return "ECP-224";
        case GroupDescription::brainpool_p224r1: return "ECP-224-BP";
        case GroupDescription::brainpool_p256r1: return "ECP-256-BP";
        case GroupDescription::brainpool_p384r1: return "ECP-384-BP";
        case GroupDescription::brainpool_p512r1: return "ECP-512-BP";
    }
    return num(uint16_t(g));
}

std::string to_string(EncapsulationMode m) {
    switch (m) {
        case EncapsulationMode::tunnel: return "Tunnel";
        case EncapsulationMode::transport: return "Transport";
        case EncapsulationMode::udp_tunnel: return "UDP-Encapsulated-Tunnel";
        case EncapsulationMode::udp_transport: return "UDP-Encapsulated-Transport";
        case EncapsulationMode::udp_tunnel_draft: return "UDP-Encapsulated-Tunnel(draft)";
        case EncapsulationMode::udp_transport_draft: return "UDP-Encapsulated-Transport(draft)";
    }
    return num(uint16_t(m));
}

std::string attribute_value_name(bool phase1, uint16_t cls, uint64_t v) {
    if (phase1) {
        switch (OakleyAttr(cls)) {
            case OakleyAttr::encryption_algorithm: return or_num(encryption_name(v), v);
            case OakleyAttr::hash_algorithm:
            case OakleyAttr::prf: return or_num(hash_name(v), v);
            case OakleyAttr::authentication_method:
                return v <= 0xFFFF ? to_string(AuthMethod(uint16_t(v))) : num(v);
            case OakleyAttr::group_description:
                return v <= 0xFFFF ? to_string(GroupDescription(uint16_t(v))) : num(v);
            case OakleyAttr::group_type:
                return v == 1 ? "MODP" : v == 2 ? "ECP" : v == 3 ? "EC2N" : num(v);
            case OakleyAttr::life_type: return or_num(life_type_name(v), v);
            default: return num(v);
        }
    }
    switch (IpsecAttr(cls)) {
        case IpsecAttr::sa_life_type: return or_num(life_type_name(v), v);
        case IpsecAttr::group_description:
            return v <= 0xFFFF ? to_string(GroupDescription(uint16_t(v))) : num(v);
        case IpsecAttr::encapsulation_mode:
            return v <= 0xFFFF ? to_string(EncapsulationMode(uint16_t(v))) : num(v);
        case IpsecAttr::authentication_algorithm: return or_num(ipsec_auth_name(v), v);
        default: return num(v);
    }
}

bool auth_class_of(uint16_t method, AuthClass& out) {
    switch (AuthMethod(method)) {
        case AuthMethod::pre_shared_key:
        case AuthMethod::xauth_init_psk:
        case AuthMethod::xauth_resp_psk:
            out = AuthClass::pre_shared_key;
            return true;
        case AuthMethod::dss_signature:
        case AuthMethod::rsa_signature:
        case AuthMethod::ecdsa_sha256_p256:
        case AuthMethod::ecdsa_sha384_p384:
        case AuthMethod::ecdsa_sha512_p521:
        case AuthMethod::hybrid_init_rsa:
        case AuthMethod::hybrid_resp_rsa:
        case AuthMethod::hybrid_init_dss:
        case AuthMethod::hybrid_resp_dss:
        case AuthMethod::xauth_init_dss:
        case AuthMethod::xauth_resp_dss:
        case AuthMethod::xauth_init_rsa:
        case AuthMethod::xauth_resp_rsa:
            out = AuthClass::signature;
            return true;
        case AuthMethod::rsa_encryption:
        case AuthMethod::xauth_init_rsa_encryption:
        case AuthMethod::xauth_resp_rsa_encryption:
            out = AuthClass::public_key;
            return true;
        case AuthMethod::rsa_revised_encryption:
        case AuthMethod::xauth_init_rsa_revised_encryption:
        case AuthMethod::xauth_resp_rsa_revised_encryption:
            out = AuthClass::revised_public_key;
            return true;
    }
    return false;
}

std::string to_string(AuthClass c) {
    switch (c) {
        case AuthClass::pre_shared_key: return "psk";
        case AuthClass::signature: return "signature";
        case AuthClass::public_key: return "pubkey";
        case AuthClass::revised_public_key: return "revised-pubkey";
    }
    return "?";
}

}  // namespace ikeoff::isakmp
