// CBC mode (NIST SP 800-38A §6.2) over AES (RFC 3602) or 3DES (RFC 2451).
//
// Encryption is serial per packet (each block needs the previous
// ciphertext), so one packet cannot fill a pipelined cipher core; the
// hardware interleaves blocks of up to kCbcInterleave independent packets
// (different SAs or different packets of one SA) round-robin through the same
// core. Decryption has no such dependency and runs at one block per clock.
#pragma once

#include <cstdint>

#include "ipsec_hls/aes.hpp"
#include "ipsec_hls/des.hpp"

namespace ipsec_hls {

// Block ciphers as CBC sees them.
struct AesCipher {
    static constexpr uint32_t kBlock = 16;
    typedef AesKey Key;
    static void encrypt(const Key& k, const uint8_t* in, uint8_t* out) { aes_encrypt_block(k, in, out); }
    static void decrypt(const Key& k, const uint8_t* in, uint8_t* out) { aes_decrypt_block(k, in, out); }
};

struct TdesCipher {
    static constexpr uint32_t kBlock = 8;
    typedef TdesKey Key;
    static void encrypt(const Key& k, const uint8_t* in, uint8_t* out) { tdes_encrypt_block(k, in, out); }
    static void decrypt(const Key& k, const uint8_t* in, uint8_t* out) { tdes_decrypt_block(k, in, out); }
};

// out = CBC-Enc(iv, in); len is a multiple of C::kBlock. in and out may alias.
template <class C>
static inline void cbc_encrypt(const typename C::Key& k, const uint8_t* iv, const uint8_t* in, uint8_t* out,
                               uint32_t len) {
    uint8_t chain[16];
CBC_ENC_IV:
    for (uint32_t i = 0; i < C::kBlock; ++i) chain[i] = iv[i];
    const uint32_t nblocks = len / C::kBlock;
CBC_ENC_BLOCKS:
    for (uint32_t b = 0; b < kMaxOutBytes / 8; ++b) {
        if (b >= nblocks) break;
        uint8_t x[16];
    CBC_ENC_XOR:
        for (uint32_t i = 0; i < C::kBlock; ++i) x[i] = uint8_t(in[b * C::kBlock + i] ^ chain[i]);
        C::encrypt(k, x, chain);
    CBC_ENC_OUT:
        for (uint32_t i = 0; i < C::kBlock; ++i) out[b * C::kBlock + i] = chain[i];
    }
}

// out = CBC-Dec(iv, in) with the decryption key (AES: aes_make_decrypt_key). in and out may alias.
template <class C>
static inline void cbc_decrypt(const typename C::Key& dk, const uint8_t* iv, const uint8_t* in, uint8_t* out,
                               uint32_t len) {
    uint8_t chain[16];
CBC_DEC_IV:
    for (uint32_t i = 0; i < C::kBlock; ++i) chain[i] = iv[i];
    const uint32_t nblocks = len / C::kBlock;
CBC_DEC_BLOCKS:
    for (uint32_t b = 0; b < kMaxOutBytes / 8; ++b) {
#pragma HLS pipeline II = 1
        if (b >= nblocks) break;
        uint8_t c[16], p[16];
    CBC_DEC_SAVE:
        for (uint32_t i = 0; i < C::kBlock; ++i) c[i] = in[b * C::kBlock + i];
        C::decrypt(dk, c, p);
    CBC_DEC_XOR:
        for (uint32_t i = 0; i < C::kBlock; ++i) {
            out[b * C::kBlock + i] = uint8_t(p[i] ^ chain[i]);
            chain[i] = c[i];
        }
    }
}

}  // namespace ipsec_hls
