// IPv4/IPv6 header parsing and building for the ESP/AH data path.
//
// Everything here runs per packet, so nothing allocates and failures are
// plain `false` returns (the engine turns them into PacketStatus::malformed);
// the callers own the buffers and every read is bounds-checked against the
// view it was given.
#pragma once

#include <cstddef>
#include <cstdint>

#include "host/common/bytes.hpp"
#include "host/common/ip_address.hpp"

namespace ikeoff::ipsec {

// IANA protocol numbers used by the data path.
inline constexpr uint8_t kProtoHopByHop = 0;
inline constexpr uint8_t kProtoIpv4 = 4;
inline constexpr uint8_t kProtoUdp = 17;
inline constexpr uint8_t kProtoIpv6 = 41;
inline constexpr uint8_t kProtoRouting = 43;
inline constexpr uint8_t kProtoFragment = 44;
inline constexpr uint8_t kProtoEsp = 50;
inline constexpr uint8_t kProtoAh = 51;
inline constexpr uint8_t kProtoDestOpts = 60;
// RFC 3948 §2.2: UDP-encapsulated ESP arrives on the NAT-T port.
inline constexpr uint16_t kNatTPort = 4500;

inline constexpr std::size_t kIpv4HeaderLen = 20;  // without options
inline constexpr std::size_t kIpv6HeaderLen = 40;
inline constexpr std::size_t kUdpHeaderLen = 8;
inline constexpr uint8_t kDefaultTtl = 64;

// The fixed header of an IPv4 or IPv6 packet.
struct IpHeader {
    uint8_t version = 0;       // 4 or 6
    uint8_t tos = 0;           // IPv4 TOS / IPv6 traffic class
    bool df = false;           // IPv4 don't-fragment
    bool fragment = false;     // IPv4: MF set or offset non-zero
    uint8_t protocol = 0;      // IPv4 protocol / IPv6 next header of the fixed header
    std::size_t header_len = 0;  // IPv4 IHL*4 (options included); IPv6 40
    std::size_t total_len = 0;   // what the length fields say the packet occupies
};

// Parses the fixed header. `exact`: the length fields must account for every
// octet of `pkt`; otherwise they may claim less (trailing link-layer padding).
// False when the header is truncated, the version is not 4/6, IHL < 5, or the
// lengths disagree with pkt.size(). (Inline: it runs for every packet.)
inline bool parse_ip_header(ByteView pkt, bool exact, IpHeader& out) {
    if (pkt.empty()) return false;
    const uint8_t* p = pkt.data();
    out.version = uint8_t(p[0] >> 4);
    if (out.version == 4) {
        if (pkt.size() < kIpv4HeaderLen) return false;
        out.header_len = std::size_t(p[0] & 0x0f) * 4;
        out.total_len = load_be16(p + 2);
        if (out.header_len < kIpv4HeaderLen || out.total_len < out.header_len) return false;
        uint16_t frag = load_be16(p + 6);
        out.tos = p[1];
        out.df = (frag & 0x4000) != 0;
        out.fragment = (frag & 0x3fff) != 0;  // MF or a non-zero offset
        out.protocol = p[9];
    } else if (out.version == 6) {
        if (pkt.size() < kIpv6HeaderLen) return false;
        out.header_len = kIpv6HeaderLen;
        out.total_len = kIpv6HeaderLen + load_be16(p + 4);
        out.tos = uint8_t((p[0] & 0x0f) << 4 | p[1] >> 4);
        out.df = false;
        out.fragment = false;
        out.protocol = p[6];
    } else {
        return false;
    }
    return exact ? out.total_len == pkt.size() : out.total_len <= pkt.size();
}

// Where transport-mode ESP/AH goes (sa.hpp): after the IPv4 header, or after
// the IPv6 Hop-by-Hop, Routing and Fragment headers.
struct InsertPoint {
    std::size_t offset = 0;     // first octet of what gets protected
    std::size_t nh_offset = 0;  // the next-header/protocol octet to rewrite
    uint8_t next = 0;           // its current value
};
bool find_insert_point(ByteView pkt, const IpHeader& ip, InsertPoint& out);

// Locates an inbound ESP/AH header: IPv4 directly, IPv6 after Hop-by-Hop,
// Routing, Destination Options and (atomic) Fragment headers; ESP inside
// UDP to port 4500 (RFC 3948) is recognised and reported with `udp` set.
struct IpsecLocation {
    uint8_t protocol = 0;       // kProtoEsp or kProtoAh
    std::size_t nh_offset = 0;  // octet naming ESP/AH/UDP (rewritten in transport decap)
    std::size_t udp_offset = 0; // UDP header (udp only)
    std::size_t offset = 0;     // first octet of the ESP/AH header
    bool udp = false;
};
bool locate_ipsec(ByteView pkt, const IpHeader& ip, IpsecLocation& out);

// RFC 1071 Internet checksum over `len` octets.
uint16_t internet_checksum(const uint8_t* p, std::size_t len);
// Recomputes the IPv4 header checksum in place (IHL taken from the header).
void update_ipv4_checksum(uint8_t* hdr);

// Writes a 20-octet IPv4 header (checksum filled in).
void write_ipv4_header(uint8_t* p, uint8_t tos, uint16_t total_len, uint16_t id, bool df, uint8_t ttl,
                       uint8_t protocol, const IpAddress& src, const IpAddress& dst);
// Writes a 40-octet IPv6 header (flow label 0).
void write_ipv6_header(uint8_t* p, uint8_t traffic_class, uint16_t payload_len, uint8_t next_header,
                       uint8_t hop_limit, const IpAddress& src, const IpAddress& dst);

// Rewrites the length field of a packet whose total size is now `total_len`
// (IPv4 total length, IPv6 payload length). The IPv4 checksum is left to the
// caller, who usually changes the protocol octet too.
void set_ip_length(uint8_t* pkt, uint8_t version, std::size_t total_len);

}  // namespace ikeoff::ipsec
