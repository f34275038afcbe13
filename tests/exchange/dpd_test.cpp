// Dead Peer Detection (RFC 3706): the vendor ID exchange, R-U-THERE /
// R-U-THERE-ACK in protected Informationals with sequence numbers, idle
// detection from the engine counters, and dpdaction when the peer is gone.
#include <gtest/gtest.h>

#include <algorithm>

#include "host/ike/rekey_ops.hpp"
#include "host/isakmp/message.hpp"
#include "host/isakmp/vendor_ids.hpp"
#include "peers.hpp"
#include "wire_count.hpp"

namespace ikeoff::ike::test {
namespace {

using namespace std::chrono_literals;
using isakmp::ExchangeType;
using isakmp::NotifyType;
using Side = MemoryLink::Side;

struct Conf {
    std::string a, b;
    explicit Conf(const std::vector<std::string>& only_a, const std::vector<std::string>& only_b = {})
        : a(conn_text(TwoPeers::kAddrA, TwoPeers::kAddrB, "10.1.0.0/24", "10.2.0.0/24", only_a)),
          b(conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24", only_b)) {}
};

void bring_up(TwoPeers& p, Peer& who) {
    auto r = p.up(who, "test");
    ASSERT_TRUE(p.run(r));
    ASSERT_TRUE(r->outcome.established) << r->outcome.reason << " " << r->outcome.detail;
    p.settle(10ms);
}

const DeadPeerDetector* detector(Peer& p) {
    const RekeyState* st = p.core->rekey_state();
    if (!st) return nullptr;
    auto sas = p.core->isakmp_sas();
    if (sas.empty()) return nullptr;
    auto it = st->dpd.find(sas.back()->id);
    return it == st->dpd.end() ? nullptr : it->second.get();
}

// ---- the detector alone -----------------------------------------------------------

TEST(DpdDetector, AnswersAndRefusesReplays) {
    ManualTimers t;
    std::vector<std::pair<NotifyType, uint32_t>> sent;
    DeadPeerDetector d(t, DpdSettings{}, {[&](NotifyType n, uint32_t s) { sent.emplace_back(n, s); }, nullptr, nullptr},
                       100);
    d.start();
    EXPECT_TRUE(d.on_r_u_there(5));
    EXPECT_FALSE(d.on_r_u_there(5));
    EXPECT_FALSE(d.on_r_u_there(4));
    EXPECT_TRUE(d.on_r_u_there(6));
    EXPECT_TRUE(d.on_r_u_there(0x70000000u));  // far ahead in serial arithmetic
    EXPECT_TRUE(d.on_r_u_there(0xe0000000u));
    EXPECT_TRUE(d.on_r_u_there(3));            // wrapped around
    EXPECT_FALSE(d.on_r_u_there(0xf0000000u)); // behind 3
    ASSERT_EQ(sent.size(), 5u);
    for (const auto& [n, s] : sent) EXPECT_EQ(n, NotifyType::dpd_r_u_there_ack);
    EXPECT_EQ(sent[1].second, 6u);  // the ACK echoes the sequence number
    EXPECT_EQ(d.counters().stale, 3u);
    EXPECT_EQ(t.pending(), 0u) << "inactive: no idle checks";
}

TEST(DpdDetector, AsksWhenIdleAndDeclaresDeathAfterTheTimeout) {
    ManualTimers t;
    std::vector<uint32_t> asked;
    uint64_t inbound = 0;
    int dead = 0;
    DpdSettings s{10s, 35s, true};
    DeadPeerDetector d(t, s,
                       {[&](NotifyType n, uint32_t seq) {
                            EXPECT_EQ(n, NotifyType::dpd_r_u_there);
                            asked.push_back(seq);
                        },
                        [&] { return inbound; }, [&] { ++dead; }},
                       7);
    d.start();
    // Traffic keeps it quiet.
    for (int i = 0; i < 5; ++i) {
        inbound += 3;
        t.advance(10s);
    }
    EXPECT_TRUE(asked.empty());
    // Idle: asks after one delay, then every delay with a new number.
    t.advance(10s);
    EXPECT_EQ(asked, std::vector<uint32_t>{7});
    EXPECT_TRUE(d.waiting());
    // An ACK for something never sent changes nothing; the real one does.
    EXPECT_FALSE(d.on_ack(9));
    EXPECT_TRUE(d.on_ack(7));
    EXPECT_FALSE(d.waiting());
    EXPECT_FALSE(d.on_ack(7)) << "answered already";
    t.advance(10s);  // idle again for a whole delay
    EXPECT_EQ(asked, (std::vector<uint32_t>{7, 8}));
    t.advance(30s);  // unanswered: repeated every delay
    EXPECT_EQ(asked, (std::vector<uint32_t>{7, 8, 9, 10, 11}));
    EXPECT_EQ(dead, 0);
    t.advance(5s);  // 35 s after R-U-THERE 8
    EXPECT_EQ(dead, 1);
    t.advance(100s);
    EXPECT_EQ(dead, 1);
    EXPECT_EQ(asked.size(), 5u) << "nothing more after death";
}

TEST(DpdDetector, LateAckForAnEarlierQuestionStillCounts) {
    ManualTimers t;
    DeadPeerDetector d(t, DpdSettings{5s, 20s, true}, {[](NotifyType, uint32_t) {}, nullptr, nullptr}, 0xfffffffeu);
    d.start();
    t.advance(15s);  // R-U-THERE 0xfffffffe, 0xffffffff, 0 (wraps)
    EXPECT_EQ(d.next_seq(), 1u);
    EXPECT_TRUE(d.on_ack(0xffffffffu));
}

TEST(DpdNotify, WireFormatAndChecks) {
    IsakmpSa sa;
    sa.cky_i = {1, 2, 3, 4, 5, 6, 7, 8};
    sa.cky_r = {9, 10, 11, 12, 13, 14, 15, 16};
    isakmp::Payload p = dpd_notify(sa, NotifyType::dpd_r_u_there, 0x01020304);
    const auto* n = p.get<isakmp::NotifyPayload>();
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n->protocol, isakmp::ProtocolId::isakmp);
    EXPECT_EQ(static_cast<uint16_t>(n->type), 36136);
    EXPECT_EQ(to_hex(n->spi), "0102030405060708090a0b0c0d0e0f10");
    EXPECT_EQ(to_hex(n->data), "01020304");
    auto ok = parse_dpd_notify(sa, *n);
    ASSERT_TRUE(ok.ok());
    EXPECT_FALSE(ok->ack);
    EXPECT_EQ(ok->seq, 0x01020304u);
    isakmp::NotifyPayload bad = *n;
    bad.spi[15] ^= 1;
    EXPECT_FALSE(parse_dpd_notify(sa, bad).ok());
    bad = *n;
    bad.data.pop_back();
    EXPECT_FALSE(parse_dpd_notify(sa, bad).ok());
    bad = *n;
    bad.protocol = isakmp::ProtocolId::esp;
    EXPECT_FALSE(parse_dpd_notify(sa, bad).ok());
    bad = *n;
    bad.type = NotifyType::dpd_r_u_there_ack;
    EXPECT_TRUE(parse_dpd_notify(sa, bad)->ack);
}

// ---- two peers ------------------------------------------------------------------------

TEST(Dpd, BothSidesAnnounceDpdInPhase1) {
    Conf c({}, {});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    ASSERT_EQ(p.a().core->isakmp_sas().size(), 1u);
    EXPECT_TRUE(p.a().core->isakmp_sas()[0]->peer_dpd);
    EXPECT_TRUE(p.b().core->isakmp_sas()[0]->peer_dpd);
    // Without dpdaction nobody asks.
    p.settle(200s);
    auto xs = wire_exchanges(p.link());
    EXPECT_EQ(count_exchanges(xs, ExchangeType::informational), 0u);
}

TEST(Dpd, IdlePeerIsAskedAndAnswers) {
    Conf c({"dpdaction=clear", "dpddelay=10s", "dpdtimeout=30s"}, {});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const std::size_t log_at = p.link().log().size();
    p.settle(11s);
    auto xs = wire_exchanges(p.link(), log_at);
    EXPECT_EQ(count_exchanges(xs, ExchangeType::informational, Side::a), 1u);
    EXPECT_EQ(count_exchanges(xs, ExchangeType::informational, Side::b), 1u);
    ASSERT_NE(detector(p.a()), nullptr);
    EXPECT_EQ(detector(p.a())->counters().sent, 1u);
    EXPECT_EQ(detector(p.a())->counters().acked, 1u);
    EXPECT_EQ(detector(p.b())->counters().answered, 1u);
    // Two minutes later: asked every 10 s, always answered, all still up.
    p.settle(120s);
    EXPECT_EQ(detector(p.a())->counters().sent, 13u);
    EXPECT_EQ(detector(p.a())->counters().acked, 13u);
    EXPECT_EQ(detector(p.a())->counters().stale, 0u);
    EXPECT_EQ(detector(p.b())->counters().sent, 0u) << "b has no dpdaction";
    EXPECT_EQ(p.a().sink->installed.size(), 1u);
    EXPECT_EQ(p.a().core->status().isakmp.size(), 1u);
}

TEST(Dpd, InboundTrafficMeansNoQuestions) {
    Conf c({"dpdaction=clear", "dpddelay=10s", "dpdtimeout=30s"}, {});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const ChildSaId id = p.a().sink->installed.begin()->first;
    for (int i = 0; i < 60; ++i) {
        p.a().sink->inbound_packets[id] += 1;  // ESP keeps arriving
        p.settle(1s);
    }
    EXPECT_EQ(detector(p.a())->counters().sent, 0u);
    p.settle(11s);  // silence
    EXPECT_EQ(detector(p.a())->counters().sent, 1u);
}

TEST(Dpd, DeadPeerIsClearedWithoutDeletes) {
    Conf c({"dpdaction=clear", "dpddelay=10s", "dpdtimeout=30s"}, {});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    // b vanishes: nothing it sends arrives any more.
    p.link().set_filter([](Side from, Datagram&) {
        return from == Side::b ? MemoryLink::Verdict::drop : MemoryLink::Verdict::deliver;
    });
    const std::size_t log_at = p.link().log().size();
    p.settle(39s);
    EXPECT_EQ(p.a().sink->installed.size(), 1u) << "not before dpdtimeout after the first question";
    p.settle(3s);
    EXPECT_TRUE(p.a().sink->installed.empty());
    EXPECT_TRUE(p.a().core->status().isakmp.empty());
    EXPECT_EQ(p.a().core->rekey_state()->counters.dpd_dead, 1u);
    // Only R-U-THEREs went out from a (at 10, 20 and 30 s); no Delete.
    auto xs = wire_exchanges(p.link(), log_at);
    EXPECT_EQ(count_exchanges(xs, ExchangeType::informational, Side::a), 3u);
    p.settle(60s);
    xs = wire_exchanges(p.link(), log_at);
    EXPECT_EQ(count_exchanges(xs, ExchangeType::identity_protection, Side::a), 0u) << "clear does not restart";
}

TEST(Dpd, RestartBringsTheConnectionBack) {
    Conf c({"dpdaction=restart", "dpddelay=10s", "dpdtimeout=30s"}, {});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const ChildSaId old_b = p.b().sink->installed.begin()->first;
    // The path to b breaks for a while.
    p.link().set_filter([](Side from, Datagram&) {
        return from == Side::b ? MemoryLink::Verdict::drop : MemoryLink::Verdict::deliver;
    });
    p.settle(42s);
    EXPECT_EQ(p.a().core->rekey_state()->counters.dpd_dead, 1u);
    p.link().clear_filter();
    // a initiates again (its Main Mode retransmits meanwhile); b takes
    // INITIAL-CONTACT as the restart and drops the old pair.
    p.settle(60s);
    ASSERT_EQ(p.a().sink->installed.size(), 1u);
    ASSERT_EQ(p.b().sink->installed.size(), 1u);
    EXPECT_EQ(compare_pair(p.a().sink->installed.begin()->second, p.b().sink->installed.begin()->second), "");
    EXPECT_EQ(p.b().sink->removed, std::vector<ChildSaId>{old_b});
    EXPECT_EQ(p.a().core->status().isakmp.size(), 1u);
    EXPECT_EQ(p.b().core->status().isakmp.size(), 1u);
}

TEST(Dpd, PeerWithoutDpdVendorIdIsNeverAsked) {
    Conf c({"dpdaction=clear", "dpddelay=10s"}, {});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    // Strip b's DPD vendor ID from message 2 (it is the first VID b sends):
    // the responder's MM2 carries it, so a must not ask.
    const ByteView dpd_vid = isakmp::vendor_id_bytes(isakmp::KnownVendorId::dpd);
    p.link().set_filter([&](Side from, Datagram& d) {
        if (from != Side::b) return MemoryLink::Verdict::deliver;
        auto pos = std::search(d.data.begin(), d.data.end(), dpd_vid.begin(), dpd_vid.end());
        if (pos != d.data.end()) *pos ^= 0xff;  // now an unknown vendor ID
        return MemoryLink::Verdict::deliver;
    });
    bring_up(p, p.a());
    EXPECT_FALSE(p.a().core->isakmp_sas()[0]->peer_dpd);
    p.settle(60s);
    EXPECT_EQ(detector(p.a())->counters().sent, 0u);
}

}  // namespace
}  // namespace ikeoff::ike::test
