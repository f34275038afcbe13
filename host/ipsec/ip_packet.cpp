#include "host/ipsec/ip_packet.hpp"

#include <cstring>

namespace ikeoff::ipsec {

namespace {

// Length of the IPv6 extension header at `off` (RFC 8200 §4.3-4.6), or 0 if
// it does not fit in `end`.
std::size_t ext_header_len(ByteView pkt, std::size_t off, std::size_t end, uint8_t type) {
    if (off + 8 > end) return 0;
    std::size_t len = type == kProtoFragment ? 8 : (std::size_t(pkt[off + 1]) + 1) * 8;
    return off + len <= end ? len : 0;
}

}  // namespace

bool find_insert_point(ByteView pkt, const IpHeader& ip, InsertPoint& out) {
    if (ip.version == 4) {
        out = {ip.header_len, 9, ip.protocol};
        return true;
    }
    // RFC 4303 §3.1.1: in IPv6 transport mode ESP follows the hop-by-hop,
    // routing and fragmentation extension headers.
    std::size_t nh_off = 6;
    std::size_t off = kIpv6HeaderLen;
    uint8_t nh = ip.protocol;
    while (nh == kProtoHopByHop || nh == kProtoRouting || nh == kProtoFragment) {
        std::size_t len = ext_header_len(pkt, off, ip.total_len, nh);
        if (len == 0) return false;
        nh_off = off;
        nh = pkt[off];
        off += len;
    }
    out = {off, nh_off, nh};
    return true;
}

bool locate_ipsec(ByteView pkt, const IpHeader& ip, IpsecLocation& out) {
    out = IpsecLocation{};
    std::size_t end = ip.total_len;
    std::size_t nh_off = 9;
    std::size_t off = ip.header_len;
    uint8_t nh = ip.protocol;
    if (ip.version == 4) {
        if (ip.fragment) return false;  // reassembly happens before IPsec (RFC 4303 §3.4.1)
    } else {
        nh_off = 6;
        while (nh == kProtoHopByHop || nh == kProtoRouting || nh == kProtoFragment || nh == kProtoDestOpts) {
            std::size_t len = ext_header_len(pkt, off, end, nh);
            if (len == 0) return false;
            // Only an atomic fragment (offset 0, M clear) is a whole packet.
            if (nh == kProtoFragment && (load_be16(&pkt[off + 2]) & 0xfff9) != 0) return false;
            nh_off = off;
            nh = pkt[off];
            off += len;
        }
    }
    out.nh_offset = nh_off;
    if (nh == kProtoUdp) {
        // RFC 3948 §2.2: a UDP-4500 datagram whose first four payload octets
        // are zero is IKE (the non-ESP marker), not ESP.
        if (off + kUdpHeaderLen + 4 > end) return false;
        if (load_be16(&pkt[off + 2]) != kNatTPort) return false;
        if (load_be16(&pkt[off + 4]) != end - off) return false;
        if (load_be32(&pkt[off + kUdpHeaderLen]) == 0) return false;
        out.udp = true;
        out.udp_offset = off;
        off += kUdpHeaderLen;
        nh = kProtoEsp;
    }
    if (nh == kProtoEsp) {
        if (off + 4 > end) return false;  // room for the SPI
    } else if (nh == kProtoAh) {
        if (off + 8 > end) return false;  // next header, length, reserved, SPI
    } else {
        return false;
    }
    out.protocol = nh;
    out.offset = off;
    return true;
}

uint16_t internet_checksum(const uint8_t* p, std::size_t len) {
    // RFC 1071 §4.1, four octets at a time into a wide accumulator (the
    // ones'-complement sum is byte-order independent per 16-bit word).
    uint64_t sum = 0;
    for (; len >= 4; p += 4, len -= 4) sum += load_be32(p);
    if (len >= 2) {
        sum += load_be16(p);
        p += 2;
        len -= 2;
    }
    if (len) sum += uint32_t(p[0]) << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(~sum);
}

void update_ipv4_checksum(uint8_t* hdr) {
    std::size_t ihl = std::size_t(hdr[0] & 0x0f) * 4;
    hdr[10] = hdr[11] = 0;
    store_be16(hdr + 10, internet_checksum(hdr, ihl));
}

void write_ipv4_header(uint8_t* p, uint8_t tos, uint16_t total_len, uint16_t id, bool df, uint8_t ttl,
                       uint8_t protocol, const IpAddress& src, const IpAddress& dst) {
    const uint16_t flags = df ? 0x4000 : 0;
    p[0] = 0x45;
    p[1] = tos;
    store_be16(p + 2, total_len);
    store_be16(p + 4, id);
    store_be16(p + 6, flags);
    p[8] = ttl;
    p[9] = protocol;
    std::memcpy(p + 12, src.data(), 4);
    std::memcpy(p + 16, dst.data(), 4);
    // The checksum from the field values rather than by re-reading the
    // octets just stored (per packet on the tunnel path; reading them back
    // would stall on store forwarding).
    uint32_t sum = (0x45u << 8 | tos) + total_len + id + flags + (uint32_t(ttl) << 8 | protocol) +
                   load_be16(src.data()) + load_be16(src.data() + 2) + load_be16(dst.data()) +
                   load_be16(dst.data() + 2);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    store_be16(p + 10, uint16_t(~sum));
}

void write_ipv6_header(uint8_t* p, uint8_t traffic_class, uint16_t payload_len, uint8_t next_header,
                       uint8_t hop_limit, const IpAddress& src, const IpAddress& dst) {
    p[0] = uint8_t(0x60 | traffic_class >> 4);
    p[1] = uint8_t(traffic_class << 4);
    p[2] = p[3] = 0;
    store_be16(p + 4, payload_len);
    p[6] = next_header;
    p[7] = hop_limit;
    std::memcpy(p + 8, src.data(), 16);
    std::memcpy(p + 24, dst.data(), 16);
}

void set_ip_length(uint8_t* pkt, uint8_t version, std::size_t total_len) {
    if (version == 4) store_be16(pkt + 2, uint16_t(total_len));
    else store_be16(pkt + 4, uint16_t(total_len - kIpv6HeaderLen));
}

}  // namespace ikeoff::ipsec
