// Random SAs and packets for the csim-vs-soft differential test: every
// algorithm, ESP and AH, tunnel and transport, IPv4 and IPv6 (with options
// and extension headers), UDP encapsulation, ESN, lifetimes, counters near
// overflow, and inbound perturbations (replays, reordering, tampering,
// truncation, junk, crafted bad padding).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/ipsec/sa.hpp"

namespace ikeoff::hls_test {

using Rng = std::mt19937_64;

inline uint64_t uniform(Rng& r, uint64_t lo, uint64_t hi) { return std::uniform_int_distribution<uint64_t>(lo, hi)(r); }
inline bool chance(Rng& r, double p) { return std::bernoulli_distribution(p)(r); }

// Payload size in 0..max_payload, skewed towards small packets so that the
// run stays short while still reaching jumbo sizes.
std::size_t random_payload_size(Rng& r, std::size_t max_payload);

// A valid inner packet: IPv4 (random options) or IPv6 (random extension
// headers), carrying `payload` octets after its headers. Total <= max_total.
Bytes random_inner(Rng& r, bool v6, std::size_t payload, bool with_options);

// A random valid SaParams (keys drawn from r, iv_seed set so CBC IVs are reproducible).
ipsec::SaParams random_sa(Rng& r, uint32_t spi, ipsec::SaDirection dir);
std::string describe(const ipsec::SaParams& p);

// RFC 4303 ESP for a null-encryption + HMAC SA with a chosen trailer: lets
// the test build packets whose ICV is right but whose padding or next header
// is not. `trailer` replaces padding || pad length || next header.
Bytes craft_null_esp(const ipsec::SaParams& p, uint64_t seq, ByteView inner, ByteView trailer, bool outer_v6);

}  // namespace ikeoff::hls_test
