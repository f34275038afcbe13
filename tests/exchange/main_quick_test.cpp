// Main Mode (PSK) + Quick Mode between two in-process peers: both sides
// install the same SAs, NAT-T floats and encapsulates, deletes travel.
#include <gtest/gtest.h>

#include "peers.hpp"

namespace ikeoff::ike::test {
namespace {

using namespace std::chrono_literals;

struct Standard {
    std::string a = conn_text(TwoPeers::kAddrA, TwoPeers::kAddrB, "10.1.0.0/24", "10.2.0.0/24");
    std::string b = conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24");
};

const ChildSaInstall& only(const RecordingSink& s) {
    EXPECT_EQ(s.installed.size(), 1u);
    return s.installed.begin()->second;
}

TEST(MainQuick, InitiatorAndResponderInstallMatchingSas) {
    Standard c;
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    ASSERT_TRUE(r->outcome.established) << r->outcome.reason << " " << r->outcome.detail;
    p.settle();  // QM3 reaches b
    ASSERT_EQ(p.a().sink->installed.size(), 1u);
    ASSERT_EQ(p.b().sink->installed.size(), 1u);
    const ChildSaInstall& x = only(*p.a().sink);
    const ChildSaInstall& y = only(*p.b().sink);
    EXPECT_EQ(compare_pair(x, y), "");
    // SPIs come from each side's own allocator: inbound is ours.
    EXPECT_EQ(x.inbound.spi >> 28, 0xau);
    EXPECT_EQ(y.inbound.spi >> 28, 0xbu);
    EXPECT_EQ(x.selector.local.to_string(), "10.1.0.0/24");
    EXPECT_EQ(x.selector.remote.to_string(), "10.2.0.0/24");
    EXPECT_EQ(x.inbound.enc.alg, ipsec::EncAlg::aes_cbc);
    EXPECT_EQ(x.inbound.enc_key.size(), 16u);
    EXPECT_EQ(x.inbound.integ, ipsec::IntegAlg::hmac_sha1_96);
    EXPECT_EQ(x.inbound.integ_key.size(), 20u);
    EXPECT_FALSE(ct_equal(x.inbound.enc_key, x.outbound.enc_key));  // one KEYMAT per SPI
    EXPECT_FALSE(x.inbound.encap.has_value());  // no NAT between the peers
    EXPECT_EQ(x.outbound.src.to_string(), TwoPeers::kAddrA);
    EXPECT_EQ(x.outbound.dst.to_string(), TwoPeers::kAddrB);

    // Both see one established ISAKMP SA with the same cookies.
    auto sa = p.a().core->status().isakmp;
    auto sb = p.b().core->status().isakmp;
    ASSERT_EQ(sa.size(), 1u);
    ASSERT_EQ(sb.size(), 1u);
    EXPECT_EQ(sa[0].state, "established");
    EXPECT_EQ(sb[0].state, "established");
    EXPECT_EQ(sa[0].cookie_i, sb[0].cookie_i);
    EXPECT_EQ(sa[0].cookie_r, sb[0].cookie_r);
    EXPECT_TRUE(sa[0].initiator);
    EXPECT_FALSE(sb[0].initiator);
    EXPECT_EQ(sa[0].proposal, "aes128-sha1-modp2048");
    EXPECT_EQ(sa[0].remote_id, TwoPeers::kAddrB);
    EXPECT_EQ(sb[0].remote_id, TwoPeers::kAddrA);
    EXPECT_EQ(p.a().core->status().ipsec.size(), 1u);
    EXPECT_EQ(p.b().core->status().ipsec.size(), 1u);

    // Exactly 6 Main Mode and 3 Quick Mode messages crossed the link.
    std::size_t mm = 0, qm = 0;
    for (const auto& rec : p.link().log()) {
        auto h = isakmp::parse_header(rec.datagram.data);
        ASSERT_TRUE(h.ok());
        mm += h->exchange == isakmp::ExchangeType::identity_protection;
        qm += h->exchange == isakmp::ExchangeType::quick;
    }
    EXPECT_EQ(mm, 6u);
    EXPECT_EQ(qm, 3u);
}

TEST(MainQuick, ResponderCanInitiateTooAndSecondUpReusesPhase1) {
    Standard c;
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    auto r = p.up(p.b(), "test");
    ASSERT_TRUE(p.run(r));
    ASSERT_TRUE(r->outcome.established) << r->outcome.reason << " " << r->outcome.detail;
    p.settle();
    EXPECT_EQ(compare_pair(only(*p.a().sink), only(*p.b().sink)), "");
    // Already up: the next `up` answers at once, with no new exchange.
    const std::size_t sent = p.link().counters().sent;
    auto again = p.up(p.b(), "test");
    ASSERT_TRUE(p.run(again, 1s));
    EXPECT_TRUE(again->outcome.established);
    EXPECT_EQ(p.link().counters().sent, sent);
}

TEST(MainQuick, ForcedEncapsulationFloatsToNatTPort) {
    Standard c;
    // forceencaps fakes our NAT-D, as strongSwan with libipsec always does.
    std::string a = conn_text(TwoPeers::kAddrA, TwoPeers::kAddrB, "10.1.0.0/24", "10.2.0.0/24", {"forceencaps=yes"});
    TwoPeers p(a, psk_secrets(), c.b, psk_secrets());
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    ASSERT_TRUE(r->outcome.established) << r->outcome.reason << " " << r->outcome.detail;
    p.settle();
    const ChildSaInstall& x = only(*p.a().sink);
    const ChildSaInstall& y = only(*p.b().sink);
    EXPECT_EQ(compare_pair(x, y), "");
    ASSERT_TRUE(x.outbound.encap.has_value());
    EXPECT_EQ(x.outbound.encap->src_port, kNatTPort);
    EXPECT_EQ(x.outbound.encap->dst_port, kNatTPort);
    // b saw a NAT at a (the fake hash); a saw none at b.
    auto sa = p.a().core->status().isakmp;
    auto sb = p.b().core->status().isakmp;
    EXPECT_FALSE(sa[0].nat_remote);
    EXPECT_TRUE(sb[0].nat_remote);
    EXPECT_EQ(sa[0].local.port, kNatTPort);
    EXPECT_EQ(sb[0].local.port, kNatTPort);
    // Messages 1-4 on 500, everything from MM5 on 4500.
    const auto& log = p.link().log();
    ASSERT_GE(log.size(), 9u);
    for (std::size_t i = 0; i < log.size(); ++i) {
        const uint16_t want = i < 4 ? kIkePort : kNatTPort;
        EXPECT_EQ(log[i].datagram.local.port, want) << "message " << i + 1;
        EXPECT_EQ(log[i].datagram.remote.port, want) << "message " << i + 1;
    }
}

TEST(MainQuick, DeleteFromEitherSideRemovesBoth) {
    for (bool from_a : {true, false}) {
        Standard c;
        TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
        auto r = p.up(p.a(), "test");
        ASSERT_TRUE(p.run(r));
        ASSERT_TRUE(r->outcome.established);
        p.settle();
        ASSERT_EQ(p.b().sink->installed.size(), 1u);
        Peer& who = from_a ? p.a() : p.b();
        ASSERT_TRUE(who.core->terminate("test").ok());
        p.settle();
        for (Peer* peer : {&p.a(), &p.b()}) {
            EXPECT_TRUE(peer->sink->installed.empty()) << peer->name << (from_a ? " (a deleted)" : " (b deleted)");
            EXPECT_EQ(peer->sink->removed.size(), 1u) << peer->name;
            EXPECT_TRUE(peer->core->status().isakmp.empty()) << peer->name;
            EXPECT_TRUE(peer->core->status().ipsec.empty()) << peer->name;
        }
    }
}

TEST(MainQuick, WrongPreSharedKeyFailsWithAuthenticationFailed) {
    Standard c;
    TwoPeers p(c.a, psk_secrets("one"), c.b, psk_secrets("two"));
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    EXPECT_FALSE(r->outcome.established);
    EXPECT_EQ(r->outcome.reason, "AUTHENTICATION-FAILED");
    p.settle(60s);
    EXPECT_TRUE(p.a().sink->installed.empty());
    EXPECT_TRUE(p.b().sink->installed.empty());
    EXPECT_TRUE(p.a().core->status().isakmp.empty());
    EXPECT_TRUE(p.b().core->status().isakmp.empty());  // half-open SA expired
}

TEST(MainQuick, DisjointProposalsFailWithNoProposalChosen) {
    Standard c;
    std::string b = conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24",
                              {"ike=aes256-sha256-modp3072!"});
    TwoPeers p(c.a, psk_secrets(), b, psk_secrets());
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    EXPECT_FALSE(r->outcome.established);
    EXPECT_EQ(r->outcome.reason, "NO-PROPOSAL-CHOSEN");
    EXPECT_TRUE(p.b().core->status().isakmp.empty());
}

TEST(MainQuick, DisjointEspProposalsFailInQuickMode) {
    Standard c;
    std::string b = conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24",
                              {"esp=aes256gcm16!"});
    TwoPeers p(c.a, psk_secrets(), b, psk_secrets());
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    EXPECT_FALSE(r->outcome.established);
    EXPECT_EQ(r->outcome.reason, "NO-PROPOSAL-CHOSEN");
    // Phase 1 stays up; nothing was installed.
    EXPECT_EQ(p.a().core->status().isakmp.size(), 1u);
    EXPECT_TRUE(p.a().sink->installed.empty());
    EXPECT_TRUE(p.b().sink->installed.empty());
}

TEST(MainQuick, SubnetsTheResponderDoesNotCoverAreRefused) {
    Standard c;
    std::string b = conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.9.0.0/24");
    TwoPeers p(c.a, psk_secrets(), b, psk_secrets());
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    EXPECT_FALSE(r->outcome.established);
    EXPECT_EQ(r->outcome.reason, "INVALID-ID-INFORMATION");
}

TEST(MainQuick, UnknownConnectionIsAnError) {
    Standard c;
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    auto st = p.a().core->initiate("nope", [](const Outcome&) { FAIL() << "must not run"; });
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Errc::not_found);
}

}  // namespace
}  // namespace ikeoff::ike::test

namespace ikeoff::ike::test {
namespace {

TEST(MainQuick, MainModeStartingOnNatTPortStaysThere) {
    // strongSwan's reauthentication sends Main Mode #1 straight to 4500.
    std::string a = conn_text(TwoPeers::kAddrA, TwoPeers::kAddrB, "10.1.0.0/24", "10.2.0.0/24",
                              {"leftikeport=4500", "rightikeport=4500"});
    std::string b = conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24");
    TwoPeers p(a, psk_secrets(), b, psk_secrets());
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    ASSERT_TRUE(r->outcome.established) << r->outcome.reason;
    p.settle();
    for (const auto& rec : p.link().log()) {
        EXPECT_EQ(rec.datagram.local.port, kNatTPort);
        EXPECT_EQ(rec.datagram.remote.port, kNatTPort);
    }
    auto sb = p.b().core->status().isakmp;
    ASSERT_EQ(sb.size(), 1u);
    EXPECT_EQ(sb[0].local.port, kNatTPort);
    EXPECT_EQ(compare_pair(p.a().sink->installed.begin()->second, p.b().sink->installed.begin()->second), "");
}

TEST(MainQuick, Ipv6PeersAndSubnets) {
    auto conf = [](const char* l, const char* r, const char* ln, const char* rn) {
        return "conn test\n    keyexchange=ikev1\n    left=" + std::string(l) + "\n    right=" + r +
               "\n    leftsubnet=" + ln + "\n    rightsubnet=" + rn +
               "\n    authby=secret\n    ike=aes128-sha256-ecp256!\n    esp=aes128gcm16!\n    auto=add\n";
    };
    const std::string secrets = "2001:db8::1 2001:db8::2 : PSK \"v6-secret\"\n";
    // left= is taken as the local side (neither address is "local" here).
    TwoPeers p(conf("2001:db8::1", "2001:db8::2", "2001:db8:1::/64", "2001:db8:2::/64"), secrets,
               conf("2001:db8::2", "2001:db8::1", "2001:db8:2::/64", "2001:db8:1::/64"), secrets);
    ASSERT_EQ(p.a().config.connections.size(), 1u);
    ASSERT_EQ(p.b().config.connections.size(), 1u);
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    ASSERT_TRUE(r->outcome.established) << r->outcome.reason;
    p.settle();
    const ChildSaInstall& x = p.a().sink->installed.begin()->second;
    EXPECT_EQ(compare_pair(x, p.b().sink->installed.begin()->second), "");
    EXPECT_EQ(x.selector.local.to_string(), "2001:db8:1::/64");
    EXPECT_TRUE(x.outbound.dst.is_v6());
}

}  // namespace
}  // namespace ikeoff::ike::test

namespace ikeoff::ike::test {
namespace {

TEST(MainQuick, NatedSideSendsKeepalivesOnTheNatTPort) {
    std::string a = conn_text(TwoPeers::kAddrA, TwoPeers::kAddrB, "10.1.0.0/24", "10.2.0.0/24", {"forceencaps=yes"});
    std::string b = conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24");
    TwoPeers p(a, psk_secrets(), b, psk_secrets());
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    ASSERT_TRUE(r->outcome.established);
    p.settle(61s);
    // a looks NATed (forceencaps): one keepalive every 20 s, 4500 -> 4500;
    // b is not behind a NAT and sends none.
    const auto& ka = p.link().keepalives();
    ASSERT_EQ(ka.size(), 3u);
    for (const auto& k : ka) {
        EXPECT_EQ(k.from, MemoryLink::Side::a);
        EXPECT_EQ(k.local.port, kNatTPort);
        EXPECT_EQ(k.remote.port, kNatTPort);
    }
    // They stop with the SA.
    ASSERT_TRUE(p.a().core->terminate("test").ok());
    p.settle(60s);
    EXPECT_EQ(p.link().keepalives().size(), 3u);
}

}  // namespace
}  // namespace ikeoff::ike::test
