// GHASH (NIST SP 800-38D §6.4) over GF(2^128), with 4-way aggregation.
//
// Hardware view: one 128x128 carry-less multiplier per power of H, fully
// unrolled (the bit loop below becomes an XOR tree), so four blocks enter per
// Horner step:  Y' = (Y ^ X1)·H^4 ^ X2·H^3 ^ X3·H^2 ^ X4·H.
// The feedback path then spans four blocks, which is what lets the 512-bit
// datapath keep II=1 while each multiplier is pipelined over several cycles.
// H^1..H^4 are precomputed per SA by the host and kept in the SA table.
// The aggregated form is algebraically identical to the serial one, so the
// result is bit-exact whatever the grouping.
#pragma once

#include <cstdint>

#include "ipsec_hls/bytes.hpp"

namespace ipsec_hls {

struct Gf128 {
    uint64_t hi;  // bits 0..63 of the GCM bit order (first octet in the top byte)
    uint64_t lo;
};

static inline Gf128 gf128_load(const uint8_t b[16]) { return Gf128{load_be64(b), load_be64(b + 8)}; }
static inline void gf128_store(const Gf128& x, uint8_t b[16]) {
    store_be64(b, x.hi);
    store_be64(b + 8, x.lo);
}
static inline Gf128 gf128_xor(const Gf128& a, const Gf128& b) { return Gf128{a.hi ^ b.hi, a.lo ^ b.lo}; }

// SP 800-38D §6.3, Algorithm 1: Z = X·Y with R = 11100001 || 0^120.
static inline Gf128 gf128_mul(const Gf128& x, const Gf128& y) {
    uint64_t zh = 0, zl = 0, vh = y.hi, vl = y.lo;
GF128_MUL:
    for (uint32_t i = 0; i < 128; ++i) {
#pragma HLS unroll
        uint64_t bit = i < 64 ? (x.hi >> (63 - i)) & 1 : (x.lo >> (127 - i)) & 1;
        uint64_t take = 0 - bit;
        zh ^= vh & take;
        zl ^= vl & take;
        uint64_t carry = 0 - (vl & 1);
        vl = (vl >> 1) | (vh << 63);
        vh = (vh >> 1) ^ (0xe100000000000000ull & carry);
    }
    return Gf128{zh, zl};
}

// H^1..H^4 as stored in SaKeys::ghash_h.
static inline void ghash_powers(const uint8_t h[16], uint8_t hpow[4][16]) {
    Gf128 h1 = gf128_load(h);
    Gf128 p = h1;
GHASH_POWERS:
    for (uint32_t i = 0; i < 4; ++i) {
        gf128_store(p, hpow[i]);
        p = gf128_mul(p, h1);
    }
}

// Streaming GHASH: absorbs arbitrary byte runs, groups them into 16-octet
// blocks (zero-padding only when asked, at segment ends) and multiplies four
// blocks at a time.
struct Ghash {
    Gf128 h[4];      // H^1..H^4
    Gf128 y;
    Gf128 pend[4];   // blocks waiting for a group of four
    uint32_t npend;
    uint8_t part[16];
    uint32_t npart;  // octets in `part`
};

static inline void ghash_init(Ghash& g, const uint8_t hpow[4][16]) {
GHASH_INIT:
    for (uint32_t i = 0; i < 4; ++i) g.h[i] = gf128_load(hpow[i]);
    g.y = Gf128{0, 0};
    g.npend = 0;
    g.npart = 0;
}

static inline void ghash_push_block(Ghash& g, const Gf128& x) {
    g.pend[g.npend++] = x;
    if (g.npend == 4) {
        Gf128 acc = gf128_mul(gf128_xor(g.y, g.pend[0]), g.h[3]);
        acc = gf128_xor(acc, gf128_mul(g.pend[1], g.h[2]));
        acc = gf128_xor(acc, gf128_mul(g.pend[2], g.h[1]));
        g.y = gf128_xor(acc, gf128_mul(g.pend[3], g.h[0]));
        g.npend = 0;
    }
}

// Appends len octets (len <= kMaxOutBytes + 64).
static inline void ghash_absorb(Ghash& g, const uint8_t* data, uint32_t len) {
    uint32_t i = 0;
GHASH_ABSORB_HEAD:
    for (uint32_t j = 0; j < 16; ++j) {
        if (g.npart == 0 || i >= len) break;
        g.part[g.npart++] = data[i++];
        if (g.npart == 16) {
            ghash_push_block(g, gf128_load(g.part));
            g.npart = 0;
        }
    }
GHASH_ABSORB_BLOCKS:
    for (uint32_t b = 0; b < kMaxBlocks16 + 4; ++b) {
#pragma HLS pipeline II = 1
        if (i + 16 > len) break;
        ghash_push_block(g, gf128_load(data + i));
        i += 16;
    }
GHASH_ABSORB_TAIL:
    for (uint32_t j = 0; j < 16; ++j) {
        if (i >= len) break;
        g.part[g.npart++] = data[i++];
    }
}

// Zero-pads a partial block (end of the AAD or of the ciphertext, §6.4/§7.1).
static inline void ghash_pad(Ghash& g) {
    if (g.npart == 0) return;
GHASH_PAD:
    for (uint32_t j = 0; j < 16; ++j)
        if (j >= g.npart) g.part[j] = 0;
    ghash_push_block(g, gf128_load(g.part));
    g.npart = 0;
}

// Flushes fewer than four pending blocks with the matching lower powers:
// Y' = (Y ^ X1)·H^r ^ ... ^ Xr·H.
static inline void ghash_final(Ghash& g, uint8_t out[16]) {
    ghash_pad(g);
    const uint32_t r = g.npend;
    if (r != 0) {
        Gf128 acc = gf128_mul(gf128_xor(g.y, g.pend[0]), g.h[r - 1]);
    GHASH_FLUSH:
        for (uint32_t i = 1; i < 4; ++i) {
            if (i >= r) break;
            acc = gf128_xor(acc, gf128_mul(g.pend[i], g.h[r - 1 - i]));
        }
        g.y = acc;
        g.npend = 0;
    }
    gf128_store(g.y, out);
}

}  // namespace ipsec_hls
