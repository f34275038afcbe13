// AES-GCM (NIST SP 800-38D) as used by ESP: RFC 4106 (AES-GCM, 16-octet ICV)
// and RFC 4543 (AES-GMAC, authentication only).
//
// One pass over the data: the counter-mode keystream (GCTR, §6.5) and GHASH
// run side by side, four blocks per step in hardware. The AAD may come in two
// pieces because ESP's AAD is not contiguous in the packet when ESN is on
// (SPI || seq_hi || seq_lo, RFC 4106 §5) or for GMAC (RFC 4543 §3.3: the AAD
// also covers IV and payload).
#pragma once

#include <cstdint>

#include "ipsec_hls/aes.hpp"
#include "ipsec_hls/ghash.hpp"

namespace ipsec_hls {

static constexpr uint32_t kGcmTagBytes = 16;

// H = E(K, 0^128), then H^1..H^4 for the SA table.
static inline void gcm_hash_powers(const AesKey& k, uint8_t hpow[4][16]) {
    uint8_t zero[16] = {0};
    uint8_t h[16];
    aes_encrypt_block(k, zero, h);
    ghash_powers(h, hpow);
}

// J0 for a 96-bit IV: IV || 0^31 || 1 (§7.1 step 2). ESP always uses this
// form: salt (4) || explicit IV (8) (RFC 4106 §4).
static inline void gcm_j0_96(const uint8_t iv[12], uint8_t j0[16]) {
GCM_J0:
    for (uint32_t i = 0; i < 12; ++i) j0[i] = iv[i];
    store_be32(j0 + 12, 1);
}

// J0 for other IV lengths: GHASH(IV || 0^(s+64) || [len(IV)]64) (§7.1 step 2).
// Only the known-answer tests of the GCM specification need it.
static inline void gcm_j0_any(const uint8_t hpow[4][16], const uint8_t* iv, uint32_t iv_len, uint8_t j0[16]) {
    if (iv_len == 12) {
        gcm_j0_96(iv, j0);
        return;
    }
    Ghash g;
    ghash_init(g, hpow);
    ghash_absorb(g, iv, iv_len);
    ghash_pad(g);
    uint8_t lens[16] = {0};
    store_be64(lens + 8, uint64_t(iv_len) * 8);
    ghash_absorb(g, lens, 16);
    ghash_final(g, j0);
}

// out = GCTR(inc32(J0), in); tag = E(K, J0) ^ GHASH(A || pad || C || pad || len(A) || len(C)).
// `encrypt` selects whether C is the output (encryption) or the input (decryption).
// in/out may be the same buffer; len may be 0 (GMAC).
static inline void gcm_crypt(const AesKey& k, const uint8_t hpow[4][16], const uint8_t j0[16],
                             const uint8_t* aad1, uint32_t aad1_len, const uint8_t* aad2, uint32_t aad2_len,
                             const uint8_t* in, uint8_t* out, uint32_t len, bool encrypt, uint8_t tag[16]) {
    Ghash g;
    ghash_init(g, hpow);
    ghash_absorb(g, aad1, aad1_len);
    ghash_absorb(g, aad2, aad2_len);
    ghash_pad(g);

    uint8_t ctr[16];
GCM_CTR_INIT:
    for (uint32_t i = 0; i < 16; ++i) ctr[i] = j0[i];
    uint32_t c32 = load_be32(j0 + 12);
    const uint32_t nblocks = (len + 15) / 16;
GCM_BLOCKS:
    for (uint32_t b = 0; b < kMaxBlocks16; ++b) {
#pragma HLS pipeline II = 1
        if (b >= nblocks) break;
        c32 += 1;  // inc32 (§6.2): only the low 32 bits count
        store_be32(ctr + 12, c32);
        uint8_t ks[16];
        aes_encrypt_block(k, ctr, ks);
        const uint32_t off = b * 16;
        const uint32_t n = len - off < 16 ? len - off : 16;
        uint8_t cblk[16];
    GCM_XOR:
        for (uint32_t i = 0; i < 16; ++i) {
            if (i < n) {
                uint8_t x = in[off + i];
                uint8_t y = uint8_t(x ^ ks[i]);
                out[off + i] = y;
                cblk[i] = encrypt ? y : x;
            } else {
                cblk[i] = 0;
            }
        }
        ghash_absorb(g, cblk, n);
    }
    ghash_pad(g);

    uint8_t lens[16];
    store_be64(lens, uint64_t(aad1_len + aad2_len) * 8);
    store_be64(lens + 8, uint64_t(len) * 8);
    ghash_absorb(g, lens, 16);
    uint8_t s[16];
    ghash_final(g, s);
    uint8_t ekj0[16];
    aes_encrypt_block(k, j0, ekj0);
GCM_TAG:
    for (uint32_t i = 0; i < 16; ++i) tag[i] = uint8_t(s[i] ^ ekj0[i]);
}

}  // namespace ipsec_hls
