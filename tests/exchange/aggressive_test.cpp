// Aggressive Mode (PSK) + Quick Mode between two in-process peers.
#include <gtest/gtest.h>

#include "peers.hpp"

namespace ikeoff::ike::test {
namespace {

using namespace std::chrono_literals;

std::string am_conf(bool a_side, std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), "aggressive=yes");
    return a_side ? conn_text(TwoPeers::kAddrA, TwoPeers::kAddrB, "10.1.0.0/24", "10.2.0.0/24", extra)
                  : conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24", extra);
}

std::size_t count_exchange(MemoryLink& link, isakmp::ExchangeType t) {
    std::size_t n = 0;
    for (const auto& rec : link.log()) {
        auto h = isakmp::parse_header(rec.datagram.data);
        n += h.ok() && h->exchange == t;
    }
    return n;
}

TEST(Aggressive, PskBothRolesInstallMatchingSas) {
    for (bool nat : {false, true}) {
        std::vector<std::string> extra;
        if (nat) extra.push_back("forceencaps=yes");
        TwoPeers p(am_conf(true, extra), psk_secrets(), am_conf(false), psk_secrets());
        auto r = p.up(p.a(), "test");
        ASSERT_TRUE(p.run(r));
        ASSERT_TRUE(r->outcome.established) << r->outcome.reason << " " << r->outcome.detail;
        p.settle();
        ASSERT_EQ(p.a().sink->installed.size(), 1u);
        ASSERT_EQ(p.b().sink->installed.size(), 1u);
        const ChildSaInstall& x = p.a().sink->installed.begin()->second;
        const ChildSaInstall& y = p.b().sink->installed.begin()->second;
        EXPECT_EQ(compare_pair(x, y), "");
        EXPECT_EQ(x.outbound.encap.has_value(), nat);
        EXPECT_EQ(count_exchange(p.link(), isakmp::ExchangeType::aggressive), 3u);
        EXPECT_EQ(count_exchange(p.link(), isakmp::ExchangeType::identity_protection), 0u);
        auto sb = p.b().core->status().isakmp;
        ASSERT_EQ(sb.size(), 1u);
        EXPECT_EQ(sb[0].exchange, "aggressive");
        EXPECT_EQ(sb[0].state, "established");
        EXPECT_EQ(sb[0].remote_id, TwoPeers::kAddrA);
        // Message 3 is encrypted (as strongSwan sends it).
        for (const auto& rec : p.link().log()) {
            auto h = isakmp::parse_header(rec.datagram.data);
            if (h->exchange == isakmp::ExchangeType::aggressive && rec.from == MemoryLink::Side::a &&
                !isakmp::is_zero(h->responder_cookie)) {
                EXPECT_TRUE(h->encrypted());
            }
        }
    }
}

TEST(Aggressive, ResponderAnswersWhateverItsConnSays) {
    // b's connection does not ask for Aggressive Mode but still answers it.
    TwoPeers p(am_conf(true), psk_secrets(),
               conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24"), psk_secrets());
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    EXPECT_TRUE(r->outcome.established) << r->outcome.reason;
}

TEST(Aggressive, WrongPskFails) {
    TwoPeers p(am_conf(true), psk_secrets("one"), am_conf(false), psk_secrets("two"));
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    EXPECT_FALSE(r->outcome.established);
    EXPECT_EQ(r->outcome.reason, "AUTHENTICATION-FAILED");
    EXPECT_TRUE(p.a().sink->installed.empty());
    EXPECT_TRUE(p.b().sink->installed.empty());
}

TEST(Aggressive, InitiatorOffersOnlyTransformsOfItsKeGroup) {
    // a offers modp2048 first and ecp256 second; b accepts only ecp256.
    TwoPeers p(am_conf(true, {"ike=aes128-sha1-modp2048,aes128-sha1-ecp256!"}), psk_secrets(),
               am_conf(false, {"ike=aes128-sha1-ecp256!"}), psk_secrets());
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    EXPECT_FALSE(r->outcome.established);
    EXPECT_EQ(r->outcome.reason, "NO-PROPOSAL-CHOSEN");
}

}  // namespace
}  // namespace ikeoff::ike::test
