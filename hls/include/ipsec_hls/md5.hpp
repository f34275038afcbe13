// MD5 (RFC 1321), only for HMAC-MD5-96 (RFC 2403), which validate() admits
// with allow_weak. The sine-derived constants are RFC 1321 §3.4's T[i].
#pragma once

#include <cstdint>

#include "ipsec_hls/bytes.hpp"

namespace ipsec_hls {

namespace internal {
static constexpr uint32_t kMd5T[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu, 0xf57c0fafu, 0x4787c62au, 0xa8304613u, 0xfd469501u,
    0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu, 0x6b901122u, 0xfd987193u, 0xa679438eu, 0x49b40821u,
    0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau, 0xd62f105du, 0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u,
    0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu, 0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au,
    0xfffa3942u, 0x8771f681u, 0x6d9d6122u, 0xfde5380cu, 0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u,
    0x289b7ec6u, 0xeaa127fau, 0xd4ef3085u, 0x04881d05u, 0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u,
    0xf4292244u, 0x432aff97u, 0xab9423a7u, 0xfc93a039u, 0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u, 0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu, 0xeb86d391u,
};
// Per-round left-rotation amounts (RFC 1321 §3.4), four per round group.
static constexpr uint32_t kMd5S[16] = {7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21};
}  // namespace internal

struct Md5 {
    static constexpr uint32_t kBlock = 64;
    static constexpr uint32_t kDigest = 16;
    static constexpr uint32_t kLenBytes = 8;
    static constexpr bool kLittleEndian = true;

    static void init(uint64_t st[8]) {
        st[0] = 0x67452301u;
        st[1] = 0xefcdab89u;
        st[2] = 0x98badcfeu;
        st[3] = 0x10325476u;
        st[4] = st[5] = st[6] = st[7] = 0;
    }

    static void compress(uint64_t st[8], const uint8_t* blk) {
        uint32_t x[16];
    MD5_LOAD:
        for (uint32_t i = 0; i < 16; ++i) x[i] = load_le32(blk + 4 * i);
        uint32_t a = uint32_t(st[0]), b = uint32_t(st[1]), c = uint32_t(st[2]), d = uint32_t(st[3]);
    MD5_ROUNDS:
        for (uint32_t i = 0; i < 64; ++i) {
#pragma HLS pipeline II = 1
            uint32_t f, g;
            if (i < 16) {
                f = (b & c) | (~b & d);
                g = i;
            } else if (i < 32) {
                f = (d & b) | (~d & c);
                g = (5 * i + 1) & 15;
            } else if (i < 48) {
                f = b ^ c ^ d;
                g = (3 * i + 5) & 15;
            } else {
                f = c ^ (b | ~d);
                g = (7 * i) & 15;
            }
            uint32_t tmp = d;
            d = c;
            c = b;
            b = b + rotl32(a + f + internal::kMd5T[i] + x[g], internal::kMd5S[(i / 16) * 4 + (i & 3)]);
            a = tmp;
        }
        st[0] = uint32_t(st[0] + a);
        st[1] = uint32_t(st[1] + b);
        st[2] = uint32_t(st[2] + c);
        st[3] = uint32_t(st[3] + d);
    }

    static void output(const uint64_t st[8], uint8_t* out) {
    MD5_OUT:
        for (uint32_t i = 0; i < 4; ++i) store_le32(out + 4 * i, uint32_t(st[i]));
    }
};

}  // namespace ipsec_hls
