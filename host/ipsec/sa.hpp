// The one SA model every engine driver implements.
//
// An SaParams describes an ESP or AH security association completely: the
// IKE daemon fills one per negotiated direction, `ikeoffctl esp` fills one
// from JSON, and the Python bindings from keyword arguments. Drivers never
// invent defaults of their own; validate() is the single gate.
//
// Packet formats every driver produces, bit for bit (so soft and the FPGA
// kernels can be compared byte by byte; see docs in hls/README.md too):
//
//  * Outbound ESP: [outer IP][UDP if encap][SPI|seq_lo|IV][payload|pad|padlen|nh][ICV]
//    - padding: the fewest octets so that payload+pad+2 is a multiple of
//      max(4, cipher block), filled 1,2,3,... (RFC 4303 §2.4, default pattern)
//    - GCM/GMAC IV: the full 64-bit sequence number, big-endian (unique per key,
//      which is all RFC 4106 §3.1 asks)
//    - CBC IV: the first iv_bytes of AES-128-ECB(iv_key, 0^64 || be64(seq))
//      (unpredictable without iv_key, per RFC 3602 §3 and SP 800-38A App. C;
//      one block encryption instead of a DRBG call per packet). iv_key is
//      SaParams::iv_seed, or 16 random octets drawn at add_sa().
//  * Tunnel mode outer IPv4 header: IHL 5, TOS copied from the inner header
//    (IPv6 inner: its traffic class), ID = low 16 bits of the sequence
//    number, DF copied from an IPv4 inner header (0 for IPv6 inner), TTL 64,
//    protocol 50/51 (17 with UDP encap), checksum filled in.
//    Outer IPv6: traffic class copied as above, flow label 0, hop limit 64.
//  * UDP encapsulation (RFC 3948): ports from SaParams::encap, checksum 0.
//  * Transport mode: ESP/AH is inserted after the IPv4 header (options kept)
//    or after IPv6 Hop-by-Hop, Routing and Fragment headers; the preceding
//    next-header/protocol field, lengths and IPv4 checksum are updated.
//  * AH (RFC 4302): ICV over the packet with mutable fields zeroed (IPv4 TOS,
//    flags+offset, TTL, checksum; IPv6 traffic class, flow label, hop limit,
//    mutable options), ICV padded to 32 bits (IPv4) / 64 bits (IPv6), ESN high
//    bits appended to the ICV input when esn is set. The padding octets are
//    zero and, unlike the ICV itself, are not zeroed for the computation: they
//    are covered as sent/received (RFC 4302 §3.3.3.2.1; Linux does the same).
//
// Inbound processing order (RFC 4303 §3.4): look up SPI, infer ESN high bits
// (App. A2), check the replay window, verify the ICV, then advance the window
// (only for packets that verified), then decrypt/strip and check padding.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/common/ip_address.hpp"
#include "host/common/result.hpp"
#include "host/ipsec/algorithms.hpp"

namespace ikeoff::ipsec {

enum class Protocol : uint8_t { esp = 50, ah = 51 };
enum class Mode : uint8_t { tunnel = 0, transport = 1 };

// Which way an SA may be used. IPsec SAs are unidirectional; `both` exists so
// tools and tests can run a packet out and back through one SA.
enum class SaDirection : uint8_t { outbound = 0, inbound = 1, both = 2 };

// The direction of one batch.
enum class Direction : uint8_t { outbound = 0, inbound = 1 };

inline constexpr uint32_t kDefaultReplayWindow = 64;
inline constexpr uint32_t kMaxReplayWindow = 4096;
// Worst-case growth of an outbound packet: outer IPv6 (40) + UDP (8) + ESP
// header (8) + IV (16) + padding (15) + trailer (2) + ICV (32), rounded up.
inline constexpr std::size_t kMaxOverhead = 128;

struct UdpEncap {
    uint16_t src_port = 4500;
    uint16_t dst_port = 4500;
    bool operator==(const UdpEncap&) const = default;
};

// Limits in octets of inner (plaintext) packets and in packet counts; 0 = none.
struct Lifetime {
    uint64_t bytes = 0;
    uint64_t packets = 0;
    bool operator==(const Lifetime&) const = default;
};

struct SaParams {
    uint32_t spi = 0;
    Protocol protocol = Protocol::esp;
    Mode mode = Mode::tunnel;
    SaDirection direction = SaDirection::both;
    IpAddress src;                 // outer source (tunnel mode; optional in transport)
    IpAddress dst;                 // outer destination
    EncTransform enc;              // ESP only; AH must leave it null
    IntegAlg integ = IntegAlg::none;
    SecretBytes enc_key;           // cipher key, followed by the 4-octet salt for GCM/GMAC
    SecretBytes integ_key;
    uint64_t seq = 1;              // next outbound sequence number
    bool esn = false;              // 64-bit extended sequence numbers (RFC 4303 §2.2.1)
    uint32_t replay_window = kDefaultReplayWindow;  // 0 disables the replay check
    Lifetime soft;
    Lifetime hard;
    std::optional<UdpEncap> encap; // ESP-in-UDP (RFC 3948)
    bool allow_weak = false;       // required for HMAC-MD5
    std::optional<std::array<uint8_t, 16>> iv_seed;  // CBC IV key; random when unset

    SaParams clone() const;
};

// Everything that is wrong with the parameters, as one actionable sentence.
Status validate(const SaParams& p);

// Parameters that may change on a live SA (NAT mapping changes, new limits).
struct SaUpdate {
    std::optional<Lifetime> soft;
    std::optional<Lifetime> hard;
    std::optional<std::optional<UdpEncap>> encap;
    std::optional<IpAddress> src;
    std::optional<IpAddress> dst;
};

std::string_view to_string(Protocol p);
std::string_view to_string(Mode m);
std::string_view to_string(SaDirection d);
Result<Protocol> parse_protocol(std::string_view s);
Result<Mode> parse_mode(std::string_view s);
Result<SaDirection> parse_sa_direction(std::string_view s);

}  // namespace ikeoff::ipsec
