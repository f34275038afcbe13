#include "host/ipsec/replay.hpp"

#include <algorithm>

namespace ikeoff::ipsec {

void ReplayWindow::reset(uint32_t window, uint64_t top) {
    window_ = window;
    top_ = top;
    // One spare word so the words being cleared on advance never hold bits
    // that are still inside the window.
    std::size_t need = (std::size_t(window) + 63) / 64 + 1;
    std::size_t words = 1;
    while (words < need) words <<= 1;
    bits_.assign(window ? words : 1, 0);
}

bool ReplayWindow::infer_esn(uint32_t seq_lo, uint64_t& seq) const {
    // A2.2 with W the window size; without a window (anti-replay disabled)
    // the number closest to the top wins, i.e. W = 2^31.
    const uint64_t w = window_ ? window_ : uint64_t(1) << 31;
    const uint64_t th = top_ >> 32;
    const uint32_t tl = uint32_t(top_);
    uint64_t sh = 0;
    if (tl >= w - 1) {
        // Case A: the window lies within one 2^32 subspace.
        //   If (Seql >= Tl - W + 1) Seqh = Th, else Seqh = Th + 1
        if (seq_lo >= tl - (w - 1)) {
            sh = th;
        } else {
            if (th == 0xffffffffULL) return false;
            sh = th + 1;
        }
    } else {
        // Case B: the window spans two subspaces.
        //   If (Seql >= Tl - W + 1 mod 2^32) Seqh = Th - 1, else Seqh = Th
        if (seq_lo >= uint32_t(tl - uint32_t(w - 1))) {
            if (th == 0) return false;
            sh = th - 1;
        } else {
            sh = th;
        }
    }
    seq = sh << 32 | seq_lo;
    return true;
}

ReplayVerdict ReplayWindow::check(uint64_t seq) const {
    if (window_ == 0) return ReplayVerdict::ok;
    // RFC 4303 §3.3.3: the first packet sent carries 1, so 0 is never valid.
    if (seq == 0) return ReplayVerdict::before_window;
    if (seq > top_) return ReplayVerdict::ok;
    if (top_ - seq >= window_) return ReplayVerdict::before_window;
    return test(seq) ? ReplayVerdict::replay : ReplayVerdict::ok;
}

void ReplayWindow::commit(uint64_t seq) {
    if (window_ == 0) {
        top_ = std::max(top_, seq);
        return;
    }
    if (seq > top_) {
        // Clear the words between the old top and the new one (all of them
        // if the jump is wider than the ring).
        uint64_t from = (top_ >> 6) + 1;
        uint64_t to = seq >> 6;
        if (to >= from) {
            if (to - from >= bits_.size()) {
                std::fill(bits_.begin(), bits_.end(), 0);
            } else {
                for (uint64_t g = from; g <= to; ++g) bits_[std::size_t(g) & (bits_.size() - 1)] = 0;
            }
        }
        top_ = seq;
    }
    bits_[word(seq)] |= uint64_t(1) << (seq & 63);
}

}  // namespace ikeoff::ipsec
