// CBC IVs of encrypted ISAKMP messages (RFC 2409 Appendix B).
//
// The rules, per exchange (identified by its Message ID; phase 1 is M-ID 0):
//  - Phase 1: the first IV is hash(g^xi | g^xr) cut to the cipher's block
//    size; every later message uses the last ciphertext block of the
//    previous encrypted message of phase 1 (sent or received).
//  - Quick Mode and Informational exchanges: the first IV is
//    hash(last phase-1 CBC output block | M-ID) cut to the block size; later
//    messages of the same exchange chain like phase 1.
//
// Usage: before encrypting or decrypting a message of exchange `mid`, ask
// iv(mid). After a message is sent, or after a received message has been
// authenticated (its HASH verified), commit(mid, ciphertext). Nothing is
// stored for a message that fails, so a forged or corrupt packet never moves
// the chain.
//
// Retransmissions: a peer that did not get our reply resends its request
// unchanged. By then our chain has moved past our reply, so decrypting it
// again would produce garbage. is_retransmission() recognises such a
// message by its ciphertext (the caller then resends its stored reply and
// does not decrypt). Our own retransmissions resend stored bytes and never
// touch the IVs.
//
// State per Message ID is bounded (least recently used exchanges are
// forgotten first), and a phase-2 exchange gets state only when a message
// of it is committed, so unauthenticated packets with random M-IDs cost
// nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/crypto/hash.hpp"

namespace ikeoff::ike {

class IvManager {
public:
    static constexpr std::size_t kDefaultMaxExchanges = 8;

    // hash: the negotiated phase-1 hash; block_size: the phase-1 cipher's.
    static Result<IvManager> create(crypto::HashAlg hash, std::size_t block_size,
                                    std::size_t max_exchanges = kDefaultMaxExchanges);

    // Appendix B: the first phase-1 IV = hash(g^xi | g^xr), truncated.
    // Resets all state (a new ISAKMP SA).
    Status start_phase1(ByteView gxi, ByteView gxr);

    // The IV for the next message of exchange `mid` (0 = phase 1). Does not
    // change any state.
    Result<Bytes> iv(uint32_t mid) const;

    // A message of exchange `mid` went out, or came in and was authenticated:
    // the next IV of that exchange is its last ciphertext block. `inbound`
    // remembers the message for is_retransmission().
    Status commit(uint32_t mid, ByteView ciphertext, bool inbound);

    // True when `ciphertext` is the last inbound message committed for
    // exchange `mid`, i.e. the peer retransmitted a message we processed.
    bool is_retransmission(uint32_t mid, ByteView ciphertext) const;

    // The exchange is over (Quick Mode done, Informational handled). Call it
    // only after the retransmission window: the side that sent the last
    // message (QM3) may still see the peer's previous message again and
    // needs is_retransmission() to recognise it. The LRU bound forgets
    // old exchanges anyway.
    void forget(uint32_t mid);

    std::size_t block_size() const noexcept { return block_size_; }
    std::size_t tracked_exchanges() const noexcept { return exchanges_.size(); }

private:
    struct Exchange {
        uint32_t mid = 0;
        Bytes iv;              // IV for the next message
        Bytes last_in_digest;  // digest of the last committed inbound message
    };

    IvManager(crypto::HashAlg hash, std::size_t block_size, std::size_t max)
        : hash_(hash), block_size_(block_size), max_exchanges_(max) {}
    const Exchange* find(uint32_t mid) const;
    Result<Bytes> initial_phase2_iv(uint32_t mid) const;
    Result<Bytes> digest(ByteView message) const;

    crypto::HashAlg hash_;
    std::size_t block_size_;
    std::size_t max_exchanges_;
    bool started_ = false;
    Exchange phase1_;             // M-ID 0
    std::list<Exchange> exchanges_;  // phase 2 / informational, most recent first
};

}  // namespace ikeoff::ike
