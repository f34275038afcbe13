#include "host/crypto/prf.hpp"

#include <openssl/core_names.h>

#include <array>

namespace ikeoff::crypto {

namespace {

// Fetched once per process, for the same reason as the digests (hash.cpp).
EVP_MAC* hmac() {
    static const OsslPtr<EVP_MAC> mac = own(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    return mac.get();
}

// One unkeyed HMAC context per digest, made once. Setting the digest by name
// makes the provider fetch it again on every call (a locked lookup); a
// Prf starts from a copy of the template instead, which shares the digest.
// An IKE negotiation creates a few dozen PRFs, so this is measurable.
struct HmacTemplates {
    std::array<OsslPtr<EVP_MAC_CTX>, static_cast<std::size_t>(HashAlg::sha512) + 1> ctx;
    HmacTemplates() {
        for (std::size_t i = 0; i < ctx.size(); ++i) {
            EVP_MAC* mac = hmac();
            const EVP_MD* md = evp_md(static_cast<HashAlg>(i));
            if (!mac || !md) continue;
            auto c = own(EVP_MAC_CTX_new(mac));
            if (!c) continue;
            // EVP_MD_get0_name: the name the digest was fetched under.
            OSSL_PARAM params[] = {
                OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(EVP_MD_get0_name(md)), 0),
                OSSL_PARAM_construct_end(),
            };
            if (EVP_MAC_CTX_set_params(c.get(), params) == 1) ctx[i] = std::move(c);
        }
    }
};

const EVP_MAC_CTX* hmac_template(HashAlg alg) {
    static const HmacTemplates templates;  // thread-safe one-time init; only ever copied
    const auto i = static_cast<std::size_t>(alg);
    return i < templates.ctx.size() ? templates.ctx[i].get() : nullptr;
}

}  // namespace

Result<Prf> Prf::create(HashAlg alg, ByteView key) {
    const EVP_MAC_CTX* tmpl = hmac_template(alg);
    if (!tmpl) return ossl_error("HMAC-" + std::string(hash_name(alg)) + " unavailable");
    auto ctx = own(EVP_MAC_CTX_dup(tmpl));
    IKEOFF_OSSL_NOTNULL(ctx, "EVP_MAC_CTX_dup");
    // HMAC accepts an empty key; OpenSSL wants a non-null pointer for it,
    // because a null key means "keep the previous key".
    static const uint8_t kEmpty = 0;
    const uint8_t* k = key.empty() ? &kEmpty : key.data();
    IKEOFF_OSSL(EVP_MAC_init(ctx.get(), k, key.size(), nullptr), "HMAC init");
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
