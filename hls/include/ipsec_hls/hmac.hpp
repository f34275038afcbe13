// HMAC (RFC 2104) over any hash of md_hash.hpp, split the way hardware wants
// it: the two key blocks (K0 ^ ipad, K0 ^ opad) are absorbed once per SA by
// the host (hmac_precompute), and the kernel starts each packet from those
// chaining states (hmac_from_states), saving two compressions per packet.
//
//   HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m))        RFC 2104 §2
//   K0 = K padded with zeros to the block size, or H(K) first if K is longer.
#pragma once

#include <cstdint>

#include "ipsec_hls/md_hash.hpp"

namespace ipsec_hls {

template <class H>
static inline void hmac_precompute(const uint8_t* key, uint32_t key_len, uint64_t inner[8], uint64_t outer[8]) {
    uint8_t k0[kMaxHashBlockBytes];
    uint8_t hk[kMaxDigestBytes];
    const bool hashed = key_len > H::kBlock;
    if (hashed) md_hash<H>(key, key_len, hk);
    const uint32_t klen = hashed ? H::kDigest : key_len;
HMAC_K0:
    for (uint32_t i = 0; i < kMaxHashBlockBytes; ++i) {
        uint8_t kb = i < klen ? (hashed ? hk[i] : key[i]) : 0;
        k0[i] = uint8_t(kb ^ 0x36);  // ipad
    }
    H::init(inner);
    H::compress(inner, k0);
HMAC_K0_OPAD:
    for (uint32_t i = 0; i < kMaxHashBlockBytes; ++i) k0[i] = uint8_t(k0[i] ^ 0x36 ^ 0x5c);  // opad
    H::init(outer);
    H::compress(outer, k0);
}

// Full-length MAC of msg || tail from precomputed states (states are not modified).
template <class H>
static inline void hmac_from_states(const uint64_t inner[8], const uint64_t outer[8], const uint8_t* msg,
                                    uint32_t len, const uint8_t* tail, uint32_t tail_len, uint8_t* mac) {
    uint64_t st[8];
    uint8_t ih[kMaxDigestBytes];
HMAC_INNER_COPY:
    for (uint32_t i = 0; i < 8; ++i) st[i] = inner[i];
    md_hash_finish<H>(st, H::kBlock, msg, len, tail, tail_len, ih);
HMAC_OUTER_COPY:
    for (uint32_t i = 0; i < 8; ++i) st[i] = outer[i];
    md_hash_finish<H>(st, H::kBlock, ih, H::kDigest, ih, 0, mac);
}

// One-shot HMAC (known-answer tests).
template <class H>
static inline void hmac(const uint8_t* key, uint32_t key_len, const uint8_t* msg, uint32_t len, uint8_t* mac) {
    uint64_t inner[8], outer[8];
    hmac_precompute<H>(key, key_len, inner, outer);
    hmac_from_states<H>(inner, outer, msg, len, msg, 0, mac);
}

}  // namespace ipsec_hls
