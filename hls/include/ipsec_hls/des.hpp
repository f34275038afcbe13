// DES and Triple-DES EDE (FIPS 46-3, NIST SP 800-67) for ESP_3DES (RFC 2451).
//
// The round function uses combined S-box + P-permutation ROMs (SP tables,
// 8 x 64 words), generated at compile time from the FIPS 46-3 tables below,
// and forms the E-expansion by rotations, so a round is 8 ROM reads and XORs.
// Between the three DES passes of EDE the final and initial permutations
// cancel (FP then IP), so a 3DES block is IP, 48 rounds, FP.
// Bit numbering follows FIPS 46-3: bit 1 is the most significant.
#pragma once

#include <cstdint>

#include "ipsec_hls/bytes.hpp"

namespace ipsec_hls {

static constexpr uint32_t kDesBlock = 8;

namespace internal {

// FIPS 46-3 "Primitive functions for the data encryption algorithm".
static constexpr uint8_t kDesS[8][64] = {
    {14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
     4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13},
    {15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
     0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9},
    {10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
     13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12},
    {7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
     10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14},
    {2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
     4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3},
    {12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
     9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13},
    {4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
     1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12},
    {13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
     7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11},
};
static constexpr uint8_t kDesP[32] = {16, 7, 20, 21, 29, 12, 28, 17, 1,  15, 23, 26, 5,  18, 31, 10,
                                      2,  8, 24, 14, 32, 27, 3,  9,  19, 13, 30, 6,  22, 11, 4,  25};
static constexpr uint8_t kDesPc1[56] = {57, 49, 41, 33, 25, 17, 9,  1,  58, 50, 42, 34, 26, 18,
                                        10, 2,  59, 51, 43, 35, 27, 19, 11, 3,  60, 52, 44, 36,
                                        63, 55, 47, 39, 31, 23, 15, 7,  62, 54, 46, 38, 30, 22,
                                        14, 6,  61, 53, 45, 37, 29, 21, 13, 5,  28, 20, 12, 4};
static constexpr uint8_t kDesPc2[48] = {14, 17, 11, 24, 1,  5,  3,  28, 15, 6,  21, 10, 23, 19, 12, 4,
                                        26, 8,  16, 7,  27, 20, 13, 2,  41, 52, 31, 37, 47, 55, 30, 40,
                                        51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32};
static constexpr uint8_t kDesShifts[16] = {1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1};

struct DesTables {
    uint8_t ip[64];   // IP: output bit i+1 takes input bit ip[i]
    uint8_t fp[64];   // IP^-1
    uint32_t sp[8][64];
};

constexpr DesTables make_des_tables() {
    DesTables t{};
    // IP rows: 58 50 ... 2 / 60 52 ... 4 / 62 ... / 64 ... / 57 ... 1 / 59 / 61 / 63 ... 7
    for (int r = 0; r < 8; ++r) {
        int start = r < 4 ? 58 + 2 * r : 57 + 2 * (r - 4);
        for (int c = 0; c < 8; ++c) t.ip[8 * r + c] = uint8_t(start - 8 * c);
    }
    for (int i = 0; i < 64; ++i) t.fp[t.ip[i] - 1] = uint8_t(i + 1);
    for (int j = 0; j < 8; ++j) {
        for (int b = 0; b < 64; ++b) {
            // Six input bits b1..b6: row = b1 b6, column = b2..b5.
            int row = ((b >> 4) & 2) | (b & 1);
            int col = (b >> 1) & 15;
            uint32_t s = uint32_t(kDesS[j][16 * row + col]) << (28 - 4 * j);
            uint32_t p = 0;
            for (int i = 0; i < 32; ++i)
                if ((s >> (32 - kDesP[i])) & 1) p |= 1u << (31 - i);
            t.sp[j][b] = p;
        }
    }
    return t;
}

static constexpr DesTables kDes = make_des_tables();

constexpr bool des_sboxes_are_permutations() {
    for (int j = 0; j < 8; ++j)
        for (int r = 0; r < 4; ++r) {
            int seen = 0;
            for (int c = 0; c < 16; ++c) seen |= 1 << kDesS[j][16 * r + c];
            if (seen != 0xffff) return false;
        }
    return true;
}
static_assert(des_sboxes_are_permutations(), "each DES S-box row must be a permutation of 0..15");

static inline uint64_t des_permute64(uint64_t x, const uint8_t table[64]) {
    uint64_t y = 0;
DES_PERMUTE:
    for (uint32_t i = 0; i < 64; ++i) {
#pragma HLS unroll
        y |= ((x >> (64 - table[i])) & 1) << (63 - i);
    }
    return y;
}

// f(R, K) (FIPS 46-3): E-expansion by rotation, then the SP tables.
// Round key chunk j (for S_j+1) sits at bits 42-6j..47-6j of k.
static inline uint32_t des_f(uint32_t r, uint64_t k) {
    uint32_t out = 0;
DES_F:
    for (uint32_t j = 0; j < 8; ++j) {
#pragma HLS unroll
        // E-expansion chunk j is R bits 4j .. 4j+5 (1-based, cyclic: bit 0 is bit 32).
        uint32_t chunk = (rotl32(r, (4 * j + 31) & 31) >> 26) & 63;
        out ^= kDes.sp[j][chunk ^ uint32_t((k >> (42 - 6 * j)) & 63)];
    }
    return out;
}

// 16 rounds; returns with the halves swapped back (the pre-output R16 || L16).
static inline void des_rounds(uint32_t& l, uint32_t& r, const uint64_t ks[16], bool decrypt) {
DES_ROUNDS:
    for (uint32_t i = 0; i < 16; ++i) {
#pragma HLS pipeline II = 1
        uint32_t t = r;
        r = l ^ des_f(r, ks[decrypt ? 15 - i : i]);
        l = t;
    }
    uint32_t t = l;
    l = r;
    r = t;
}

}  // namespace internal

// FIPS 46-3 key schedule: PC-1, left shifts of C and D, PC-2. Parity bits are ignored.
static inline void des_key_schedule(const uint8_t key[8], uint64_t ks[16]) {
    using namespace internal;
    uint64_t k = load_be64(key);
    uint32_t c = 0, d = 0;
DES_PC1:
    for (uint32_t i = 0; i < 28; ++i) {
        c |= uint32_t((k >> (64 - kDesPc1[i])) & 1) << (27 - i);
        d |= uint32_t((k >> (64 - kDesPc1[28 + i])) & 1) << (27 - i);
    }
DES_SCHEDULE:
    for (uint32_t round = 0; round < 16; ++round) {
        uint32_t s = kDesShifts[round];
        c = ((c << s) | (c >> (28 - s))) & 0x0fffffffu;
        d = ((d << s) | (d >> (28 - s))) & 0x0fffffffu;
        uint64_t cd = uint64_t(c) << 28 | d;  // bits 1..56 of C||D at positions 55..0
        uint64_t sub = 0;
    DES_PC2:
        for (uint32_t i = 0; i < 48; ++i) sub |= ((cd >> (56 - kDesPc2[i])) & 1) << (47 - i);
        ks[round] = sub;
    }
}

// 3DES-EDE key: K1, K2, K3 round keys (SaKeys::des_ks).
struct TdesKey {
    uint64_t ks[3][16];
};

static inline void tdes_key_schedule(const uint8_t key[24], TdesKey& k) {
TDES_KEYS:
    for (uint32_t i = 0; i < 3; ++i) des_key_schedule(key + 8 * i, k.ks[i]);
}

// C = E_K3(D_K2(E_K1(P)))  (SP 800-67 §3.1)
static inline void tdes_encrypt_block(const TdesKey& k, const uint8_t in[8], uint8_t out[8]) {
    uint64_t x = internal::des_permute64(load_be64(in), internal::kDes.ip);
    uint32_t l = uint32_t(x >> 32), r = uint32_t(x);
    internal::des_rounds(l, r, k.ks[0], false);
    internal::des_rounds(l, r, k.ks[1], true);
    internal::des_rounds(l, r, k.ks[2], false);
    store_be64(out, internal::des_permute64(uint64_t(l) << 32 | r, internal::kDes.fp));
}

// P = D_K1(E_K2(D_K3(C)))
static inline void tdes_decrypt_block(const TdesKey& k, const uint8_t in[8], uint8_t out[8]) {
    uint64_t x = internal::des_permute64(load_be64(in), internal::kDes.ip);
    uint32_t l = uint32_t(x >> 32), r = uint32_t(x);
    internal::des_rounds(l, r, k.ks[2], true);
    internal::des_rounds(l, r, k.ks[1], false);
    internal::des_rounds(l, r, k.ks[0], true);
    store_be64(out, internal::des_permute64(uint64_t(l) << 32 | r, internal::kDes.fp));
}

}  // namespace ipsec_hls
