// Hash functions IKEv1 negotiates (RFC 2409 Appendix A "Hash Algorithm").
//
// The hash is used on its own for the phase-1 IVs (Appendix B), the NAT-D
// payloads (RFC 3947) and SKEYID of the public-key-encryption methods; the
// PRF (prf.hpp) is the HMAC of the same hash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/crypto/ossl.hpp"

namespace ikeoff::crypto {

enum class HashAlg : uint8_t { md5, sha1, sha256, sha384, sha512 };

std::size_t hash_size(HashAlg alg) noexcept;    // output length in bytes
std::string_view hash_name(HashAlg alg) noexcept;  // "md5", "sha1", "sha256", ...
// MD5 is only acceptable when the configuration explicitly allows it.
inline bool is_weak(HashAlg alg) noexcept { return alg == HashAlg::md5; }

// Phase-1 "Hash Algorithm" attribute values (RFC 2409 Appendix A; the SHA-2
// numbers from the IANA IPSEC registry): MD5=1, SHA=2, SHA2-256=4,
// SHA2-384=5, SHA2-512=6. Tiger (3) is not supported.
uint16_t ike_hash_attribute(HashAlg alg) noexcept;
std::optional<HashAlg> hash_from_ike_attribute(uint16_t value) noexcept;

// The fetched OpenSSL digest for `alg` (fetched once per process, never null
// unless the provider is missing, which create() functions report).
const EVP_MD* evp_md(HashAlg alg) noexcept;

// One-shot digest of the concatenation of `parts`.
Result<Bytes> hash(HashAlg alg, std::initializer_list<ByteView> parts);
inline Result<Bytes> hash(HashAlg alg, ByteView data) { return hash(alg, {data}); }

// Incremental hashing: update() any number of times, then finish().
class Hasher {
public:
    static Result<Hasher> create(HashAlg alg);

    HashAlg alg() const noexcept { return alg_; }
    std::size_t size() const noexcept { return hash_size(alg_); }
    Status update(ByteView data);
    // Returns the digest and resets the object for a new message.
    Result<Bytes> finish();

private:
    Hasher(HashAlg alg, OsslPtr<EVP_MD_CTX> ctx) : alg_(alg), ctx_(std::move(ctx)) {}
    HashAlg alg_;
    OsslPtr<EVP_MD_CTX> ctx_;
};

}  // namespace ikeoff::crypto
