// The performance model of the hardware design described in hls/README.md:
// cycle counts per packet and per batch at the target clock, derived from the
// design's initiation intervals and pipeline depths. drivers/csim applies it
// to every batch it runs and reports the result as a MODEL, never as a
// measurement; nothing here has been timed on a card.
//
// Design assumptions (hls/README.md explains each):
//  - kernel clock 300 MHz; kLanes packet engines per kernel, packets dealt
//    round-robin; each lane has a 14-stage AES core (II = 1 per 128-bit
//    block), 4-way aggregated GHASH, a 48-stage 3DES core and
//    kHashCores iterative SHA/MD5 cores;
//  - AES-CTR/GCM, CBC decryption and 3DES decryption: one block per clock;
//    CBC encryption: one block per pipeline depth per packet, hidden by
//    interleaving up to depth packets of the same lane;
//  - HMAC: rounds x blocks per core, kHashCores packets hashed in parallel;
//  - data moves at 64 octets per clock (512-bit AXI);
//  - fixed per-packet cost (descriptor, header parse/build, tag/ICV, write
//    back), an SA-row fetch when the SA changes, and a per-batch start cost.
#pragma once

#include <cstdint>

#include "ipsec_hls/contract.hpp"

namespace ipsec_hls {
namespace model {

static constexpr uint32_t kClockMHz = 300;
static constexpr uint32_t kLanes = 4;
static constexpr uint32_t kPacketOverheadCycles = 24;
static constexpr uint32_t kSaRowFetchCycles = contract::kSaRowBytes / 64;  // 40 beats, latency prefetched
static constexpr uint32_t kBatchStartCycles = 300;
static constexpr uint32_t kAesDepth = 14;
static constexpr uint32_t kTdesDepth = 48;
static constexpr uint32_t kHashCores = 16;
static constexpr uint32_t kBusBytes = 64;

struct PacketShape {
    uint8_t protocol;   // contract::kProtoEsp / kProtoAh
    uint8_t enc_alg;    // contract::kEnc*
    uint8_t integ_alg;  // contract::kInteg*
    bool outbound;
    uint32_t in_len;
    uint32_t out_len;   // 0 for dropped packets
    bool sa_switch;     // the previous packet on this kernel used another SA row
};

static inline uint64_t div_up(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// Does this packet occupy the serial (CBC-encrypt) path?
static inline bool serial_cipher(const PacketShape& p) {
    return p.protocol == contract::kProtoEsp && p.outbound &&
           (p.enc_alg == contract::kEncAesCbc || p.enc_alg == contract::kEncTdesCbc);
}
static inline bool uses_hash(const PacketShape& p) {
    return p.protocol == contract::kProtoAh || p.integ_alg != contract::kIntegNone;
}

// cbc_peers / hash_peers: packets of the same lane and batch that share the
// interleaved CBC / hash cores (>= 1).
static inline uint64_t packet_cycles(const PacketShape& p, uint32_t cbc_peers, uint32_t hash_peers) {
    const uint64_t bytes = p.in_len > p.out_len ? p.in_len : p.out_len;
    uint64_t cipher = 0;
    if (p.protocol == contract::kProtoEsp) {
        if (p.enc_alg == contract::kEncAesGcm16 || p.enc_alg == contract::kEncAesGmac) {
            cipher = div_up(bytes, 16);
        } else if (p.enc_alg == contract::kEncAesCbc) {
            const uint64_t blocks = div_up(bytes, 16);
            const uint64_t il = cbc_peers < kAesDepth ? cbc_peers : kAesDepth;
            cipher = p.outbound ? div_up(blocks * kAesDepth, il ? il : 1) : blocks;
        } else if (p.enc_alg == contract::kEncTdesCbc) {
            const uint64_t blocks = div_up(bytes, 8);
            const uint64_t il = cbc_peers < kTdesDepth ? cbc_peers : kTdesDepth;
            cipher = p.outbound ? div_up(blocks * kTdesDepth, il ? il : 1) : blocks;
        }
    }
    uint64_t hash = 0;
    if (uses_hash(p)) {
        const bool wide = p.integ_alg == contract::kIntegSha384_192 || p.integ_alg == contract::kIntegSha512_256;
        const uint64_t block = wide ? 128 : 64;
        const uint64_t rounds = (p.integ_alg == contract::kIntegSha1_96 || wide) ? 80 : 64;
        const uint64_t blocks = div_up(bytes + (wide ? 17 : 9), block) + 1;  // inner + outer hash
        const uint64_t cores = hash_peers < kHashCores ? hash_peers : kHashCores;
        hash = div_up(blocks * rounds, cores ? cores : 1);
    }
    const uint64_t move = div_up(bytes, kBusBytes);
    uint64_t body = cipher > hash ? cipher : hash;
    if (move > body) body = move;
    return kPacketOverheadCycles + body + (p.sa_switch ? kSaRowFetchCycles : 0);
}

}  // namespace model
}  // namespace ipsec_hls
