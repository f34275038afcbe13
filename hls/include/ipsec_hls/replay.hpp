// The inbound anti-replay window (RFC 4303 §3.4.3, Appendix A) on the SA
// table's dynamic state, as the kernels run it "on the card".
//
// The bitmap is the RFC 6479 ring (contract::kReplayRingWords words): bit for
// sequence number s lives in word (s / 64) mod ring size; advancing the top
// clears whole words, never shifts. check() comes before the ICV, commit()
// only after it verified. Semantics are those of host/ipsec/replay.cpp (the
// soft driver): whatever the ring size, a bit inside the window means the
// same thing.
#pragma once

#include <cstdint>

#include "ipsec_hls/contract.hpp"

namespace ipsec_hls {

static constexpr uint8_t kReplayOk = 0;
static constexpr uint8_t kReplaySeen = 1;
static constexpr uint8_t kReplayBefore = 2;

static inline uint32_t replay_word(uint64_t seq) {
    return uint32_t(seq >> 6) & (contract::kReplayRingWords - 1);
}

// RFC 4303 App. A2.2: the 64-bit number that low-order bits seq_lo stand for.
// Without a window (anti-replay off) W = 2^31: the number closest to the top.
// False when the result would lie outside 0..2^64-1.
static inline bool replay_infer_esn(const contract::SaDynamic& d, uint32_t window, uint32_t seq_lo, uint64_t& seq) {
    const uint64_t w = window ? uint64_t(window) : uint64_t(1) << 31;
    const uint64_t th = d.replay_top >> 32;
    const uint32_t tl = uint32_t(d.replay_top);
    uint64_t sh;
    if (tl >= w - 1) {
        // Case A: If (Seql >= Tl - W + 1) Seqh = Th, else Seqh = Th + 1
        if (seq_lo >= tl - (w - 1)) {
            sh = th;
        } else {
            if (th == 0xffffffffull) return false;
            sh = th + 1;
        }
    } else {
        // Case B: If (Seql >= Tl - W + 1 mod 2^32) Seqh = Th - 1, else Seqh = Th
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

static inline uint8_t replay_check(const contract::SaDynamic& d, uint32_t window, uint64_t seq) {
    if (window == 0) return kReplayOk;
    if (seq == 0) return kReplayBefore;  // RFC 4303 §3.3.3: the first packet carries 1
    if (seq > d.replay_top) return kReplayOk;
    if (d.replay_top - seq >= window) return kReplayBefore;
    return ((d.replay_ring[replay_word(seq)] >> (seq & 63)) & 1) ? kReplaySeen : kReplayOk;
}

static inline void replay_commit(contract::SaDynamic& d, uint32_t window, uint64_t seq) {
    if (window == 0) {
        if (seq > d.replay_top) d.replay_top = seq;
        return;
    }
    if (seq > d.replay_top) {
        const uint64_t from = (d.replay_top >> 6) + 1;
        const uint64_t to = seq >> 6;
        if (to >= from) {
            const bool all = to - from >= contract::kReplayRingWords;
        REPLAY_CLEAR:
            for (uint32_t i = 0; i < contract::kReplayRingWords; ++i) {
#pragma HLS unroll factor = 8
                if (!all && i > to - from) break;
                d.replay_ring[all ? i : replay_word((from + i) << 6)] = 0;
            }
        }
        d.replay_top = seq;
    }
    d.replay_ring[replay_word(seq)] |= uint64_t(1) << (seq & 63);
}

}  // namespace ipsec_hls
