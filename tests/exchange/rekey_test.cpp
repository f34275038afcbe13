// IPsec SA rekeying and expiry between two in-process peers in virtual
// time: Quick Mode rekeys before the lifetime ends, the replaced pair goes
// after the new one is up, nobody rekeys twice, and pairs that are not
// rekeyed are deleted at their hard expiry.
#include <gtest/gtest.h>

#include <algorithm>

#include "host/ike/rekey_ops.hpp"
#include "peers.hpp"
#include "wire_count.hpp"

namespace ikeoff::ike::test {
namespace {

using namespace std::chrono_literals;
using isakmp::ExchangeType;
using Side = MemoryLink::Side;

std::vector<std::string> join(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

struct Conf {
    std::string a, b;
    Conf(const std::vector<std::string>& both, const std::vector<std::string>& only_a = {},
         const std::vector<std::string>& only_b = {})
        : a(conn_text(TwoPeers::kAddrA, TwoPeers::kAddrB, "10.1.0.0/24", "10.2.0.0/24", join(both, only_a))),
          b(conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24", join(both, only_b))) {}
};

void bring_up(TwoPeers& p, Peer& who) {
    auto r = p.up(who, "test");
    ASSERT_TRUE(p.run(r));
    ASSERT_TRUE(r->outcome.established) << r->outcome.reason << " " << r->outcome.detail;
    p.settle(10ms);  // QM3 reaches the responder
}

ChildSaId newest(const RecordingSink& s) { return s.installed.empty() ? kNoChildSa : s.installed.rbegin()->first; }

const IpsecSaStatus* status_of(Peer& p, ChildSaId id) {
    static IkeStatus keep;
    keep = p.core->status();
    for (const auto& s : keep.ipsec)
        if (s.id == id) return &s;
    return nullptr;
}

const ChildLifetimes::Counters& lt_counters(Peer& p) { return p.core->rekey_state()->children.counters(); }

TEST(Rekey, InitiatorRekeysBeforeExpiryAndDeletesTheOldPair) {
    Conf c({"lifetime=60s", "rekeymargin=20s", "rekeyfuzz=0%"});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const ChildSaId old_a = newest(*p.a().sink), old_b = newest(*p.b().sink);
    const uint32_t old_spi = p.a().sink->installed.at(old_a).inbound.spi;
    // The initiator rekeys at 60 - 20 s; the responder would at 60 - 10 s.
    ASSERT_NE(status_of(p.a(), old_a), nullptr);
    EXPECT_EQ(status_of(p.a(), old_a)->state, "installed");
    EXPECT_EQ(status_of(p.a(), old_a)->rekey_in_s, 39);
    EXPECT_EQ(status_of(p.b(), old_b)->rekey_in_s, 49);

    p.settle(40s);
    ASSERT_EQ(p.a().sink->installed.size(), 2u);
    ASSERT_EQ(p.b().sink->installed.size(), 2u);
    const ChildSaId new_a = newest(*p.a().sink), new_b = newest(*p.b().sink);
    EXPECT_EQ(compare_pair(p.a().sink->installed.at(new_a), p.b().sink->installed.at(new_b)), "");
    EXPECT_NE(p.a().sink->installed.at(new_a).inbound.spi, old_spi) << "a rekey means new SPIs";
    EXPECT_EQ(status_of(p.a(), old_a)->state, "rekeyed");
    EXPECT_EQ(status_of(p.b(), old_b)->state, "rekeyed");
    EXPECT_EQ(status_of(p.a(), new_a)->state, "installed");
    EXPECT_TRUE(p.a().sink->removed.empty()) << "the old pair stays for packets in flight";

    // strongSwan's habit: the rekeying side deletes the old pair 5 s later,
    // and the peer follows the Delete.
    p.settle(6s);
    EXPECT_EQ(p.a().sink->removed, std::vector<ChildSaId>{old_a});
    EXPECT_EQ(p.b().sink->removed, std::vector<ChildSaId>{old_b});
    EXPECT_EQ(p.a().sink->installed.size(), 1u);
    EXPECT_EQ(p.b().sink->installed.size(), 1u);

    // Five more minutes: one rekey every 40 s, always started by a, never
    // more than two pairs, never a hard expiry.
    std::size_t most = 0;
    for (int i = 0; i < 300; ++i) {
        p.settle(1s);
        most = std::max({most, p.a().sink->installed.size(), p.b().sink->installed.size()});
    }
    EXPECT_LE(most, 2u);
    auto xs = wire_exchanges(p.link());
    EXPECT_EQ(count_exchanges(xs, ExchangeType::quick), 9u);  // the first + 8 rekeys in 346 s
    EXPECT_EQ(count_exchanges(xs, ExchangeType::quick, Side::b), 0u);
    EXPECT_EQ(count_exchanges(xs, ExchangeType::identity_protection), 1u) << "no new phase 1 needed";
    EXPECT_EQ(p.a().sink->removed.size(), 8u);
    EXPECT_EQ(p.b().sink->removed.size(), 8u);
    ASSERT_EQ(p.a().sink->installed.size(), 1u);
    EXPECT_EQ(compare_pair(p.a().sink->installed.begin()->second, p.b().sink->installed.begin()->second), "");
    EXPECT_EQ(lt_counters(p.a()).rekeyed_by_us, 8u);
    EXPECT_EQ(lt_counters(p.b()).rekeyed_by_peer, 8u);
    EXPECT_EQ(lt_counters(p.a()).collisions, 0u);
}

TEST(Rekey, ResponderRekeysWhenTheInitiatorWillNot) {
    Conf c({"lifetime=60s", "rekeymargin=20s", "rekeyfuzz=0%"}, {"rekey=no"});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const ChildSaId old_a = newest(*p.a().sink);
    EXPECT_EQ(status_of(p.a(), old_a)->rekey_in_s, -1);
    p.settle(45s);
    EXPECT_EQ(p.a().sink->installed.size(), 1u) << "nobody rekeyed before b's time (50 s)";
    p.settle(6s);
    ASSERT_EQ(p.a().sink->installed.size(), 2u);
    auto xs = wire_exchanges(p.link());
    EXPECT_EQ(count_exchanges(xs, ExchangeType::quick, Side::b), 1u);
    EXPECT_EQ(status_of(p.a(), old_a)->state, "rekeyed");
    p.settle(5s);
    EXPECT_EQ(p.a().sink->removed, std::vector<ChildSaId>{old_a});
    ASSERT_EQ(p.a().sink->installed.size(), 1u);
    ASSERT_EQ(p.b().sink->installed.size(), 1u);
    EXPECT_EQ(compare_pair(p.a().sink->installed.begin()->second, p.b().sink->installed.begin()->second), "");
}

TEST(Rekey, SimultaneousRekeysSettleOnOnePair) {
    Conf c({});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const ChildSaId old_a = newest(*p.a().sink), old_b = newest(*p.b().sink);
    // Both engines report the soft volume limit at the same instant.
    p.a().core->on_child_sa_event(old_a, ipsec::SaEventKind::soft_expired);
    p.b().core->on_child_sa_event(old_b, ipsec::SaEventKind::soft_expired);
    p.settle(1s);
    auto xs = wire_exchanges(p.link());
    EXPECT_EQ(count_exchanges(xs, ExchangeType::quick, Side::a), 2u);
    EXPECT_EQ(count_exchanges(xs, ExchangeType::quick, Side::b), 1u);
    EXPECT_EQ(p.a().sink->installed.size(), 3u);
    EXPECT_EQ(lt_counters(p.a()).collisions, 1u);
    EXPECT_EQ(lt_counters(p.b()).collisions, 1u);
    p.settle(10s);
    // One pair left, the same on both sides; the replaced pair and the
    // redundant one are gone everywhere.
    ASSERT_EQ(p.a().sink->installed.size(), 1u);
    ASSERT_EQ(p.b().sink->installed.size(), 1u);
    EXPECT_EQ(compare_pair(p.a().sink->installed.begin()->second, p.b().sink->installed.begin()->second), "");
    EXPECT_EQ(p.a().sink->removed.size(), 2u);
    EXPECT_EQ(p.b().sink->removed.size(), 2u);
    EXPECT_EQ(lt_counters(p.a()).redundant_deleted + lt_counters(p.b()).redundant_deleted, 1u);
    // The survivor rekeys normally afterwards.
    const ChildSaId cur = newest(*p.a().sink);
    p.a().core->on_child_sa_event(cur, ipsec::SaEventKind::soft_expired);
    p.settle(10s);
    ASSERT_EQ(p.a().sink->installed.size(), 1u);
    ASSERT_EQ(p.b().sink->installed.size(), 1u);
    EXPECT_NE(newest(*p.a().sink), cur);
    EXPECT_EQ(compare_pair(p.a().sink->installed.begin()->second, p.b().sink->installed.begin()->second), "");
}

TEST(Rekey, EqualTimersOnBothSidesDoNotBreakAnything) {
    // Both sides run the rekey as if each had initiated: the responder's
    // half-margin rule does not apply when b rekeys first and a answers.
    // Here b's margin is twice a's, so both timers fire at 40 s.
    Conf c({"lifetime=60s", "rekeyfuzz=0%"}, {"rekeymargin=20s"}, {"rekeymargin=40s"});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    for (int i = 0; i < 200; ++i) {
        p.settle(1s);
        ASSERT_LE(p.a().sink->installed.size(), 3u);
        ASSERT_LE(p.b().sink->installed.size(), 3u);
    }
    p.settle(10s);
    ASSERT_FALSE(p.a().sink->installed.empty());
    // Whatever is left is installed identically on both sides.
    ASSERT_EQ(p.a().sink->installed.size(), p.b().sink->installed.size());
    for (const auto& [id, x] : p.a().sink->installed) {
        bool match = false;
        for (const auto& [jd, y] : p.b().sink->installed) match |= compare_pair(x, y).empty();
        EXPECT_TRUE(match) << "a's pair #" << id << " has no twin at b";
    }
    EXPECT_LE(p.a().sink->installed.size(), 2u);
}

TEST(Rekey, WithoutRekeyThePairIsDeletedAtItsHardExpiry) {
    Conf c({"lifetime=60s", "rekey=no"});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    p.settle(59s);
    EXPECT_EQ(p.a().sink->installed.size(), 1u);
    p.settle(2s);
    EXPECT_TRUE(p.a().sink->installed.empty());
    EXPECT_TRUE(p.b().sink->installed.empty());
    auto xs = wire_exchanges(p.link());
    EXPECT_EQ(count_exchanges(xs, ExchangeType::quick), 1u);
    EXPECT_GE(count_exchanges(xs, ExchangeType::informational), 1u) << "the Delete";
}

TEST(Rekey, FailedRekeysAreRetriedKeyingtriesTimesThenThePairExpires) {
    Conf c({"lifetime=300s", "rekeymargin=200s", "rekeyfuzz=0%", "keyingtries=3"}, {}, {"rekey=no"});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const std::size_t log_at = p.link().log().size();
    // From now on b never sees a Quick Mode.
    p.link().set_filter([](Side from, Datagram& d) {
        auto h = isakmp::parse_header(d.data);
        return from == Side::a && h.ok() && h->exchange == ExchangeType::quick ? MemoryLink::Verdict::drop
                                                                                : MemoryLink::Verdict::deliver;
    });
    p.settle(295s);
    auto xs = wire_exchanges(p.link(), log_at);
    // Rekey at 100 s, each try fails after its retransmissions (30 s) and
    // the next follows 10 s later: 100, 140, 180; then no more.
    EXPECT_EQ(count_exchanges(xs, ExchangeType::quick, Side::a), 3u);
    EXPECT_EQ(p.a().sink->installed.size(), 1u);
    p.settle(10s);  // the hard expiry
    EXPECT_TRUE(p.a().sink->installed.empty());
    EXPECT_TRUE(p.b().sink->installed.empty()) << "b follows a's Delete";
}

TEST(Rekey, EngineHardLimitDeletesAndSoftLimitRekeys) {
    Conf c({});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const ChildSaId first = newest(*p.a().sink);
    p.b().core->on_child_sa_event(newest(*p.b().sink), ipsec::SaEventKind::soft_expired);
    p.settle(1s);
    ASSERT_EQ(p.a().sink->installed.size(), 2u);
    // The old pair hits its hard byte limit before the 5 s delete: it goes at once.
    p.a().core->on_child_sa_event(first, ipsec::SaEventKind::hard_expired);
    p.settle(1s);
    EXPECT_EQ(p.a().sink->installed.size(), 1u);
    EXPECT_EQ(p.b().sink->installed.size(), 1u);
    EXPECT_EQ(compare_pair(p.a().sink->installed.begin()->second, p.b().sink->installed.begin()->second), "");
    p.settle(10s);  // b's delayed Delete of the same pair finds nothing: harmless
    EXPECT_EQ(p.a().sink->installed.size(), 1u);
    EXPECT_EQ(p.b().sink->installed.size(), 1u);
}

}  // namespace
}  // namespace ikeoff::ike::test
