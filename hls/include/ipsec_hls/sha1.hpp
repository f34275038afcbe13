// SHA-1 (FIPS 180-4 §6.1), for HMAC-SHA-1-96 (RFC 2404).
#pragma once

#include <cstdint>

#include "ipsec_hls/bytes.hpp"

namespace ipsec_hls {

struct Sha1 {
    static constexpr uint32_t kBlock = 64;
    static constexpr uint32_t kDigest = 20;
    static constexpr uint32_t kLenBytes = 8;
    static constexpr bool kLittleEndian = false;

    static void init(uint64_t st[8]) {
        st[0] = 0x67452301u;
        st[1] = 0xefcdab89u;
        st[2] = 0x98badcfeu;
        st[3] = 0x10325476u;
        st[4] = 0xc3d2e1f0u;
        st[5] = st[6] = st[7] = 0;
    }

    // FIPS 180-4 §6.1.2: 80 rounds over a 16-word rolling schedule.
    static void compress(uint64_t st[8], const uint8_t* blk) {
        uint32_t w[16];
    SHA1_LOAD:
        for (uint32_t t = 0; t < 16; ++t) w[t] = load_be32(blk + 4 * t);
        uint32_t a = uint32_t(st[0]), b = uint32_t(st[1]), c = uint32_t(st[2]), d = uint32_t(st[3]),
                 e = uint32_t(st[4]);
    SHA1_ROUNDS:
        for (uint32_t t = 0; t < 80; ++t) {
#pragma HLS pipeline II = 1
            uint32_t wt;
            if (t < 16) {
                wt = w[t];
            } else {
                wt = rotl32(w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15], 1);
                w[t & 15] = wt;
            }
            uint32_t f, k;
            if (t < 20) {
                f = (b & c) | (~b & d);
                k = 0x5a827999u;
            } else if (t < 40) {
                f = b ^ c ^ d;
                k = 0x6ed9eba1u;
            } else if (t < 60) {
                f = (b & c) | (b & d) | (c & d);
                k = 0x8f1bbcdcu;
            } else {
                f = b ^ c ^ d;
                k = 0xca62c1d6u;
            }
            uint32_t tmp = rotl32(a, 5) + f + e + k + wt;
            e = d;
            d = c;
            c = rotl32(b, 30);
            b = a;
            a = tmp;
        }
        st[0] = uint32_t(st[0] + a);
        st[1] = uint32_t(st[1] + b);
        st[2] = uint32_t(st[2] + c);
        st[3] = uint32_t(st[3] + d);
        st[4] = uint32_t(st[4] + e);
    }

    static void output(const uint64_t st[8], uint8_t* out) {
    SHA1_OUT:
        for (uint32_t i = 0; i < 5; ++i) store_be32(out + 4 * i, uint32_t(st[i]));
    }
};

}  // namespace ipsec_hls
