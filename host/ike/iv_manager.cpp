#include "host/ike/iv_manager.hpp"

#include <string>

namespace ikeoff::ike {

Result<IvManager> IvManager::create(crypto::HashAlg hash, std::size_t block_size, std::size_t max_exchanges) {
    IKEOFF_ENSURE(block_size == 8 || block_size == 16, Errc::invalid_argument,
                  "IV block size must be 8 or 16, got " + std::to_string(block_size));
    IKEOFF_ENSURE(crypto::hash_size(hash) >= block_size, Errc::invalid_argument, "hash shorter than the block size");
    IKEOFF_ENSURE(max_exchanges > 0, Errc::invalid_argument, "max_exchanges must be positive");
    return IvManager(hash, block_size, max_exchanges);
}

Status IvManager::start_phase1(ByteView gxi, ByteView gxr) {
    IKEOFF_ENSURE(!gxi.empty() && !gxr.empty(), Errc::invalid_argument, "KE values missing");
    // RFC 2409 Appendix B: the IV for the first encrypted phase-1 message is
    // the hash of the concatenated public values, IV = hash(g^xi | g^xr),
    // truncated to the cipher block size.
    IKEOFF_ASSIGN(Bytes h, crypto::hash(hash_, {gxi, gxr}));
    h.resize(block_size_);
    exchanges_.clear();
    phase1_ = Exchange{0, std::move(h), {}};
    started_ = true;
    return ok_status();
}

const IvManager::Exchange* IvManager::find(uint32_t mid) const {
    if (mid == 0) return &phase1_;
    for (const auto& e : exchanges_) {
        if (e.mid == mid) return &e;
    }
    return nullptr;
}

Result<Bytes> IvManager::initial_phase2_iv(uint32_t mid) const {
    // RFC 2409 Appendix B: the first IV of a phase-2 (Quick Mode) or
    // Informational exchange is hash(last phase-1 CBC output block | M-ID),
    // M-ID in network order, truncated to the block size. "Last phase-1 CBC
    // output block" is where the phase-1 chain stands, i.e. its next IV.
    uint8_t m[4];
    store_be32(m, mid);
    IKEOFF_ASSIGN(Bytes h, crypto::hash(hash_, {ByteView(phase1_.iv), ByteView(m, 4)}));
    h.resize(block_size_);
    return h;
}

Result<Bytes> IvManager::iv(uint32_t mid) const {
    IKEOFF_ENSURE(started_, Errc::state_error, "IVs requested before the phase-1 key exchange");
    if (const Exchange* e = find(mid)) return e->iv;
    return initial_phase2_iv(mid);
}

Result<Bytes> IvManager::digest(ByteView message) const { return crypto::hash(hash_, message); }

Status IvManager::commit(uint32_t mid, ByteView ciphertext, bool inbound) {
    IKEOFF_ENSURE(started_, Errc::state_error, "IV commit before the phase-1 key exchange");
    IKEOFF_ENSURE(!ciphertext.empty() && ciphertext.size() % block_size_ == 0, Errc::invalid_argument,
                  "encrypted ISAKMP body must be a non-empty multiple of the block size");
    Bytes last_in;
    if (inbound) {
        IKEOFF_ASSIGN(last_in, digest(ciphertext));
    }
    // RFC 2409 Appendix B: subsequent messages use the last CBC encryption
    // block of the previous message as their IV.
    Bytes next(ciphertext.end() - static_cast<std::ptrdiff_t>(block_size_), ciphertext.end());

    Exchange* e = nullptr;
    if (mid == 0) {
        e = &phase1_;
    } else {
        for (auto it = exchanges_.begin(); it != exchanges_.end(); ++it) {
            if (it->mid == mid) {
                exchanges_.splice(exchanges_.begin(), exchanges_, it);  // most recently used first
                e = &exchanges_.front();
                break;
            }
        }
        if (!e) {
            exchanges_.push_front(Exchange{mid, {}, {}});
            e = &exchanges_.front();
            if (exchanges_.size() > max_exchanges_) exchanges_.pop_back();
        }
    }
    e->iv = std::move(next);
    if (inbound) e->last_in_digest = std::move(last_in);
    return ok_status();
}

bool IvManager::is_retransmission(uint32_t mid, ByteView ciphertext) const {
    const Exchange* e = find(mid);
    if (!e || e->last_in_digest.empty()) return false;
    auto d = digest(ciphertext);
    return d.ok() && ct_equal(*d, e->last_in_digest);
}

void IvManager::forget(uint32_t mid) {
    if (mid == 0) return;  // phase 1 stays: phase-2 IVs derive from it
    exchanges_.remove_if([mid](const Exchange& e) { return e.mid == mid; });
}

}  // namespace ikeoff::ike
