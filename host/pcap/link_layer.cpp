#include "host/pcap/link_layer.hpp"

namespace ikeoff::pcap {

namespace {

constexpr std::size_t kEthHeader = 14;  // dst MAC, src MAC, EtherType
constexpr std::size_t kVlanTag = 4;     // TPID + TCI, then the next EtherType
constexpr uint16_t kTpid8021Q = 0x8100;
constexpr uint16_t kTpid8021ad = 0x88a8;
constexpr int kMaxVlanTags = 2;

// The length the IP header claims, when it claims less than `avail`: Ethernet
// pads frames to 60 octets and some captures keep the FCS, and neither belongs
// to the packet.
std::size_t ip_length_within(ByteView ip) {
    std::size_t avail = ip.size();
    unsigned version = ip_version(ip);
    if (version == 4 && avail >= 20) {
        std::size_t total = load_be16(ip.data() + 2);
        if (total >= 20 && total < avail) return total;
    } else if (version == 6 && avail >= 40) {
        std::size_t payload = load_be16(ip.data() + 4);
        // Payload length 0 means a jumbogram (RFC 2675); leave those whole.
        if (payload != 0 && 40 + payload < avail) return 40 + payload;
    }
    return avail;
}

}  // namespace

std::optional<IpSlice> find_ip(LinkType link, ByteView frame) {
    if (link == LinkType::raw_ip) {
        unsigned v = ip_version(frame);
        if (v != 4 && v != 6) return std::nullopt;
        return IpSlice{0, frame.size()};
    }

    if (frame.size() < kEthHeader) return std::nullopt;
    std::size_t type_at = 12;
    uint16_t type = load_be16(frame.data() + type_at);
    for (int tags = 0; (type == kTpid8021Q || type == kTpid8021ad) && tags < kMaxVlanTags; ++tags) {
        type_at += kVlanTag;
        if (frame.size() < type_at + 2) return std::nullopt;
        type = load_be16(frame.data() + type_at);
    }
    if (type != kEtherTypeIpv4 && type != kEtherTypeIpv6) return std::nullopt;
    std::size_t offset = type_at + 2;
    ByteView ip = frame.subspan(offset);
    return IpSlice{offset, ip_length_within(ip)};
}

Bytes make_frame(LinkType link, ByteView header, ByteView ip) {
    Bytes out;
    out.reserve(header.size() + ip.size());
    out.insert(out.end(), header.begin(), header.end());
    out.insert(out.end(), ip.begin(), ip.end());
    if (link == LinkType::ethernet && header.size() >= 2) {
        unsigned v = ip_version(ip);
        if (v == 4 || v == 6) {
            store_be16(out.data() + header.size() - 2, v == 4 ? kEtherTypeIpv4 : kEtherTypeIpv6);
        }
    }
    return out;
}

}  // namespace ikeoff::pcap
