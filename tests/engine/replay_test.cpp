// Anti-replay: the ReplayWindow itself (against a naive reference, and the
// RFC 4303 Appendix A2 ESN inference cases), then through every engine.
#include <map>
#include <random>
#include <set>

#include "host/ipsec/replay.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace ikeoff::test {
namespace {

using ipsec::PacketStatus;
using ipsec::ReplayVerdict;
using ipsec::ReplayWindow;

// What a window must answer, written the obvious way.
struct NaiveWindow {
    uint64_t window, top;
    std::set<uint64_t> seen;
    ReplayVerdict check(uint64_t s) const {
        if (window == 0) return ReplayVerdict::ok;
        if (s == 0) return ReplayVerdict::before_window;
        if (s > top) return ReplayVerdict::ok;
        if (top - s >= window) return ReplayVerdict::before_window;
        return seen.count(s) ? ReplayVerdict::replay : ReplayVerdict::ok;
    }
    void commit(uint64_t s) {
        seen.insert(s);
        top = std::max(top, s);
    }
};

TEST(ReplayWindow, FreshWindowRejectsZeroAndDuplicates) {
    ReplayWindow w;
    w.reset(64, 0);
    EXPECT_EQ(w.check(0), ReplayVerdict::before_window);
    EXPECT_EQ(w.check(1), ReplayVerdict::ok);
    w.commit(1);
    EXPECT_EQ(w.check(1), ReplayVerdict::replay);
    EXPECT_EQ(w.check(2), ReplayVerdict::ok);
    EXPECT_EQ(w.top(), 1u);
}

TEST(ReplayWindow, EdgeOfTheWindow) {
    ReplayWindow w;
    w.reset(64, 0);
    w.commit(100);
    EXPECT_EQ(w.check(37), ReplayVerdict::ok);             // 100 - 37 = 63: the oldest slot
    EXPECT_EQ(w.check(36), ReplayVerdict::before_window);  // 64 behind
    w.commit(37);
    EXPECT_EQ(w.check(37), ReplayVerdict::replay);
}

TEST(ReplayWindow, JumpClearsStaleBitsThatShareARingSlot) {
    ReplayWindow w;
    w.reset(64, 0);
    for (uint64_t s = 1; s <= 64; ++s) w.commit(s);
    w.commit(129);  // seq 1 and 129 share a ring slot
    EXPECT_EQ(w.check(66), ReplayVerdict::ok);
    EXPECT_EQ(w.check(129), ReplayVerdict::replay);
    w.commit(100000);
    for (uint64_t s = 100000 - 63; s < 100000; ++s) ASSERT_EQ(w.check(s), ReplayVerdict::ok) << s;
}

TEST(ReplayWindow, DisabledWindowOnlyTracksTheTop) {
    ReplayWindow w;
    w.reset(0, 0);
    w.commit(50);
    EXPECT_EQ(w.check(50), ReplayVerdict::ok);
    EXPECT_EQ(w.check(1), ReplayVerdict::ok);
    EXPECT_EQ(w.top(), 50u);
}

TEST(ReplayWindow, MatchesNaiveReferenceOnRandomTraffic) {
    std::mt19937_64 rng(42);
    for (uint32_t size : {1u, 2u, 31u, 64u, 65u, 100u, 128u, 1000u, 4096u}) {
        ReplayWindow w;
        w.reset(size, 1000);
        NaiveWindow ref{size, 1000, {}};
        uint64_t front = 1000;
        for (int i = 0; i < 20000; ++i) {
            // Mostly near the front, some far behind, some big jumps ahead.
            uint64_t r = rng() % 100;
            uint64_t s = r < 70 ? front - std::min<uint64_t>(front, rng() % (size + 8)) + rng() % 3
                       : r < 95 ? front - std::min<uint64_t>(front, rng() % (2 * size + 70))
                                : front + rng() % (3 * size + 200);
            ASSERT_EQ(w.check(s), ref.check(s)) << "window " << size << " seq " << s << " top " << ref.top;
            if (ref.check(s) == ReplayVerdict::ok && rng() % 4) {
                w.commit(s);
                ref.commit(s);
                front = std::max(front, s) + 1;
            }
            ASSERT_EQ(w.top(), ref.top);
        }
    }
}

TEST(ReplayWindow, EsnInferenceAppendixA2) {
    ReplayWindow w;
    uint64_t s = 0;
    // Case A: the window lies inside one 2^32 subspace.
    w.reset(64, 0x1'80000000ULL);
    ASSERT_TRUE(w.infer_esn(0x7fffffc1, s));
    EXPECT_EQ(s, 0x1'7fffffc1ULL);  // oldest slot: same subspace
    ASSERT_TRUE(w.infer_esn(0x10, s));
    EXPECT_EQ(s, 0x2'00000010ULL);  // below the window: the next subspace
    // Case B: the window spans a subspace boundary.
    w.reset(64, 0x1'00000010ULL);
    ASSERT_TRUE(w.infer_esn(0x5, s));
    EXPECT_EQ(s, 0x1'00000005ULL);
    ASSERT_TRUE(w.infer_esn(0xfffffff0, s));
    EXPECT_EQ(s, 0x0'fffffff0ULL);  // inside the window's tail in the previous subspace
    ASSERT_TRUE(w.infer_esn(0x20, s));
    EXPECT_EQ(s, 0x1'00000020ULL);
    // Nothing exists before sequence number 0 or after 2^64-1.
    w.reset(64, 5);
    EXPECT_FALSE(w.infer_esn(0xfffffff0, s));
    w.reset(64, 0xffffffff'fffffff0ULL);
    EXPECT_FALSE(w.infer_esn(0x10, s));
    // Without a window the nearest value wins (W = 2^31).
    w.reset(0, 0x3'00000010ULL);
    ASSERT_TRUE(w.infer_esn(0xf0000000, s));
    EXPECT_EQ(s, 0x2'f0000000ULL);
    ASSERT_TRUE(w.infer_esn(0x70000000, s));
    EXPECT_EQ(s, 0x3'70000000ULL);
}

// ---- through the engines -------------------------------------------------

class Replay : public EngineTest {
protected:
    // A `both` SA: its outbound counter starts at `seq`, its window at seq - 1.
    ipsec::SaHandle add(uint32_t window, uint64_t seq = 1, bool esn = false, uint32_t spi = 0x1000) {
        auto p = make_sa("aes128gcm16", "none", ipsec::Protocol::esp, ipsec::Mode::tunnel, false, spi);
        p.replay_window = window;
        p.seq = seq;
        p.esn = esn;
        auto h = engine->add_sa(std::move(p));
        EXPECT_TRUE(h.ok()) << h.error().message;
        return h.ok() ? *h : ipsec::kNoSa;
    }
    std::vector<Bytes> send(ipsec::SaHandle h, std::size_t n) {
        std::vector<Bytes> out;
        for (std::size_t i = 0; i < n; ++i) {
            One r = encap(*engine, make_ipv4_udp(20, uint8_t(i)), h);
            EXPECT_EQ(r.status, PacketStatus::ok);
            out.push_back(std::move(r.out));
        }
        return out;
    }
    PacketStatus recv(const Bytes& pkt, uint64_t* seq = nullptr) {
        One r = decap(*engine, pkt);
        if (seq) *seq = r.seq;
        return r.status;
    }
};

TEST_P(Replay, InOrderThenDuplicates) {
    auto h = add(64);
    auto pkts = send(h, 100);
    for (std::size_t i = 0; i < pkts.size(); ++i) {
        uint64_t seq = 0;
        ASSERT_EQ(recv(pkts[i], &seq), PacketStatus::ok) << i;
        EXPECT_EQ(seq, i + 1);
    }
    EXPECT_EQ(recv(pkts[99]), PacketStatus::replay);
    EXPECT_EQ(recv(pkts[40]), PacketStatus::replay);         // 60 behind: still in the window
    EXPECT_EQ(recv(pkts[35]), PacketStatus::before_window);  // 64 behind
    auto info = engine->query_sa(h);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->replay_top, 100u);
    EXPECT_EQ(info->counters.drops[std::size_t(PacketStatus::replay)], 2u);
    EXPECT_EQ(info->counters.drops[std::size_t(PacketStatus::before_window)], 1u);
}

TEST_P(Replay, ReorderedInsideWindowAndOlderThanWindow) {
    auto h = add(64);
    auto pkts = send(h, 200);
    EXPECT_EQ(recv(pkts[99]), PacketStatus::ok);   // seq 100 first
    EXPECT_EQ(recv(pkts[49]), PacketStatus::ok);   // 50: reordered, inside
    EXPECT_EQ(recv(pkts[49]), PacketStatus::replay);
    EXPECT_EQ(recv(pkts[36]), PacketStatus::ok);   // 37: the oldest slot
    EXPECT_EQ(recv(pkts[35]), PacketStatus::before_window);
    EXPECT_EQ(recv(pkts[199]), PacketStatus::ok);  // jump ahead
    EXPECT_EQ(recv(pkts[99]), PacketStatus::before_window);
}

TEST_P(Replay, WindowOf4096) {
    auto h = add(4096);
    auto pkts = send(h, 5000);
    EXPECT_EQ(recv(pkts[4999]), PacketStatus::ok);                 // 5000
    EXPECT_EQ(recv(pkts[904]), PacketStatus::ok);                  // 905 = 5000 - 4095
    EXPECT_EQ(recv(pkts[903]), PacketStatus::before_window);       // 904
    for (std::size_t i = 905; i < 4999; i += 7) ASSERT_EQ(recv(pkts[i]), PacketStatus::ok) << i;
    for (std::size_t i = 905; i < 4999; i += 7) ASSERT_EQ(recv(pkts[i]), PacketStatus::replay) << i;
}

TEST_P(Replay, ForgedPacketNeverMovesTheWindow) {
    auto h = add(64);
    auto pkts = send(h, 200);
    Bytes forged = pkts[199];
    forged[forged.size() - 1] ^= 1;
    EXPECT_EQ(recv(forged), PacketStatus::icv_failure);
    EXPECT_EQ(recv(pkts[0]), PacketStatus::ok);  // still in the window: top did not move
    EXPECT_EQ(engine->query_sa(h)->replay_top, 1u);
}

TEST_P(Replay, EsnWrapAroundInfersHighBits) {
    const uint64_t start = 0xffffffe0ULL;
    auto h = add(64, start, true);
    auto pkts = send(h, 64);  // 0x0_ffffffe0 .. 0x1_0000001f
    // Low half only on the wire.
    EXPECT_EQ(load_be32(&pkts[40][24]), uint32_t(start + 40));
    uint64_t seq = 0;
    ASSERT_EQ(recv(pkts[40], &seq), PacketStatus::ok);
    EXPECT_EQ(seq, start + 40);  // 0x1_00000008, inferred across the wrap
    ASSERT_EQ(recv(pkts[20], &seq), PacketStatus::ok);
    EXPECT_EQ(seq, start + 20);  // 0x0_fffffff4: window tail in the previous subspace
    ASSERT_EQ(recv(pkts[63], &seq), PacketStatus::ok);
    EXPECT_EQ(seq, start + 63);
    EXPECT_EQ(recv(pkts[40]), PacketStatus::replay);
    EXPECT_EQ(engine->query_sa(h)->replay_top, start + 63);
}

TEST_P(Replay, SequenceCounterOverflow) {
    auto h = add(64, 0xfffffffeULL, false);
    EXPECT_EQ(encap(*engine, make_ipv4_udp(10), h).status, PacketStatus::ok);
    EXPECT_EQ(encap(*engine, make_ipv4_udp(10), h).status, PacketStatus::ok);  // 2^32 - 1
    EXPECT_EQ(encap(*engine, make_ipv4_udp(10), h).status, PacketStatus::seq_overflow);
    EXPECT_EQ(encap(*engine, make_ipv4_udp(10), h).status, PacketStatus::seq_overflow);
    auto ev = engine->take_events();
    ASSERT_EQ(ev.size(), 1u);  // reported once
    EXPECT_EQ(ev[0].kind, ipsec::SaEventKind::seq_overflow);
    EXPECT_EQ(ev[0].sa, h);

    auto e = add(64, 0xffffffff'ffffffffULL, true, 0x2000);
    EXPECT_EQ(encap(*engine, make_ipv4_udp(10), e).status, PacketStatus::ok);  // 2^64 - 1
    EXPECT_EQ(encap(*engine, make_ipv4_udp(10), e).status, PacketStatus::seq_overflow);
}

// A batch gives exactly what one-at-a-time processing gives, including
// duplicates within the batch and an ESN window crossing 2^32 mid-batch.
TEST_P(Replay, BatchEqualsSequential) {
    std::mt19937 rng(7);
    for (bool esn : {false, true}) {
        uint64_t start = esn ? 0xffffff80ULL : 1;
        auto kind = GetParam();
        auto seq_engine = make_engine(kind);
        ASSERT_NE(seq_engine, nullptr);
        auto p = make_sa("aes128gcm16", "none", ipsec::Protocol::esp, ipsec::Mode::tunnel, false, esn ? 0x3000 : 0x1000);
        p.seq = start;
        p.esn = esn;
        p.replay_window = 32;
        p.hard.packets = 230;  // also lands inside a batch
        auto h1 = engine->add_sa(p.clone());
        auto h2 = seq_engine->add_sa(p.clone());
        ASSERT_TRUE(h1.ok() && h2.ok());
        std::vector<Bytes> pkts;
        for (int i = 0; i < 300; ++i) {
            One r = encap(*seq_engine, make_ipv4_udp(16, uint8_t(i)), *h2);
            if (r.status != PacketStatus::ok) break;
            pkts.push_back(r.out);
        }
        ASSERT_EQ(pkts.size(), 230u);
        // Fresh receive-side SAs with the same keys on both engines.
        p.direction = ipsec::SaDirection::inbound;
        ASSERT_TRUE(engine->del_sa(*h1).ok());
        ASSERT_TRUE(seq_engine->del_sa(*h2).ok());
        ASSERT_TRUE(engine->add_sa(p.clone()).ok());
        ASSERT_TRUE(seq_engine->add_sa(p.clone()).ok());

        // Traffic: mostly in order with local shuffles, duplicates, stale ones.
        std::vector<std::size_t> order;
        for (std::size_t i = 0; i < pkts.size(); ++i) {
            order.push_back(i);
            if (rng() % 5 == 0) order.push_back(i - std::min<std::size_t>(i, rng() % 40));
        }
        for (std::size_t i = 0; i + 5 < order.size(); i += 5) std::shuffle(order.begin() + i, order.begin() + i + 5, rng);

        std::vector<Bytes> outs(order.size(), Bytes(2048));
        std::vector<ipsec::Packet> batch(order.size());
        for (std::size_t i = 0; i < order.size(); ++i) {
            batch[i].in = pkts[order[i]];
            batch[i].out = outs[i];
        }
        for (std::size_t i = 0; i < batch.size(); i += 32) {
            std::size_t n = std::min<std::size_t>(32, batch.size() - i);
            engine->process(ipsec::Direction::inbound, std::span(batch).subspan(i, n));
        }
        std::map<PacketStatus, int> seen;
        for (std::size_t i = 0; i < order.size(); ++i) {
            One r = decap(*seq_engine, pkts[order[i]]);
            ASSERT_EQ(batch[i].status, r.status) << "packet " << i << " (seq index " << order[i] << ")";
            ASSERT_EQ(batch[i].seq, r.seq);
            ASSERT_EQ(Bytes(outs[i].begin(), outs[i].begin() + batch[i].out_len), r.out);
            seen[r.status]++;
        }
        EXPECT_GT(seen[PacketStatus::ok], 150);
        EXPECT_GT(seen[PacketStatus::replay] + seen[PacketStatus::before_window], 10);
    }
}

INSTANTIATE_TEST_SUITE_P(Engines, Replay, ::testing::ValuesIn(engine_kinds()),
                         [](const auto& i) { return i.param.label(); });

}  // namespace
}  // namespace ikeoff::test
