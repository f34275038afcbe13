#include "host/crypto/pubkey.hpp"

#include <algorithm>

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "host/crypto/pem_der.hpp"

namespace ikeoff::crypto {

namespace {

KeyType type_of(const EVP_PKEY* k) noexcept {
    if (!k) return KeyType::other;
    if (EVP_PKEY_is_a(k, "RSA")) return KeyType::rsa;
    if (EVP_PKEY_is_a(k, "DSA")) return KeyType::dsa;
    if (EVP_PKEY_is_a(k, "EC")) return KeyType::ec;
    return KeyType::other;
}

// Passphrase callback: never prompt on a terminal (the default callback
// would); hand out the configured password or nothing.
int password_cb(char* buf, int size, int /*rwflag*/, void* u) {
    const auto* pw = static_cast<const std::string*>(u);
    if (!pw || pw->empty() || static_cast<int>(pw->size()) > size) return 0;
    std::copy(pw->begin(), pw->end(), buf);
    return static_cast<int>(pw->size());
}

// Size of DSA's q in bytes (the length of r and of s in the SIG payload).
Result<std::size_t> dsa_q_bytes(const EVP_PKEY* key) {
    BIGNUM* raw = nullptr;
    IKEOFF_OSSL(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_FFC_Q, &raw), "DSA q");
    auto q = own(raw);
    return static_cast<std::size_t>(BN_num_bytes(q.get()));
}

Result<OsslPtr<EVP_PKEY_CTX>> op_ctx(EVP_PKEY* key) {
    auto ctx = own(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    IKEOFF_OSSL_NOTNULL(ctx, "EVP_PKEY_CTX_new_from_pkey");
    return ctx;
}

// A second owner of the same EVP_PKEY (OpenSSL counts references), so
// copies of a key cost no re-parsing; empty if `k` is.
OsslPtr<EVP_PKEY> share(const OsslPtr<EVP_PKEY>& k) {
    OsslPtr<EVP_PKEY> out;
    if (k && EVP_PKEY_up_ref(k.get()) == 1) out.reset(k.get());
    return out;
}

}  // namespace

std::string_view key_type_name(KeyType t) noexcept {
    switch (t) {
        case KeyType::rsa: return "RSA";
        case KeyType::dsa: return "DSA";
        case KeyType::ec: return "EC";
        case KeyType::other: return "other";
    }
    return "other";
}

// ---- PublicKey --------------------------------------------------------------------

Result<PublicKey> PublicKey::from_der(ByteView spki) {
    const unsigned char* p = spki.data();
    auto key = own(d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())));
    if (!key) return Error{Errc::parse_error, "not a DER SubjectPublicKeyInfo: " + ossl_error_text()};
    return PublicKey(std::move(key));
}

Result<PublicKey> PublicKey::from_pem(std::string_view pem) {
    IKEOFF_ASSIGN(auto bio, mem_bio(pem));
    auto key = own(PEM_read_bio_PUBKEY(bio.get(), nullptr, password_cb, nullptr));
    if (!key) return Error{Errc::parse_error, "no PEM public key: " + ossl_error_text()};
    return PublicKey(std::move(key));
}

PublicKey::PublicKey(const PublicKey& o) : key_(share(o.key_)) {}

PublicKey& PublicKey::operator=(const PublicKey& o) {
    if (this != &o) {
        PublicKey tmp(o);
        key_ = std::move(tmp.key_);
    }
    return *this;
}

PrivateKey::PrivateKey(const PrivateKey& o) : key_(share(o.key_)) {}

PrivateKey& PrivateKey::operator=(const PrivateKey& o) {
    if (this != &o) {
        PrivateKey tmp(o);
        key_ = std::move(tmp.key_);
    }
    return *this;
}

KeyType PublicKey::type() const noexcept { return type_of(key_.get()); }
std::size_t PublicKey::bits() const noexcept { return key_ ? static_cast<std::size_t>(EVP_PKEY_get_bits(key_.get())) : 0; }

Result<Bytes> PublicKey::spki_der() const { return to_der(key_.get(), i2d_PUBKEY, "i2d_PUBKEY"); }

bool PublicKey::equals(const PublicKey& other) const noexcept {
    return key_ && other.key_ && EVP_PKEY_eq(key_.get(), other.key_.get()) == 1;
}

bool PublicKey::verify_ike(ByteView hash, ByteView signature) const noexcept {
    if (!key_ || hash.empty()) return false;
    auto ctx = own(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
    if (!ctx) return false;
    bool ok = false;
    switch (type()) {
        case KeyType::rsa: {
            // Recover the PKCS#1 type-1 block and compare the raw hash: no
            // DigestInfo is expected (RFC 2409 §5.1).
            const auto k = static_cast<std::size_t>(EVP_PKEY_get_size(key_.get()));
            if (signature.size() != k) break;
            if (EVP_PKEY_verify_recover_init(ctx.get()) != 1 ||
                EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
                break;
            }
            Bytes recovered(k);
            std::size_t len = recovered.size();
            if (EVP_PKEY_verify_recover(ctx.get(), recovered.data(), &len, signature.data(), signature.size()) != 1) {
                break;
            }
            ok = len == hash.size() && ct_equal(ByteView(recovered).first(len), hash);
            break;
        }
        case KeyType::dsa: {
            // r || s, each as long as q, back into the DER form OpenSSL verifies.
            auto qb = dsa_q_bytes(key_.get());
            if (!qb.ok() || signature.size() != 2 * *qb) break;
            auto r = own(BN_bin2bn(signature.data(), static_cast<int>(*qb), nullptr));
            auto s = own(BN_bin2bn(signature.data() + *qb, static_cast<int>(*qb), nullptr));
            auto sig = own(DSA_SIG_new());
            if (!r || !s || !sig || DSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) break;
            (void)r.release();  // owned by sig now
            (void)s.release();
            unsigned char* der = nullptr;
            int der_len = i2d_DSA_SIG(sig.get(), &der);
            if (der_len <= 0) break;
            if (EVP_PKEY_verify_init(ctx.get()) == 1) {
                ok = EVP_PKEY_verify(ctx.get(), der, static_cast<std::size_t>(der_len), hash.data(), hash.size()) == 1;
            }
            OPENSSL_free(der);
            break;
        }
        default: break;
    }
    ossl_clear_errors();  // a bad signature is an answer, not an error to report later
    return ok;
}

Result<Bytes> PublicKey::encrypt_pkcs1(ByteView plaintext) const {
    IKEOFF_ENSURE(type() == KeyType::rsa, Errc::unsupported, "public-key encryption needs an RSA key");
    const auto k = static_cast<std::size_t>(EVP_PKEY_get_size(key_.get()));
    IKEOFF_ENSURE(!plaintext.empty() && plaintext.size() + 11 <= k, Errc::invalid_argument,
                  "PKCS#1 v1.5 plaintext must be 1.." + std::to_string(k - 11) + " bytes for this key");
    IKEOFF_ASSIGN(auto ctx, op_ctx(key_.get()));
    IKEOFF_OSSL(EVP_PKEY_encrypt_init(ctx.get()), "RSA encrypt init");
    IKEOFF_OSSL(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), "RSA padding");
    Bytes out(k);
    std::size_t len = out.size();
    IKEOFF_OSSL(EVP_PKEY_encrypt(ctx.get(), out.data(), &len, plaintext.data(), plaintext.size()), "RSA encrypt");
    out.resize(len);
    return out;
}

// ---- PrivateKey -------------------------------------------------------------------

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem, std::string_view password) {
    IKEOFF_ASSIGN(auto bio, mem_bio(pem));
    std::string pw(password);
    auto key = own(PEM_read_bio_PrivateKey(bio.get(), nullptr, password_cb, &pw));
    secure_zero(pw.data(), pw.size());
    if (!key) return Error{Errc::parse_error, "no usable PEM private key (wrong password?): " + ossl_error_text()};
    return PrivateKey(std::move(key));
}

Result<PrivateKey> PrivateKey::from_der(ByteView der) {
    const unsigned char* p = der.data();
    auto key = own(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size())));
    if (!key) return Error{Errc::parse_error, "not a DER private key: " + ossl_error_text()};
    return PrivateKey(std::move(key));
}

Result<PrivateKey> PrivateKey::load_file(const std::string& path, std::string_view password) {
    return load_pem_or_der<PrivateKey>(
        path, [&](std::string_view pem) { return from_pem(pem, password); }, &PrivateKey::from_der);
}

Result<PrivateKey> PrivateKey::generate_rsa(unsigned bits) {
    IKEOFF_ENSURE(bits >= 1024 && bits <= 16384, Errc::invalid_argument, "RSA key size out of range");
    auto key = own(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
    IKEOFF_OSSL_NOTNULL(key, "RSA key generation");
    return PrivateKey(std::move(key));
}

Result<PrivateKey> PrivateKey::generate_dsa(unsigned bits) {
    // FIPS 186-4 (L, N) pairs: (1024, 160), (2048, 224), (3072, 256).
    const unsigned qbits = bits <= 1024 ? 160 : bits <= 2048 ? 224 : 256;
    auto pctx = own(EVP_PKEY_CTX_new_from_name(nullptr, "DSA", nullptr));
    IKEOFF_OSSL_NOTNULL(pctx, "DSA context");
    IKEOFF_OSSL(EVP_PKEY_paramgen_init(pctx.get()), "DSA paramgen init");
    IKEOFF_OSSL(EVP_PKEY_CTX_set_dsa_paramgen_bits(pctx.get(), static_cast<int>(bits)), "DSA bits");
    IKEOFF_OSSL(EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pctx.get(), static_cast<int>(qbits)), "DSA q bits");
    EVP_PKEY* raw = nullptr;
    IKEOFF_OSSL(EVP_PKEY_paramgen(pctx.get(), &raw), "DSA paramgen");
    auto params = own(raw);
    auto kctx = own(EVP_PKEY_CTX_new_from_pkey(nullptr, params.get(), nullptr));
    IKEOFF_OSSL_NOTNULL(kctx, "DSA keygen context");
    IKEOFF_OSSL(EVP_PKEY_keygen_init(kctx.get()), "DSA keygen init");
    raw = nullptr;
    IKEOFF_OSSL(EVP_PKEY_keygen(kctx.get(), &raw), "DSA keygen");
    return PrivateKey(own(raw));
}

KeyType PrivateKey::type() const noexcept { return type_of(key_.get()); }
std::size_t PrivateKey::bits() const noexcept { return key_ ? static_cast<std::size_t>(EVP_PKEY_get_bits(key_.get())) : 0; }

Result<PublicKey> PrivateKey::public_key() const {
    // Round trip through SubjectPublicKeyInfo: the result holds no private part.
    IKEOFF_ASSIGN(Bytes der, to_der(key_.get(), i2d_PUBKEY, "i2d_PUBKEY"));
    return PublicKey::from_der(der);
}

Result<std::string> PrivateKey::to_pem() const {
    auto bio = own(BIO_new(BIO_s_mem()));
    IKEOFF_OSSL_NOTNULL(bio, "BIO_new");
    IKEOFF_OSSL(PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr), "PEM write");
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

Result<Bytes> PrivateKey::sign_ike(ByteView hash) const {
    IKEOFF_ENSURE(!hash.empty(), Errc::invalid_argument, "nothing to sign");
    IKEOFF_ASSIGN(auto ctx, op_ctx(key_.get()));
    IKEOFF_OSSL(EVP_PKEY_sign_init(ctx.get()), "sign init");
    switch (type()) {
        case KeyType::rsa: {
            const auto k = static_cast<std::size_t>(EVP_PKEY_get_size(key_.get()));
            IKEOFF_ENSURE(hash.size() + 11 <= k, Errc::invalid_argument, "hash too long for the RSA key");
            // No signature digest set: OpenSSL pads the input with PKCS#1
            // type 1 and applies the private key, i.e. EMSA-PKCS1 without
            // DigestInfo, as RFC 2409 §5.1 wants.
            IKEOFF_OSSL(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), "RSA padding");
            Bytes sig(k);
            std::size_t len = sig.size();
            IKEOFF_OSSL(EVP_PKEY_sign(ctx.get(), sig.data(), &len, hash.data(), hash.size()), "RSA sign");
            IKEOFF_ENSURE(len == k, Errc::crypto_error, "RSA signature length");
            return sig;
        }
        case KeyType::dsa: {
            IKEOFF_ASSIGN(std::size_t qb, dsa_q_bytes(key_.get()));
            std::size_t len = 0;
            IKEOFF_OSSL(EVP_PKEY_sign(ctx.get(), nullptr, &len, hash.data(), hash.size()), "DSA sign size");
            Bytes der(len);
            IKEOFF_OSSL(EVP_PKEY_sign(ctx.get(), der.data(), &len, hash.data(), hash.size()), "DSA sign");
            const unsigned char* p = der.data();
            auto sig = own(d2i_DSA_SIG(nullptr, &p, static_cast<long>(len)));
            IKEOFF_OSSL_NOTNULL(sig, "DSA signature decode");
            const BIGNUM *r = nullptr, *s = nullptr;
            DSA_SIG_get0(sig.get(), &r, &s);
            // The SIG payload carries r || s, each padded to the size of q.
            Bytes out(2 * qb);
            IKEOFF_ENSURE(BN_bn2binpad(r, out.data(), static_cast<int>(qb)) == static_cast<int>(qb) &&
                              BN_bn2binpad(s, out.data() + qb, static_cast<int>(qb)) == static_cast<int>(qb),
                          Errc::crypto_error, "DSA r/s larger than q");
            return out;
        }
        default:
            return Error{Errc::unsupported, std::string(key_type_name(type())) + " keys cannot sign IKEv1 hashes"};
    }
}

Result<SecretBytes> PrivateKey::decrypt_pkcs1(ByteView ciphertext) const {
    IKEOFF_ENSURE(type() == KeyType::rsa, Errc::unsupported, "public-key decryption needs an RSA key");
    IKEOFF_ASSIGN(auto ctx, op_ctx(key_.get()));
    IKEOFF_OSSL(EVP_PKEY_decrypt_init(ctx.get()), "RSA decrypt init");
    IKEOFF_OSSL(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING), "RSA padding");
    SecretBytes out(static_cast<std::size_t>(EVP_PKEY_get_size(key_.get())));
    std::size_t len = out.size();
    if (EVP_PKEY_decrypt(ctx.get(), out.data(), &len, ciphertext.data(), ciphertext.size()) != 1) {
        ossl_clear_errors();
        return Error{Errc::crypto_error, "RSA decryption failed"};  // deliberately no detail
    }
    out.resize(len);
    return out;
}

}  // namespace ikeoff::crypto
