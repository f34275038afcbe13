#include "host/crypto/cipher.hpp"

#include <string>

namespace ikeoff::crypto {

namespace {

const char* ossl_cipher_name(CipherAlg alg, std::size_t key_bytes) {
    switch (alg) {
        // Single DES lives only in OpenSSL 3's "legacy" provider. Loading that
        // provider changes which implementations every later fetch gets, so
        // DES is run as 3DES-EDE with K1 = K2 = K3 instead: encrypt-decrypt-
        // encrypt with one key is exactly one DES encryption.
        case CipherAlg::des_cbc: return "DES-EDE3-CBC";
        case CipherAlg::tdes_cbc: return "DES-EDE3-CBC";
        case CipherAlg::aes_cbc:
            return key_bytes == 16 ? "AES-128-CBC" : key_bytes == 24 ? "AES-192-CBC" : "AES-256-CBC";
    }
    return "";
}

Result<OsslPtr<EVP_CIPHER_CTX>> keyed_ctx(const EVP_CIPHER* cipher, ByteView key, bool encrypt) {
    auto ctx = own(EVP_CIPHER_CTX_new());
    IKEOFF_OSSL_NOTNULL(ctx, "EVP_CIPHER_CTX_new");
    IKEOFF_OSSL(EVP_CipherInit_ex2(ctx.get(), cipher, key.data(), nullptr, encrypt ? 1 : 0, nullptr),
                "cipher init");
    IKEOFF_OSSL(EVP_CIPHER_CTX_set_padding(ctx.get(), 0), "cipher set_padding");
    return ctx;
}

}  // namespace

std::string_view cipher_name(CipherAlg alg) noexcept {
    switch (alg) {
        case CipherAlg::des_cbc: return "des";
        case CipherAlg::tdes_cbc: return "3des";
        case CipherAlg::aes_cbc: return "aes";
    }
    return "?";
}

std::size_t cipher_block_size(CipherAlg alg) noexcept { return alg == CipherAlg::aes_cbc ? 16 : 8; }

bool cipher_key_size_valid(CipherAlg alg, std::size_t key_bytes) noexcept {
    switch (alg) {
        case CipherAlg::des_cbc: return key_bytes == 8;
        case CipherAlg::tdes_cbc: return key_bytes == 24;
        case CipherAlg::aes_cbc: return key_bytes == 16 || key_bytes == 24 || key_bytes == 32;
    }
    return false;
}

std::size_t cipher_default_key_size(CipherAlg alg) noexcept {
    switch (alg) {
        case CipherAlg::des_cbc: return 8;
        case CipherAlg::tdes_cbc: return 24;
        case CipherAlg::aes_cbc: return 0;
    }
    return 0;
}

uint16_t ike_cipher_attribute(CipherAlg alg) noexcept {
    switch (alg) {
        case CipherAlg::des_cbc: return 1;
        case CipherAlg::tdes_cbc: return 5;
        case CipherAlg::aes_cbc: return 7;
    }
    return 0;
}

std::optional<CipherAlg> cipher_from_ike_attribute(uint16_t value) noexcept {
    switch (value) {
        case 1: return CipherAlg::des_cbc;
        case 5: return CipherAlg::tdes_cbc;
        case 7: return CipherAlg::aes_cbc;
        default: return std::nullopt;
    }
}

Result<CbcCipher> CbcCipher::create(CipherAlg alg, ByteView key, bool allow_weak) {
    IKEOFF_ENSURE(!is_weak(alg) || allow_weak, Errc::unsupported,
                  "DES-CBC is weak and only allowed when explicitly configured");
    IKEOFF_ENSURE(cipher_key_size_valid(alg, key.size()), Errc::invalid_argument,
                  std::string(cipher_name(alg)) + ": invalid key length " + std::to_string(key.size()));
    SecretBytes k(key);
    if (alg == CipherAlg::des_cbc) {  // K1 = K2 = K3, see ossl_cipher_name()
        k.append(key);
        k.append(key);
    }
    auto cipher = own(EVP_CIPHER_fetch(nullptr, ossl_cipher_name(alg, key.size()), nullptr));
    IKEOFF_OSSL_NOTNULL(cipher, "cipher fetch");
    IKEOFF_ASSIGN(auto enc, keyed_ctx(cipher.get(), k, true));
    IKEOFF_ASSIGN(auto dec, keyed_ctx(cipher.get(), k, false));
    return CbcCipher(alg, std::move(enc), std::move(dec));
}

Result<Bytes> CbcCipher::run(EVP_CIPHER_CTX* ctx, ByteView iv, ByteView in) {
    const std::size_t bs = block_size();
    IKEOFF_ENSURE(iv.size() == bs, Errc::invalid_argument,
                  "CBC IV must be " + std::to_string(bs) + " bytes, got " + std::to_string(iv.size()));
    IKEOFF_ENSURE(!in.empty() && in.size() % bs == 0, Errc::invalid_argument,
                  "CBC input must be a non-empty multiple of " + std::to_string(bs) + " bytes, got " +
                      std::to_string(in.size()));
    IKEOFF_ENSURE(in.size() <= 0x7fffffff, Errc::invalid_argument, "CBC input too long");
    // Null cipher and key: keep both, only set the IV.
    IKEOFF_OSSL(EVP_CipherInit_ex2(ctx, nullptr, nullptr, iv.data(), -1, nullptr), "cipher set IV");
    Bytes out(in.size());
    int len = 0;
    IKEOFF_OSSL(EVP_CipherUpdate(ctx, out.data(), &len, in.data(), static_cast<int>(in.size())), "cipher update");
    IKEOFF_ENSURE(static_cast<std::size_t>(len) == in.size(), Errc::internal, "CBC output length mismatch");
    return out;
}

Result<Bytes> CbcCipher::encrypt(ByteView iv, ByteView plaintext) { return run(enc_.get(), iv, plaintext); }
Result<Bytes> CbcCipher::decrypt(ByteView iv, ByteView ciphertext) { return run(dec_.get(), iv, ciphertext); }

}  // namespace ikeoff::crypto
