// Finding the IP packet inside a captured frame, and putting a processed IP
// packet back into a frame of the same link type.
//
// Ethernet frames may carry up to two VLAN tags (802.1Q 0x8100, 802.1ad
// 0x88a8). When a packet changes IP version on the way through the engine
// (IPv4 inner, IPv6 outer), the frame's last EtherType is rewritten so the
// output stays a well-formed capture; MAC addresses and tags are kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "host/common/bytes.hpp"
#include "host/pcap/pcap_file.hpp"

namespace ikeoff::pcap {

inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint16_t kEtherTypeIpv6 = 0x86dd;

// Where the IP packet sits in a frame.
struct IpSlice {
    std::size_t offset = 0;  // bytes of link-layer header before the IP header
    std::size_t length = 0;  // IP packet length (Ethernet trailer padding excluded)
};

// nullopt when the frame does not carry IPv4/IPv6 (ARP, LLDP, an Ethernet
// frame too short for its header, a raw record whose version nibble is not 4
// or 6). An IP packet whose length field exceeds the captured bytes is
// returned whole: the engine judges it (malformed), so it is counted, not lost.
std::optional<IpSlice> find_ip(LinkType link, ByteView frame);

// A frame of `link` type carrying `ip`, reusing `header` (the link-layer
// header of the frame the packet came from, frame[0..IpSlice::offset)).
// For Ethernet the last EtherType is set from ip's version nibble.
Bytes make_frame(LinkType link, ByteView header, ByteView ip);

// The IP version nibble of the first octet (0 for an empty packet).
inline unsigned ip_version(ByteView ip) { return ip.empty() ? 0 : ip[0] >> 4; }

}  // namespace ikeoff::pcap
