#include "host/ipsec/algorithms.hpp"

#include <array>
#include <string>

namespace ikeoff::ipsec {

namespace {

struct EncRow {
    std::string_view keyword;
    EncTransform t;
};

// Canonical keyword first for each transform; aliases strongSwan also accepts follow.
constexpr std::array kEncTable{
    EncRow{"null", {EncAlg::null, 0}},
    EncRow{"aes128", {EncAlg::aes_cbc, 128}},
    EncRow{"aes192", {EncAlg::aes_cbc, 192}},
    EncRow{"aes256", {EncAlg::aes_cbc, 256}},
    EncRow{"3des", {EncAlg::tdes_cbc, 192}},
    EncRow{"aes128gcm16", {EncAlg::aes_gcm16, 128}},
    EncRow{"aes192gcm16", {EncAlg::aes_gcm16, 192}},
    EncRow{"aes256gcm16", {EncAlg::aes_gcm16, 256}},
    EncRow{"aes128gmac", {EncAlg::aes_gmac, 128}},
    EncRow{"aes192gmac", {EncAlg::aes_gmac, 192}},
    EncRow{"aes256gmac", {EncAlg::aes_gmac, 256}},
    // aliases
    EncRow{"aes", {EncAlg::aes_cbc, 128}},
    EncRow{"aes128gcm128", {EncAlg::aes_gcm16, 128}},
    EncRow{"aes192gcm128", {EncAlg::aes_gcm16, 192}},
    EncRow{"aes256gcm128", {EncAlg::aes_gcm16, 256}},
    EncRow{"aes128gcm", {EncAlg::aes_gcm16, 128}},
    EncRow{"aes192gcm", {EncAlg::aes_gcm16, 192}},
    EncRow{"aes256gcm", {EncAlg::aes_gcm16, 256}},
};

struct IntegRow {
    std::string_view keyword;
    IntegAlg alg;
};

constexpr std::array kIntegTable{
    IntegRow{"none", IntegAlg::none},
    IntegRow{"sha1", IntegAlg::hmac_sha1_96},
    IntegRow{"sha256", IntegAlg::hmac_sha256_128},
    IntegRow{"sha384", IntegAlg::hmac_sha384_192},
    IntegRow{"sha512", IntegAlg::hmac_sha512_256},
    IntegRow{"md5", IntegAlg::hmac_md5_96},
    // aliases
    IntegRow{"sha", IntegAlg::hmac_sha1_96},
    IntegRow{"sha2_256", IntegAlg::hmac_sha256_128},
    IntegRow{"sha2_384", IntegAlg::hmac_sha384_192},
    IntegRow{"sha2_512", IntegAlg::hmac_sha512_256},
    IntegRow{"", IntegAlg::none},
};

}  // namespace

bool is_aead(EncAlg alg) { return alg == EncAlg::aes_gcm16 || alg == EncAlg::aes_gmac; }

std::size_t enc_key_bytes(EncTransform t) { return t.key_bits / 8; }

std::size_t salt_bytes(EncAlg alg) { return is_aead(alg) ? 4 : 0; }

std::size_t keymat_enc_bytes(EncTransform t) { return enc_key_bytes(t) + salt_bytes(t.alg); }

std::size_t iv_bytes(EncAlg alg) {
    switch (alg) {
        case EncAlg::null: return 0;
        case EncAlg::aes_cbc: return 16;
        case EncAlg::tdes_cbc: return 8;
        case EncAlg::aes_gcm16:
        case EncAlg::aes_gmac: return 8;
    }
    return 0;
}

std::size_t block_bytes(EncAlg alg) {
    switch (alg) {
        case EncAlg::aes_cbc: return 16;
        case EncAlg::tdes_cbc: return 8;
        default: return 1;  // null, GCM and GMAC only need the 4-octet alignment of RFC 4303 §2.4
    }
}

std::size_t integ_key_bytes(IntegAlg alg) {
    switch (alg) {
        case IntegAlg::none: return 0;
        case IntegAlg::hmac_sha1_96: return 20;
        case IntegAlg::hmac_sha256_128: return 32;
        case IntegAlg::hmac_sha384_192: return 48;
        case IntegAlg::hmac_sha512_256: return 64;
        case IntegAlg::hmac_md5_96: return 16;
    }
    return 0;
}

std::size_t icv_bytes(IntegAlg integ) {
    switch (integ) {
        case IntegAlg::none: return 0;
        case IntegAlg::hmac_sha1_96: return 12;
        case IntegAlg::hmac_sha256_128: return 16;
        case IntegAlg::hmac_sha384_192: return 24;
        case IntegAlg::hmac_sha512_256: return 32;
        case IntegAlg::hmac_md5_96: return 12;
    }
    return 0;
}

std::size_t icv_bytes(EncAlg enc, IntegAlg integ) { return is_aead(enc) ? 16 : icv_bytes(integ); }

bool is_weak(EncTransform t) { (void)t; return false; }  // single DES is not offered for ESP at all
bool is_weak(IntegAlg alg) { return alg == IntegAlg::hmac_md5_96; }

Result<EncTransform> parse_enc_keyword(std::string_view keyword) {
    for (const auto& row : kEncTable) {
        if (row.keyword == keyword) return row.t;
    }
    return Error{Errc::invalid_argument,
                 "unknown encryption algorithm '" + std::string(keyword) +
                     "' (expected one of aes128gcm16, aes192gcm16, aes256gcm16, aes128gmac, aes192gmac, "
                     "aes256gmac, aes128, aes192, aes256, 3des, null)"};
}

Result<IntegAlg> parse_integ_keyword(std::string_view keyword) {
    for (const auto& row : kIntegTable) {
        if (row.keyword == keyword) return row.alg;
    }
    return Error{Errc::invalid_argument, "unknown integrity algorithm '" + std::string(keyword) +
                                             "' (expected one of sha1, sha256, sha384, sha512, md5, none)"};
}

std::string_view enc_keyword(EncTransform t) {
    for (const auto& row : kEncTable) {
        if (row.t == t) return row.keyword;
    }
    return "?";
}

std::string_view integ_keyword(IntegAlg alg) {
    for (const auto& row : kIntegTable) {
        if (row.alg == alg) return row.keyword;
    }
    return "?";
}

// RFC 2407 §4.4.4 and the IANA "IPsec ESP Transform Identifiers" registry.
uint8_t esp_transform_id(EncAlg alg) {
    switch (alg) {
        case EncAlg::null: return 11;       // ESP_NULL
        case EncAlg::aes_cbc: return 12;    // ESP_AES (RFC 3602)
        case EncAlg::tdes_cbc: return 3;    // ESP_3DES
        case EncAlg::aes_gcm16: return 20;  // ESP_AES-GCM with 16-octet ICV (RFC 4106)
        case EncAlg::aes_gmac: return 23;   // ESP_NULL_AUTH_AES-GMAC (RFC 4543)
    }
    return 0;
}

std::optional<EncAlg> enc_from_esp_transform_id(uint8_t id) {
    switch (id) {
        case 11: return EncAlg::null;
        case 12: return EncAlg::aes_cbc;
        case 3: return EncAlg::tdes_cbc;
        case 20: return EncAlg::aes_gcm16;
        case 23: return EncAlg::aes_gmac;
        default: return std::nullopt;
    }
}

// RFC 2407 §4.5 "Authentication Algorithm" attribute; SHA-2 values from RFC 4868 §4.
uint16_t auth_attribute_value(IntegAlg alg) {
    switch (alg) {
        case IntegAlg::none: return 0;
        case IntegAlg::hmac_md5_96: return 1;
        case IntegAlg::hmac_sha1_96: return 2;
        case IntegAlg::hmac_sha256_128: return 5;
        case IntegAlg::hmac_sha384_192: return 6;
        case IntegAlg::hmac_sha512_256: return 7;
    }
    return 0;
}

std::optional<IntegAlg> integ_from_auth_attribute(uint16_t value) {
    switch (value) {
        case 1: return IntegAlg::hmac_md5_96;
        case 2: return IntegAlg::hmac_sha1_96;
        case 5: return IntegAlg::hmac_sha256_128;
        case 6: return IntegAlg::hmac_sha384_192;
        case 7: return IntegAlg::hmac_sha512_256;
        default: return std::nullopt;
    }
}

// RFC 2407 §4.4.3 AH transform identifiers; SHA-2 from RFC 4868 §4.
uint8_t ah_transform_id(IntegAlg alg) {
    switch (alg) {
        case IntegAlg::none: return 0;
        case IntegAlg::hmac_md5_96: return 2;
        case IntegAlg::hmac_sha1_96: return 3;
        case IntegAlg::hmac_sha256_128: return 5;
        case IntegAlg::hmac_sha384_192: return 6;
        case IntegAlg::hmac_sha512_256: return 7;
    }
    return 0;
}

std::optional<IntegAlg> integ_from_ah_transform_id(uint8_t id) {
    switch (id) {
        case 2: return IntegAlg::hmac_md5_96;
        case 3: return IntegAlg::hmac_sha1_96;
        case 5: return IntegAlg::hmac_sha256_128;
        case 6: return IntegAlg::hmac_sha384_192;
        case 7: return IntegAlg::hmac_sha512_256;
        default: return std::nullopt;
    }
}

}  // namespace ikeoff::ipsec
