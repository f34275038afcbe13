#include "host/crypto/rng.hpp"

#include <climits>

#include <openssl/rand.h>

#include "host/crypto/ossl.hpp"

namespace ikeoff::crypto::rng {

Status public_fill(MutableByteView out) {
    if (out.empty()) return ok_status();
    IKEOFF_ENSURE(out.size() <= INT_MAX, Errc::invalid_argument, "random request too large");
    IKEOFF_OSSL(RAND_bytes(out.data(), static_cast<int>(out.size())), "RAND_bytes");
    return ok_status();
}

Result<Bytes> public_bytes(std::size_t n) {
    Bytes b(n);
    IKEOFF_TRY(public_fill(b));
    return b;
}

Status private_fill(MutableByteView out) {
    if (out.empty()) return ok_status();
    IKEOFF_ENSURE(out.size() <= INT_MAX, Errc::invalid_argument, "random request too large");
    IKEOFF_OSSL(RAND_priv_bytes(out.data(), static_cast<int>(out.size())), "RAND_priv_bytes");
    return ok_status();
}

Result<SecretBytes> private_bytes(std::size_t n) {
    SecretBytes b(n);
    IKEOFF_TRY(private_fill(b.mutable_view()));
    return b;
}

}  // namespace ikeoff::crypto::rng
