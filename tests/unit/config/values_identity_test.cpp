// Value syntaxes (times, counts, subnets, protoport) and identities.
#include <gtest/gtest.h>

#include "host/config/identity.hpp"
#include "host/config/values.hpp"

namespace ikeoff::config {
namespace {

TEST(Values, DurationsWithUnits) {
    EXPECT_EQ(parse_duration("90s")->count(), 90);
    EXPECT_EQ(parse_duration("30m")->count(), 1800);
    EXPECT_EQ(parse_duration("8h")->count(), 28800);
    EXPECT_EQ(parse_duration("1d")->count(), 86400);
    EXPECT_EQ(parse_duration("3600")->count(), 3600);
    EXPECT_EQ(parse_duration(" 2h ")->count(), 7200);
    for (const char* bad : {"", "h", "5x", "-5s", "1.5h", "99999999999d", "5 h"}) {
        auto r = parse_duration(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_NE(r.error().message.find("is not a time"), std::string::npos);
    }
    EXPECT_EQ(format_duration(std::chrono::seconds(10800)), "3h");
    EXPECT_EQ(format_duration(std::chrono::seconds(540)), "9m");
    EXPECT_EQ(format_duration(std::chrono::seconds(61)), "61s");
    EXPECT_EQ(format_duration(std::chrono::seconds(172800)), "2d");
}

TEST(Values, BoolsCountsPercent) {
    EXPECT_TRUE(*parse_bool("yes"));
    EXPECT_FALSE(*parse_bool("no"));
    EXPECT_FALSE(parse_bool("maybe").ok());
    EXPECT_EQ(*parse_count("1000"), 1000u);
    EXPECT_EQ(*parse_count("512k"), 512u * 1024);
    EXPECT_EQ(*parse_count("4G"), 4ull << 30);
    EXPECT_FALSE(parse_count("4T").ok());
    EXPECT_FALSE(parse_count("99999999999999999999").ok());
    EXPECT_EQ(*parse_percent("100%", 1000), 100u);
    EXPECT_EQ(*parse_percent("50", 1000), 50u);
    EXPECT_FALSE(parse_percent("1001%", 1000).ok());
    EXPECT_EQ(parse_uint("70000", 1, 65535).error().message, "70000 is out of range [1, 65535]");
}

TEST(Values, Subnets) {
    auto s = parse_subnets("10.1.0.0/16, 2001:db8::/64,192.168.1.7");
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_EQ(s->size(), 3u);
    EXPECT_EQ((*s)[0].to_string(), "10.1.0.0/16");
    EXPECT_EQ((*s)[1].to_string(), "2001:db8::/64");
    EXPECT_EQ((*s)[2].length, 32);
    EXPECT_EQ(parse_subnets("10.1.0.1/16").error().message, "'10.1.0.1/16' has host bits set (did you mean 10.1.0.0/16?)");
    EXPECT_EQ(parse_subnets("10.1.0.0/33").error().message, "'10.1.0.0/33' is not a subnet (use e.g. 10.1.0.0/16)");
    EXPECT_EQ(parse_subnets("10.1.0.0/16,").error().message, "empty subnet in list");
    EXPECT_EQ(parse_subnets("10.1.0.0/16,10.1.0.0/16").error().message, "subnet 10.1.0.0/16 listed twice");
    EXPECT_FALSE(parse_subnets("gw.example.org/24").ok());
}

TEST(Values, ProtoPort) {
    auto p = parse_protoport("udp/1701");
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->protocol, 17);
    EXPECT_EQ(p->port, 1701);
    EXPECT_EQ(p->to_string(), "udp/1701");
    EXPECT_EQ(parse_protoport("6/%any")->protocol, 6);
    EXPECT_EQ(parse_protoport("icmp")->to_string(), "icmp/%any");
    EXPECT_TRUE(parse_protoport("%any")->any());
    EXPECT_FALSE(parse_protoport("bogus/80").ok());
    EXPECT_FALSE(parse_protoport("tcp/65536").ok());
    EXPECT_EQ(parse_protoport("icmp/8").error().message, "a port needs protocol tcp, udp or sctp, not 'icmp'");
}

TEST(Identity, TextFormsMapToIdTypes) {
    struct C {
        const char* text;
        Identity::Type type;
        const char* shown;
    };
    for (const auto& c : {C{"10.0.0.1", Identity::Type::ipv4_addr, "10.0.0.1"},
                          C{"2001:db8::1", Identity::Type::ipv6_addr, "2001:db8::1"},
                          C{"@moon.example.org", Identity::Type::fqdn, "moon.example.org"},
                          C{"moon.example.org", Identity::Type::fqdn, "moon.example.org"},
                          C{"alice@example.org", Identity::Type::user_fqdn, "alice@example.org"},
                          C{"@@alice@example.org", Identity::Type::user_fqdn, "alice@example.org"},
                          C{"C=CH, O=Example, CN=moon", Identity::Type::der_asn1_dn, "C=CH, O=Example, CN=moon"},
                          C{"@#0a1b2c", Identity::Type::key_id, "@#0a1b2c"}, C{"%any", Identity::Type::any, "%any"}}) {
        auto id = Identity::parse(c.text);
        ASSERT_TRUE(id.ok()) << c.text << ": " << id.error().message;
        EXPECT_EQ(id->type(), c.type) << c.text;
        EXPECT_EQ(id->to_string(), c.shown) << c.text;
    }
    EXPECT_EQ(Identity::parse("10.0.0.1")->data().size(), 4u);
    EXPECT_EQ(Identity::parse("10.0.0.1")->address().to_string(), "10.0.0.1");
}

TEST(Identity, BadTextIsAnError) {
    EXPECT_FALSE(Identity::parse("").ok());
    EXPECT_FALSE(Identity::parse("@").ok());
    EXPECT_FALSE(Identity::parse("@#xyz").ok());
    EXPECT_FALSE(Identity::parse("%group").ok());
    EXPECT_FALSE(Identity::parse("C=CH, =x").ok());
    auto bad_attr = Identity::parse("XX=1, CN=moon");
    ASSERT_FALSE(bad_attr.ok());
    EXPECT_NE(bad_attr.error().message.find("unknown attribute type 'XX'"), std::string::npos);
}

TEST(Identity, DistinguishedNamesCompareCanonically) {
    auto a = Identity::parse("C=CH, O=Example, CN=moon");
    auto b = Identity::parse("c=ch,o=example,  cn=MOON");
    auto c = Identity::parse("C=CH, O=Example, CN=sun");
    auto d = Identity::parse("O=Example, C=CH, CN=moon");
    ASSERT_TRUE(a.ok() && b.ok() && c.ok() && d.ok());
    EXPECT_TRUE(a->same_as(*b));
    EXPECT_FALSE(a->same_as(*c));
    EXPECT_FALSE(a->same_as(*d));   // RDN order matters
    auto e = Identity::parse("C=CH, O=Example, E=moon@example.org, CN=moon");
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->to_string(), "C=CH, O=Example, E=moon@example.org, CN=moon");
    // Escaped comma stays inside the value.
    auto f = Identity::parse("O=Example\\, Inc., CN=moon");
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->to_string(), "O=Example, Inc., CN=moon");
}

TEST(Identity, WireRoundTrip) {
    for (const char* text : {"10.0.0.1", "2001:db8::1", "@moon", "alice@example.org", "C=CH, CN=moon", "@#01020304"}) {
        auto id = Identity::parse(text);
        ASSERT_TRUE(id.ok());
        auto back = Identity::from_wire(id->wire_type(), id->data());
        ASSERT_TRUE(back.ok()) << text << ": " << back.error().message;
        EXPECT_TRUE(back->same_as(*id)) << text;
    }
    EXPECT_FALSE(Identity::from_wire(1, Bytes{1, 2, 3}).ok());
    EXPECT_FALSE(Identity::from_wire(2, Bytes{}).ok());
    EXPECT_FALSE(Identity::from_wire(2, Bytes{'a', 0, 'b'}).ok());
    EXPECT_FALSE(Identity::from_wire(9, Bytes{0x30, 0x05, 0x01}).ok());
    auto subnet = Identity::from_wire(4, Bytes{10, 0, 0, 0, 255, 0, 0, 0});
    ASSERT_FALSE(subnet.ok());
    EXPECT_EQ(subnet.error().code, Errc::unsupported);
}

TEST(Identity, MatchingRules) {
    auto any = Identity::any();
    auto moon = *Identity::parse("@moon");
    auto MOON = *Identity::parse("@MOON");
    auto addr = *Identity::parse("10.0.0.1");
    EXPECT_TRUE(any.matches(moon));
    EXPECT_FALSE(moon.matches(any));
    EXPECT_TRUE(moon.matches(MOON));   // DNS names are case-insensitive
    EXPECT_FALSE(moon.matches(addr));
    EXPECT_FALSE((*Identity::parse("@moon.x")).same_as(*Identity::parse("@@moon.x")));
}

}  // namespace
}  // namespace ikeoff::config
