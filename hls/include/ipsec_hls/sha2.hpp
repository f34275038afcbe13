// SHA-256, SHA-384 and SHA-512 (FIPS 180-4 §6.2, §6.4, §6.5), for
// HMAC-SHA-256-128, HMAC-SHA-384-192 and HMAC-SHA-512-256 (RFC 4868).
// Constants are the FIPS 180-4 §4.2.2/§4.2.3 and §5.3 values (fractional
// parts of cube and square roots of the first primes).
#pragma once

#include <cstdint>

#include "ipsec_hls/bytes.hpp"

namespace ipsec_hls {

namespace internal {

static constexpr uint32_t kSha256K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

static constexpr uint64_t kSha512K[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

static constexpr uint32_t kSha256H0[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au, 0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};
static constexpr uint64_t kSha512H0[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};
static constexpr uint64_t kSha384H0[8] = {
    0xcbbb9d5dc1059ed8ull, 0x629a292a367cd507ull, 0x9159015a3070dd17ull, 0x152fecd8f70e5939ull,
    0x67332667ffc00b31ull, 0x8eb44a8768581511ull, 0xdb0c2e0d64f98fa7ull, 0x47b5481dbefa4fa4ull,
};

static inline uint64_t load_be64_at(const uint8_t* p) { return load_be64(p); }

// FIPS 180-4 §6.4.2: 80 rounds over a 16-word rolling schedule.
static inline void sha512_compress(uint64_t st[8], const uint8_t* blk) {
    uint64_t w[16];
SHA512_LOAD:
    for (uint32_t t = 0; t < 16; ++t) w[t] = load_be64_at(blk + 8 * t);
    uint64_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
SHA512_ROUNDS:
    for (uint32_t t = 0; t < 80; ++t) {
#pragma HLS pipeline II = 1
        uint64_t wt;
        if (t < 16) {
            wt = w[t];
        } else {
            uint64_t w15 = w[(t + 1) & 15], w2 = w[(t + 14) & 15];
            uint64_t s0 = rotr64(w15, 1) ^ rotr64(w15, 8) ^ (w15 >> 7);
            uint64_t s1 = rotr64(w2, 19) ^ rotr64(w2, 61) ^ (w2 >> 6);
            wt = w[t & 15] + s0 + w[(t + 9) & 15] + s1;
            w[t & 15] = wt;
        }
        uint64_t S1 = rotr64(e, 14) ^ rotr64(e, 18) ^ rotr64(e, 41);
        uint64_t ch = (e & f) ^ (~e & g);
        uint64_t t1 = h + S1 + ch + kSha512K[t] + wt;
        uint64_t S0 = rotr64(a, 28) ^ rotr64(a, 34) ^ rotr64(a, 39);
        uint64_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint64_t t2 = S0 + maj;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
    st[4] += e;
    st[5] += f;
    st[6] += g;
    st[7] += h;
}

}  // namespace internal

struct Sha256 {
    static constexpr uint32_t kBlock = 64;
    static constexpr uint32_t kDigest = 32;
    static constexpr uint32_t kLenBytes = 8;
    static constexpr bool kLittleEndian = false;

    static void init(uint64_t st[8]) {
    SHA256_INIT:
        for (uint32_t i = 0; i < 8; ++i) st[i] = internal::kSha256H0[i];
    }

    // FIPS 180-4 §6.2.2.
    static void compress(uint64_t st[8], const uint8_t* blk) {
        uint32_t w[16];
    SHA256_LOAD:
        for (uint32_t t = 0; t < 16; ++t) w[t] = load_be32(blk + 4 * t);
        uint32_t a = uint32_t(st[0]), b = uint32_t(st[1]), c = uint32_t(st[2]), d = uint32_t(st[3]);
        uint32_t e = uint32_t(st[4]), f = uint32_t(st[5]), g = uint32_t(st[6]), h = uint32_t(st[7]);
    SHA256_ROUNDS:
        for (uint32_t t = 0; t < 64; ++t) {
#pragma HLS pipeline II = 1
            uint32_t wt;
            if (t < 16) {
                wt = w[t];
            } else {
                uint32_t w15 = w[(t + 1) & 15], w2 = w[(t + 14) & 15];
                uint32_t s0 = rotr32(w15, 7) ^ rotr32(w15, 18) ^ (w15 >> 3);
                uint32_t s1 = rotr32(w2, 17) ^ rotr32(w2, 19) ^ (w2 >> 10);
                wt = w[t & 15] + s0 + w[(t + 9) & 15] + s1;
                w[t & 15] = wt;
            }
            uint32_t S1 = rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25);
            uint32_t ch = (e & f) ^ (~e & g);
            uint32_t t1 = h + S1 + ch + internal::kSha256K[t] + wt;
            uint32_t S0 = rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22);
            uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
            uint32_t t2 = S0 + maj;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        st[0] = uint32_t(st[0] + a);
        st[1] = uint32_t(st[1] + b);
        st[2] = uint32_t(st[2] + c);
        st[3] = uint32_t(st[3] + d);
        st[4] = uint32_t(st[4] + e);
        st[5] = uint32_t(st[5] + f);
        st[6] = uint32_t(st[6] + g);
        st[7] = uint32_t(st[7] + h);
    }

    static void output(const uint64_t st[8], uint8_t* out) {
    SHA256_OUT:
        for (uint32_t i = 0; i < 8; ++i) store_be32(out + 4 * i, uint32_t(st[i]));
    }
};

struct Sha512 {
    static constexpr uint32_t kBlock = 128;
    static constexpr uint32_t kDigest = 64;
    static constexpr uint32_t kLenBytes = 16;
    static constexpr bool kLittleEndian = false;

    static void init(uint64_t st[8]) {
    SHA512_INIT:
        for (uint32_t i = 0; i < 8; ++i) st[i] = internal::kSha512H0[i];
    }
    static void compress(uint64_t st[8], const uint8_t* blk) { internal::sha512_compress(st, blk); }
    static void output(const uint64_t st[8], uint8_t* out) {
    SHA512_OUT:
        for (uint32_t i = 0; i < 8; ++i) store_be64(out + 8 * i, st[i]);
    }
};

// SHA-384: SHA-512 with its own initial value, truncated to 48 octets (§6.5).
struct Sha384 {
    static constexpr uint32_t kBlock = 128;
    static constexpr uint32_t kDigest = 48;
    static constexpr uint32_t kLenBytes = 16;
    static constexpr bool kLittleEndian = false;

    static void init(uint64_t st[8]) {
    SHA384_INIT:
        for (uint32_t i = 0; i < 8; ++i) st[i] = internal::kSha384H0[i];
    }
    static void compress(uint64_t st[8], const uint8_t* blk) { internal::sha512_compress(st, blk); }
    static void output(const uint64_t st[8], uint8_t* out) {
    SHA384_OUT:
        for (uint32_t i = 0; i < 6; ++i) store_be64(out + 8 * i, st[i]);
    }
};

}  // namespace ipsec_hls
