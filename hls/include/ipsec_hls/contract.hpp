// The host <-> kernel contract: the one description of every byte that
// crosses between the host (drivers/csim, drivers/xrt through drivers/fpga)
// and the ESP/AH kernels (hls/kernels).
//
// Three things live here and nowhere else:
//   1. the SA-table row (SaRow), resident in device memory and updated by the
//      kernels (sequence numbers, replay window, lifetime counters);
//   2. the packet descriptor (PacketDesc), one per packet of a batch;
//   3. the kernel signatures (kKernels): argument names, order, kind, AXI
//      bundle and s_axilite register offset, so xclbin metadata and register
//      checks are generated from the same source the kernels compile against.
//
// Rules: fixed-width integers only, no implicit padding (every gap is an
// explicit reserved field), little-endian in memory (x86 hosts and the AXI
// fabric agree), sizes and offsets pinned by static_assert. Changing any
// layout here means bumping kContractAbi; the xrt driver refuses an xclbin
// whose manifest carries another ABI number.
//
// Kept to C++14 so Vitis HLS compiles it with its default front-end options.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ipsec_hls {
namespace contract {

// Version of every layout and limit in this file. Bump on any change.
// 2: inbound packets may be up to kMaxOutBytes (what an outbound packet of
//    kMaxPacketBytes grows to), was kMaxPacketBytes.
static constexpr uint32_t kContractAbi = 2;
// SaRow::cfg.magic of an occupied row; a free row has magic 0.
static constexpr uint32_t kSaRowMagic = 0x53414b31u;  // "SAK1"

// ---- limits -----------------------------------------------------------------

// Largest inner (plaintext) packet, i.e. outbound input (jumbo frame).
static constexpr uint32_t kMaxPacketBytes = 9216;
// Worst-case growth of an outbound packet (== ikeoff::ipsec::kMaxOverhead).
static constexpr uint32_t kMaxOverheadBytes = 128;
// Largest ESP/AH packet: outbound output and inbound input. Larger packets
// are refused by the host with status `unsupported` before reaching the card.
static constexpr uint32_t kMaxOutBytes = kMaxPacketBytes + kMaxOverheadBytes;
// Descriptors per kernel call, and SA slots per table.
static constexpr uint32_t kMaxBatch = 8192;
static constexpr uint32_t kMaxSaSlots = 65536;
// Packet offsets in the packet buffers are multiples of this (one 512-bit AXI beat).
static constexpr uint32_t kBufferAlign = 64;
// Largest anti-replay window the table can hold (== ikeoff::ipsec::kMaxReplayWindow).
static constexpr uint32_t kMaxReplayWindow = 4096;
// The replay bitmap is a ring (RFC 6479): bit for sequence number s is
// ring[(s / 64) % kReplayRingWords] bit (s % 64). It must cover the window
// plus one spare word so advancing never clears a bit still inside the window.
static constexpr uint32_t kReplayRingWords = 128;
static_assert(kReplayRingWords * 64 >= kMaxReplayWindow + 64, "replay ring too small for the window");
static_assert((kReplayRingWords & (kReplayRingWords - 1)) == 0, "replay ring must be a power of two");

// ---- codes ----------------------------------------------------------------------

// Numeric values equal the host enums (ikeoff::ipsec::{Protocol, Mode,
// SaDirection, EncAlg, IntegAlg, PacketStatus}); drivers/fpga static_asserts that.
static constexpr uint8_t kProtoEsp = 50;
static constexpr uint8_t kProtoAh = 51;

static constexpr uint8_t kModeTunnel = 0;
static constexpr uint8_t kModeTransport = 1;

static constexpr uint8_t kSaDirOut = 0;
static constexpr uint8_t kSaDirIn = 1;
static constexpr uint8_t kSaDirBoth = 2;

static constexpr uint8_t kEncNull = 0;
static constexpr uint8_t kEncAesCbc = 1;
static constexpr uint8_t kEncTdesCbc = 2;
static constexpr uint8_t kEncAesGcm16 = 3;
static constexpr uint8_t kEncAesGmac = 4;

static constexpr uint8_t kIntegNone = 0;
static constexpr uint8_t kIntegSha1_96 = 1;
static constexpr uint8_t kIntegSha256_128 = 2;
static constexpr uint8_t kIntegSha384_192 = 3;
static constexpr uint8_t kIntegSha512_256 = 4;
static constexpr uint8_t kIntegMd5_96 = 5;

// Per-packet status written back into PacketDesc::status.
static constexpr uint8_t kStOk = 0;
static constexpr uint8_t kStIcvFailure = 1;
static constexpr uint8_t kStReplay = 2;
static constexpr uint8_t kStBeforeWindow = 3;
static constexpr uint8_t kStBadPadding = 4;
static constexpr uint8_t kStUnknownSpi = 5;
static constexpr uint8_t kStSaExpired = 6;
static constexpr uint8_t kStMalformed = 7;
static constexpr uint8_t kStSeqOverflow = 8;
static constexpr uint8_t kStBufferTooSmall = 9;
static constexpr uint8_t kStWrongDirection = 10;
static constexpr uint8_t kStUnsupported = 11;
static constexpr uint32_t kStatusCount = 12;

// SaConfig::flags
static constexpr uint8_t kSaFlagEsn = 0x01;      // 64-bit sequence numbers
static constexpr uint8_t kSaFlagEncap = 0x02;    // ESP-in-UDP (RFC 3948)
static constexpr uint8_t kSaFlagOuterV6 = 0x04;  // outer addresses are IPv6
static constexpr uint8_t kSaFlagHasOuter = 0x08; // outer_src/outer_dst are set

// SaDynamic::state
static constexpr uint32_t kStateSoftExpired = 0x01;
static constexpr uint32_t kStateHardExpired = 0x02;
static constexpr uint32_t kStateOverflowReported = 0x04;  // the seq_overflow event was raised

// PacketDesc::op: which operation the host asks for (the kernel checks it
// matches the kernel it reached, else `unsupported`).
static constexpr uint8_t kOpEspEncap = 1;
static constexpr uint8_t kOpEspDecap = 2;
static constexpr uint8_t kOpAhEncap = 3;
static constexpr uint8_t kOpAhDecap = 4;

// PacketDesc::events: SA events this packet raised (the host queues them in
// packet order, so events come out exactly as a serial engine would raise them).
static constexpr uint8_t kEvSoftExpired = 0x01;
static constexpr uint8_t kEvHardExpired = 0x02;
static constexpr uint8_t kEvSeqOverflow = 0x04;
static constexpr uint8_t kEvSoftByBytes = 0x08;  // which soft limit fired (else packets)
static constexpr uint8_t kEvHardByBytes = 0x10;  // which hard limit fired (else packets)

// ---- the SA-table row -----------------------------------------------------------------

// Identity and configuration: written by the host at add_sa/update_sa, read by kernels.
struct SaConfig {
    uint32_t magic;          // kSaRowMagic when occupied
    uint16_t abi;            // kContractAbi of the writer
    uint8_t protocol;        // kProtoEsp / kProtoAh
    uint8_t mode;            // kModeTunnel / kModeTransport
    uint32_t spi;            // host order
    uint8_t direction;       // kSaDir*
    uint8_t enc_alg;         // kEnc*
    uint8_t integ_alg;       // kInteg*
    uint8_t flags;           // kSaFlag*
    uint16_t enc_key_bits;   // 0, 128, 192, 256 (192 for 3DES)
    uint8_t iv_len;          // explicit IV octets per packet (0, 8, 16)
    uint8_t icv_len;         // ICV octets (0, 12, 16, 24, 32)
    uint8_t pad_align;       // ESP: payload+pad+2 is a multiple of this (4, 8 or 16)
    uint8_t aes_rounds;      // 10/12/14 for AES ciphers, else 0
    uint16_t encap_sport;    // RFC 3948 UDP ports (host order)
    uint16_t encap_dport;
    uint16_t reserved0;
    uint32_t replay_window;  // 0 = replay check off, else 1..kMaxReplayWindow
    uint8_t outer_src[16];   // IPv4 in the first 4 octets
    uint8_t outer_dst[16];
    uint64_t soft_bytes;     // lifetime limits, 0 = none
    uint64_t soft_packets;
    uint64_t hard_bytes;
    uint64_t hard_packets;
    uint8_t reserved1[32];
};

// Key material, precomputed by the host from SaParams (drivers/fpga) with the
// same ipsec_hls primitives the kernels use. Raw keys are not stored.
struct SaKeys {
    uint8_t salt[4];          // GCM/GMAC nonce salt (RFC 4106 §4)
    uint8_t reserved0[12];
    uint8_t aes_rk[240];      // AES encryption key schedule, (rounds+1) x 16 octets
    uint8_t iv_rk[176];       // AES-128 schedule of the CBC IV key (IV = E(iv_key, 0^64||seq))
    uint8_t ghash_h[4][16];   // H, H^2, H^3, H^4 (H = E(K, 0^128)), for 4-way aggregated GHASH
    uint64_t hmac_inner[8];   // hash state after absorbing key^ipad (32-bit words in low halves for MD5/SHA-1/SHA-256)
    uint64_t hmac_outer[8];   // hash state after absorbing key^opad
    uint64_t des_ks[3][16];   // 3DES-EDE: 16 48-bit round keys for K1, K2, K3 (encryption order)
    uint8_t reserved1[144];
};

// Dynamic state: updated by the kernels (and initialised by the host).
struct SaDynamic {
    uint64_t next_seq;        // next outbound sequence number
    uint64_t replay_top;      // highest authenticated inbound sequence number (0 = none yet)
    uint64_t life_bytes;      // inner octets of successful packets
    uint64_t life_packets;    // successful packets
    uint32_t state;           // kState*
    uint32_t reserved0;
    uint64_t reserved1[3];
    uint64_t drops[16];       // failed packets by status code (first kStatusCount used)
    uint8_t reserved2[64];
    uint64_t replay_ring[kReplayRingWords];
};

struct SaRow {
    SaConfig cfg;
    SaKeys keys;
    SaDynamic dyn;
};

static constexpr uint32_t kSaConfigBytes = 128;
static constexpr uint32_t kSaKeysBytes = 1152;
static constexpr uint32_t kSaDynamicBytes = 1280;
static constexpr uint32_t kSaRowBytes = 2560;  // 40 beats of 512 bits

static_assert(sizeof(SaConfig) == kSaConfigBytes, "SaConfig layout");
static_assert(sizeof(SaKeys) == kSaKeysBytes, "SaKeys layout");
static_assert(sizeof(SaDynamic) == kSaDynamicBytes, "SaDynamic layout");
static_assert(sizeof(SaRow) == kSaRowBytes, "SaRow layout");
static_assert(offsetof(SaRow, keys) == 128 && offsetof(SaRow, dyn) == 1280, "SaRow sections");
static_assert(offsetof(SaConfig, spi) == 8 && offsetof(SaConfig, flags) == 15, "SaConfig offsets");
static_assert(offsetof(SaConfig, enc_key_bits) == 16 && offsetof(SaConfig, encap_sport) == 22, "SaConfig offsets");
static_assert(offsetof(SaConfig, replay_window) == 28 && offsetof(SaConfig, outer_src) == 32, "SaConfig offsets");
static_assert(offsetof(SaConfig, soft_bytes) == 64 && offsetof(SaConfig, hard_packets) == 88, "SaConfig offsets");
static_assert(offsetof(SaKeys, aes_rk) == 16 && offsetof(SaKeys, iv_rk) == 256, "SaKeys offsets");
static_assert(offsetof(SaKeys, ghash_h) == 432 && offsetof(SaKeys, hmac_inner) == 496, "SaKeys offsets");
static_assert(offsetof(SaKeys, hmac_outer) == 560 && offsetof(SaKeys, des_ks) == 624, "SaKeys offsets");
static_assert(offsetof(SaDynamic, state) == 32 && offsetof(SaDynamic, drops) == 64, "SaDynamic offsets");
static_assert(offsetof(SaDynamic, replay_ring) == 256, "SaDynamic offsets");

// ---- the packet descriptor -----------------------------------------------------------

// One per packet. The host fills the request half; the kernel writes the
// result half. Offsets index the kernel's pkt_in / pkt_out buffers.
struct PacketDesc {
    // request (host -> kernel)
    uint32_t in_off;     // multiple of kBufferAlign
    uint32_t in_len;     // <= kMaxPacketBytes outbound, <= kMaxOutBytes inbound
    uint32_t out_off;    // multiple of kBufferAlign
    uint32_t out_cap;    // octets the caller can take (the kernel never writes past it)
    uint32_t sa_slot;    // SA-table row index
    uint8_t op;          // kOp*
    uint8_t reserved0[3];
    // result (kernel -> host)
    uint32_t out_len;    // octets written at out_off (0 unless status == kStOk)
    uint8_t status;      // kSt*
    uint8_t events;      // kEv*
    uint16_t reserved1;
    uint64_t seq;        // full sequence number sent or received (0 when unknown)
    uint32_t spi;        // SPI of the SA used (inbound: as found in the packet)
    uint32_t reserved2[5];
};
static constexpr uint32_t kPacketDescBytes = 64;
static_assert(sizeof(PacketDesc) == kPacketDescBytes, "PacketDesc layout");
static_assert(offsetof(PacketDesc, sa_slot) == 16 && offsetof(PacketDesc, op) == 20, "PacketDesc offsets");
static_assert(offsetof(PacketDesc, out_len) == 24 && offsetof(PacketDesc, status) == 28, "PacketDesc offsets");
static_assert(offsetof(PacketDesc, seq) == 32 && offsetof(PacketDesc, spi) == 40, "PacketDesc offsets");

// ---- kernel signatures --------------------------------------------------------------

enum class ArgKind : uint8_t {
    buffer_in = 0,     // m_axi, kernel reads only
    buffer_out = 1,    // m_axi, kernel writes only
    buffer_inout = 2,  // m_axi, read and written
    scalar = 3,        // s_axilite value
};

struct KernelArg {
    const char* name;
    ArgKind kind;
    const char* bundle;   // m_axi bundle (memory port), "control" for scalars
    uint32_t size;        // register width in octets: 8 for buffer addresses, 4 for u32 scalars
    uint32_t offset;      // s_axilite register offset (Vitis HLS layout, see reg_offset())
    const char* type;     // C type as it appears in the kernel prototype
};

struct KernelSig {
    const char* name;       // extern "C" function name == xclbin kernel name
    const KernelArg* args;
    uint32_t arg_count;
};

// Vitis HLS s_axilite layout: 0x00 ap_ctrl, 0x04 GIE, 0x08 IER, 0x0c ISR, then
// arguments in order from 0x10; a 64-bit buffer address takes 12 octets
// (two data words and one reserved word), a 32-bit scalar 8.
static constexpr uint32_t kFirstArgOffset = 0x10;
static constexpr uint32_t reg_stride(ArgKind k) { return k == ArgKind::scalar ? 8u : 12u; }

static constexpr KernelArg kEspEncapArgs[] = {
    {"pkt_in", ArgKind::buffer_in, "gmem0", 8, 0x10, "const uint8_t*"},
    {"pkt_out", ArgKind::buffer_out, "gmem1", 8, 0x1c, "uint8_t*"},
    {"desc", ArgKind::buffer_inout, "gmem2", 8, 0x28, "ipsec_hls::contract::PacketDesc*"},
    {"sa_table", ArgKind::buffer_inout, "gmem3", 8, 0x34, "ipsec_hls::contract::SaRow*"},
    {"num_desc", ArgKind::scalar, "control", 4, 0x40, "uint32_t"},
    {"num_sa", ArgKind::scalar, "control", 4, 0x48, "uint32_t"},
};
static constexpr KernelArg kEspDecapArgs[] = {
    {"pkt_in", ArgKind::buffer_in, "gmem0", 8, 0x10, "const uint8_t*"},
    {"pkt_out", ArgKind::buffer_out, "gmem1", 8, 0x1c, "uint8_t*"},
    {"desc", ArgKind::buffer_inout, "gmem2", 8, 0x28, "ipsec_hls::contract::PacketDesc*"},
    {"sa_table", ArgKind::buffer_inout, "gmem3", 8, 0x34, "ipsec_hls::contract::SaRow*"},
    {"num_desc", ArgKind::scalar, "control", 4, 0x40, "uint32_t"},
    {"num_sa", ArgKind::scalar, "control", 4, 0x48, "uint32_t"},
};
static constexpr KernelArg kAhArgs[] = {
    {"pkt_in", ArgKind::buffer_in, "gmem0", 8, 0x10, "const uint8_t*"},
    {"pkt_out", ArgKind::buffer_out, "gmem1", 8, 0x1c, "uint8_t*"},
    {"desc", ArgKind::buffer_inout, "gmem2", 8, 0x28, "ipsec_hls::contract::PacketDesc*"},
    {"sa_table", ArgKind::buffer_inout, "gmem3", 8, 0x34, "ipsec_hls::contract::SaRow*"},
    {"num_desc", ArgKind::scalar, "control", 4, 0x40, "uint32_t"},
    {"num_sa", ArgKind::scalar, "control", 4, 0x48, "uint32_t"},
    {"direction", ArgKind::scalar, "control", 4, 0x50, "uint32_t"},  // 0 = outbound (encap), 1 = inbound
};

static constexpr uint32_t kKernelEspEncap = 0;
static constexpr uint32_t kKernelEspDecap = 1;
static constexpr uint32_t kKernelAh = 2;
static constexpr KernelSig kKernels[] = {
    {"ikeoff_esp_encap", kEspEncapArgs, sizeof(kEspEncapArgs) / sizeof(kEspEncapArgs[0])},
    {"ikeoff_esp_decap", kEspDecapArgs, sizeof(kEspDecapArgs) / sizeof(kEspDecapArgs[0])},
    {"ikeoff_ah", kAhArgs, sizeof(kAhArgs) / sizeof(kAhArgs[0])},
};
static constexpr uint32_t kKernelCount = sizeof(kKernels) / sizeof(kKernels[0]);

// Self-check: every table's offsets follow the Vitis layout rule above.
static constexpr bool offsets_consistent(const KernelArg* args, uint32_t n) {
    uint32_t off = kFirstArgOffset;
    for (uint32_t i = 0; i < 16; ++i) {
        if (i >= n) break;
        if (args[i].offset != off) return false;
        if (args[i].size != (args[i].kind == ArgKind::scalar ? 4u : 8u)) return false;
        off += reg_stride(args[i].kind);
    }
    return true;
}
static_assert(offsets_consistent(kEspEncapArgs, 6), "esp_encap register map");
static_assert(offsets_consistent(kEspDecapArgs, 6), "esp_decap register map");
static_assert(offsets_consistent(kAhArgs, 7), "ah register map");

}  // namespace contract
}  // namespace ipsec_hls
