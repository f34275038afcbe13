// Byte helpers shared by every primitive: big-/little-endian loads and stores
// and bounded copy/xor loops. Kernel code keeps all data in fixed-size local
// arrays; these helpers carry the loop bounds so callers stay short.
#pragma once

#include <cstdint>

#include "ipsec_hls/config.hpp"

namespace ipsec_hls {

static inline uint16_t load_be16(const uint8_t* p) { return uint16_t(uint16_t(p[0]) << 8 | p[1]); }
static inline uint32_t load_be32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}
static inline uint64_t load_be64(const uint8_t* p) { return uint64_t(load_be32(p)) << 32 | load_be32(p + 4); }
static inline uint32_t load_le32(const uint8_t* p) {
    return uint32_t(p[3]) << 24 | uint32_t(p[2]) << 16 | uint32_t(p[1]) << 8 | uint32_t(p[0]);
}
static inline void store_be16(uint8_t* p, uint16_t v) {
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}
static inline void store_be32(uint8_t* p, uint32_t v) {
    p[0] = uint8_t(v >> 24);
    p[1] = uint8_t(v >> 16);
    p[2] = uint8_t(v >> 8);
    p[3] = uint8_t(v);
}
static inline void store_be64(uint8_t* p, uint64_t v) {
    store_be32(p, uint32_t(v >> 32));
    store_be32(p + 4, uint32_t(v));
}
static inline void store_le32(uint8_t* p, uint32_t v) {
    p[0] = uint8_t(v);
    p[1] = uint8_t(v >> 8);
    p[2] = uint8_t(v >> 16);
    p[3] = uint8_t(v >> 24);
}

static inline uint32_t rotl32(uint32_t x, uint32_t n) { return (x << (n & 31)) | (x >> ((32 - n) & 31)); }
static inline uint32_t rotr32(uint32_t x, uint32_t n) { return (x >> (n & 31)) | (x << ((32 - n) & 31)); }
static inline uint64_t rotr64(uint64_t x, uint32_t n) { return (x >> (n & 63)) | (x << ((64 - n) & 63)); }

// dst[0..len) = src[0..len), ascending; len <= kMaxOutBytes. The buffers may
// overlap only with dst below src (moving data towards the front).
static inline void copy_bytes(uint8_t* dst, const uint8_t* src, uint32_t len) {
COPY_BYTES:
    for (uint32_t i = 0; i < kMaxOutBytes; ++i) {
#pragma HLS pipeline II = 1
        if (i >= len) break;
        dst[i] = src[i];
    }
}

static inline void zero_bytes(uint8_t* dst, uint32_t len) {
ZERO_BYTES:
    for (uint32_t i = 0; i < kMaxOutBytes; ++i) {
#pragma HLS pipeline II = 1
        if (i >= len) break;
        dst[i] = 0;
    }
}

// Constant-time equality of two short byte strings (ICVs): the loop always
// runs to n, whatever the position of the first difference.
static inline bool ct_equal(const uint8_t* a, const uint8_t* b, uint32_t n) {
    uint8_t diff = 0;
CT_EQUAL:
    for (uint32_t i = 0; i < kMaxIcvBytes; ++i) {
#pragma HLS unroll
        if (i < n) diff = uint8_t(diff | (a[i] ^ b[i]));
    }
    return diff == 0;
}

}  // namespace ipsec_hls
