#include "host/crypto/prf.hpp"

#include <openssl/core_names.h>

namespace ikeoff::crypto {

namespace {

// Fetched once per process, for the same reason as the digests (hash.cpp).
EVP_MAC* hmac() {
    static const OsslPtr<EVP_MAC> mac = own(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    return mac.get();
}

}  // namespace

Result<Prf> Prf::create(HashAlg alg, ByteView key) {
    EVP_MAC* mac = hmac();
    if (!mac) return ossl_error("HMAC unavailable");
    auto ctx = own(EVP_MAC_CTX_new(mac));
    IKEOFF_OSSL_NOTNULL(ctx, "EVP_MAC_CTX_new");
    // The provider wants the digest by name; EVP_MD_get0_name gives the
    // name the digest was fetched under.
    const EVP_MD* md = evp_md(alg);
    if (!md) return ossl_error(std::string("digest ") + std::string(hash_name(alg)) + " unavailable");
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(EVP_MD_get0_name(md)), 0),
        OSSL_PARAM_construct_end(),
    };
    // HMAC accepts an empty key; OpenSSL wants a non-null pointer for it,
    // because a null key means "keep the previous key".
    static const uint8_t kEmpty = 0;
    const uint8_t* k = key.empty() ? &kEmpty : key.data();
    IKEOFF_OSSL(EVP_MAC_init(ctx.get(), k, key.size(), params), "HMAC init");
    return Prf(alg, std::move(ctx));
}

Status Prf::update(ByteView data) {
    if (data.empty()) return ok_status();
    IKEOFF_OSSL(EVP_MAC_update(ctx_.get(), data.data(), data.size()), "HMAC update");
    return ok_status();
}

Result<SecretBytes> Prf::finish() {
    SecretBytes out(size());
    std::size_t len = 0;
    IKEOFF_OSSL(EVP_MAC_final(ctx_.get(), out.data(), &len, out.size()), "HMAC final");
    IKEOFF_ENSURE(len == out.size(), Errc::internal, "HMAC output length mismatch");
    // A null key re-initialises HMAC with the key already set.
    IKEOFF_OSSL(EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr), "HMAC re-init");
    return out;
}

Result<SecretBytes> Prf::compute(std::initializer_list<ByteView> parts) {
    for (ByteView p : parts) IKEOFF_TRY(update(p));
    return finish();
}

Result<SecretBytes> prf(HashAlg alg, ByteView key, std::initializer_list<ByteView> parts) {
    IKEOFF_ASSIGN(Prf p, Prf::create(alg, key));
    return p.compute(parts);
}

}  // namespace ikeoff::crypto
