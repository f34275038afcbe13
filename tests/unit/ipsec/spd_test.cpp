// SPD: prefixes, packet keys, outbound lookup order and the inbound check.
#include "host/ipsec/spd.hpp"

#include <gtest/gtest.h>

namespace ikeoff::ipsec {
namespace {

IpAddress ip(std::string_view s) { return IpAddress::parse(s).value(); }
IpPrefix pfx(std::string_view s) { return IpPrefix::parse(s).value(); }
TrafficSelector ts_of(std::string_view local, std::string_view remote, uint8_t proto = 0, PortRange lp = {},
                      PortRange rp = {}) {
    TrafficSelector t;
    t.local = pfx(local);
    t.remote = pfx(remote);
    t.protocol = proto;
    t.local_ports = lp;
    t.remote_ports = rp;
    return t;
}

// A minimal IPv4 packet: 20-byte header + 8 bytes of L4 (ports first).
Bytes ipv4(std::string_view src, std::string_view dst, uint8_t proto, uint16_t sport = 0, uint16_t dport = 0,
           uint16_t frag = 0) {
    Bytes p(28, 0);
    p[0] = 0x45;
    store_be16(&p[2], 28);
    store_be16(&p[6], frag);
    p[8] = 64;
    p[9] = proto;
    auto s = ip(src), d = ip(dst);
    std::copy(s.data(), s.data() + 4, &p[12]);
    std::copy(d.data(), d.data() + 4, &p[16]);
    store_be16(&p[20], sport);
    store_be16(&p[22], dport);
    return p;
}

TEST(IpPrefix, ParseNormalisesHostBits) {
    auto p = pfx("10.1.2.3/16");
    EXPECT_EQ(p.to_string(), "10.1.0.0/16");
    EXPECT_TRUE(p.contains(ip("10.1.255.1")));
    EXPECT_FALSE(p.contains(ip("10.2.0.1")));
    EXPECT_FALSE(p.contains(ip("::1")));
    EXPECT_EQ(pfx("10.1.2.3").length, 32);
    EXPECT_EQ(pfx("2001:db8:80ff::1/33").to_string(), "2001:db8:8000::/33");
    EXPECT_TRUE(pfx("2001:db8::/32").contains(ip("2001:db8:1::5")));
    EXPECT_TRUE(pfx("0.0.0.0/0").contains(ip("192.0.2.1")));
    EXPECT_TRUE(pfx("10.0.0.7/29").contains(ip("10.0.0.0")));
    EXPECT_FALSE(pfx("10.0.0.7/29").contains(ip("10.0.0.8")));
}

TEST(IpPrefix, RejectsBadText) {
    EXPECT_FALSE(IpPrefix::parse("10.0.0.0/33").ok());
    EXPECT_FALSE(IpPrefix::parse("10.0.0.0/").ok());
    EXPECT_FALSE(IpPrefix::parse("10.0.0.0/2x").ok());
    EXPECT_FALSE(IpPrefix::parse("host/24").ok());
    EXPECT_FALSE(IpPrefix::parse("::/129").ok());
}

TEST(PacketKey, ReadsIpv4AddressesProtocolAndPorts) {
    auto k = PacketKey::from_packet(ipv4("10.1.0.1", "10.2.0.1", 17, 1234, 53)).value();
    EXPECT_EQ(k.src, ip("10.1.0.1"));
    EXPECT_EQ(k.dst, ip("10.2.0.1"));
    EXPECT_EQ(k.protocol, 17);
    EXPECT_EQ(k.src_port, 1234);
    EXPECT_EQ(k.dst_port, 53);
    // ICMP: no ports.
    auto icmp = PacketKey::from_packet(ipv4("10.1.0.1", "10.2.0.1", 1, 0x0800, 0xffff)).value();
    EXPECT_EQ(icmp.src_port, 0);
    // A non-first fragment has no ports either.
    auto frag = PacketKey::from_packet(ipv4("10.1.0.1", "10.2.0.1", 6, 80, 80, 0x0010)).value();
    EXPECT_EQ(frag.dst_port, 0);
}

TEST(PacketKey, WalksIpv6ExtensionHeaders) {
    Bytes p(40 + 8 + 8, 0);
    p[0] = 0x60;
    store_be16(&p[4], 16);
    p[6] = 0;  // hop-by-hop
    p[7] = 64;
    auto s = ip("2001:db8::1"), d = ip("2001:db8:1::2");
    std::copy(s.data(), s.data() + 16, &p[8]);
    std::copy(d.data(), d.data() + 16, &p[24]);
    p[40] = 6;  // next: TCP, hdr ext len 0 => 8 bytes
    store_be16(&p[48], 443);
    store_be16(&p[50], 5555);
    auto k = PacketKey::from_packet(p).value();
    EXPECT_EQ(k.protocol, 6);
    EXPECT_EQ(k.src_port, 443);
    EXPECT_EQ(k.dst_port, 5555);
    EXPECT_EQ(k.dst, d);
}

TEST(PacketKey, RejectsInconsistentLengths) {
    auto p = ipv4("10.1.0.1", "10.2.0.1", 17);
    store_be16(&p[2], 200);  // total length beyond the buffer
    EXPECT_FALSE(PacketKey::from_packet(p).ok());
    p = ipv4("10.1.0.1", "10.2.0.1", 17);
    p[0] = 0x44;  // IHL 16 bytes
    EXPECT_FALSE(PacketKey::from_packet(p).ok());
    EXPECT_FALSE(PacketKey::from_packet(Bytes{0x45, 0, 0}).ok());
    EXPECT_FALSE(PacketKey::from_packet(Bytes{}).ok());
    Bytes v6(40, 0);
    v6[0] = 0x60;
    store_be16(&v6[4], 8);
    EXPECT_FALSE(PacketKey::from_packet(v6).ok());
    Bytes v5(40, 0);
    v5[0] = 0x50;
    EXPECT_FALSE(PacketKey::from_packet(v5).ok());
}

TEST(Spd, OutboundPicksMostSpecificThenNewest) {
    Spd spd;
    TrafficSelector wide = ts_of("10.1.0.0/16", "0.0.0.0/0");
    TrafficSelector narrow = ts_of("10.1.0.0/24", "10.2.0.0/24");
    spd.add(Policy{wide, 1, {}, "wide"});
    PolicyId n1 = spd.add(Policy{narrow, 2, {}, "narrow"});
    auto k = PacketKey::from_packet(ipv4("10.1.0.5", "10.2.0.9", 1)).value();
    EXPECT_EQ(spd.lookup_outbound(k), SaHandle{2});
    // A rekey adds the same selector with a new SA: the newer one wins.
    PolicyId n2 = spd.add(Policy{narrow, 3, {}, "narrow"});
    EXPECT_EQ(spd.lookup_outbound(k), SaHandle{3});
    EXPECT_TRUE(spd.remove(n2));
    EXPECT_EQ(spd.lookup_outbound(k), SaHandle{2});
    EXPECT_TRUE(spd.remove(n1));
    EXPECT_FALSE(spd.remove(n1));
    EXPECT_EQ(spd.lookup_outbound(k), SaHandle{1});
    auto other = PacketKey::from_packet(ipv4("10.9.0.5", "10.2.0.9", 1)).value();
    EXPECT_FALSE(spd.lookup_outbound(other).has_value());
}

TEST(Spd, ProtocolAndPortSelectors) {
    Spd spd;
    TrafficSelector dns = ts_of("10.1.0.0/24", "10.2.0.0/24", 17, PortRange{}, PortRange{53, 53});
    spd.add(Policy{dns, 7, {}, "dns"});
    EXPECT_EQ(spd.lookup_outbound(PacketKey::from_packet(ipv4("10.1.0.1", "10.2.0.1", 17, 999, 53)).value()),
              SaHandle{7});
    EXPECT_FALSE(spd.lookup_outbound(PacketKey::from_packet(ipv4("10.1.0.1", "10.2.0.1", 17, 999, 54)).value()));
    EXPECT_FALSE(spd.lookup_outbound(PacketKey::from_packet(ipv4("10.1.0.1", "10.2.0.1", 6, 999, 53)).value()));
    EXPECT_EQ(dns.to_string(), "10.1.0.0/24 === 10.2.0.0/24 [udp any -> 53]");
}

TEST(Spd, InboundCheckUsesReversedSelectorsOfTheSasPolicy) {
    Spd spd;
    TrafficSelector ts = ts_of("10.1.0.0/24", "10.2.0.0/24");
    spd.add(Policy{ts, 1, {11, 12}, "c"});
    auto good = PacketKey::from_packet(ipv4("10.2.0.7", "10.1.0.3", 6, 80, 4000)).value();
    auto spoofed = PacketKey::from_packet(ipv4("10.9.0.7", "10.1.0.3", 6, 80, 4000)).value();
    auto outbound_dir = PacketKey::from_packet(ipv4("10.1.0.3", "10.2.0.7", 6, 80, 4000)).value();
    EXPECT_TRUE(spd.check_inbound(11, good));
    EXPECT_TRUE(spd.check_inbound(12, good));
    EXPECT_FALSE(spd.check_inbound(11, spoofed));
    EXPECT_FALSE(spd.check_inbound(11, outbound_dir));
    EXPECT_FALSE(spd.check_inbound(13, good));  // SA without a policy
    EXPECT_EQ(spd.remove_owner("c"), 1u);
    EXPECT_FALSE(spd.check_inbound(11, good));
}

}  // namespace
}  // namespace ikeoff::ipsec
