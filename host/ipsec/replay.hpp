// The inbound anti-replay window of RFC 4303 §3.4.3 and Appendix A.
//
// Used in two steps, as the RFC orders them: check() before the ICV is
// verified (cheap rejection of replays and stale packets), commit() only once
// the ICV has verified, so forged packets can never move the window.
// The bitmap is a ring of 64-bit words (the RFC 6479 layout): advancing the
// window clears whole words instead of shifting up to 4096 bits.
#pragma once

#include <cstdint>
#include <vector>

namespace ikeoff::ipsec {

enum class ReplayVerdict : uint8_t { ok, replay, before_window };

class ReplayWindow {
public:
    // `window`: 0 (no replay check) .. kMaxReplayWindow bits. `top`: the
    // highest sequence number taken as already authenticated (its bit clear).
    void reset(uint32_t window, uint64_t top);

    uint32_t window() const { return window_; }
    uint64_t top() const { return top_; }

    // RFC 4303 App. A2.2: the 64-bit sequence number a received low-order
    // 32 bits stand for, relative to the window. False when it would lie
    // outside 0..2^64-1 (which no sender can produce).
    bool infer_esn(uint32_t seq_lo, uint64_t& seq) const;

    ReplayVerdict check(uint64_t seq) const;
    void commit(uint64_t seq);

private:
    bool test(uint64_t seq) const { return (bits_[word(seq)] >> (seq & 63)) & 1; }
    std::size_t word(uint64_t seq) const { return std::size_t(seq >> 6) & (bits_.size() - 1); }

    uint32_t window_ = 0;
    uint64_t top_ = 0;
    std::vector<uint64_t> bits_;  // power-of-two number of words, >= window + 64 bits
};

}  // namespace ikeoff::ipsec
