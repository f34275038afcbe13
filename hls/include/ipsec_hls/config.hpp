// Compile-time sizes of the kernels (the Vitis "kernel_config.hpp"): every
// loop bound in hls/ derives from these, so the synthesized design has fixed
// trip counts and fixed local-memory sizes.
#pragma once

#include <cstdint>

#include "ipsec_hls/contract.hpp"

namespace ipsec_hls {

// Packet bytes: input and output local buffers (an inbound packet may be as
// long as the longest outbound result).
static constexpr uint32_t kMaxInBytes = contract::kMaxOutBytes;
static constexpr uint32_t kMaxOutBytes = contract::kMaxOutBytes;
// 16-octet blocks in the largest output packet.
static constexpr uint32_t kMaxBlocks16 = (kMaxOutBytes + 15) / 16;
// Largest ICV (HMAC-SHA-512-256) and largest hash block/digest (SHA-512).
static constexpr uint32_t kMaxIcvBytes = 32;
static constexpr uint32_t kMaxHashBlockBytes = 128;
static constexpr uint32_t kMaxDigestBytes = 64;
// Hash blocks in the longest MAC input: a whole output packet plus the
// 4-octet ESN tail, plus up to two padding blocks.
static constexpr uint32_t kMaxHashBlocks = (kMaxOutBytes + 4) / 64 + 3;
// IPv6 extension headers walked (transport insert point, inbound lookup, AH
// mutable fields). Each is at least 8 octets, so this bound never cuts a walk
// short: the packet ends first.
static constexpr uint32_t kMaxExtHeaders = kMaxInBytes / 8;
// IPv6 option octets inside one extension header ((255 + 1) * 8).
static constexpr uint32_t kMaxOptionBytes = 2048;

}  // namespace ipsec_hls
