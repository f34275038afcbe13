// Diffie-Hellman for IKEv1: the MODP groups of RFC 2409 §6 and RFC 3526,
// the ECP groups of RFC 5903, and private MODP groups from New Group Mode
// (RFC 2409 §5.6).
//
// Encodings (what the KE payload carries and what g^xy is):
//  - MODP: the public value g^x mod p as a big-endian integer left-padded
//    with zeros to the length of p; the shared secret the same way.
//  - ECP (RFC 5903 §7, §9): the KE payload is x || y of the public point,
//    each coordinate padded to the field size, with no 0x04 prefix; the
//    shared secret is the x coordinate of the shared point only.
//
// A peer's public value is always validated before use (DhGroup::
// check_public_value; DhKeyExchange::derive does it itself).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/crypto/ossl.hpp"

namespace ikeoff::crypto {

enum class DhKind : uint8_t { modp, ecp };

class DhGroup {
public:
    // IANA "Group Description" numbers (RFC 2409 Appendix A / IANA): MODP 1,
    // 2, 5, 14, 15, 16, 17, 18; ECP 19, 20, 21. Others: Errc::unsupported.
    static Result<DhGroup> well_known(uint16_t id);
    static std::span<const uint16_t> supported_ids() noexcept;

    // A private MODP group offered in New Group Mode. Accepted only when p is
    // a safe prime (p and (p-1)/2 prime) of 768..8192 bits and 1 < g < p-1:
    // the cheap peer-value check below is only sound for safe primes, and
    // a group of unknown structure could hide small subgroups. The primality
    // tests are expensive (seconds for 8192 bits) but run once per group,
    // after phase-1 authentication.
    static Result<DhGroup> custom_modp(ByteView prime, ByteView generator);

    uint16_t id() const noexcept;  // 0 for a New Group Mode group
    DhKind kind() const noexcept;
    std::string_view name() const noexcept;  // "modp2048", "ecp256", "modp2048-custom"
    std::size_t bits() const noexcept;       // size of p (MODP) or of the field (ECP)
    std::size_t public_value_size() const noexcept;  // KE payload data length
    std::size_t shared_secret_size() const noexcept; // length of g^xy
    // MODP groups below 2048 bits (1, 2, 5) are only for configurations that
    // explicitly allow weak algorithms.
    bool is_weak() const noexcept;
    // MODP only (empty for ECP): p and g, big-endian.
    ByteView prime() const noexcept;
    ByteView generator() const noexcept;

    // Validates a peer's KE payload data for this group; Errc::invalid_argument
    // (with the reason) when it must be rejected.
    Status check_public_value(ByteView peer) const;

    struct Data;  // defined in dh.cpp
    const Data& data() const noexcept { return *d_; }

private:
    explicit DhGroup(std::shared_ptr<const Data> d) : d_(std::move(d)) {}
    std::shared_ptr<const Data> d_;  // shared, immutable: copies are cheap
};

// One side's ephemeral key pair in one group.
class DhKeyExchange {
public:
    // Fresh key pair. OpenSSL draws the private key from its private DRBG
    // (RAND_priv_bytes), i.e. the private half of the RNG split (rng.hpp).
    static Result<DhKeyExchange> generate(const DhGroup& group);
    // A key pair from a known private value (big-endian x for MODP, the
    // scalar for ECP): for known-answer tests, never for real exchanges.
    static Result<DhKeyExchange> from_private(const DhGroup& group, ByteView private_value);

    const DhGroup& group() const noexcept { return group_; }
    // Our KE payload data (encoding: see the top of this file).
    ByteView public_value() const noexcept { return pub_; }
    // Validates the peer's value, then computes g^xy (encoding: see above).
    Result<SecretBytes> derive(ByteView peer_public) const;

private:
    DhKeyExchange(DhGroup g, OsslPtr<EVP_PKEY> key, Bytes pub)
        : group_(std::move(g)), key_(std::move(key)), pub_(std::move(pub)) {}
    DhGroup group_;
    OsslPtr<EVP_PKEY> key_;
    Bytes pub_;
};

}  // namespace ikeoff::crypto
