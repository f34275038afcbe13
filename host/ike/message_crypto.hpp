// Encrypted ISAKMP bodies (RFC 2408 §3.1 E flag, RFC 2409 Appendix B).
//
// One Phase1Crypto per ISAKMP SA once SKEYID_e exists: the phase-1 cipher
// keyed with Ka and the IV chains of iv_manager.hpp. Sending encrypts with
// the current IV of the exchange and moves its chain at once (the message is
// out). Receiving decrypts without touching any state; the caller commits
// the ciphertext only after the message was authenticated (its HASH
// verified), so forged or corrupted packets never move an IV.
//
// Padding: RFC 2409 Appendix B leaves its content open; we pad with zeros up
// to the block size (nothing when already aligned) and accept any padding.
#pragma once

#include <cstdint>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/crypto/cipher.hpp"
#include "host/ike/iv_manager.hpp"
#include "host/isakmp/codec.hpp"
#include "host/isakmp/header.hpp"

namespace ikeoff::ike {

class Phase1Crypto {
public:
    // `ka`: the phase-1 encryption key; hash: the negotiated hash (IVs).
    static Result<Phase1Crypto> create(crypto::CipherAlg alg, ByteView ka, crypto::HashAlg hash,
                                       bool allow_weak);

    // Appendix B: the first phase-1 IV from the two KE values.
    Status start_phase1(ByteView gxi, ByteView gxr) { return ivs_.start_phase1(gxi, gxr); }

    // A complete wire message: `header` (E flag and length set here) plus
    // the encrypted, padded body. Commits the ciphertext to the exchange's
    // IV chain (header.message_id).
    Result<Bytes> seal(isakmp::Header header, ByteView body);

    // The plaintext of an encrypted body (padding included). No state moves.
    Result<Bytes> open(uint32_t mid, ByteView ciphertext) const;

    // The received ciphertext of exchange `mid` was authenticated: chain on.
    Status commit_inbound(uint32_t mid, ByteView ciphertext) { return ivs_.commit(mid, ciphertext, true); }

    void forget(uint32_t mid) { ivs_.forget(mid); }
    std::size_t block_size() const noexcept { return ivs_.block_size(); }
    const IvManager& ivs() const noexcept { return ivs_; }

private:
    Phase1Crypto(crypto::CbcCipher c, IvManager ivs) : cipher_(std::move(c)), ivs_(std::move(ivs)) {}
    mutable crypto::CbcCipher cipher_;  // stateless apart from the key schedule
    IvManager ivs_;
};

}  // namespace ikeoff::ike
