// Lifetimes (soft/hard, packets/bytes, both directions), events and the
// per-SA and per-engine counters of engine.hpp.
#include <numeric>

#include "tests/engine/engine_fixture.hpp"

namespace ikeoff::test {
namespace {

using ipsec::Direction;
using ipsec::PacketStatus;
using ipsec::SaEventKind;

class Lifetime : public EngineTest {
protected:
    ipsec::SaHandle add(ipsec::Lifetime soft, ipsec::Lifetime hard, uint32_t spi = 0x1000) {
        auto p = make_sa("aes128", "sha256", ipsec::Protocol::esp, ipsec::Mode::tunnel, false, spi);
        p.soft = soft;
        p.hard = hard;
        auto h = engine->add_sa(std::move(p));
        EXPECT_TRUE(h.ok()) << h.error().message;
        return h.ok() ? *h : ipsec::kNoSa;
    }
    // One batch of n outbound packets of `payload` octets; returns statuses.
    std::vector<PacketStatus> send_batch(ipsec::SaHandle h, std::size_t n, std::size_t payload,
                                         std::vector<Bytes>* wire = nullptr) {
        std::vector<Bytes> in(n, make_ipv4_udp(payload)), out(n, Bytes(payload + 200));
        std::vector<ipsec::Packet> b(n);
        for (std::size_t i = 0; i < n; ++i) {
            b[i].in = in[i];
            b[i].out = out[i];
            b[i].sa = h;
        }
        engine->process(Direction::outbound, b);
        std::vector<PacketStatus> st;
        for (std::size_t i = 0; i < n; ++i) {
            st.push_back(b[i].status);
            if (wire && b[i].status == PacketStatus::ok) wire->emplace_back(out[i].begin(), out[i].begin() + b[i].out_len);
        }
        return st;
    }
};

TEST_P(Lifetime, PacketLimitsInsideOneBatch) {
    auto h = add({0, 3}, {0, 5});
    auto st = send_batch(h, 8, 10);
    std::vector<PacketStatus> want(5, PacketStatus::ok);
    want.resize(8, PacketStatus::sa_expired);
    EXPECT_EQ(st, want);  // hard.packets = 5 lets exactly 5 through
    auto ev = engine->take_events();
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].kind, SaEventKind::soft_expired);
    EXPECT_EQ(ev[1].kind, SaEventKind::hard_expired);
    for (const auto& e : ev) {
        EXPECT_EQ(e.sa, h);
        EXPECT_EQ(e.spi, 0x1000u);
        EXPECT_FALSE(e.by_bytes);
    }
    EXPECT_TRUE(engine->take_events().empty());  // drained
    auto info = engine->query_sa(h);
    ASSERT_TRUE(info.ok());
    EXPECT_TRUE(info->soft_expired);
    EXPECT_TRUE(info->hard_expired);
    EXPECT_EQ(info->counters.packets, 5u);
    EXPECT_EQ(info->counters.drops[std::size_t(PacketStatus::sa_expired)], 3u);
    EXPECT_EQ(info->next_seq, 6u);  // refused packets consume no sequence numbers
}

TEST_P(Lifetime, SoftEventFiresOnTheExactPacket) {
    auto h = add({0, 4}, {});
    for (int i = 1; i <= 6; ++i) {
        ASSERT_EQ(send_batch(h, 1, 10)[0], PacketStatus::ok);
        auto ev = engine->take_events();
        if (i == 4) {
            ASSERT_EQ(ev.size(), 1u);
            EXPECT_EQ(ev[0].kind, SaEventKind::soft_expired);
        } else {
            EXPECT_TRUE(ev.empty()) << i;  // once only
        }
    }
}

TEST_P(Lifetime, ByteLimitsCountInnerPackets) {
    // Inner packets of 20 + 8 + 272 = 300 octets.
    auto h = add({1000, 0}, {1500, 0});
    auto st = send_batch(h, 7, 272);
    EXPECT_EQ(st, (std::vector<PacketStatus>{PacketStatus::ok, PacketStatus::ok, PacketStatus::ok, PacketStatus::ok,
                                             PacketStatus::ok, PacketStatus::sa_expired, PacketStatus::sa_expired}));
    auto ev = engine->take_events();
    ASSERT_EQ(ev.size(), 2u);
    EXPECT_EQ(ev[0].kind, SaEventKind::soft_expired);  // 1200 >= 1000 after the 4th
    EXPECT_TRUE(ev[0].by_bytes);
    EXPECT_EQ(ev[1].kind, SaEventKind::hard_expired);  // 1500 after the 5th
    EXPECT_TRUE(ev[1].by_bytes);
    EXPECT_EQ(engine->query_sa(h)->counters.bytes, 1500u);
}

TEST_P(Lifetime, InboundLimitsCountOnlyVerifiedPackets) {
    auto out = add({}, {}, 0x1000);
    std::vector<Bytes> wire;
    ASSERT_EQ(send_batch(out, 6, 50, &wire).size(), 6u);
    // Receive side: a separate inbound SA with the same keys and SPI 0x1000 is
    // not possible next to the `both` SA, so use a second engine.
    auto rx = make_engine(GetParam());
    auto p = make_sa("aes128", "sha256");
    p.direction = ipsec::SaDirection::inbound;
    p.soft = {0, 2};
    p.hard = {0, 3};
    auto h = rx->add_sa(std::move(p));
    ASSERT_TRUE(h.ok());
    Bytes forged = wire[0];
    forged.back() ^= 1;
    EXPECT_EQ(decap(*rx, forged).status, PacketStatus::icv_failure);
    EXPECT_EQ(decap(*rx, wire[0]).status, PacketStatus::ok);
    EXPECT_EQ(decap(*rx, wire[1]).status, PacketStatus::ok);
    EXPECT_EQ(rx->take_events().size(), 1u);  // soft after 2 verified, not after the forgery
    EXPECT_EQ(decap(*rx, wire[2]).status, PacketStatus::ok);
    EXPECT_EQ(decap(*rx, wire[3]).status, PacketStatus::sa_expired);
    auto info = rx->query_sa(*h);
    EXPECT_EQ(info->counters.packets, 3u);
    EXPECT_EQ(info->counters.bytes, 3u * (20 + 8 + 50));  // the decrypted inner packets
    EXPECT_EQ(info->counters.drops[std::size_t(PacketStatus::icv_failure)], 1u);
    EXPECT_EQ(info->counters.drops[std::size_t(PacketStatus::sa_expired)], 1u);
}

TEST_P(Lifetime, UpdateSaAppliesNewLimitsAtOnce) {
    auto h = add({}, {});
    for (int i = 0; i < 4; ++i) ASSERT_EQ(send_batch(h, 1, 10)[0], PacketStatus::ok);
    ipsec::SaUpdate u;
    u.soft = ipsec::Lifetime{0, 3};
    u.hard = ipsec::Lifetime{0, 10};
    ASSERT_TRUE(engine->update_sa(h, u).ok());
    auto ev = engine->take_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].kind, SaEventKind::soft_expired);
    EXPECT_EQ(engine->query_sa(h)->soft.packets, 3u);
    u.soft.reset();
    u.hard = ipsec::Lifetime{0, 4};
    ASSERT_TRUE(engine->update_sa(h, u).ok());
    EXPECT_EQ(send_batch(h, 1, 10)[0], PacketStatus::sa_expired);
    // Invalid updates are refused and change nothing.
    u.hard.reset();
    u.soft = ipsec::Lifetime{0, 100};  // above the hard limit
    EXPECT_FALSE(engine->update_sa(h, u).ok());
    EXPECT_EQ(engine->query_sa(h)->soft.packets, 3u);
    EXPECT_FALSE(engine->update_sa(h + 1000, u).ok());
}

TEST_P(Lifetime, CountersAddUp) {
    auto h = add({}, {});
    std::vector<Bytes> wire;
    send_batch(h, 10, 100, &wire);
    ipsec::SaHandle unknown = h + 77;
    send_batch(unknown, 3, 10);
    Bytes garbage(30, 0x45);
    decap(*engine, garbage);
    decap(*engine, wire[0]);
    decap(*engine, wire[0]);  // replay
    auto c = engine->counters();
    EXPECT_EQ(c.batches, 5u);
    EXPECT_EQ(c.packets, 16u);
    EXPECT_EQ(std::accumulate(c.by_status.begin(), c.by_status.end(), uint64_t(0)), c.packets);
    EXPECT_EQ(c.by_status[std::size_t(PacketStatus::ok)], 11u);
    EXPECT_EQ(c.by_status[std::size_t(PacketStatus::unknown_spi)], 3u);
    EXPECT_EQ(c.by_status[std::size_t(PacketStatus::malformed)], 1u);
    EXPECT_EQ(c.by_status[std::size_t(PacketStatus::replay)], 1u);
    uint64_t in = 10 * 128 + 3 * 38 + 30 + 2 * wire[0].size();
    EXPECT_EQ(c.bytes_in, in);
    uint64_t out = 0;
    for (auto& w : wire) out += w.size();
    EXPECT_EQ(c.bytes_out, out + 128);
    auto info = engine->query_sa(h);
    EXPECT_EQ(info->counters.packets, 11u);
    EXPECT_EQ(info->counters.drops[std::size_t(PacketStatus::replay)], 1u);
    // Failures without a known SA are not attributed to any SA.
    EXPECT_EQ(std::accumulate(info->counters.drops.begin(), info->counters.drops.end(), uint64_t(0)), 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, Lifetime, ::testing::ValuesIn(engine_kinds()),
                         [](const auto& i) { return i.param.label(); });

}  // namespace
}  // namespace ikeoff::test
