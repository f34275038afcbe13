// Data-attribute classes and values: Oakley (phase 1, RFC 2409 Appendix A)
// and IPsec DOI (phase 2, RFC 2407 §4.5), plus NAT-T's encapsulation modes
// (RFC 3947 §5.1 and the draft values peers still send).
//
// Each class is "basic" (B: always a 16-bit TV attribute) or "variable"
// (V: TLV, though a value that fits in 16 bits may be sent as TV — strongSwan
// sends Life-Duration 15840 as TV). attribute_format() tells which.
#pragma once

#include <cstdint>
#include <string>

namespace ikeoff::isakmp {

// ---- Oakley (phase 1) ------------------------------------------------------

enum class OakleyAttr : uint16_t {
    encryption_algorithm = 1,   // B
    hash_algorithm = 2,         // B
    authentication_method = 3,  // B
    group_description = 4,      // B
    group_type = 5,             // B
    group_prime = 6,            // V  (prime or irreducible polynomial)
    group_generator_one = 7,    // V
    group_generator_two = 8,    // V
    group_curve_a = 9,          // V
    group_curve_b = 10,         // V
    life_type = 11,             // B
    life_duration = 12,         // V
    prf = 13,                   // B
    key_length = 14,            // B
    field_size = 15,            // B
    group_order = 16,           // V
};

enum class OakleyEncryption : uint16_t {
    des_cbc = 1, idea_cbc = 2, blowfish_cbc = 3, rc5_r16_b64_cbc = 4, triple_des_cbc = 5,
    cast_cbc = 6, aes_cbc = 7 /* RFC 3602 */, camellia_cbc = 8 /* RFC 4312 */,
};

enum class OakleyHash : uint16_t {
    md5 = 1, sha = 2, tiger = 3, sha2_256 = 4, sha2_384 = 5, sha2_512 = 6,  // RFC 4868
};

// Authentication Method. 4 and 5 are RFC 2409 §5.2 and §5.3 ("revised");
// 9-11 ECDSA (RFC 4754); 64221.. hybrid and 65001.. XAUTH (draft values).
enum class AuthMethod : uint16_t {
    pre_shared_key = 1,
    dss_signature = 2,
    rsa_signature = 3,
    rsa_encryption = 4,
    rsa_revised_encryption = 5,
    ecdsa_sha256_p256 = 9,
    ecdsa_sha384_p384 = 10,
    ecdsa_sha512_p521 = 11,
    hybrid_init_rsa = 64221,
    hybrid_resp_rsa = 64222,
    hybrid_init_dss = 64223,
    hybrid_resp_dss = 64224,
    xauth_init_psk = 65001,
    xauth_resp_psk = 65002,
    xauth_init_dss = 65003,
    xauth_resp_dss = 65004,
    xauth_init_rsa = 65005,
    xauth_resp_rsa = 65006,
    xauth_init_rsa_encryption = 65007,
    xauth_resp_rsa_encryption = 65008,
    xauth_init_rsa_revised_encryption = 65009,
    xauth_resp_rsa_revised_encryption = 65010,
};

// Group Description (RFC 2409 §6, RFC 3526, RFC 5903, RFC 5114, RFC 6932).
enum class GroupDescription : uint16_t {
    modp768 = 1, modp1024 = 2, ec2n155 = 3, ec2n185 = 4, modp1536 = 5,
    modp2048 = 14, modp3072 = 15, modp4096 = 16, modp6144 = 17, modp8192 = 18,
    ecp256 = 19, ecp384 = 20, ecp521 = 21,
    modp1024_160 = 22, modp2048_224 = 23, modp2048_256 = 24, ecp192 = 25, ecp224 = 26,
    brainpool_p224r1 = 27, brainpool_p256r1 = 28, brainpool_p384r1 = 29, brainpool_p512r1 = 30,
};

enum class GroupType : uint16_t { modp = 1, ecp = 2, ec2n = 3 };

// Life Type: shared by phase 1 (RFC 2409) and phase 2 (RFC 2407).
enum class LifeType : uint16_t { seconds = 1, kilobytes = 2 };

// ---- IPsec DOI (phase 2) -----------------------------------------------------

enum class IpsecAttr : uint16_t {
    sa_life_type = 1,              // B
    sa_life_duration = 2,          // V
    group_description = 3,         // B (PFS group)
    encapsulation_mode = 4,        // B
    authentication_algorithm = 5,  // B
    key_length = 6,                // B
    key_rounds = 7,                // B
    compress_dictionary_size = 8,  // B
    compress_private_algorithm = 9,  // V
    ecn_tunnel = 10,               // B (RFC 3168)
    extended_sequence_number = 11, // B (RFC 4304)
};

enum class EncapsulationMode : uint16_t {
    tunnel = 1,
    transport = 2,
    udp_tunnel = 3,                // RFC 3947 §5.1
    udp_transport = 4,             // RFC 3947 §5.1
    udp_tunnel_draft = 61443,      // draft-ietf-ipsec-nat-t-ike-00..03
    udp_transport_draft = 61444,
};

enum class IpsecAuthAlgorithm : uint16_t {
    hmac_md5 = 1, hmac_sha = 2, des_mac = 3, kpdk = 4, hmac_sha2_256 = 5, hmac_sha2_384 = 6,
    hmac_sha2_512 = 7, hmac_ripemd = 8, aes_xcbc_mac = 9, sig_rsa = 10,
    aes_128_gmac = 11, aes_192_gmac = 12, aes_256_gmac = 13,
};

// ---- helpers ---------------------------------------------------------------

enum class AttrFormat : uint8_t { unknown, basic, variable };
// Phase 1 attributes are those of ISAKMP transforms (protocol ISAKMP);
// everything else uses the IPsec DOI classes.
AttrFormat attribute_format(bool phase1, uint16_t attr_class);

std::string to_string(OakleyAttr a);
std::string to_string(IpsecAttr a);
std::string to_string(AuthMethod m);
std::string to_string(GroupDescription g);
std::string to_string(EncapsulationMode m);
// "Encryption-Algorithm", "SA-Life-Duration", ...
std::string attribute_name(bool phase1, uint16_t attr_class);
// The value's name where the class has named values ("AES-CBC", "Tunnel"),
// otherwise the decimal number.
std::string attribute_value_name(bool phase1, uint16_t attr_class, uint64_t value);

// RFC 2409 §5: the four authentication families have different Main and
// Aggressive Mode message contents. The XAUTH/hybrid variants authenticate
// phase 1 like their base method.
enum class AuthClass : uint8_t { pre_shared_key, signature, public_key, revised_public_key };
bool auth_class_of(uint16_t auth_method, AuthClass& out);
std::string to_string(AuthClass c);

}  // namespace ikeoff::isakmp
