#include "host/ipsec/ah_format.hpp"

#include <cstring>

#include "host/ipsec/ip_packet.hpp"

namespace ikeoff::ipsec {

std::size_t ah_icv_field_len(IntegAlg integ, bool ipv6) {
    std::size_t icv = icv_bytes(integ);
    std::size_t unit = ipv6 ? 8 : 4;
    std::size_t total = kAhFixedLen + icv;
    return icv + (unit - total % unit) % unit;
}

namespace {

bool immutable_ipv4_option(uint8_t type) {
    switch (type) {
        case 130:  // Security
        case 133:  // Extended Security
        case 134:  // Commercial Security
        case 148:  // Router Alert
        case 149:  // Sender Directed Multi-Destination Delivery
            return true;
        default:
            return false;
    }
}

bool zero_ipv4(uint8_t* pkt, std::size_t end, bool write) {
    std::size_t ihl = std::size_t(pkt[0] & 0x0f) * 4;
    if (ihl > end) return false;
    if (write) {
        pkt[1] = 0;               // TOS
        pkt[6] = pkt[7] = 0;      // flags, fragment offset
        pkt[8] = 0;               // TTL
        pkt[10] = pkt[11] = 0;    // header checksum
    }
    std::size_t i = kIpv4HeaderLen;
    while (i < ihl) {
        uint8_t type = pkt[i];
        if (type == 0) break;  // end of option list; the rest is padding
        if (type == 1) {       // no-operation
            ++i;
            continue;
        }
        if (i + 2 > ihl) return false;
        std::size_t len = pkt[i + 1];
        if (len < 2 || i + len > ihl) return false;
        if (write && !immutable_ipv4_option(type)) std::memset(pkt + i, 0, len);
        i += len;
    }
    return true;
}

// Options area of a Hop-by-Hop or Destination Options header.
bool zero_ipv6_options(uint8_t* opt, std::size_t len, bool write) {
    std::size_t i = 0;
    while (i < len) {
        uint8_t type = opt[i];
        if (type == 0) {  // Pad1
            ++i;
            continue;
        }
        if (i + 2 > len) return false;
        std::size_t dlen = opt[i + 1];
        if (i + 2 + dlen > len) return false;
        if (write && (type & 0x20)) std::memset(opt + i + 2, 0, dlen);
        i += 2 + dlen;
    }
    return true;
}

bool zero_ipv6(uint8_t* pkt, std::size_t end, bool write) {
    if (end < kIpv6HeaderLen) return false;
    uint8_t nh = pkt[6];
    if (write) {
        pkt[0] &= 0xf0;                // traffic class (high half)
        pkt[1] = 0;                    // traffic class (low half), flow label
        pkt[2] = pkt[3] = 0;           // flow label
        pkt[7] = 0;                    // hop limit
    }
    std::size_t off = kIpv6HeaderLen;
    while (off < end) {
        if (nh != kProtoHopByHop && nh != kProtoRouting && nh != kProtoFragment && nh != kProtoDestOpts)
            return false;
        if (off + 8 > end) return false;
        std::size_t len = nh == kProtoFragment ? 8 : (std::size_t(pkt[off + 1]) + 1) * 8;
        if (off + len > end) return false;
        if (nh == kProtoHopByHop || nh == kProtoDestOpts) {
            if (!zero_ipv6_options(pkt + off + 2, len - 2, write)) return false;
        }
        nh = pkt[off];
        off += len;
    }
    return off == end;
}

}  // namespace

bool zero_mutable_fields(uint8_t* pkt, uint8_t version, std::size_t end) {
    return version == 4 ? zero_ipv4(pkt, end, true) : zero_ipv6(pkt, end, true);
}

bool mutable_fields_valid(const uint8_t* pkt, uint8_t version, std::size_t end) {
    // The walkers only write when asked to.
    auto* p = const_cast<uint8_t*>(pkt);
    return version == 4 ? zero_ipv4(p, end, false) : zero_ipv6(p, end, false);
}

}  // namespace ikeoff::ipsec
