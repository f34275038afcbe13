// Locating IP packets in frames and rebuilding frames around new packets.
#include "host/pcap/link_layer.hpp"

#include <gtest/gtest.h>

namespace ikeoff::pcap {
namespace {

Bytes ipv4_packet(std::size_t total_len) {
    Bytes p(total_len, 0xab);
    p[0] = 0x45;
    store_be16(p.data() + 2, uint16_t(total_len));
    return p;
}

Bytes ipv6_packet(std::size_t payload_len) {
    Bytes p(40 + payload_len, 0xcd);
    p[0] = 0x60;
    store_be16(p.data() + 4, uint16_t(payload_len));
    return p;
}

Bytes eth(std::initializer_list<uint16_t> types, const Bytes& payload) {
    Bytes f = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2};
    bool first = true;
    for (uint16_t t : types) {
        if (!first) f.insert(f.end(), {0x00, 0x64});  // VLAN TCI (VID 100) follows each TPID
        first = false;
        f.push_back(uint8_t(t >> 8));
        f.push_back(uint8_t(t));
    }
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}

TEST(LinkLayer, EthernetIpv4AndIpv6) {
    auto v4 = ipv4_packet(84);
    auto s = find_ip(LinkType::ethernet, eth({0x0800}, v4));
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->offset, 14u);
    EXPECT_EQ(s->length, 84u);

    auto v6 = ipv6_packet(64);
    s = find_ip(LinkType::ethernet, eth({0x86dd}, v6));
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->offset, 14u);
    EXPECT_EQ(s->length, 104u);
}

TEST(LinkLayer, VlanTagsAreSkipped) {
    auto s = find_ip(LinkType::ethernet, eth({0x8100, 0x0800}, ipv4_packet(40)));
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->offset, 18u);
    s = find_ip(LinkType::ethernet, eth({0x88a8, 0x8100, 0x86dd}, ipv6_packet(8)));
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->offset, 22u);
    EXPECT_EQ(s->length, 48u);
    // A third tag is more than the tool looks through: not treated as IP.
    EXPECT_FALSE(find_ip(LinkType::ethernet, eth({0x8100, 0x8100, 0x8100, 0x0800}, ipv4_packet(40))));
}

TEST(LinkLayer, EthernetPaddingAndFcsAreTrimmed) {
    auto frame = eth({0x0800}, ipv4_packet(28));
    frame.resize(60 + 4, 0);  // minimum frame plus an FCS
    auto s = find_ip(LinkType::ethernet, frame);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->length, 28u);

    auto f6 = eth({0x86dd}, ipv6_packet(0));
    f6.resize(60, 0);
    s = find_ip(LinkType::ethernet, f6);
    ASSERT_TRUE(s.has_value());
    // Payload length 0 could be a jumbogram; such a packet is left whole.
    EXPECT_EQ(s->length, 46u);
    f6 = eth({0x86dd}, ipv6_packet(2));
    f6.resize(60, 0);
    EXPECT_EQ(find_ip(LinkType::ethernet, f6)->length, 42u);
}

TEST(LinkLayer, PacketLongerThanTheCaptureIsKeptWhole) {
    auto p = ipv4_packet(1500);
    p.resize(100);  // snap length cut it
    auto s = find_ip(LinkType::ethernet, eth({0x0800}, p));
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->length, 100u);
}

TEST(LinkLayer, NonIpFramesAreRecognised) {
    EXPECT_FALSE(find_ip(LinkType::ethernet, eth({0x0806}, Bytes(28, 0))));   // ARP
    EXPECT_FALSE(find_ip(LinkType::ethernet, eth({0x88cc}, Bytes(40, 0))));   // LLDP
    EXPECT_FALSE(find_ip(LinkType::ethernet, eth({0x0040}, Bytes(64, 0))));   // 802.3 length field
    EXPECT_FALSE(find_ip(LinkType::ethernet, Bytes(13, 0)));                  // shorter than a header
    EXPECT_FALSE(find_ip(LinkType::ethernet, Bytes{}));
    Bytes cut_tag = eth({0x8100}, {});
    EXPECT_FALSE(find_ip(LinkType::ethernet, cut_tag));                       // tag without EtherType
}

TEST(LinkLayer, RawIpByVersionNibble) {
    auto s = find_ip(LinkType::raw_ip, ipv4_packet(20));
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->offset, 0u);
    EXPECT_EQ(s->length, 20u);
    EXPECT_TRUE(find_ip(LinkType::raw_ip, ipv6_packet(0)).has_value());
    EXPECT_FALSE(find_ip(LinkType::raw_ip, Bytes{0x50, 0, 0, 0}));
    EXPECT_FALSE(find_ip(LinkType::raw_ip, Bytes{}));
}

TEST(LinkLayer, MakeFrameRewritesTheLastEtherTypeOnly) {
    auto frame = eth({0x8100, 0x0800}, ipv4_packet(40));
    auto s = *find_ip(LinkType::ethernet, frame);
    ByteView header(frame.data(), s.offset);
    auto v6 = ipv6_packet(16);
    Bytes out = make_frame(LinkType::ethernet, header, v6);
    ASSERT_EQ(out.size(), s.offset + v6.size());
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + 12, frame.begin()));  // MACs kept
    EXPECT_EQ(load_be16(out.data() + 12), 0x8100);                         // tag kept
    EXPECT_EQ(load_be16(out.data() + 14), 0x0064);
    EXPECT_EQ(load_be16(out.data() + 16), kEtherTypeIpv6);
    EXPECT_TRUE(std::equal(v6.begin(), v6.end(), out.begin() + 18));

    // And back: a v4 packet in that header gets 0x0800 again.
    Bytes back = make_frame(LinkType::ethernet, ByteView(out.data(), s.offset), ipv4_packet(40));
    EXPECT_EQ(back, frame);
}

TEST(LinkLayer, MakeFrameRawIsThePacket) {
    auto p = ipv6_packet(3);
    EXPECT_EQ(make_frame(LinkType::raw_ip, {}, p), p);
}

}  // namespace
}  // namespace ikeoff::pcap
