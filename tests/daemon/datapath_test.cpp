// The data path with the soft engine: TUN packet -> ESP-in-UDP -> the peer's
// TUN, and every way a packet can be dropped on the way.
#include "host/daemon/datapath.hpp"

#include <gtest/gtest.h>

#include "drivers/registry.hpp"

namespace ikeoff::daemon {
namespace {

IpAddress ip(std::string_view s) { return IpAddress::parse(s).value(); }

Bytes icmp_packet(std::string_view src, std::string_view dst, uint16_t seq, std::size_t payload = 56) {
    Bytes p(20 + 8 + payload, 0);
    p[0] = 0x45;
    store_be16(&p[2], static_cast<uint16_t>(p.size()));
    p[8] = 64;
    p[9] = 1;
    auto s = ip(src), d = ip(dst);
    std::copy(s.data(), s.data() + 4, &p[12]);
    std::copy(d.data(), d.data() + 4, &p[16]);
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += load_be16(&p[i]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    store_be16(&p[10], static_cast<uint16_t>(~sum));
    p[20] = 8;  // echo request
    store_be16(&p[26], seq);
    for (std::size_t i = 0; i < payload; ++i) p[28 + i] = static_cast<uint8_t>(i + seq);
    return p;
}

ipsec::SaParams sa(uint32_t spi, std::string_view src, std::string_view dst, ipsec::SaDirection dir,
                   bool encap = true) {
    ipsec::SaParams p;
    p.spi = spi;
    p.direction = dir;
    p.src = ip(src);
    p.dst = ip(dst);
    p.enc = ipsec::parse_enc_keyword("aes128gcm16").value();
    p.enc_key = SecretBytes(Bytes(20, static_cast<uint8_t>(spi)));
    if (encap) p.encap = ipsec::UdpEncap{4500, 4500};
    return p;
}

struct Sent {
    IpAddress src;
    uint16_t sport;
    net::Endpoint dst;
    Bytes esp;
};

// One side of the tunnel: an engine, an SPD and a data path whose sends and
// deliveries are recorded.
struct Side {
    std::unique_ptr<ipsec::Engine> engine;
    ipsec::Spd spd;
    std::vector<Sent> sent;
    std::vector<Bytes> delivered;
    std::unique_ptr<DataPath> dp;

    Side() {
        auto e = drivers::create_engine("soft");
        EXPECT_TRUE(e.ok()) << e.error().message;
        engine = std::move(*e);
        dp = std::make_unique<DataPath>(
            *engine, spd,
            [this](const IpAddress& src, uint16_t sport, const net::Endpoint& dst, ByteView esp) {
                sent.push_back(Sent{src, sport, dst, Bytes(esp.begin(), esp.end())});
                return Status{};
            },
            [this](ByteView p) {
                delivered.emplace_back(p.begin(), p.end());
                return Status{};
            });
    }

    void add_pair(uint32_t spi_in, uint32_t spi_out, std::string_view me, std::string_view peer,
                  std::string_view local_ts, std::string_view remote_ts, bool encap = true) {
        auto in = engine->add_sa(sa(spi_in, peer, me, ipsec::SaDirection::inbound, encap));
        auto out = engine->add_sa(sa(spi_out, me, peer, ipsec::SaDirection::outbound, encap));
        ASSERT_TRUE(in.ok()) << in.error().message;
        ASSERT_TRUE(out.ok()) << out.error().message;
        ipsec::TrafficSelector ts;
        ts.local = ipsec::IpPrefix::parse(local_ts).value();
        ts.remote = ipsec::IpPrefix::parse(remote_ts).value();
        spd.add(ipsec::Policy{ts, *out, {*in}, "test"});
    }
};

EspDatagram arriving(const Sent& s, std::string_view me) {
    return EspDatagram{net::Endpoint{ip(me), 4500}, net::Endpoint{s.src, s.sport}, s.esp};
}

class DataPathTest : public ::testing::Test {
protected:
    void SetUp() override {
        // A (192.0.2.1, 10.1.0.0/24) <-> B (192.0.2.2, 10.2.0.0/24).
        a.add_pair(0xb0000001, 0xa0000001, "192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24");
        b.add_pair(0xa0000001, 0xb0000001, "192.0.2.2", "192.0.2.1", "10.2.0.0/24", "10.1.0.0/24");
    }
    Side a, b;
};

TEST_F(DataPathTest, PacketCrossesTheTunnelBothWays) {
    Bytes ping = icmp_packet("10.1.0.5", "10.2.0.7", 1);
    ByteView pkts[] = {ping};
    a.dp->outbound(pkts);
    ASSERT_EQ(a.sent.size(), 1u);
    const Sent& s = a.sent[0];
    EXPECT_EQ(s.src, ip("192.0.2.1"));
    EXPECT_EQ(s.sport, 4500);
    EXPECT_EQ(s.dst, (net::Endpoint{ip("192.0.2.2"), 4500}));
    // The UDP payload is the ESP packet itself: SPI first, no marker.
    EXPECT_EQ(load_be32(s.esp.data()), 0xa0000001u);
    EXPECT_EQ(load_be32(s.esp.data() + 4), 1u);  // sequence number
    EXPECT_EQ(s.esp.size(), 8 + 8 + ping.size() + 2 + 2 + 16);  // hdr, IV, payload, pad, trailer, ICV

    EspDatagram in[] = {arriving(s, "192.0.2.2")};
    b.dp->inbound(in);
    ASSERT_EQ(b.delivered.size(), 1u);
    EXPECT_EQ(b.delivered[0], ping);

    Bytes pong = icmp_packet("10.2.0.7", "10.1.0.5", 1);
    ByteView back[] = {pong};
    b.dp->outbound(back);
    ASSERT_EQ(b.sent.size(), 1u);
    EspDatagram in2[] = {arriving(b.sent[0], "192.0.2.1")};
    a.dp->inbound(in2);
    ASSERT_EQ(a.delivered.size(), 1u);
    EXPECT_EQ(a.delivered[0], pong);

    EXPECT_EQ(a.dp->counters().tun_in, 1u);
    EXPECT_EQ(a.dp->counters().esp_out, 1u);
    EXPECT_EQ(a.dp->counters().esp_in, 1u);
    EXPECT_EQ(a.dp->counters().tun_out, 1u);
}

TEST_F(DataPathTest, LargeBurstKeepsOrderAcrossBatches) {
    std::vector<Bytes> packets;
    std::vector<ByteView> views;
    for (uint16_t i = 0; i < 3 * DataPath::kBatch + 5; ++i) packets.push_back(icmp_packet("10.1.0.5", "10.2.0.7", i, i % 200));
    for (auto& p : packets) views.push_back(p);
    a.dp->outbound(views);
    ASSERT_EQ(a.sent.size(), packets.size());
    std::vector<EspDatagram> in;
    for (const auto& s : a.sent) in.push_back(arriving(s, "192.0.2.2"));
    b.dp->inbound(in);
    ASSERT_EQ(b.delivered.size(), packets.size());
    for (std::size_t i = 0; i < packets.size(); ++i) EXPECT_EQ(b.delivered[i], packets[i]) << i;
}

TEST_F(DataPathTest, EveryDropIsCountedOnce) {
    // No policy for this destination.
    Bytes stray = icmp_packet("10.1.0.5", "10.9.0.1", 1);
    // Not an IP packet.
    Bytes junk{0x45, 0x00, 0x00};
    // Larger than a slot.
    Bytes huge(DataPath::kSlot, 0);
    ByteView out[] = {stray, junk, huge};
    a.dp->outbound(out);
    EXPECT_TRUE(a.sent.empty());
    EXPECT_EQ(a.dp->counters().tun_in, 3u);
    EXPECT_EQ(a.dp->counters().drop_no_policy, 1u);
    EXPECT_EQ(a.dp->counters().drop_bad_packet, 1u);
    EXPECT_EQ(a.dp->counters().drop_too_big, 1u);

    Bytes ping = icmp_packet("10.1.0.5", "10.2.0.7", 2);
    ByteView one[] = {ping};
    a.dp->outbound(one);
    ASSERT_EQ(a.sent.size(), 1u);
    Sent tampered = a.sent[0];
    tampered.esp[20] ^= 1;
    Sent unknown = a.sent[0];
    store_be32(unknown.esp.data(), 0x12345678);
    EspDatagram in[] = {arriving(tampered, "192.0.2.2"), arriving(unknown, "192.0.2.2"),
                        arriving(a.sent[0], "192.0.2.2"), arriving(a.sent[0], "192.0.2.2")};
    b.dp->inbound(in);
    ASSERT_EQ(b.delivered.size(), 1u);  // the genuine one, once
    const auto& c = b.dp->counters();
    EXPECT_EQ(c.esp_in, 4u);
    EXPECT_EQ(c.engine_in[static_cast<std::size_t>(ipsec::PacketStatus::icv_failure)], 1u);
    EXPECT_EQ(c.engine_in[static_cast<std::size_t>(ipsec::PacketStatus::unknown_spi)], 1u);
    EXPECT_EQ(c.engine_in[static_cast<std::size_t>(ipsec::PacketStatus::replay)], 1u);
    EXPECT_EQ(c.tun_out, 1u);
}

TEST(DataPath, InnerPacketOutsideTheSelectorsIsDroppedAfterDecryption) {
    // A's policy is wider than what B agreed to: B must refuse what A sends
    // from outside 10.1.0.0/24 even though it decrypts fine (RFC 4301 §5.2).
    Side a, b;
    a.add_pair(0xb1000, 0xa1000, "192.0.2.1", "192.0.2.2", "10.0.0.0/8", "10.2.0.0/24");
    b.add_pair(0xa1000, 0xb1000, "192.0.2.2", "192.0.2.1", "10.2.0.0/24", "10.1.0.0/24");
    Bytes spoof = icmp_packet("10.7.0.5", "10.2.0.7", 1);
    ByteView out[] = {spoof};
    a.dp->outbound(out);
    ASSERT_EQ(a.sent.size(), 1u);
    EspDatagram in[] = {arriving(a.sent[0], "192.0.2.2")};
    b.dp->inbound(in);
    EXPECT_TRUE(b.delivered.empty());
    EXPECT_EQ(b.dp->counters().drop_inbound_policy, 1u);
}

TEST(DataPath, SaWithoutUdpEncapsulationSendsAndReceivesPlainEsp) {
    Side a, b;
    a.add_pair(0xb2000, 0xa2000, "192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24", /*encap=*/false);
    b.add_pair(0xa2000, 0xb2000, "192.0.2.2", "192.0.2.1", "10.2.0.0/24", "10.1.0.0/24", /*encap=*/false);
    Bytes ping = icmp_packet("10.1.0.5", "10.2.0.7", 1);
    ByteView out[] = {ping};
    a.dp->outbound(out);
    ASSERT_EQ(a.sent.size(), 1u);
    // Ports 0: IP protocol 50, no UDP header in front of the SPI.
    EXPECT_EQ(a.sent[0].sport, 0);
    EXPECT_EQ(a.sent[0].dst, (net::Endpoint{ip("192.0.2.2"), 0}));
    EXPECT_EQ(load_be32(a.sent[0].esp.data()), 0xa2000u);
    EspDatagram in[] = {EspDatagram{net::Endpoint{ip("192.0.2.2"), 0}, net::Endpoint{ip("192.0.2.1"), 0},
                                    a.sent[0].esp}};
    b.dp->inbound(in);
    ASSERT_EQ(b.delivered.size(), 1u);
    EXPECT_EQ(b.delivered[0], ping);
}

TEST(DataPath, BuildsOuterHeadersForBothFamilies) {
    uint8_t h[48];
    net::Endpoint s4{ip("192.0.2.1"), 4500}, d4{ip("192.0.2.2"), 1234};
    ASSERT_EQ(build_outer_header(s4, d4, 100, h), 28u);
    EXPECT_EQ(h[0], 0x45);
    EXPECT_EQ(load_be16(h + 2), 128);
    EXPECT_EQ(h[9], 17);
    EXPECT_EQ(load_be16(h + 20), 4500);
    EXPECT_EQ(load_be16(h + 22), 1234);
    EXPECT_EQ(load_be16(h + 24), 108);
    // The header checksum verifies (sums to 0xffff).
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += load_be16(h + i);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    EXPECT_EQ(sum, 0xffffu);

    net::Endpoint s6{ip("2001:db8::1"), 4500}, d6{ip("2001:db8::2"), 4500};
    ASSERT_EQ(build_outer_header(s6, d6, 100, h), 48u);
    EXPECT_EQ(h[0] >> 4, 6);
    EXPECT_EQ(load_be16(h + 4), 108);
    EXPECT_EQ(h[6], 17);

    EXPECT_EQ(build_outer_header(s4, d6, 100, h), 0u);      // mixed families
    EXPECT_EQ(build_outer_header(s4, d4, 65530, h), 0u);    // too long for IPv4
    EXPECT_EQ(build_outer_header(s4, d4, 1, MutableByteView(h, 20)), 0u);  // buffer too small

    // No ports: plain ESP, IP protocol 50, no UDP header.
    net::Endpoint r4{ip("192.0.2.1"), 0}, q4{ip("192.0.2.2"), 0};
    ASSERT_EQ(build_outer_header(r4, q4, 100, h), 20u);
    EXPECT_EQ(h[9], 50);
    EXPECT_EQ(load_be16(h + 2), 120);
    net::Endpoint r6{ip("2001:db8::1"), 0}, q6{ip("2001:db8::2"), 0};
    ASSERT_EQ(build_outer_header(r6, q6, 100, h), 40u);
    EXPECT_EQ(h[6], 50);
    EXPECT_EQ(load_be16(h + 4), 100);
}

}  // namespace
}  // namespace ikeoff::daemon
