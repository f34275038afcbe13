// Known-answer self-test of the crypto the IKE daemon relies on (strongSwan
// runs its crypto_tester when a plugin registers an algorithm; this is the
// same idea for our OpenSSL-backed primitives). Cheap (about a millisecond):
// the daemon runs it once at startup and refuses to start if it fails, so a
// broken or misconfigured OpenSSL is caught before any peer is answered.
#pragma once

#include "host/common/result.hpp"

namespace ikeoff::crypto {

// Runs every KAT; the first mismatch is returned as Errc::crypto_error
// naming the algorithm.
Status self_test();

}  // namespace ikeoff::crypto
