// ISAKMP SA lifetime: reauthentication with a fresh Main Mode (directly on
// 4500 after floating), IPsec SAs adopted by the new ISAKMP SA without a
// Quick Mode, and a responder that tolerates strongSwan's way of doing it.
#include <gtest/gtest.h>

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
    p.settle(10ms);
}

TEST(Reauth, InitiatorReauthenticatesAndKeepsTheIpsecSas) {
    Conf c({"ikelifetime=120s", "rekeymargin=30s", "rekeyfuzz=0%", "lifetime=250s"});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const auto before_a = p.a().core->status();
    const auto before_b = p.b().core->status();
    ASSERT_EQ(before_a.isakmp.size(), 1u);
    const std::size_t log_at = p.link().log().size();

    p.settle(92s);  // a reauthenticates at 120 - 30 s
    auto xs = wire_exchanges(p.link(), log_at);
    EXPECT_EQ(count_exchanges(xs, ExchangeType::identity_protection, Side::a), 1u);
    EXPECT_EQ(count_exchanges(xs, ExchangeType::quick), 0u) << "adoption needs no Quick Mode";
    const auto after_a = p.a().core->status();
    const auto after_b = p.b().core->status();
    ASSERT_EQ(after_a.isakmp.size(), 1u) << "the old ISAKMP SA was deleted";
    ASSERT_EQ(after_b.isakmp.size(), 1u) << "the peer followed the Delete";
    EXPECT_NE(after_a.isakmp[0].cookie_i, before_a.isakmp[0].cookie_i);
    EXPECT_EQ(after_a.isakmp[0].cookie_i, after_b.isakmp[0].cookie_i);
    EXPECT_EQ(after_a.isakmp[0].state, "established");
    // The IPsec SAs are untouched, now under the new ISAKMP SA on both sides.
    EXPECT_TRUE(p.a().sink->removed.empty());
    EXPECT_TRUE(p.b().sink->removed.empty());
    ASSERT_EQ(after_a.ipsec.size(), 1u);
    ASSERT_EQ(after_b.ipsec.size(), 1u);
    EXPECT_EQ(after_a.ipsec[0].id, before_a.ipsec[0].id);
    EXPECT_EQ(after_a.ipsec[0].isakmp_sa, after_a.isakmp[0].id);
    EXPECT_EQ(after_b.ipsec[0].isakmp_sa, after_b.isakmp[0].id);
    EXPECT_EQ(p.a().core->rekey_state()->counters.reauth_started, 1u);
    EXPECT_EQ(p.a().core->rekey_state()->counters.adopted, 1u);
    EXPECT_EQ(p.b().core->rekey_state()->counters.adopted, 1u);

    // The IPsec SA's own rekey (at 250 - 30 s) runs on the current ISAKMP
    // SA, after the second reauthentication (at ~180 s).
    const std::size_t log_2 = p.link().log().size();
    p.settle(140s);
    xs = wire_exchanges(p.link(), log_2);
    ASSERT_EQ(count_exchanges(xs, ExchangeType::quick), 1u);
    const auto now_a = p.a().core->status();
    ASSERT_EQ(now_a.isakmp.size(), 1u);
    for (const auto& x : xs) {
        if (x.type == ExchangeType::quick) {
            EXPECT_EQ(to_hex(x.cky_i), now_a.isakmp[0].cookie_i);
        }
    }
    ASSERT_EQ(p.a().sink->installed.size(), 1u);
    EXPECT_EQ(compare_pair(p.a().sink->installed.begin()->second, p.b().sink->installed.begin()->second), "");
}

TEST(Reauth, AfterFloatingTheNewMainModeStartsOn4500) {
    Conf c({"ikelifetime=120s", "rekeymargin=30s", "rekeyfuzz=0%"}, {"forceencaps=yes"});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const std::size_t log_at = p.link().log().size();
    p.settle(92s);
    auto xs = wire_exchanges(p.link(), log_at);
    ASSERT_EQ(count_exchanges(xs, ExchangeType::identity_protection), 1u);
    for (const auto& x : xs) {
        if (x.type != ExchangeType::identity_protection) continue;
        EXPECT_EQ(x.first_local_port, kNatTPort) << "MM1 of the reauthentication on 4500";
        EXPECT_EQ(x.messages, 6u);
    }
    EXPECT_TRUE(p.a().sink->removed.empty());
    EXPECT_TRUE(p.b().sink->removed.empty());
    EXPECT_EQ(p.a().core->status().isakmp.size(), 1u);
    EXPECT_EQ(p.b().core->status().isakmp.size(), 1u);
}

TEST(Reauth, AggressiveModeConnectionsReauthenticateWithAggressiveMode) {
    Conf c({"ikelifetime=120s", "rekeymargin=30s", "rekeyfuzz=0%", "aggressive=yes"});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const std::size_t log_at = p.link().log().size();
    p.settle(92s);
    auto xs = wire_exchanges(p.link(), log_at);
    EXPECT_EQ(count_exchanges(xs, ExchangeType::aggressive, Side::a), 1u);
    EXPECT_EQ(count_exchanges(xs, ExchangeType::identity_protection), 0u);
    EXPECT_TRUE(p.a().sink->removed.empty());
    EXPECT_TRUE(p.b().sink->removed.empty());
    EXPECT_EQ(p.a().core->status().isakmp.size(), 1u);
    EXPECT_EQ(p.b().core->status().isakmp.size(), 1u);
    EXPECT_EQ(p.b().core->rekey_state()->counters.adopted, 1u);
}

// strongSwan as the peer reauthenticates (even when it was the responder):
// a new Main Mode straight to 4500, no INITIAL-CONTACT, no Quick Mode, and
// the old ISAKMP SA deleted afterwards. Our IPsec SAs must survive that.
TEST(Reauth, ResponderToleratesThePeersReauthentication) {
    Conf c({"rekeyfuzz=0%"}, {"forceencaps=yes"}, {"ikelifetime=100s", "rekeymargin=40s"});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const auto before = p.a().core->status();
    const std::size_t log_at = p.link().log().size();
    p.settle(85s);  // b (responder of the first SA) reauthenticates at 100 - 40/2 s
    auto xs = wire_exchanges(p.link(), log_at);
    ASSERT_EQ(count_exchanges(xs, ExchangeType::identity_protection, Side::b), 1u);
    EXPECT_EQ(count_exchanges(xs, ExchangeType::quick), 0u);
    for (const auto& x : xs) {
        if (x.type == ExchangeType::identity_protection) {
            EXPECT_EQ(x.first_local_port, kNatTPort);
        }
    }
    // a adopted its IPsec SA into the new ISAKMP SA; b's Delete of the old
    // ISAKMP SA removed only that.
    const auto after = p.a().core->status();
    ASSERT_EQ(after.isakmp.size(), 1u);
    EXPECT_NE(after.isakmp[0].cookie_i, before.isakmp[0].cookie_i);
    EXPECT_FALSE(after.isakmp[0].initiator);
    ASSERT_EQ(after.ipsec.size(), 1u);
    EXPECT_EQ(after.ipsec[0].id, before.ipsec[0].id);
    EXPECT_EQ(after.ipsec[0].isakmp_sa, after.isakmp[0].id);
    EXPECT_TRUE(p.a().sink->removed.empty());
    EXPECT_TRUE(p.b().sink->removed.empty());
    EXPECT_EQ(p.a().core->rekey_state()->counters.adopted, 1u);

    // Later Deletes and rekeys go through the new ISAKMP SA.
    ASSERT_TRUE(p.a().core->terminate("test").ok());
    p.settle(1s);
    EXPECT_TRUE(p.b().sink->installed.empty());
    EXPECT_TRUE(p.b().core->status().isakmp.empty());
}

TEST(Reauth, InitialContactStillReplacesEverything) {
    // A peer that restarted (INITIAL-CONTACT) is the opposite of a
    // reauthentication: the old SAs go instead of being adopted.
    Conf c({});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    const ChildSaId old_b = p.b().sink->installed.begin()->first;
    // a "reboots": a new core with nothing in it.
    p.a().core.reset();
    IkeContext ctx{p.link().transport(Side::a), p.timers(), *p.a().sink, p.a().config, p.a().secrets,
                   {Endpoint{p.a().addr, kIkePort}, Endpoint{p.a().addr, kNatTPort}}};
    p.a().core = std::make_unique<Ikev1Core>(ctx);
    Ikev1Core* core = p.a().core.get();
    p.link().set_receiver(Side::a, [core](const Datagram& d) { core->on_datagram(d); });
    bring_up(p, p.a());
    EXPECT_EQ(p.b().sink->removed, std::vector<ChildSaId>{old_b});
    EXPECT_EQ(p.b().core->status().isakmp.size(), 1u);
    EXPECT_EQ(p.b().core->rekey_state()->counters.adopted, 0u);
}

}  // namespace
}  // namespace ikeoff::ike::test
