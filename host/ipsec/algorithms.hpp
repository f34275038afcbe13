// ESP/AH transforms: identifiers, strongSwan keywords and sizes.
//
// One table (algorithms.cpp) answers every "how long is the key / ICV / IV /
// block" question, so drivers, the SA JSON parser, IKE's KEYMAT sizing and the
// bindings never disagree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "host/common/result.hpp"

namespace ikeoff::ipsec {

enum class EncAlg : uint8_t {
    null = 0,       // RFC 2410
    aes_cbc,        // RFC 3602, 128/192/256
    tdes_cbc,       // RFC 2451
    aes_gcm16,      // RFC 4106, 16-octet ICV, 128/192/256
    aes_gmac,       // RFC 4543 (ENCR_NULL_AUTH_AES_GMAC), 128/192/256
};

enum class IntegAlg : uint8_t {
    none = 0,           // only with AEAD ciphers
    hmac_sha1_96,       // RFC 2404
    hmac_sha256_128,    // RFC 4868
    hmac_sha384_192,
    hmac_sha512_256,
    hmac_md5_96,        // RFC 2403, weak: needs allow_weak
};

// A cipher with its key size in bits (0 for null, 192 for 3DES).
struct EncTransform {
    EncAlg alg = EncAlg::null;
    uint16_t key_bits = 0;
    bool operator==(const EncTransform&) const = default;
};

bool is_aead(EncAlg alg);                  // GCM and GMAC: the ICV comes from the cipher
std::size_t enc_key_bytes(EncTransform t); // cipher key only, without salt
std::size_t salt_bytes(EncAlg alg);        // 4 for GCM/GMAC (RFC 4106 §8.1), else 0
std::size_t keymat_enc_bytes(EncTransform t);  // key + salt: what KEYMAT and the SA JSON carry
std::size_t iv_bytes(EncAlg alg);          // explicit IV in each packet
std::size_t block_bytes(EncAlg alg);       // cipher block size used for padding (1 for stream-like)
std::size_t integ_key_bytes(IntegAlg alg);
std::size_t icv_bytes(EncAlg enc, IntegAlg integ);  // ICV length for ESP
std::size_t icv_bytes(IntegAlg integ);              // truncated HMAC length (AH, ESP non-AEAD)
bool is_weak(EncTransform t);
bool is_weak(IntegAlg alg);

// strongSwan proposal keywords: "aes128gcm16", "aes256", "3des", "null",
// "aes128gmac" / "sha1", "sha256", "md5", ...
Result<EncTransform> parse_enc_keyword(std::string_view keyword);
Result<IntegAlg> parse_integ_keyword(std::string_view keyword);
std::string_view enc_keyword(EncTransform t);   // canonical keyword, e.g. "aes128gcm16"
std::string_view integ_keyword(IntegAlg alg);   // "sha1", "sha256", ..., "none"

// IANA numbers used on the IKEv1 wire (RFC 2407 §4.4.4 ESP transform IDs and
// §4.5 authentication algorithm attribute values).
uint8_t esp_transform_id(EncAlg alg);               // ESP_AES=12, ESP_3DES=3, ...
std::optional<EncAlg> enc_from_esp_transform_id(uint8_t id);
uint16_t auth_attribute_value(IntegAlg alg);        // HMAC-SHA=2, HMAC-SHA2-256=5, ...
std::optional<IntegAlg> integ_from_auth_attribute(uint16_t value);
uint8_t ah_transform_id(IntegAlg alg);              // AH_SHA=3, AH_SHA2-256=5, ...
std::optional<IntegAlg> integ_from_ah_transform_id(uint8_t id);

}  // namespace ikeoff::ipsec
