// The IKEv1 pseudo-random function.
//
// RFC 2409 §4: "If no PRF is negotiated, the HMAC version of the negotiated
// hash algorithm is used as a pseudo-random function." No separate PRF was
// ever assigned for IKEv1 in practice, so prf(k, m) = HMAC-<hash>(k, m).
//
// All outputs are SecretBytes: in IKE almost every PRF output is key
// material (SKEYID*, KEYMAT) and the rest (HASH_I, Hash(1)) is cheap to wipe.
#pragma once

#include <initializer_list>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/crypto/hash.hpp"
#include "host/crypto/ossl.hpp"

namespace ikeoff::crypto {

// A keyed PRF instance. The key is set once; each finish() produces one
// output and leaves the instance ready for the next message under the same
// key (prf+ style loops, KEYMAT expansion, Appendix B).
class Prf {
public:
    static Result<Prf> create(HashAlg alg, ByteView key);

    HashAlg alg() const noexcept { return alg_; }
    std::size_t size() const noexcept { return hash_size(alg_); }

    Status update(ByteView data);
    Result<SecretBytes> finish();
    // update() each part, then finish().
    Result<SecretBytes> compute(std::initializer_list<ByteView> parts);

private:
    Prf(HashAlg alg, OsslPtr<EVP_MAC_CTX> ctx) : alg_(alg), ctx_(std::move(ctx)) {}
    HashAlg alg_;
    OsslPtr<EVP_MAC_CTX> ctx_;
};

// One-shot prf(key, part1 | part2 | ...).
Result<SecretBytes> prf(HashAlg alg, ByteView key, std::initializer_list<ByteView> parts);

}  // namespace ikeoff::crypto
