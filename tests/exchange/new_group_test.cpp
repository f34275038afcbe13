// New Group Mode (RFC 2409 §5.6) between two in-process peers: either side
// proposes a private MODP group after phase 1, the exchange is protected by
// HASH(1)/HASH(2), unacceptable groups get ATTRIBUTES-NOT-SUPPORTED, and
// Quick Mode PFS then uses the private group.
#include <gtest/gtest.h>

#include "host/ike/rekey_ops.hpp"
#include "host/isakmp/message.hpp"
#include "peers.hpp"
#include "wire_count.hpp"

namespace ikeoff::ike::test {
namespace {

using namespace std::chrono_literals;
using isakmp::ExchangeType;
using Side = MemoryLink::Side;

struct Conf {
    std::string a, b;
    explicit Conf(const std::vector<std::string>& both = {})
        : a(conn_text(TwoPeers::kAddrA, TwoPeers::kAddrB, "10.1.0.0/24", "10.2.0.0/24", both)),
          b(conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24", both)) {}
};

void bring_up(TwoPeers& p, Peer& who) {
    auto r = p.up(who, "test");
    ASSERT_TRUE(p.run(r));
    ASSERT_TRUE(r->outcome.established) << r->outcome.reason << " " << r->outcome.detail;
    p.settle(10ms);
}

// A safe prime offered as a private group: the prime of a well-known group
// (what matters here is the exchange, not where the prime came from), with
// generator `g`. Checking a prime costs ~0.3 s at 2048 bits, so the tests
// stay at 2048 bits and below.
crypto::DhGroup private_group(uint16_t well_known_source, uint8_t g = 2) {
    auto base = crypto::DhGroup::well_known(well_known_source).value();
    const uint8_t gen[] = {g};
    return crypto::DhGroup::custom_modp(base.prime(), gen).value();
}

std::shared_ptr<UpResult> new_group(Peer& who, uint16_t description, crypto::DhGroup g) {
    auto r = std::make_shared<UpResult>();
    auto st = who.core->new_group("test", description, std::move(g), [r](const Outcome& o) {
        EXPECT_FALSE(r->done);
        r->done = true;
        r->outcome = o;
    });
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    return r;
}

const std::vector<std::pair<uint16_t, crypto::DhGroup>>& groups(Peer& p) {
    return p.core->isakmp_sas().at(0)->private_groups;
}

TEST(NewGroupMode, EitherSideAgreesOnAPrivateGroup) {
    Conf c;
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    auto r = new_group(p.a(), 40000, private_group(14));
    ASSERT_TRUE(p.run(r, 10s));
    ASSERT_TRUE(r->outcome.established) << r->outcome.reason << " " << r->outcome.detail;
    ASSERT_EQ(groups(p.a()).size(), 1u);
    ASSERT_EQ(groups(p.b()).size(), 1u);
    EXPECT_EQ(groups(p.b())[0].first, 40000);
    EXPECT_EQ(groups(p.b())[0].second.bits(), 2048u);
    EXPECT_TRUE(ct_equal(groups(p.b())[0].second.prime(), groups(p.a())[0].second.prime()));
    auto xs = wire_exchanges(p.link());
    ASSERT_EQ(count_exchanges(xs, ExchangeType::new_group, Side::a), 1u);
    for (const auto& x : xs) {
        if (x.type == ExchangeType::new_group) {
            EXPECT_EQ(x.messages, 2u);
        }
    }
    // The responder of phase 1 may propose too.
    auto r2 = new_group(p.b(), 40001, private_group(14, 5));
    ASSERT_TRUE(p.run(r2, 10s));
    ASSERT_TRUE(r2->outcome.established) << r2->outcome.reason;
    ASSERT_EQ(groups(p.a()).size(), 2u);
    EXPECT_EQ(groups(p.a())[1].first, 40001);
    EXPECT_EQ(to_hex(groups(p.a())[1].second.generator()), "05");
}

TEST(NewGroupMode, QuickModePfsThenUsesThePrivateGroup) {
    // weakalgs: the private group below is 1536 bits, so its KE payload
    // is told apart from MODP-2048's by size.
    Conf c({"esp=aes128-sha1-modp2048!", "weakalgs=yes"});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    ASSERT_EQ(p.a().core->status().ipsec.at(0).pfs_group, 14);
    auto r = new_group(p.a(), 40000, private_group(5));
    ASSERT_TRUE(p.run(r, 10s));
    ASSERT_TRUE(r->outcome.established);
    // The next Quick Mode (a rekey here) carries a 1536-bit KE and the
    // private Group Description; both sides derive the same KEYMAT.
    const std::size_t log_at = p.link().log().size();
    p.a().core->on_child_sa_event(p.a().sink->installed.begin()->first, ipsec::SaEventKind::soft_expired);
    p.settle(1s);
    ASSERT_EQ(p.a().sink->installed.size(), 2u);
    const ChildSaInstall& x = p.a().sink->installed.rbegin()->second;
    const ChildSaInstall& y = p.b().sink->installed.rbegin()->second;
    EXPECT_EQ(compare_pair(x, y), "");
    auto st = p.a().core->status().ipsec;
    EXPECT_EQ(st.back().pfs_group, 40000);
    EXPECT_EQ(p.b().core->status().ipsec.back().pfs_group, 40000);
    // QM1 is smaller by the difference of the KE payloads (192 vs 256).
    std::size_t qm1_first = 0, qm1_rekey = 0;
    for (std::size_t i = 0; i < p.link().log().size(); ++i) {
        auto h = isakmp::parse_header(p.link().log()[i].datagram.data);
        if (!h.ok() || h->exchange != ExchangeType::quick || p.link().log()[i].from != Side::a) continue;
        const std::size_t size = p.link().log()[i].datagram.data.size();
        if (i < log_at && qm1_first == 0) qm1_first = size;
        if (i >= log_at && qm1_rekey == 0) qm1_rekey = size;
    }
    ASSERT_GT(qm1_rekey, 0u);
    EXPECT_LE(qm1_rekey + 48, qm1_first);
}

TEST(NewGroupMode, WeakGroupIsRefusedWithAttributesNotSupported) {
    Conf c;
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    auto r = new_group(p.a(), 40000, private_group(2));  // 1024 bits
    ASSERT_TRUE(p.run(r, 10s));
    EXPECT_FALSE(r->outcome.established);
    EXPECT_EQ(r->outcome.reason, "ATTRIBUTES-NOT-SUPPORTED");
    EXPECT_TRUE(groups(p.a()).empty());
    EXPECT_TRUE(groups(p.b()).empty());
    p.settle(60s);  // the abandoned exchange times out quietly
    EXPECT_EQ(p.a().core->status().isakmp.size(), 1u);
}

TEST(NewGroupMode, WeakGroupIsAcceptedWithWeakalgs) {
    Conf c({"weakalgs=yes"});
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    auto r = new_group(p.a(), 50000, private_group(2));
    ASSERT_TRUE(p.run(r, 10s));
    EXPECT_TRUE(r->outcome.established) << r->outcome.reason;
    ASSERT_EQ(groups(p.b()).size(), 1u);
    EXPECT_EQ(groups(p.b())[0].second.bits(), 1024u);
}

TEST(NewGroupMode, TamperedRequestChangesNothingAndTheRetransmissionWorks) {
    Conf c;
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    bring_up(p, p.a());
    int tampered = 0;
    p.link().set_filter([&](Side from, Datagram& d) {
        auto h = isakmp::parse_header(d.data);
        if (from == Side::a && h.ok() && h->exchange == ExchangeType::new_group && tampered == 0) {
            ++tampered;
            d.data[d.data.size() - 20] ^= 0x40;
        }
        return MemoryLink::Verdict::deliver;
    });
    auto r = new_group(p.a(), 40000, private_group(14));
    p.settle(1s);
    EXPECT_FALSE(r->done);
    EXPECT_TRUE(groups(p.b()).empty());
    const TaskManager* tm = p.b().core->task_manager(p.b().core->isakmp_sas().at(0)->id);
    EXPECT_GE(tm->counters().rejected + tm->counters().dropped, 1u);
    ASSERT_TRUE(p.run(r, 10s));  // a retransmits after 2 s
    EXPECT_TRUE(r->outcome.established) << r->outcome.reason;
    EXPECT_EQ(groups(p.b()).size(), 1u);
}

TEST(NewGroupMode, RequestsThatCannotWork) {
    Conf c;
    TwoPeers p(c.a, psk_secrets(), c.b, psk_secrets());
    auto done = [](const Outcome&) { ADD_FAILURE() << "must not run"; };
    // Before phase 1 (RFC 2409 §5.6: not before an ISAKMP SA exists).
    auto st = p.a().core->new_group("test", 40000, private_group(14), done);
    EXPECT_FALSE(st.ok());
    bring_up(p, p.a());
    st = p.a().core->new_group("test", 20, private_group(14), done);  // not a private description
    EXPECT_FALSE(st.ok());
    st = p.a().core->new_group("nope", 40000, private_group(14), done);
    EXPECT_FALSE(st.ok());
}

TEST(NewGroupDecode, OnlyUsablePrivateModpGroups) {
    auto g14 = crypto::DhGroup::well_known(14).value();
    NewGroup g{40000, private_group(14)};
    isakmp::Transform t = new_group_offer(g).proposals.at(0).transforms.at(0);
    auto ok = decode_new_group(t, false);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->description, 40000);
    EXPECT_EQ(ok->group.bits(), 2048u);
    // Generator as a basic attribute (RFC 2409 Appendix A allows it).
    isakmp::Transform basic = t;
    for (auto& a : basic.attributes) {
        if (a.type == static_cast<uint16_t>(isakmp::OakleyAttr::group_generator_one)) a = isakmp::Attribute::basic(a.type, 2);
    }
    EXPECT_TRUE(decode_new_group(basic, false).ok());

    auto refused = [&](isakmp::Transform x) {
        auto r = decode_new_group(x, true);
        return !r.ok() && r.error().notify == isakmp::NotifyType::attributes_not_supported;
    };
    isakmp::Transform low = t;
    low.attributes[0] = isakmp::Attribute::basic(low.attributes[0].type, 14);
    EXPECT_TRUE(refused(low)) << "descriptions below 2^15 are not private";
    isakmp::Transform ec2n = t;
    ec2n.attributes[1] = isakmp::Attribute::basic(ec2n.attributes[1].type, 3);
    EXPECT_TRUE(refused(ec2n));
    isakmp::Transform not_prime = t;
    Bytes p(g14.prime().begin(), g14.prime().end());
    p.back() ^= 2;  // still odd, no longer a (safe) prime
    not_prime.attributes[2] = isakmp::Attribute::variable(not_prime.attributes[2].type, p);
    EXPECT_TRUE(refused(not_prime));
    isakmp::Transform no_gen = t;
    no_gen.attributes.pop_back();
    EXPECT_TRUE(refused(no_gen));
    isakmp::Transform extra = t;
    extra.attributes.push_back(isakmp::Attribute::basic(static_cast<uint16_t>(isakmp::OakleyAttr::hash_algorithm), 2));
    EXPECT_TRUE(refused(extra));
}

}  // namespace
}  // namespace ikeoff::ike::test
