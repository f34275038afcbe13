// Quick Mode variety: AH, AEAD and long keys (KEYMAT expansion), several
// proposals, PFS groups, responder lifetimes, transport mode, phase-1
// proposals of issue 3.
#include <gtest/gtest.h>

#include "peers.hpp"

namespace ikeoff::ike::test {
namespace {

using namespace std::chrono_literals;

std::string conf_a(std::vector<std::string> extra = {}) {
    return conn_text(TwoPeers::kAddrA, TwoPeers::kAddrB, "10.1.0.0/24", "10.2.0.0/24", std::move(extra));
}
std::string conf_b(std::vector<std::string> extra = {}) {
    return conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24", std::move(extra));
}

// Brings `p` up from a and returns a's installed pair (after checking b's matches).
const ChildSaInstall* up_and_compare(TwoPeers& p) {
    auto r = p.up(p.a(), "test");
    EXPECT_TRUE(p.run(r));
    EXPECT_TRUE(r->outcome.established) << r->outcome.reason << " " << r->outcome.detail;
    if (!r->outcome.established) return nullptr;
    p.settle();
    EXPECT_EQ(p.a().sink->installed.size(), 1u);
    EXPECT_EQ(p.b().sink->installed.size(), 1u);
    if (p.a().sink->installed.size() != 1 || p.b().sink->installed.size() != 1) return nullptr;
    const ChildSaInstall& x = p.a().sink->installed.begin()->second;
    EXPECT_EQ(compare_pair(x, p.b().sink->installed.begin()->second), "");
    return &x;
}

struct EspCase {
    const char* esp;
    ipsec::EncAlg enc;
    std::size_t enc_key;  // with salt
    ipsec::IntegAlg integ;
    std::size_t integ_key;
};

class EspProposals : public ::testing::TestWithParam<EspCase> {};

TEST_P(EspProposals, BothSidesDeriveTheSameKeysOfTheRightSize) {
    const EspCase& c = GetParam();
    std::string esp = std::string("esp=") + c.esp + "!";
    TwoPeers p(conf_a({esp}), psk_secrets(), conf_b({esp}), psk_secrets());
    const ChildSaInstall* x = up_and_compare(p);
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->outbound.protocol, ipsec::Protocol::esp);
    EXPECT_EQ(x->outbound.enc.alg, c.enc);
    EXPECT_EQ(x->outbound.enc_key.size(), c.enc_key);
    EXPECT_EQ(x->outbound.integ, c.integ);
    EXPECT_EQ(x->outbound.integ_key.size(), c.integ_key);
    // The two directions use different KEYMAT (different SPIs).
    EXPECT_FALSE(ct_equal(x->outbound.enc_key, x->inbound.enc_key));
}

INSTANTIATE_TEST_SUITE_P(
    Esp, EspProposals,
    ::testing::Values(EspCase{"aes128-sha1", ipsec::EncAlg::aes_cbc, 16, ipsec::IntegAlg::hmac_sha1_96, 20},
                      EspCase{"aes256-sha256", ipsec::EncAlg::aes_cbc, 32, ipsec::IntegAlg::hmac_sha256_128, 32},
                      // 32 + 64 bytes of KEYMAT from a 20-byte PRF: five rounds of expansion
                      EspCase{"aes256-sha512", ipsec::EncAlg::aes_cbc, 32, ipsec::IntegAlg::hmac_sha512_256, 64},
                      EspCase{"aes192-sha384", ipsec::EncAlg::aes_cbc, 24, ipsec::IntegAlg::hmac_sha384_192, 48},
                      EspCase{"3des-sha1", ipsec::EncAlg::tdes_cbc, 24, ipsec::IntegAlg::hmac_sha1_96, 20},
                      EspCase{"aes128gcm16", ipsec::EncAlg::aes_gcm16, 20, ipsec::IntegAlg::none, 0},
                      EspCase{"aes256gcm16", ipsec::EncAlg::aes_gcm16, 36, ipsec::IntegAlg::none, 0},
                      EspCase{"aes128gmac", ipsec::EncAlg::aes_gmac, 20, ipsec::IntegAlg::none, 0}),
    [](const auto& info) {
        std::string n = info.param.esp;
        for (char& ch : n) {
            if (ch == '-') ch = '_';
        }
        return n;
    });

TEST(Phase2, AhOnly) {
    TwoPeers p(conf_a({"esp=", "ah=sha256!"}), psk_secrets(), conf_b({"esp=", "ah=sha256!"}), psk_secrets());
    const ChildSaInstall* x = up_and_compare(p);
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->outbound.protocol, ipsec::Protocol::ah);
    EXPECT_EQ(x->outbound.enc.alg, ipsec::EncAlg::null);
    EXPECT_TRUE(x->outbound.enc_key.empty());
    EXPECT_EQ(x->outbound.integ, ipsec::IntegAlg::hmac_sha256_128);
    EXPECT_EQ(x->outbound.integ_key.size(), 32u);
}

TEST(Phase2, ResponderPicksByItsOwnOrderAmongSeveralProposals) {
    // a offers three; b accepts only its second choice's algorithms... in
    // b's preference order (prefer_configured_proposals=yes, strongSwan's
    // default): b lists 3des-sha1 before aes256-sha256.
    TwoPeers p(conf_a({"esp=aes128gcm16,aes256-sha256,3des-sha1!"}), psk_secrets(),
               conf_b({"esp=3des-sha1,aes256-sha256!"}), psk_secrets());
    const ChildSaInstall* x = up_and_compare(p);
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->outbound.enc.alg, ipsec::EncAlg::tdes_cbc);
}

TEST(Phase2, PfsGroupsIncludingElliptic) {
    for (const char* g : {"modp2048", "modp3072", "ecp256", "ecp384", "modp1024"}) {
        std::string esp = std::string("esp=aes128-sha1-") + g + "!";
        TwoPeers p(conf_a({esp}), psk_secrets(), conf_b({esp}), psk_secrets());
        ASSERT_NE(up_and_compare(p), nullptr) << g;
        auto st = p.a().core->status().ipsec;
        ASSERT_EQ(st.size(), 1u);
        EXPECT_EQ(config::dh_group_name(st[0].pfs_group), g);
        // The Quick Mode carried KE payloads both ways.
        std::size_t qm = 0;
        for (const auto& rec : p.link().log()) {
            auto h = isakmp::parse_header(rec.datagram.data);
            qm += h.ok() && h->exchange == isakmp::ExchangeType::quick;
        }
        EXPECT_EQ(qm, 3u);
    }
}

TEST(Phase2, PfsMismatchIsRefused) {
    TwoPeers p(conf_a({"esp=aes128-sha1-modp2048!"}), psk_secrets(), conf_b({"esp=aes128-sha1!"}), psk_secrets());
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    EXPECT_FALSE(r->outcome.established);
    EXPECT_EQ(r->outcome.reason, "NO-PROPOSAL-CHOSEN");
}

TEST(Phase2, ResponderLifetimeShortensTheInitiators) {
    TwoPeers p(conf_a({"lifetime=2h", "lifebytes=100000000"}), psk_secrets(),
               conf_b({"lifetime=1h", "lifebytes=50000000"}), psk_secrets());
    const ChildSaInstall* x = up_and_compare(p);
    ASSERT_NE(x, nullptr);
    auto sa = p.a().core->status().ipsec;
    auto sb = p.b().core->status().ipsec;
    ASSERT_EQ(sa.size(), 1u);
    ASSERT_EQ(sb.size(), 1u);
    // RFC 2407 §4.6.3.1: both sides end up with the responder's values.
    EXPECT_EQ(sa[0].lifetime_s, 3600);
    EXPECT_EQ(sb[0].lifetime_s, 3600);
    EXPECT_EQ(sa[0].lifetime_kb, 50000000u / 1024);
    EXPECT_EQ(sb[0].lifetime_kb, 50000000u / 1024);
    // The engine enforces the volume: a's hard byte limit is the agreed one.
    EXPECT_EQ(x->outbound.hard.bytes, (50000000u / 1024) * 1024);
    EXPECT_GT(x->outbound.soft.bytes, 0u);
    EXPECT_LT(x->outbound.soft.bytes, x->outbound.hard.bytes);
}

TEST(Phase2, TransportModeHostToHost) {
    for (bool nat : {false, true}) {
        std::vector<std::string> extra_a{"type=transport", "leftsubnet=", "rightsubnet="};
        if (nat) extra_a.push_back("forceencaps=yes");
        TwoPeers p(conf_a(extra_a), psk_secrets(), conf_b({"type=transport", "leftsubnet=", "rightsubnet="}),
                   psk_secrets());
        const ChildSaInstall* x = up_and_compare(p);
        ASSERT_NE(x, nullptr) << (nat ? "with NAT-T" : "plain");
        EXPECT_EQ(x->outbound.mode, ipsec::Mode::transport);
        EXPECT_EQ(x->outbound.encap.has_value(), nat);
        EXPECT_EQ(x->selector.local.to_string(), "10.0.0.1/32");
        EXPECT_EQ(x->selector.remote.to_string(), "10.0.0.2/32");
    }
}

TEST(Phase2, ModeMismatchIsRefused) {
    TwoPeers p(conf_a({"type=transport", "leftsubnet=", "rightsubnet="}), psk_secrets(),
               conf_b({"leftsubnet=", "rightsubnet="}), psk_secrets());
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    EXPECT_FALSE(r->outcome.established);
    EXPECT_EQ(r->outcome.reason, "NO-PROPOSAL-CHOSEN");
}

TEST(Phase1, ProposalsOfTheIssueAndMore) {
    for (const char* ike : {"aes128-sha1-modp2048", "aes256-sha256-modp3072", "3des-sha1-modp1024",
                            "aes128-sha256-ecp256", "aes256-sha384-ecp384", "aes192-sha512-modp4096",
                            "aes256-sha512-ecp521"}) {
        std::string kv = std::string("ike=") + ike + "!";
        TwoPeers p(conf_a({kv}), psk_secrets(), conf_b({kv}), psk_secrets());
        ASSERT_NE(up_and_compare(p), nullptr) << ike;
        auto s = p.b().core->status().isakmp;
        ASSERT_EQ(s.size(), 1u);
        EXPECT_EQ(s[0].proposal, ike);
    }
}

TEST(Phase1, ResponderPicksFromSeveralTransforms) {
    TwoPeers p(conf_a({"ike=aes128-sha1-modp2048,aes256-sha256-modp3072,3des-sha1-modp1024!"}), psk_secrets(),
               conf_b({"ike=aes256-sha256-modp3072!"}), psk_secrets());
    ASSERT_NE(up_and_compare(p), nullptr);
    EXPECT_EQ(p.a().core->status().isakmp[0].proposal, "aes256-sha256-modp3072");
}

TEST(Phase1, WeakAlgorithmsOnlyWhenConfigured) {
    // DES/MD5 are refused by the configuration loader unless weakalgs=yes.
    TwoPeers p(conf_a({"ike=des-md5-modp1024!", "esp=3des-md5!", "weakalgs=yes"}), psk_secrets(),
               conf_b({"ike=des-md5-modp1024!", "esp=3des-md5!", "weakalgs=yes"}), psk_secrets());
    const ChildSaInstall* x = up_and_compare(p);
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->outbound.integ, ipsec::IntegAlg::hmac_md5_96);
    EXPECT_TRUE(x->outbound.allow_weak);
}

}  // namespace
}  // namespace ikeoff::ike::test

namespace ikeoff::ike::test {
namespace {

TEST(Phase2, CommitBitMakesTheResponderWaitForConnected) {
    for (bool lose_connected : {false, true}) {
        IkeTuning committing;
        committing.request_commit = true;
        TwoPeers p(conf_a(), psk_secrets(), conf_b(), psk_secrets(), committing);
        // Only a initiates, so only a sets the bit; b honours it.
        std::size_t connected_seen = 0;
        p.link().set_filter([&](MemoryLink::Side from, Datagram& d) {
            auto h = isakmp::parse_header(d.data);
            if (h.ok() && h->exchange == isakmp::ExchangeType::quick && from == MemoryLink::Side::a) {
                EXPECT_TRUE(h->commit());
            }
            if (h.ok() && h->exchange == isakmp::ExchangeType::informational && from == MemoryLink::Side::a) {
                ++connected_seen;
                if (lose_connected) return MemoryLink::Verdict::drop;
            }
            return MemoryLink::Verdict::deliver;
        });
        auto r = p.up(p.a(), "test");
        ASSERT_TRUE(p.run(r));
        ASSERT_TRUE(r->outcome.established) << r->outcome.reason;
        p.settle();
        EXPECT_EQ(connected_seen, 1u);
        EXPECT_EQ(p.a().sink->installed.size(), 1u);
        // b installs exactly when CONNECTED got through.
        EXPECT_EQ(p.b().sink->installed.size(), lose_connected ? 0u : 1u);
        if (!lose_connected) {
            EXPECT_EQ(compare_pair(p.a().sink->installed.begin()->second, p.b().sink->installed.begin()->second), "");
        }
    }
}

}  // namespace
}  // namespace ikeoff::ike::test
