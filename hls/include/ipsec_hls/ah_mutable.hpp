// AH: the fields excluded from the ICV (RFC 4302 §3.3.3.1), zeroed in place
// in the part of the packet before the AH header. Mirrors
// host/ipsec/ah_format.cpp (the soft driver) exactly:
//  IPv4: TOS, flags + fragment offset, TTL, checksum, and every option other
//        than EOL, NOP, Security (130), Extended Security (133), Commercial
//        Security (134), Router Alert (148) and SDB (149) (RFC 4302 App. A.1).
//  IPv6: traffic class, flow label, hop limit, and the data of Hop-by-Hop /
//        Destination options whose type has the "may change en route" bit
//        (0x20) set (§3.3.3.1.2.2); the extension headers must end exactly at
//        the AH header.
// With write = false the same walk only validates.
#pragma once

#include <cstdint>

#include "ipsec_hls/ip.hpp"

namespace ipsec_hls {

static inline bool ah_ipv4_option_immutable(uint8_t type) {
    return type == 130 || type == 133 || type == 134 || type == 148 || type == 149;
}

static inline bool ah_zero_ipv4(uint8_t* p, uint32_t end, bool write) {
    const uint32_t ihl = uint32_t(p[0] & 0x0f) * 4;
    if (ihl > end) return false;
    if (write) {
        p[1] = 0;
        p[6] = p[7] = 0;
        p[8] = 0;
        p[10] = p[11] = 0;
    }
    uint32_t i = kIpv4HeaderLen;
AH_V4_OPTIONS:
    for (uint32_t n = 0; n < 40; ++n) {  // at most 40 option octets
        if (i >= ihl) break;
        const uint8_t type = p[i];
        if (type == 0) break;  // end of option list
        if (type == 1) {       // no-operation
            ++i;
            continue;
        }
        if (i + 2 > ihl) return false;
        const uint32_t len = p[i + 1];
        if (len < 2 || i + len > ihl) return false;
        if (write && !ah_ipv4_option_immutable(type)) {
        AH_V4_ZERO_OPT:
            for (uint32_t k = 0; k < 40; ++k) {
                if (k >= len) break;
                p[i + k] = 0;
            }
        }
        i += len;
    }
    return true;
}

static inline bool ah_zero_ipv6_options(uint8_t* opt, uint32_t len, bool write) {
    uint32_t i = 0;
AH_V6_OPTIONS:
    for (uint32_t n = 0; n < kMaxOptionBytes; ++n) {
        if (i >= len) break;
        const uint8_t type = opt[i];
        if (type == 0) {  // Pad1
            ++i;
            continue;
        }
        if (i + 2 > len) return false;
        const uint32_t dlen = opt[i + 1];
        if (i + 2 + dlen > len) return false;
        if (write && (type & 0x20)) {
        AH_V6_ZERO_OPT:
            for (uint32_t k = 0; k < 256; ++k) {
                if (k >= dlen) break;
                opt[i + 2 + k] = 0;
            }
        }
        i += 2 + dlen;
    }
    return true;
}

static inline bool ah_zero_ipv6(uint8_t* p, uint32_t end, bool write) {
    if (end < kIpv6HeaderLen) return false;
    uint8_t nh = p[6];
    if (write) {
        p[0] &= 0xf0;
        p[1] = 0;
        p[2] = p[3] = 0;
        p[7] = 0;
    }
    uint32_t off = kIpv6HeaderLen;
AH_V6_WALK:
    for (uint32_t n = 0; n < kMaxExtHeaders; ++n) {
        if (off >= end) break;
        if (!ip_is_ext(nh, true)) return false;
        if (off + 8 > end) return false;
        const uint32_t len = nh == kIpProtoFragment ? 8u : (uint32_t(p[off + 1]) + 1) * 8;
        if (off + len > end) return false;
        if (nh == kIpProtoHopByHop || nh == kIpProtoDestOpts) {
            if (!ah_zero_ipv6_options(p + off + 2, len - 2, write)) return false;
        }
        nh = p[off];
        off += len;
    }
    return off == end;
}

// The walkers never write when write == false, so validation may pass a
// read-only packet through the same code.
static inline bool ah_zero_mutable(uint8_t* p, uint8_t version, uint32_t end, bool write) {
    return version == 4 ? ah_zero_ipv4(p, end, write) : ah_zero_ipv6(p, end, write);
}

// RFC 4302 §2.6, §3.3.3.2.1: ICV field padded so the AH header is a multiple
// of 32 bits (IPv4) or 64 bits (IPv6).
static inline uint32_t ah_header_len(uint32_t icv_len, bool ipv6) {
    const uint32_t unit = ipv6 ? 8u : 4u;
    const uint32_t total = 12 + icv_len;
    return total + (unit - total % unit) % unit;
}

}  // namespace ipsec_hls
