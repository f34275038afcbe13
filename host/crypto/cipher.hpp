// Phase-1 block ciphers in CBC mode, on whole blocks, without padding.
//
// ISAKMP pads encrypted messages itself (RFC 2408 §3.1, RFC 2409
// Appendix B) and chains IVs across messages (iv_manager.hpp), so the
// cipher here is the bare CBC primitive: the caller gives the IV and a
// multiple of the block size; anything else is an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/crypto/ossl.hpp"

namespace ikeoff::crypto {

enum class CipherAlg : uint8_t {
    des_cbc,   // 56-bit: only when the configuration explicitly allows weak algorithms
    tdes_cbc,  // 3-key EDE, 24-byte key
    aes_cbc,   // 16/24/32-byte key
};

std::string_view cipher_name(CipherAlg alg) noexcept;
std::size_t cipher_block_size(CipherAlg alg) noexcept;  // 8 for (3)DES, 16 for AES
bool cipher_key_size_valid(CipherAlg alg, std::size_t key_bytes) noexcept;
// The key length when the proposal carries no Key Length attribute
// (DES 8, 3DES 24); AES has no default (RFC 3602 requires the attribute), so 0.
std::size_t cipher_default_key_size(CipherAlg alg) noexcept;
inline bool is_weak(CipherAlg alg) noexcept { return alg == CipherAlg::des_cbc; }

// Phase-1 "Encryption Algorithm" attribute values (RFC 2409 Appendix A,
// AES from RFC 3602 §5 / IANA): DES-CBC=1, 3DES-CBC=5, AES-CBC=7.
uint16_t ike_cipher_attribute(CipherAlg alg) noexcept;
std::optional<CipherAlg> cipher_from_ike_attribute(uint16_t value) noexcept;

class CbcCipher {
public:
    // DES is refused (Errc::unsupported) unless allow_weak is set.
    static Result<CbcCipher> create(CipherAlg alg, ByteView key, bool allow_weak = false);

    CipherAlg alg() const noexcept { return alg_; }
    std::size_t block_size() const noexcept { return cipher_block_size(alg_); }

    // iv must be one block; the data a non-empty multiple of the block size.
    Result<Bytes> encrypt(ByteView iv, ByteView plaintext);
    Result<Bytes> decrypt(ByteView iv, ByteView ciphertext);

private:
    CbcCipher(CipherAlg alg, OsslPtr<EVP_CIPHER_CTX> enc, OsslPtr<EVP_CIPHER_CTX> dec)
        : alg_(alg), enc_(std::move(enc)), dec_(std::move(dec)) {}
    Result<Bytes> run(EVP_CIPHER_CTX* ctx, ByteView iv, ByteView in);

    CipherAlg alg_;
    // Keyed once; each call only sets a new IV, which saves the AES key
    // schedule on every message.
    OsslPtr<EVP_CIPHER_CTX> enc_, dec_;
};

}  // namespace ikeoff::crypto
