// AES (FIPS-197): key expansion for 128/192/256-bit keys, block encryption
// and block decryption (the "equivalent inverse cipher" of FIPS-197 §5.3.5).
//
// Rounds are a run-time value (10/12/14) so one core serves SAs of every key
// size; the round loop has a constant bound (kAesMaxRounds) and is fully
// unrolled by `#pragma HLS unroll` into a 14-stage pipeline taking one block
// per clock (II=1). Tables are ROMs generated at compile time from the
// definitions in FIPS-197 §5.1.1 (S-box = affine map of the GF(2^8) inverse)
// and §5.1.3 (MixColumns), rather than typed in.
#pragma once

#include <cstdint>

#include "ipsec_hls/bytes.hpp"

namespace ipsec_hls {

static constexpr uint32_t kAesBlock = 16;
static constexpr uint32_t kAesMaxRounds = 14;
static constexpr uint32_t kAesMaxScheduleWords = 4 * (kAesMaxRounds + 1);  // 60

namespace internal {

constexpr uint8_t gf_xtime(uint8_t a) { return uint8_t((a << 1) ^ ((a & 0x80) ? 0x1b : 0x00)); }
constexpr uint8_t gf_mul(uint8_t a, uint8_t b) {
    uint8_t r = 0;
    for (int i = 0; i < 8; ++i) {
        if (b & 1) r = uint8_t(r ^ a);
        a = gf_xtime(a);
        b = uint8_t(b >> 1);
    }
    return r;
}
constexpr uint8_t rotl8(uint8_t x, int n) { return uint8_t((x << n) | (x >> (8 - n))); }

struct AesTables {
    uint8_t sbox[256];
    uint8_t inv_sbox[256];
    uint32_t te[4][256];  // SubBytes + MixColumns, one table per row rotation
    uint32_t td[4][256];  // InvSubBytes + InvMixColumns
};

constexpr uint32_t rotr32c(uint32_t x, int n) { return n == 0 ? x : (x >> n) | (x << (32 - n)); }

constexpr AesTables make_aes_tables() {
    AesTables t{};
    // exp/log tables of GF(2^8) with generator 3 give the multiplicative inverse.
    uint8_t exp[256] = {};
    uint8_t log[256] = {};
    uint8_t x = 1;
    for (int i = 0; i < 255; ++i) {
        exp[i] = x;
        log[x] = uint8_t(i);
        x = uint8_t(x ^ gf_xtime(x));  // x * 3
    }
    for (int v = 0; v < 256; ++v) {
        uint8_t inv = v == 0 ? 0 : exp[(255 - log[v]) % 255];
        // FIPS-197 §5.1.1: b' = b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63
        uint8_t s = uint8_t(inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63);
        t.sbox[v] = s;
        t.inv_sbox[s] = uint8_t(v);
    }
    for (int v = 0; v < 256; ++v) {
        uint8_t s = t.sbox[v];
        uint32_t e = uint32_t(gf_mul(s, 2)) << 24 | uint32_t(s) << 16 | uint32_t(s) << 8 | gf_mul(s, 3);
        uint8_t is = t.inv_sbox[v];
        uint32_t d = uint32_t(gf_mul(is, 14)) << 24 | uint32_t(gf_mul(is, 9)) << 16 |
                     uint32_t(gf_mul(is, 13)) << 8 | gf_mul(is, 11);
        for (int r = 0; r < 4; ++r) {
            t.te[r][v] = rotr32c(e, 8 * r);
            t.td[r][v] = rotr32c(d, 8 * r);
        }
    }
    return t;
}

static constexpr AesTables kAes = make_aes_tables();

static inline uint32_t sub_word(uint32_t w) {
    return uint32_t(kAes.sbox[w >> 24]) << 24 | uint32_t(kAes.sbox[(w >> 16) & 255]) << 16 |
           uint32_t(kAes.sbox[(w >> 8) & 255]) << 8 | kAes.sbox[w & 255];
}

// InvMixColumns of one column (Td includes InvSubBytes, so feed it S-box outputs).
static inline uint32_t inv_mix_column(uint32_t w) {
    return kAes.td[0][kAes.sbox[w >> 24]] ^ kAes.td[1][kAes.sbox[(w >> 16) & 255]] ^
           kAes.td[2][kAes.sbox[(w >> 8) & 255]] ^ kAes.td[3][kAes.sbox[w & 255]];
}

}  // namespace internal

// A key schedule as 32-bit words (column c of a block is load_be32(block + 4c)).
struct AesKey {
    uint32_t w[kAesMaxScheduleWords];
    uint32_t rounds;
};

static inline uint32_t aes_rounds_for_bits(uint32_t key_bits) {
    return key_bits == 256 ? 14u : key_bits == 192 ? 12u : 10u;
}

// FIPS-197 §5.2 KeyExpansion. key_bits is 128, 192 or 256.
static inline void aes_expand_key(const uint8_t* key, uint32_t key_bits, AesKey& k) {
    const uint32_t nk = key_bits / 32;
    k.rounds = aes_rounds_for_bits(key_bits);
    const uint32_t total = 4 * (k.rounds + 1);
AES_KEY_COPY:
    for (uint32_t i = 0; i < 8; ++i) {
        if (i >= nk) break;
        k.w[i] = load_be32(key + 4 * i);
    }
    uint8_t rcon = 1;
AES_KEY_EXPAND:
    for (uint32_t i = 4; i < kAesMaxScheduleWords; ++i) {
        if (i >= total) break;
        if (i < nk) continue;
        uint32_t temp = k.w[i - 1];
        if (i % nk == 0) {
            // temp = SubWord(RotWord(temp)) xor Rcon[i/Nk]
            temp = internal::sub_word(rotl32(temp, 8)) ^ (uint32_t(rcon) << 24);
            rcon = internal::gf_xtime(rcon);
        } else if (nk > 6 && i % nk == 4) {
            temp = internal::sub_word(temp);
        }
        k.w[i] = k.w[i - nk] ^ temp;
    }
}

// The schedule as octets, the form stored in the SA table (SaKeys::aes_rk).
static inline void aes_schedule_to_bytes(const AesKey& k, uint8_t rk[4 * kAesMaxScheduleWords]) {
AES_RK_STORE:
    for (uint32_t i = 0; i < kAesMaxScheduleWords; ++i) store_be32(rk + 4 * i, i < 4 * (k.rounds + 1) ? k.w[i] : 0);
}
static inline void aes_schedule_from_bytes(const uint8_t rk[4 * kAesMaxScheduleWords], uint32_t rounds, AesKey& k) {
    k.rounds = rounds;
AES_RK_LOAD:
    for (uint32_t i = 0; i < kAesMaxScheduleWords; ++i) k.w[i] = load_be32(rk + 4 * i);
}

static inline void aes_encrypt_block(const AesKey& k, const uint8_t in[16], uint8_t out[16]) {
    using internal::kAes;
    uint32_t s0 = load_be32(in) ^ k.w[0], s1 = load_be32(in + 4) ^ k.w[1];
    uint32_t s2 = load_be32(in + 8) ^ k.w[2], s3 = load_be32(in + 12) ^ k.w[3];
AES_ENC_ROUNDS:
    for (uint32_t r = 1; r < kAesMaxRounds; ++r) {
#pragma HLS unroll
        if (r >= k.rounds) break;
        const uint32_t* rk = k.w + 4 * r;
        uint32_t t0 = kAes.te[0][s0 >> 24] ^ kAes.te[1][(s1 >> 16) & 255] ^ kAes.te[2][(s2 >> 8) & 255] ^ kAes.te[3][s3 & 255] ^ rk[0];
        uint32_t t1 = kAes.te[0][s1 >> 24] ^ kAes.te[1][(s2 >> 16) & 255] ^ kAes.te[2][(s3 >> 8) & 255] ^ kAes.te[3][s0 & 255] ^ rk[1];
        uint32_t t2 = kAes.te[0][s2 >> 24] ^ kAes.te[1][(s3 >> 16) & 255] ^ kAes.te[2][(s0 >> 8) & 255] ^ kAes.te[3][s1 & 255] ^ rk[2];
        uint32_t t3 = kAes.te[0][s3 >> 24] ^ kAes.te[1][(s0 >> 16) & 255] ^ kAes.te[2][(s1 >> 8) & 255] ^ kAes.te[3][s2 & 255] ^ rk[3];
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
    }
    // Final round: SubBytes, ShiftRows, AddRoundKey (no MixColumns).
    const uint32_t* rk = k.w + 4 * k.rounds;
    const uint8_t* sb = kAes.sbox;
    store_be32(out, (uint32_t(sb[s0 >> 24]) << 24 | uint32_t(sb[(s1 >> 16) & 255]) << 16 | uint32_t(sb[(s2 >> 8) & 255]) << 8 | sb[s3 & 255]) ^ rk[0]);
    store_be32(out + 4, (uint32_t(sb[s1 >> 24]) << 24 | uint32_t(sb[(s2 >> 16) & 255]) << 16 | uint32_t(sb[(s3 >> 8) & 255]) << 8 | sb[s0 & 255]) ^ rk[1]);
    store_be32(out + 8, (uint32_t(sb[s2 >> 24]) << 24 | uint32_t(sb[(s3 >> 16) & 255]) << 16 | uint32_t(sb[(s0 >> 8) & 255]) << 8 | sb[s1 & 255]) ^ rk[2]);
    store_be32(out + 12, (uint32_t(sb[s3 >> 24]) << 24 | uint32_t(sb[(s0 >> 16) & 255]) << 16 | uint32_t(sb[(s1 >> 8) & 255]) << 8 | sb[s2 & 255]) ^ rk[3]);
}

// FIPS-197 §5.3.5: the decryption schedule is the encryption schedule in
// reverse round order with InvMixColumns applied to rounds 1..Nr-1.
static inline void aes_make_decrypt_key(const AesKey& enc, AesKey& dec) {
    dec.rounds = enc.rounds;
AES_DEC_KEY:
    for (uint32_t r = 0; r <= kAesMaxRounds; ++r) {
        if (r > enc.rounds) break;
        for (uint32_t c = 0; c < 4; ++c) {
            uint32_t w = enc.w[4 * (enc.rounds - r) + c];
            dec.w[4 * r + c] = (r == 0 || r == enc.rounds) ? w : internal::inv_mix_column(w);
        }
    }
}

static inline void aes_decrypt_block(const AesKey& dk, const uint8_t in[16], uint8_t out[16]) {
    using internal::kAes;
    uint32_t s0 = load_be32(in) ^ dk.w[0], s1 = load_be32(in + 4) ^ dk.w[1];
    uint32_t s2 = load_be32(in + 8) ^ dk.w[2], s3 = load_be32(in + 12) ^ dk.w[3];
AES_DEC_ROUNDS:
    for (uint32_t r = 1; r < kAesMaxRounds; ++r) {
#pragma HLS unroll
        if (r >= dk.rounds) break;
        const uint32_t* rk = dk.w + 4 * r;
        uint32_t t0 = kAes.td[0][s0 >> 24] ^ kAes.td[1][(s3 >> 16) & 255] ^ kAes.td[2][(s2 >> 8) & 255] ^ kAes.td[3][s1 & 255] ^ rk[0];
        uint32_t t1 = kAes.td[0][s1 >> 24] ^ kAes.td[1][(s0 >> 16) & 255] ^ kAes.td[2][(s3 >> 8) & 255] ^ kAes.td[3][s2 & 255] ^ rk[1];
        uint32_t t2 = kAes.td[0][s2 >> 24] ^ kAes.td[1][(s1 >> 16) & 255] ^ kAes.td[2][(s0 >> 8) & 255] ^ kAes.td[3][s3 & 255] ^ rk[2];
        uint32_t t3 = kAes.td[0][s3 >> 24] ^ kAes.td[1][(s2 >> 16) & 255] ^ kAes.td[2][(s1 >> 8) & 255] ^ kAes.td[3][s0 & 255] ^ rk[3];
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
    }
    const uint32_t* rk = dk.w + 4 * dk.rounds;
    const uint8_t* ib = kAes.inv_sbox;
    store_be32(out, (uint32_t(ib[s0 >> 24]) << 24 | uint32_t(ib[(s3 >> 16) & 255]) << 16 | uint32_t(ib[(s2 >> 8) & 255]) << 8 | ib[s1 & 255]) ^ rk[0]);
    store_be32(out + 4, (uint32_t(ib[s1 >> 24]) << 24 | uint32_t(ib[(s0 >> 16) & 255]) << 16 | uint32_t(ib[(s3 >> 8) & 255]) << 8 | ib[s2 & 255]) ^ rk[1]);
    store_be32(out + 8, (uint32_t(ib[s2 >> 24]) << 24 | uint32_t(ib[(s1 >> 16) & 255]) << 16 | uint32_t(ib[(s0 >> 8) & 255]) << 8 | ib[s3 & 255]) ^ rk[2]);
    store_be32(out + 12, (uint32_t(ib[s3 >> 24]) << 24 | uint32_t(ib[(s2 >> 16) & 255]) << 16 | uint32_t(ib[(s1 >> 8) & 255]) << 8 | ib[s0 & 255]) ^ rk[3]);
}

}  // namespace ipsec_hls
