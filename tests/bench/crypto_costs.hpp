// Measured cost of the cryptographic operations one IKEv1 negotiation needs,
// and the negotiation-rate ceiling they imply. Header-only so that every
// benchmark program (ike_crypto_bench, the Main/Quick Mode benchmark) can
// measure the costs in its own run and print its rate next to the ceiling.
//
//   auto costs = ikeoff::bench::measure_crypto_costs();
//   auto ops = ikeoff::bench::main_quick_mode_ops(ikeoff::bench::Auth::psk, /*pfs=*/false);
//   double ceiling = ikeoff::bench::ceiling_per_second(costs, ikeoff::bench::Group::modp2048, ops);
#pragma once

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include <time.h>

#include "host/crypto/cipher.hpp"
#include "host/crypto/dh.hpp"
#include "host/crypto/hash.hpp"
#include "host/crypto/prf.hpp"
#include "host/crypto/pubkey.hpp"

namespace ikeoff::bench {

// CPU time of the calling thread, in seconds. Costs are measured in CPU
// time so that other processes on a shared machine do not inflate them; a
// benchmark comparing its own rate with the ceiling should measure its rate
// with this clock too (it runs both peers on its one thread).
inline double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Mean CPU nanoseconds per call of `op`, running it for at least
// `min_seconds` of CPU time and `min_iterations` (after one warm-up call).
// Aborts if op reports failure: a benchmark of a failing operation is
// meaningless.
inline double ns_per_op(const std::function<bool()>& op, double min_seconds = 0.25, long min_iterations = 20) {
    if (!op()) {
        std::fprintf(stderr, "benchmark operation failed\n");
        std::abort();
    }
    long n = 0;
    const double start = thread_cpu_seconds();
    double elapsed = 0;
    do {
        for (int i = 0; i < 10; ++i) {
            if (!op()) {
                std::fprintf(stderr, "benchmark operation failed\n");
                std::abort();
            }
        }
        n += 10;
        elapsed = thread_cpu_seconds() - start;
    } while (elapsed < min_seconds || n < min_iterations);
    return elapsed * 1e9 / static_cast<double>(n);
}

enum class Group { modp2048, ecp256 };
enum class Auth { psk, rsa_sig };

struct DhCost {
    double keygen_ns = 0;  // DhKeyExchange::generate
    double derive_ns = 0;  // DhKeyExchange::derive, peer-value check included
};

struct CryptoCosts {
    DhCost modp2048, ecp256;
    double rsa2048_sign_ns = 0;    // PrivateKey::sign_ike, 20-byte hash
    double rsa2048_verify_ns = 0;  // PublicKey::verify_ike
    double prf_sha1_ns = 0;        // Prf::create + 600-byte input (HASH_I-sized)
    double prf_sha256_ns = 0;
    double hash_sha1_ns = 0;       // 100-byte input (IV, NAT-D)
    double cbc_aes128_ns = 0;      // CbcCipher::create + encrypt of 128 bytes (one ISAKMP message)

    const DhCost& dh(Group g) const { return g == Group::modp2048 ? modp2048 : ecp256; }
};

inline CryptoCosts measure_crypto_costs(double min_seconds = 0.25) {
    using namespace ikeoff::crypto;
    CryptoCosts c;
    auto dh_cost = [&](uint16_t id) {
        DhCost d;
        auto g = std::move(DhGroup::well_known(id)).value();
        auto peer = std::move(DhKeyExchange::generate(g)).value();
        d.keygen_ns = ns_per_op([&] { return DhKeyExchange::generate(g).ok(); }, min_seconds);
        auto mine = std::move(DhKeyExchange::generate(g)).value();
        d.derive_ns = ns_per_op([&] { return mine.derive(peer.public_value()).ok(); }, min_seconds);
        return d;
    };
    c.modp2048 = dh_cost(14);
    c.ecp256 = dh_cost(19);

    auto key = std::move(PrivateKey::generate_rsa(2048)).value();
    auto pub = std::move(key.public_key()).value();
    Bytes h(20, 0x42);
    Bytes sig = std::move(key.sign_ike(h)).value();
    c.rsa2048_sign_ns = ns_per_op([&] { return key.sign_ike(h).ok(); }, min_seconds);
    c.rsa2048_verify_ns = ns_per_op([&] { return pub.verify_ike(h, sig); }, min_seconds);

    Bytes k(20, 1), msg(600, 2), small(100, 3), iv(16, 4), block(128, 5), aes_key(16, 6);
    c.prf_sha1_ns = ns_per_op([&] { return prf(HashAlg::sha1, k, {msg}).ok(); }, min_seconds);
    c.prf_sha256_ns = ns_per_op([&] { return prf(HashAlg::sha256, k, {msg}).ok(); }, min_seconds);
    c.hash_sha1_ns = ns_per_op([&] { return hash(HashAlg::sha1, small).ok(); }, min_seconds);
    c.cbc_aes128_ns = ns_per_op(
        [&] {
            auto ci = CbcCipher::create(CipherAlg::aes_cbc, aes_key);
            return ci.ok() && ci->encrypt(iv, block).ok();
        },
        min_seconds);
    return c;
}

// Operations one Main Mode + one Quick Mode cost, summed over BOTH peers
// (the negotiation benchmark runs initiator and responder on one core).
struct NegotiationOps {
    int dh_keygen = 0, dh_derive = 0;
    int rsa_sign = 0, rsa_verify = 0;
    int prf = 0, hash = 0, cbc = 0;
};

// Counts for Main Mode (6 messages) + Quick Mode (3 messages), ESP
// aes128-sha1 (KEYMAT 16+20 bytes = 2 PRF blocks per SA with SHA-1), NAT-T
// detection on (2 NAT-D payloads each way):
//  - DH: each peer one key pair and one derivation; PFS doubles both.
//  - PRF per peer: SKEYID + SKEYID_d/a/e (4), its own HASH_x and the check
//    of the peer's (2), Quick Mode HASH(1..3) made or checked (3), KEYMAT
//    2 SAs x 2 blocks (4)  ->  13 per peer.
//  - Hash per peer: initial IV (1), first Quick Mode IV (1), NAT-D 2 sent
//    + 2 checked (4)  ->  6.
//  - CBC: MM5, MM6, QM1, QM2, QM3 each encrypted once and decrypted once.
//  - RSA signatures: each peer signs its HASH_x once and verifies the
//    peer's once (certificate chain checks would add one verify per
//    certificate and are not counted).
inline NegotiationOps main_quick_mode_ops(Auth auth, bool pfs) {
    NegotiationOps o;
    o.dh_keygen = pfs ? 4 : 2;
    o.dh_derive = pfs ? 4 : 2;
    o.prf = 2 * 13;
    o.hash = 2 * 6;
    o.cbc = 2 * 5;
    if (auth == Auth::rsa_sig) {
        o.rsa_sign = 2;
        o.rsa_verify = 2;
    }
    return o;
}

// Nanoseconds of crypto per negotiation (SHA-1 PRF/hash, AES-128 CBC).
inline double negotiation_crypto_ns(const CryptoCosts& c, Group g, const NegotiationOps& o) {
    const DhCost& d = c.dh(g);
    return o.dh_keygen * d.keygen_ns + o.dh_derive * d.derive_ns + o.rsa_sign * c.rsa2048_sign_ns +
           o.rsa_verify * c.rsa2048_verify_ns + o.prf * c.prf_sha1_ns + o.hash * c.hash_sha1_ns +
           o.cbc * c.cbc_aes128_ns;
}

// Negotiations per second on one core if crypto were the only cost.
inline double ceiling_per_second(const CryptoCosts& c, Group g, const NegotiationOps& o) {
    return 1e9 / negotiation_crypto_ns(c, g, o);
}

}  // namespace ikeoff::bench
