// What a datagram on UDP 4500 is (RFC 3948 §2).
//
// Port 4500 carries three things, told apart by their first octets:
//  * a single octet 0xFF: a NAT-keepalive (§2.3), only there to keep a NAT
//    mapping alive; the receiver ignores it;
//  * four zero octets (the non-ESP marker, §2.2) followed by an IKE message;
//  * anything else is ESP (§2.1): the UDP payload starts with the SPI, which
//    is never zero for ESP (RFC 4303 §2.1 reserves SPI 0).
// Port 500 carries only IKE, without a marker.
#pragma once

#include <cstdint>
#include <string_view>

#include "host/common/bytes.hpp"

namespace ikeoff::net {

inline constexpr std::size_t kNonEspMarkerSize = 4;
inline constexpr uint8_t kNatKeepalive = 0xff;
// An ISAKMP header is 28 octets (RFC 2408 §3.1): anything shorter after the
// marker cannot be IKE.
inline constexpr std::size_t kIsakmpHeaderSize = 28;
// SPI + sequence number: the least a UDP-encapsulated ESP packet has.
inline constexpr std::size_t kEspHeaderSize = 8;

enum class NatTKind : uint8_t { ike, keepalive, esp, malformed };
std::string_view to_string(NatTKind k);

struct NatTPayload {
    NatTKind kind = NatTKind::malformed;
    ByteView data;  // ike: the ISAKMP message without the marker; esp: from the SPI on
};

// Classifies the UDP payload of a datagram that arrived on the NAT-T port.
NatTPayload classify_nat_t(ByteView udp_payload);

// The marker to put in front of IKE messages sent from the NAT-T port.
ByteView non_esp_marker();

}  // namespace ikeoff::net
