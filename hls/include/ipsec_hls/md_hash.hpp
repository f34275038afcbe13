// Merkle-Damgard finishing shared by MD5, SHA-1 and SHA-2: absorbs a message
// (plus an optional short tail, e.g. the ESN high bits that ESP and AH
// append to the ICV input without sending them), pads it and extracts the
// digest, continuing from a given chaining state. Starting from a precomputed
// state is what lets HMAC skip its key block per packet (see hmac.hpp).
//
// A hash H supplies: kBlock, kDigest, kLenBytes (length field octets),
// kLittleEndian (MD5), init(st), compress(st, block), output(st, digest).
// Chaining state is always uint64_t[8] (32-bit hashes use the low halves), the
// form kept in the SA table.
#pragma once

#include <cstdint>

#include "ipsec_hls/bytes.hpp"

namespace ipsec_hls {

static constexpr uint32_t kMaxHashTail = 16;

// Hashes msg || tail (tail_len <= kMaxHashTail) starting from chaining state
// st, as if prefix_bytes octets had already been absorbed. st is consumed.
template <class H>
static inline void md_hash_finish(uint64_t st[8], uint64_t prefix_bytes, const uint8_t* msg, uint32_t len,
                                  const uint8_t* tail, uint32_t tail_len, uint8_t* digest) {
    const uint32_t full = len / H::kBlock;
MD_FULL_BLOCKS:
    for (uint32_t b = 0; b < kMaxHashBlocks; ++b) {
#pragma HLS pipeline
        if (b >= full) break;
        H::compress(st, msg + b * H::kBlock);
    }
    // The last one or two blocks: leftover message, tail, 0x80, zeros, length.
    uint8_t last[2 * kMaxHashBlockBytes];
    const uint32_t rest = len - full * H::kBlock;
    uint32_t pos = 0;
MD_REST:
    for (uint32_t i = 0; i < kMaxHashBlockBytes; ++i) {
        if (i >= rest) break;
        last[pos++] = msg[full * H::kBlock + i];
    }
MD_TAIL:
    for (uint32_t i = 0; i < kMaxHashTail; ++i) {
        if (i >= tail_len) break;
        last[pos++] = tail[i];
    }
    last[pos++] = 0x80;
    const uint32_t nlast = pos + H::kLenBytes <= H::kBlock ? 1 : 2;
    const uint32_t end = nlast * H::kBlock;
MD_ZERO:
    for (uint32_t i = 0; i < 2 * kMaxHashBlockBytes; ++i) {
        if (i >= end) break;
        if (i >= pos) last[i] = 0;
    }
    const uint64_t bits = (prefix_bytes + len + tail_len) * 8;
MD_LENGTH:
    for (uint32_t i = 0; i < 8; ++i) {
        // Big-endian length in the last octets (SHA), or little-endian right
        // after the padding (MD5, RFC 1321 §3.2). The upper half of SHA-512's
        // 128-bit length field stays zero.
        if (H::kLittleEndian)
            last[end - 8 + i] = uint8_t(bits >> (8 * i));
        else
            last[end - 1 - i] = uint8_t(bits >> (8 * i));
    }
    H::compress(st, last);
    if (nlast == 2) H::compress(st, last + H::kBlock);
    H::output(st, digest);
}

// Plain hash of a whole message (known-answer tests, HMAC keys longer than a block).
template <class H>
static inline void md_hash(const uint8_t* msg, uint32_t len, uint8_t* digest) {
    uint64_t st[8];
    H::init(st);
    md_hash_finish<H>(st, 0, msg, len, msg, 0, digest);
}

}  // namespace ipsec_hls
