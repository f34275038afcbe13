// The crypto behind the soft driver: a provider turns per-SA keys into ready
// contexts once (key schedules, GHASH tables, HMAC ipad/opad states) and then
// runs batches of operations on them without allocating.
//
// The engine (soft_engine.cpp) does all the ESP/AH framing and describes the
// cryptographic work of each packet as one CryptoOp; the provider does
// nothing but cryptography. Two implementations: OpenSSL EVP (portable) and
// intel-ipsec-mb (x86-64, multi-buffer).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/ipsec/algorithms.hpp"

namespace ikeoff::drivers::soft {

// Keys for one SA (or one known-answer test). Lengths are free within what
// the algorithm allows, so KATs with long HMAC keys go through the same path.
struct KeySpec {
    ipsec::EncAlg enc = ipsec::EncAlg::null;
    ByteView enc_key;             // cipher key without the GCM/GMAC salt
    ipsec::IntegAlg integ = ipsec::IntegAlg::none;
    ByteView integ_key;           // any length (longer than a block is hashed first)
    ByteView iv_key;              // 16 octets: AES-128 key deriving CBC IVs (sa.hpp); CBC only
    bool encrypt = true;          // contexts for seal operations are needed
    bool decrypt = true;          // ... and for open operations
};

// Per-SA state owned by the engine, built and used by one provider only.
class SaCrypto {
public:
    virtual ~SaCrypto() = default;
};

struct Segment {
    const uint8_t* data = nullptr;
    std::size_t len = 0;
};

// The cryptographic part of one packet.
//
// seal (encrypt = true), in this order:
//   1. CBC with derive_iv: iv[0..iv_len) = first iv_len octets of
//      AES-128-ECB(iv_key, 0^64 || be64(iv_seq)).
//   2. cipher: the concatenation of `in` segments -> `out` (contiguous,
//      out_len octets; a segment may already sit at its own place in `out`,
//      as the ESP trailer does). AES-CBC/3DES-CBC use `iv`; AES-GCM uses `iv` as the
//      nonce (normally salt || explicit IV) and `auth` as AAD.
//   3. ICV: GCM tag over AAD + ciphertext; GMAC tag with `auth` as AAD and no
//      plaintext; HMAC over the `auth` segments (which may point at `out`:
//      they are read after step 2). tag_len octets are written to `tag`.
// open (encrypt = false): the ICV is computed over the same inputs (for CBC
// and GCM the ciphertext is the `in` data) and compared in constant time with
// expected_tag[0..tag_len); `ok` tells whether it matched. Decryption into `out` is
// done whether or not it matched; the caller discards the output on failure.
// `ok` is false also when the provider could not run the op (e.g. an IV
// length it does not support); seal ops never fail otherwise.
struct CryptoOp {
    const SaCrypto* sa = nullptr;
    bool encrypt = true;
    bool derive_iv = false;
    uint64_t iv_seq = 0;
    uint8_t* iv = nullptr;       // CBC IV or GCM/GMAC nonce
    std::size_t iv_len = 0;
    std::array<Segment, 2> in{};  // cipher input
    uint8_t* out = nullptr;       // cipher output
    std::size_t out_len = 0;
    std::array<Segment, 3> auth{};  // AAD (GCM/GMAC) or HMAC input
    uint8_t* tag = nullptr;                  // seal: output
    const uint8_t* expected_tag = nullptr;   // open: the received ICV
    std::size_t tag_len = 0;
    bool ok = false;

    // Back to the defaults, field by field (cheaper per packet than
    // assigning a temporary).
    void reset() {
        sa = nullptr;
        encrypt = true;
        derive_iv = false;
        iv_seq = 0;
        iv = nullptr;
        iv_len = 0;
        // Member by member: a chained assignment here compiles to a store
        // followed by a wider reload, which stalls store forwarding.
        for (Segment& s : in) {
            s.data = nullptr;
            s.len = 0;
        }
        out = nullptr;
        out_len = 0;
        for (Segment& s : auth) {
            s.data = nullptr;
            s.len = 0;
        }
        tag = nullptr;
        expected_tag = nullptr;
        tag_len = 0;
        ok = false;
    }
};

class CryptoProvider {
public:
    virtual ~CryptoProvider() = default;

    // "openssl" or "ipsec-mb".
    virtual std::string_view name() const = 0;
    // e.g. "intel-ipsec-mb 1.3.0 (avx512)".
    virtual std::string description() const = 0;
    virtual bool supports(ipsec::EncAlg enc, ipsec::IntegAlg integ) const = 0;

    virtual Result<std::unique_ptr<SaCrypto>> make_sa(const KeySpec& keys) = 0;

    // Whether ops of this SA run faster in batches (multi-buffer lanes)
    // than one at a time.
    virtual bool batches(const SaCrypto& sa) const = 0;

    // Runs every op; all of them must use SaCrypto objects made by this
    // provider. Not thread-safe: the engine calls it under its lock.
    virtual void run(std::span<CryptoOp* const> ops) = 0;
    // The same for one op, without the batch bookkeeping.
    virtual void run_one(CryptoOp& op) {
        CryptoOp* one[] = {&op};
        run(one);
    }
};

Result<std::unique_ptr<CryptoProvider>> make_openssl_provider();
// Fails (unsupported) when the build has no intel-ipsec-mb, or when the
// library does not initialise or passes no self-test on this CPU.
Result<std::unique_ptr<CryptoProvider>> make_ipsecmb_provider();

// Cipher block / digest sizes the providers agree on.
std::size_t hmac_block_bytes(ipsec::IntegAlg alg);
std::size_t hmac_digest_bytes(ipsec::IntegAlg alg);  // untruncated

}  // namespace ikeoff::drivers::soft
