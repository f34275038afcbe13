// Random numbers, split by what they protect (s2n's habit).
//
// OpenSSL 3 keeps separate DRBG instances for RAND_bytes and
// RAND_priv_bytes. Values that go on the wire (nonces, cookies, IVs, SPIs)
// come from the public generator; values that must stay secret (DH and
// signature private keys) from the private one. A state compromise seen
// through the public outputs then says nothing about the private stream.
#pragma once

#include <cstddef>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"

namespace ikeoff::crypto::rng {

// Nonces, cookies, IVs, SPIs, padding.
Status public_fill(MutableByteView out);
Result<Bytes> public_bytes(std::size_t n);

// Private exponents and any other secret seed.
Status private_fill(MutableByteView out);
Result<SecretBytes> private_bytes(std::size_t n);

}  // namespace ikeoff::crypto::rng
