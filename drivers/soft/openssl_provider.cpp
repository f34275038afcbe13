// OpenSSL EVP provider: one cipher context per SA and direction, keyed once
// at make_sa(); per packet only the IV is set (EVP_CipherInit_ex with a NULL
// key keeps the key schedule) and the HMAC context is re-initialised from its
// stored ipad/opad state (EVP_MAC_init with a NULL key), so nothing is
// allocated on the data path.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include <cstring>

#include "drivers/soft/crypto_provider.hpp"
#include "drivers/soft/ossl_ptr.hpp"

namespace ikeoff::drivers::soft {

namespace {

using ipsec::EncAlg;
using ipsec::IntegAlg;

const EVP_CIPHER* cipher_for(EncAlg alg, std::size_t key_len) {
    switch (alg) {
        case EncAlg::aes_gcm16:
        case EncAlg::aes_gmac:
            return key_len == 16 ? EVP_aes_128_gcm() : key_len == 24 ? EVP_aes_192_gcm()
                 : key_len == 32 ? EVP_aes_256_gcm() : nullptr;
        case EncAlg::aes_cbc:
            return key_len == 16 ? EVP_aes_128_cbc() : key_len == 24 ? EVP_aes_192_cbc()
                 : key_len == 32 ? EVP_aes_256_cbc() : nullptr;
        case EncAlg::tdes_cbc: return key_len == 24 ? EVP_des_ede3_cbc() : nullptr;
        case EncAlg::null: return nullptr;
    }
    return nullptr;
}

const char* digest_name(IntegAlg alg) {
    switch (alg) {
        case IntegAlg::hmac_sha1_96: return "SHA1";
        case IntegAlg::hmac_sha256_128: return "SHA256";
        case IntegAlg::hmac_sha384_192: return "SHA384";
        case IntegAlg::hmac_sha512_256: return "SHA512";
        case IntegAlg::hmac_md5_96: return "MD5";
        case IntegAlg::none: return nullptr;
    }
    return nullptr;
}

struct OsslSa final : SaCrypto {
    EncAlg enc = EncAlg::null;
    IntegAlg integ = IntegAlg::none;
    CipherCtxPtr enc_ctx;  // GCM/GMAC (also GMAC verification) and CBC encryption
    CipherCtxPtr dec_ctx;  // GCM and CBC decryption
    CipherCtxPtr iv_ctx;   // AES-128-ECB under the IV key (CBC seal)
    MacCtxPtr mac;
    // GCM nonce lengths currently programmed (ESP always uses 12; KATs vary).
    mutable std::size_t enc_iv_len = 12;
    mutable std::size_t dec_iv_len = 12;
};

Result<CipherCtxPtr> keyed_cipher(const EVP_CIPHER* cipher, ByteView key, bool encrypt) {
    CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    IKEOFF_ENSURE(ctx, Errc::crypto_error, "EVP_CIPHER_CTX_new failed");
    IKEOFF_ENSURE(EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.data(), nullptr, encrypt ? 1 : 0) == 1,
                  Errc::crypto_error, "EVP_CipherInit_ex refused the key");
    // ESP does its own padding (RFC 4303 §2.4); EVP must not add PKCS#7.
    EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
    return ctx;
}

bool set_gcm_iv(EVP_CIPHER_CTX* ctx, std::size_t& programmed, const uint8_t* iv, std::size_t iv_len,
                bool encrypt) {
    if (iv_len == 0) return false;
    if (iv_len != programmed) {
        if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, int(iv_len), nullptr) != 1) return false;
        programmed = iv_len;
    }
    return EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, iv, encrypt ? 1 : 0) == 1;
}

bool update_all(EVP_CIPHER_CTX* ctx, const std::array<Segment, 2>& in, uint8_t* out, std::size_t& written) {
    written = 0;
    for (const Segment& s : in) {
        if (s.len == 0) continue;
        int l = 0;
        if (EVP_CipherUpdate(ctx, out + written, &l, s.data, int(s.len)) != 1) return false;
        written += std::size_t(l);
    }
    return true;
}

bool aad_all(EVP_CIPHER_CTX* ctx, const std::array<Segment, 3>& auth) {
    for (const Segment& s : auth) {
        if (s.len == 0) continue;
        int l = 0;
        if (EVP_CipherUpdate(ctx, nullptr, &l, s.data, int(s.len)) != 1) return false;
    }
    return true;
}

// GCM (and GMAC: no `in`) seal, or GMAC verification through the encrypting context.
bool gcm_seal(const OsslSa& sa, CryptoOp& op, uint8_t* tag_out) {
    EVP_CIPHER_CTX* ctx = sa.enc_ctx.get();
    if (!set_gcm_iv(ctx, sa.enc_iv_len, op.iv, op.iv_len, true) || !aad_all(ctx, op.auth)) return false;
    std::size_t n = 0;
    if (!update_all(ctx, op.in, op.out, n)) return false;
    uint8_t none[16];
    int l = 0;
    if (EVP_CipherFinal_ex(ctx, op.out ? op.out + n : none, &l) != 1) return false;
    return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, int(op.tag_len), tag_out) == 1;
}

bool gcm_open(const OsslSa& sa, CryptoOp& op) {
    if (op.tag_len == 0 || op.tag_len > 16) return false;
    EVP_CIPHER_CTX* ctx = sa.dec_ctx.get();
    if (!set_gcm_iv(ctx, sa.dec_iv_len, op.iv, op.iv_len, false) || !aad_all(ctx, op.auth)) return false;
    std::size_t n = 0;
    if (!update_all(ctx, op.in, op.out, n)) return false;
    // EVP compares the tag in constant time inside DecryptFinal.
    uint8_t expected[16];
    std::memcpy(expected, op.expected_tag, op.tag_len);
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, int(op.tag_len), expected) != 1) return false;
    uint8_t none[16];
    int l = 0;
    return EVP_CipherFinal_ex(ctx, op.out ? op.out + n : none, &l) == 1;
}

bool cbc(const OsslSa& sa, CryptoOp& op) {
    EVP_CIPHER_CTX* ctx = op.encrypt ? sa.enc_ctx.get() : sa.dec_ctx.get();
    if (EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, op.iv, op.encrypt ? 1 : 0) != 1) return false;
    std::size_t n = 0;
    if (op.in[1].len) {
        // Two pieces, the second possibly already in place in `out`: EVP
        // refuses partially overlapping CBC updates, so assemble the input
        // in `out` and run one in-place update.
        std::size_t done = 0;
        for (const Segment& s : op.in) {
            if (s.len && s.data != op.out + done) std::memmove(op.out + done, s.data, s.len);
            done += s.len;
        }
        int l = 0;
        if (EVP_CipherUpdate(ctx, op.out, &l, op.out, int(done)) != 1) return false;
        n = std::size_t(l);
    } else if (!update_all(ctx, op.in, op.out, n)) {
        return false;
    }
    int l = 0;
    return EVP_CipherFinal_ex(ctx, op.out + n, &l) == 1 && n + std::size_t(l) == op.out_len;
}

bool derive_iv(const OsslSa& sa, CryptoOp& op) {
    // sa.hpp: IV = first iv_len octets of AES-128-ECB(iv_key, 0^64 || be64(seq)).
    uint8_t block[16] = {};
    uint8_t enc[32];
    store_be64(block + 8, op.iv_seq);
    int l = 0;
    if (EVP_EncryptUpdate(sa.iv_ctx.get(), enc, &l, block, 16) != 1 || l != 16) return false;
    std::memcpy(op.iv, enc, op.iv_len);
    return true;
}

bool hmac(const OsslSa& sa, const CryptoOp& op, uint8_t* digest, std::size_t& len) {
    EVP_MAC_CTX* ctx = sa.mac.get();
    if (EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1) return false;
    for (const Segment& s : op.auth) {
        if (s.len && EVP_MAC_update(ctx, s.data, s.len) != 1) return false;
    }
    return EVP_MAC_final(ctx, digest, &len, 64) == 1;
}

class OpenSslProvider final : public CryptoProvider {
public:
    OpenSslProvider() : hmac_(EVP_MAC_fetch(nullptr, "HMAC", nullptr)) {}

    std::string_view name() const override { return "openssl"; }
    std::string description() const override { return OpenSSL_version(OPENSSL_VERSION); }
    bool supports(EncAlg, IntegAlg) const override { return true; }

    Result<std::unique_ptr<SaCrypto>> make_sa(const KeySpec& k) override {
        auto sa = std::make_unique<OsslSa>();
        sa->enc = k.enc;
        sa->integ = k.integ;
        if (k.enc != EncAlg::null) {
            const EVP_CIPHER* c = cipher_for(k.enc, k.enc_key.size());
            IKEOFF_ENSURE(c, Errc::invalid_argument, "openssl provider: bad cipher key length");
            bool aead = ipsec::is_aead(k.enc);
            // GMAC verification recomputes the tag with the sealing context.
            if (k.encrypt || k.enc == EncAlg::aes_gmac) {
                IKEOFF_ASSIGN(sa->enc_ctx, keyed_cipher(c, k.enc_key, true));
            }
            if (k.decrypt && k.enc != EncAlg::aes_gmac) {
                IKEOFF_ASSIGN(sa->dec_ctx, keyed_cipher(c, k.enc_key, false));
            }
            if (!aead && k.encrypt) {
                IKEOFF_ENSURE(k.iv_key.size() == 16, Errc::invalid_argument, "openssl provider: IV key must be 16 bytes");
                IKEOFF_ASSIGN(sa->iv_ctx, keyed_cipher(EVP_aes_128_ecb(), k.iv_key, true));
            }
        }
        if (k.integ != IntegAlg::none) {
            IKEOFF_ENSURE(hmac_, Errc::crypto_error, "openssl provider: HMAC is not available");
            sa->mac.reset(EVP_MAC_CTX_new(hmac_.get()));
            IKEOFF_ENSURE(sa->mac, Errc::crypto_error, "EVP_MAC_CTX_new failed");
            OSSL_PARAM params[] = {
                OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest_name(k.integ)), 0),
                OSSL_PARAM_construct_end()};
            static const uint8_t kEmpty[1] = {0};
            const uint8_t* key = k.integ_key.empty() ? kEmpty : k.integ_key.data();
            IKEOFF_ENSURE(EVP_MAC_init(sa->mac.get(), key, k.integ_key.size(), params) == 1, Errc::crypto_error,
                          "EVP_MAC_init refused the HMAC key");
        }
        return std::unique_ptr<SaCrypto>(std::move(sa));
    }

    bool batches(const SaCrypto&) const override { return false; }

    void run_one(CryptoOp& op) override {
        op.ok = run_op(static_cast<const OsslSa&>(*op.sa), op);
        if (!op.ok) ERR_clear_error();
    }

    void run(std::span<CryptoOp* const> ops) override {
        bool failed = false;
        for (CryptoOp* op : ops) {
            op->ok = run_op(static_cast<const OsslSa&>(*op->sa), *op);
            failed |= !op->ok;
        }
        // A forged packet leaves an entry on the thread's error queue; do not
        // let it leak into unrelated OpenSSL callers.
        if (failed) ERR_clear_error();
    }

private:
    static bool run_op(const OsslSa& sa, CryptoOp& op) {
        switch (sa.enc) {
            case EncAlg::aes_gcm16:
                return op.encrypt ? gcm_seal(sa, op, op.tag) : gcm_open(sa, op);
            case EncAlg::aes_gmac: {
                if (op.encrypt) return gcm_seal(sa, op, op.tag);
                uint8_t computed[16];
                CryptoOp probe = op;
                probe.in = {};
                probe.out = nullptr;
                return gcm_seal(sa, probe, computed) && op.tag_len <= 16 &&
                       ct_equal({computed, op.tag_len}, {op.expected_tag, op.tag_len});
            }
            case EncAlg::aes_cbc:
            case EncAlg::tdes_cbc:
                if (op.encrypt) {
                    if (op.derive_iv && !derive_iv(sa, op)) return false;
                    if (!cbc(sa, op)) return false;
                    return integ(sa, op);
                } else {
                    bool verified = integ(sa, op);
                    return cbc(sa, op) && verified;
                }
            case EncAlg::null:
                return integ(sa, op);
        }
        return false;
    }

    // Seal: write the (truncated) HMAC; open: compare it. No integrity = ok.
    static bool integ(const OsslSa& sa, CryptoOp& op) {
        if (sa.integ == IntegAlg::none) return true;
        uint8_t digest[64];
        std::size_t len = 0;
        if (!hmac(sa, op, digest, len) || op.tag_len > len) return false;
        if (op.encrypt) {
            std::memcpy(op.tag, digest, op.tag_len);
            return true;
        }
        return ct_equal({digest, op.tag_len}, {op.expected_tag, op.tag_len});
    }

    MacPtr hmac_;
};

}  // namespace

Result<std::unique_ptr<CryptoProvider>> make_openssl_provider() {
    return std::unique_ptr<CryptoProvider>(std::make_unique<OpenSslProvider>());
}

std::size_t hmac_block_bytes(IntegAlg alg) {
    switch (alg) {
        case IntegAlg::hmac_sha384_192:
        case IntegAlg::hmac_sha512_256: return 128;
        case IntegAlg::none: return 0;
        default: return 64;
    }
}

std::size_t hmac_digest_bytes(IntegAlg alg) {
    switch (alg) {
        case IntegAlg::hmac_sha1_96: return 20;
        case IntegAlg::hmac_sha256_128: return 32;
        case IntegAlg::hmac_sha384_192: return 48;
        case IntegAlg::hmac_sha512_256: return 64;
        case IntegAlg::hmac_md5_96: return 16;
        case IntegAlg::none: return 0;
    }
    return 0;
}

}  // namespace ikeoff::drivers::soft
