// IPv4/IPv6 header handling inside the kernels: parsing, the transport-mode
// insertion point, locating inbound ESP/AH (and RFC 3948 ESP-in-UDP), the
// Internet checksum and the outer headers of tunnel mode.
//
// These mirror host/ipsec/ip_packet.cpp rule for rule (the soft driver's
// framing), because csim/xrt must return the same status as soft for every
// packet, malformed ones included.
#pragma once

#include <cstdint>

#include "ipsec_hls/bytes.hpp"

namespace ipsec_hls {

static constexpr uint8_t kIpProtoHopByHop = 0;
static constexpr uint8_t kIpProtoIpv4 = 4;
static constexpr uint8_t kIpProtoUdp = 17;
static constexpr uint8_t kIpProtoIpv6 = 41;
static constexpr uint8_t kIpProtoRouting = 43;
static constexpr uint8_t kIpProtoFragment = 44;
static constexpr uint8_t kIpProtoEsp = 50;
static constexpr uint8_t kIpProtoAh = 51;
static constexpr uint8_t kIpProtoDestOpts = 60;
static constexpr uint16_t kNatTPort = 4500;  // RFC 3948 §2.2
static constexpr uint32_t kIpv4HeaderLen = 20;
static constexpr uint32_t kIpv6HeaderLen = 40;
static constexpr uint32_t kUdpHeaderLen = 8;
static constexpr uint8_t kDefaultTtl = 64;

struct IpInfo {
    uint8_t version;      // 4 or 6
    uint8_t tos;          // IPv4 TOS / IPv6 traffic class
    bool df;              // IPv4 don't-fragment
    bool fragment;        // IPv4: MF set or offset non-zero
    uint8_t protocol;     // protocol / next header of the fixed header
    uint32_t header_len;  // IPv4 IHL*4; IPv6 40
    uint32_t total_len;   // what the length fields say
};

// `exact`: the length fields must cover exactly `size` octets (outbound);
// otherwise they may claim less (inbound, trailing link-layer padding).
static inline bool ip_parse(const uint8_t* p, uint32_t size, bool exact, IpInfo& ip) {
    if (size == 0) return false;
    ip.version = uint8_t(p[0] >> 4);
    ip.df = false;
    ip.fragment = false;
    if (ip.version == 4) {
        if (size < kIpv4HeaderLen) return false;
        ip.header_len = uint32_t(p[0] & 0x0f) * 4;
        ip.total_len = load_be16(p + 2);
        if (ip.header_len < kIpv4HeaderLen || ip.total_len < ip.header_len) return false;
        const uint16_t frag = load_be16(p + 6);
        ip.tos = p[1];
        ip.df = (frag & 0x4000) != 0;
        ip.fragment = (frag & 0x3fff) != 0;
        ip.protocol = p[9];
    } else if (ip.version == 6) {
        if (size < kIpv6HeaderLen) return false;
        ip.header_len = kIpv6HeaderLen;
        ip.total_len = kIpv6HeaderLen + load_be16(p + 4);
        ip.tos = uint8_t((p[0] & 0x0f) << 4 | p[1] >> 4);
        ip.protocol = p[6];
    } else {
        return false;
    }
    return exact ? ip.total_len == size : ip.total_len <= size;
}

static inline bool ip_is_ext(uint8_t nh, bool with_dest_opts) {
    return nh == kIpProtoHopByHop || nh == kIpProtoRouting || nh == kIpProtoFragment ||
           (with_dest_opts && nh == kIpProtoDestOpts);
}

// Length of the IPv6 extension header at `off` (RFC 8200 §4.3-4.6), or 0 if
// it does not fit before `end`.
static inline uint32_t ip_ext_len(const uint8_t* p, uint32_t off, uint32_t end, uint8_t type) {
    if (off + 8 > end) return 0;
    const uint32_t len = type == kIpProtoFragment ? 8u : (uint32_t(p[off + 1]) + 1) * 8;
    return off + len <= end ? len : 0;
}

// Transport mode (RFC 4303 §3.1.1, RFC 4302 §3.1.1): after the IPv4 header,
// or after IPv6 Hop-by-Hop, Routing and Fragment headers.
static inline bool ip_insert_point(const uint8_t* p, const IpInfo& ip, uint32_t& offset, uint32_t& nh_offset,
                                   uint8_t& next) {
    if (ip.version == 4) {
        offset = ip.header_len;
        nh_offset = 9;
        next = ip.protocol;
        return true;
    }
    uint32_t nh_off = 6, off = kIpv6HeaderLen;
    uint8_t nh = ip.protocol;
IP_INSERT_WALK:
    for (uint32_t i = 0; i < kMaxExtHeaders; ++i) {
        if (!ip_is_ext(nh, false)) break;
        const uint32_t len = ip_ext_len(p, off, ip.total_len, nh);
        if (len == 0) return false;
        nh_off = off;
        nh = p[off];
        off += len;
    }
    if (ip_is_ext(nh, false)) return false;  // unreachable: headers ran past the packet
    offset = off;
    nh_offset = nh_off;
    next = nh;
    return true;
}

struct IpsecLoc {
    uint8_t protocol;     // kIpProtoEsp or kIpProtoAh
    uint32_t nh_offset;   // octet naming ESP/AH/UDP
    uint32_t udp_offset;  // UDP header (udp only)
    uint32_t offset;      // ESP/AH header
    bool udp;
};

// Inbound: IPv4 (not a fragment), IPv6 after Hop-by-Hop, Routing,
// Destination Options and atomic Fragment headers; ESP in UDP to port 4500
// (not the all-zero non-ESP marker of IKE).
static inline bool ip_locate_ipsec(const uint8_t* p, const IpInfo& ip, IpsecLoc& loc) {
    const uint32_t end = ip.total_len;
    uint32_t nh_off = 9, off = ip.header_len;
    uint8_t nh = ip.protocol;
    loc.udp = false;
    loc.udp_offset = 0;
    if (ip.version == 4) {
        if (ip.fragment) return false;  // reassembly happens before IPsec (RFC 4303 §3.4.1)
    } else {
        nh_off = 6;
    IP_LOCATE_WALK:
        for (uint32_t i = 0; i < kMaxExtHeaders; ++i) {
            if (!ip_is_ext(nh, true)) break;
            const uint32_t len = ip_ext_len(p, off, end, nh);
            if (len == 0) return false;
            if (nh == kIpProtoFragment && (load_be16(p + off + 2) & 0xfff9) != 0) return false;
            nh_off = off;
            nh = p[off];
            off += len;
        }
        if (ip_is_ext(nh, true)) return false;
    }
    loc.nh_offset = nh_off;
    if (nh == kIpProtoUdp) {
        if (off + kUdpHeaderLen + 4 > end) return false;
        if (load_be16(p + off + 2) != kNatTPort) return false;
        if (load_be16(p + off + 4) != end - off) return false;
        if (load_be32(p + off + kUdpHeaderLen) == 0) return false;
        loc.udp = true;
        loc.udp_offset = off;
        off += kUdpHeaderLen;
        nh = kIpProtoEsp;
    }
    if (nh == kIpProtoEsp) {
        if (off + 4 > end) return false;
    } else if (nh == kIpProtoAh) {
        if (off + 8 > end) return false;
    } else {
        return false;
    }
    loc.protocol = nh;
    loc.offset = off;
    return true;
}

// RFC 1071 over a header of at most 60 octets.
static inline uint16_t ip_checksum(const uint8_t* p, uint32_t len) {
    uint32_t sum = 0;
IP_CSUM:
    for (uint32_t i = 0; i < 30; ++i) {
        if (2 * i + 1 < len) sum += uint32_t(p[2 * i]) << 8 | p[2 * i + 1];
        else if (2 * i < len) sum += uint32_t(p[2 * i]) << 8;
    }
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(~sum);
}

static inline void ipv4_update_checksum(uint8_t* hdr) {
    hdr[10] = hdr[11] = 0;
    store_be16(hdr + 10, ip_checksum(hdr, uint32_t(hdr[0] & 0x0f) * 4));
}

static inline void ip_write_ipv4(uint8_t* p, uint8_t tos, uint16_t total_len, uint16_t id, bool df, uint8_t protocol,
                                 const uint8_t src[16], const uint8_t dst[16]) {
    p[0] = 0x45;
    p[1] = tos;
    store_be16(p + 2, total_len);
    store_be16(p + 4, id);
    store_be16(p + 6, df ? 0x4000 : 0);
    p[8] = kDefaultTtl;
    p[9] = protocol;
IP4_ADDR:
    for (uint32_t i = 0; i < 4; ++i) {
        p[12 + i] = src[i];
        p[16 + i] = dst[i];
    }
    ipv4_update_checksum(p);
}

static inline void ip_write_ipv6(uint8_t* p, uint8_t traffic_class, uint16_t payload_len, uint8_t next_header,
                                 const uint8_t src[16], const uint8_t dst[16]) {
    p[0] = uint8_t(0x60 | traffic_class >> 4);
    p[1] = uint8_t(traffic_class << 4);
    p[2] = p[3] = 0;
    store_be16(p + 4, payload_len);
    p[6] = next_header;
    p[7] = kDefaultTtl;
IP6_ADDR:
    for (uint32_t i = 0; i < 16; ++i) {
        p[8 + i] = src[i];
        p[24 + i] = dst[i];
    }
}

static inline void ip_set_length(uint8_t* p, uint8_t version, uint32_t total_len) {
    if (version == 4) store_be16(p + 2, uint16_t(total_len));
    else store_be16(p + 4, uint16_t(total_len - kIpv6HeaderLen));
}

}  // namespace ipsec_hls
