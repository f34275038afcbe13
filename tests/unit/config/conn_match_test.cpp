// Responder connection lookup by address and identity, and Quick Mode
// identity containment.
#include "host/config/conn_match.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ikeoff::config {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

Config load(const char* text) {
    LoadOptions o;
    o.check_files = false;
    o.is_local_address = [](const IpAddress& a) { return a == *IpAddress::parse("10.0.0.1"); };
    auto r = parse_config(text, "ipsec.conf", o);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(*r) : Config{};
}

const char* kConf =
    "conn %default\n  authby=secret\n  auto=add\n"
    "conn roadwarrior\n  left=10.0.0.1\n  right=%any\n  rightid=%any\n"
    "conn alice\n  left=10.0.0.1\n  right=%any\n  rightid=@alice\n"
    "conn site\n  left=10.0.0.1\n  leftsubnet=10.1.0.0/16\n  right=10.0.0.2\n  rightsubnet=10.2.0.0/16,10.3.0.0/24\n"
    "conn v6\n  left=%any\n  right=%any6\n"
    "conn certs\n  left=10.0.0.1\n  right=%any\n  authby=rsasig\n  leftcert=x.pem\n";

TEST(ConnMatch, CandidatesRankExactAddressesFirst) {
    Config cfg = load(kConf);
    auto c = candidates_for_peer(cfg, ip("10.0.0.1"), ip("10.0.0.2"));
    ASSERT_EQ(c.size(), 4u);   // not v6 (family), the rest
    EXPECT_EQ(c[0]->name, "site");
    EXPECT_EQ(c[1]->name, "roadwarrior");   // then file order among equals
    EXPECT_EQ(c[2]->name, "alice");
    EXPECT_EQ(c[3]->name, "certs");
    auto other_local = candidates_for_peer(cfg, ip("10.0.0.9"), ip("10.0.0.2"));
    EXPECT_TRUE(other_local.empty());
    auto v6 = candidates_for_peer(cfg, ip("2001:db8::1"), ip("2001:db8::2"));
    ASSERT_EQ(v6.size(), 1u);
    EXPECT_EQ(v6[0]->name, "v6");
}

TEST(ConnMatch, IdentityAndAuthRefineTheChoice) {
    Config cfg = load(kConf);
    auto c = candidates_for_peer(cfg, ip("10.0.0.1"), ip("10.0.0.7"));
    const Connection* alice = select_by_identity(c, *Identity::parse("@alice"), AuthMethod::psk);
    ASSERT_NE(alice, nullptr);
    EXPECT_EQ(alice->name, "alice");   // exact ID beats %any
    const Connection* bob = select_by_identity(c, *Identity::parse("@bob"), AuthMethod::psk);
    ASSERT_NE(bob, nullptr);
    EXPECT_EQ(bob->name, "roadwarrior");
    const Connection* sig = select_by_identity(c, *Identity::parse("@bob"), AuthMethod::rsa_sig);
    ASSERT_NE(sig, nullptr);
    EXPECT_EQ(sig->name, "certs");
    EXPECT_EQ(select_by_identity(c, *Identity::parse("@bob"), AuthMethod::dss_sig), nullptr);
}

TEST(ConnMatch, QuickModeIdentitiesMustBeContained) {
    Config cfg = load(kConf);
    const Connection& site = *cfg.find("site");
    auto prefix = [](const char* s) { return *ipsec::IpPrefix::parse(s); };
    ipsec::TrafficSelector exact{prefix("10.1.0.0/16"), prefix("10.3.0.0/24"), 0, {}, {}};
    auto ok = match_quick_mode_ids(site, ip("10.0.0.1"), ip("10.0.0.2"), exact);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(*ok, exact);
    ipsec::TrafficSelector narrower{prefix("10.1.2.0/24"), prefix("10.2.0.5/32"), 6, {}, {80, 80}};
    EXPECT_TRUE(match_quick_mode_ids(site, ip("10.0.0.1"), ip("10.0.0.2"), narrower).ok());
    ipsec::TrafficSelector wider{prefix("10.0.0.0/8"), prefix("10.2.0.0/16"), 0, {}, {}};
    auto bad = match_quick_mode_ids(site, ip("10.0.0.1"), ip("10.0.0.2"), wider);
    ASSERT_FALSE(bad.ok());
    EXPECT_THAT(bad.error().message, ::testing::HasSubstr("conn 'site': peer's identities"));
    ipsec::TrafficSelector v6{prefix("2001:db8::/64"), prefix("10.2.0.0/16"), 0, {}, {}};
    EXPECT_FALSE(match_quick_mode_ids(site, ip("10.0.0.1"), ip("10.0.0.2"), v6).ok());
    // Host-to-host: only the two addresses.
    const Connection& rw = *cfg.find("roadwarrior");
    ipsec::TrafficSelector hosts{prefix("10.0.0.1/32"), prefix("10.0.0.7/32"), 0, {}, {}};
    EXPECT_TRUE(match_quick_mode_ids(rw, ip("10.0.0.1"), ip("10.0.0.7"), hosts).ok());
    ipsec::TrafficSelector net{prefix("10.0.0.0/24"), prefix("10.0.0.7/32"), 0, {}, {}};
    EXPECT_FALSE(match_quick_mode_ids(rw, ip("10.0.0.1"), ip("10.0.0.7"), net).ok());
}

TEST(ConnMatch, PrefixContainment) {
    auto p = [](const char* s) { return *ipsec::IpPrefix::parse(s); };
    EXPECT_TRUE(prefix_contains(p("10.0.0.0/8"), p("10.1.0.0/16")));
    EXPECT_TRUE(prefix_contains(p("10.1.0.0/16"), p("10.1.0.0/16")));
    EXPECT_FALSE(prefix_contains(p("10.1.0.0/16"), p("10.0.0.0/8")));
    EXPECT_FALSE(prefix_contains(p("10.1.0.0/16"), p("10.2.0.0/24")));
    EXPECT_TRUE(prefix_contains(p("0.0.0.0/0"), p("192.168.1.1/32")));
    EXPECT_FALSE(prefix_contains(p("::/0"), p("192.168.1.1/32")));
}

}  // namespace
}  // namespace ikeoff::config
