#include "host/crypto/hash.hpp"

#include <array>

namespace ikeoff::crypto {

namespace {

struct HashInfo {
    const char* ossl_name;
    std::string_view name;
    std::size_t size;
    uint16_t ike_attribute;
};

constexpr std::array<HashInfo, 5> kHashes{{
    {"MD5", "md5", 16, 1},
    {"SHA1", "sha1", 20, 2},
    {"SHA2-256", "sha256", 32, 4},
    {"SHA2-384", "sha384", 48, 5},
    {"SHA2-512", "sha512", 64, 6},
}};

const HashInfo& info(HashAlg alg) { return kHashes[static_cast<std::size_t>(alg)]; }

// Fetching an algorithm from the provider is expensive (a locked name
// lookup); IKE hashes many small inputs, so each digest is fetched once.
struct FetchedDigests {
    std::array<OsslPtr<EVP_MD>, kHashes.size()> md;
    FetchedDigests() {
        for (std::size_t i = 0; i < kHashes.size(); ++i) md[i] = own(EVP_MD_fetch(nullptr, kHashes[i].ossl_name, nullptr));
    }
};

}  // namespace

std::size_t hash_size(HashAlg alg) noexcept { return info(alg).size; }
std::string_view hash_name(HashAlg alg) noexcept { return info(alg).name; }
uint16_t ike_hash_attribute(HashAlg alg) noexcept { return info(alg).ike_attribute; }

std::optional<HashAlg> hash_from_ike_attribute(uint16_t value) noexcept {
    for (std::size_t i = 0; i < kHashes.size(); ++i) {
        if (kHashes[i].ike_attribute == value) return static_cast<HashAlg>(i);
    }
    return std::nullopt;
}

const EVP_MD* evp_md(HashAlg alg) noexcept {
    static const FetchedDigests digests;  // thread-safe one-time init
    return digests.md[static_cast<std::size_t>(alg)].get();
}

Result<Bytes> hash(HashAlg alg, std::initializer_list<ByteView> parts) {
    IKEOFF_ASSIGN(Hasher h, Hasher::create(alg));
    for (ByteView p : parts) IKEOFF_TRY(h.update(p));
    return h.finish();
}

Result<Hasher> Hasher::create(HashAlg alg) {
    const EVP_MD* md = evp_md(alg);
    if (!md) return ossl_error(std::string("digest ") + std::string(hash_name(alg)) + " unavailable");
    auto ctx = own(EVP_MD_CTX_new());
    IKEOFF_OSSL_NOTNULL(ctx, "EVP_MD_CTX_new");
    IKEOFF_OSSL(EVP_DigestInit_ex2(ctx.get(), md, nullptr), "EVP_DigestInit_ex2");
    return Hasher(alg, std::move(ctx));
}

Status Hasher::update(ByteView data) {
    if (data.empty()) return ok_status();
    IKEOFF_OSSL(EVP_DigestUpdate(ctx_.get(), data.data(), data.size()), "EVP_DigestUpdate");
    return ok_status();
}

Result<Bytes> Hasher::finish() {
    Bytes out(size());
    unsigned int len = 0;
    IKEOFF_OSSL(EVP_DigestFinal_ex(ctx_.get(), out.data(), &len), "EVP_DigestFinal_ex");
    IKEOFF_ENSURE(len == out.size(), Errc::internal, "digest length mismatch");
    IKEOFF_OSSL(EVP_DigestInit_ex2(ctx_.get(), nullptr, nullptr), "EVP_DigestInit_ex2 (reset)");
    return out;
}

}  // namespace ikeoff::crypto
