// AH packet layout and ICV input preparation (RFC 4302).
//
//   [next header 1][payload len 1][reserved 2][SPI 4][seq low 32 bits 4][ICV + padding]
//
// The ICV covers the IP header with its mutable fields zeroed, the AH header
// with the ICV zeroed (its padding octets are covered as they are), and
// everything after it (RFC 4302 §3.3.3.1, §3.3.3.2.1).
#pragma once

#include <cstddef>
#include <cstdint>

#include "host/ipsec/algorithms.hpp"

namespace ikeoff::ipsec {

inline constexpr std::size_t kAhFixedLen = 12;

// ICV field length including the padding that keeps the header a multiple of
// 32 bits (IPv4) or 64 bits (IPv6) (RFC 4302 §2.6, §3.3.3.2.1).
std::size_t ah_icv_field_len(IntegAlg integ, bool ipv6);
inline std::size_t ah_header_len(IntegAlg integ, bool ipv6) { return kAhFixedLen + ah_icv_field_len(integ, ipv6); }

// Zeroes, in place, what RFC 4302 §3.3.3.1 excludes from the ICV in the part
// of the packet before the AH header (`end` = AH offset):
//  IPv4: TOS, flags + fragment offset, TTL, checksum, and every option other
//        than EOL, NOP, Security (130), Extended Security (133), Commercial
//        Security (134), Router Alert (148) and SDB (149) (Appendix A.1).
//  IPv6: traffic class, flow label, hop limit, and the option data of
//        Hop-by-Hop/Destination options whose type has the "may change
//        en route" bit (0x20) set (§3.3.3.1.2.2).
// False when the options or extension headers do not parse up to `end`.
bool zero_mutable_fields(uint8_t* pkt, uint8_t version, std::size_t end);
// The same walk without writing: would zero_mutable_fields() succeed?
bool mutable_fields_valid(const uint8_t* pkt, uint8_t version, std::size_t end);

}  // namespace ikeoff::ipsec
