// Diffie-Hellman: the MODP table against the vector file, agreement for
// every group, RFC 5903 ECDH known answers, peer-value validation, padding
// and New Group Mode groups.
#include <gtest/gtest.h>

#include <openssl/bn.h>

#include "host/crypto/dh.hpp"
#include "tests/unit/crypto/test_util.hpp"

namespace ikeoff::crypto {
namespace {

using testutil::hexb;

TEST(DhGroups, ModpPrimesMatchTheRfcValues) {
    auto doc = testutil::load_vectors("dh_modp_groups.json");
    int n = 0;
    for (const auto& v : doc["vectors"]) {
        auto id = static_cast<uint16_t>(testutil::num(v["group"]));
        auto g = DhGroup::well_known(id);
        ASSERT_TRUE(g.ok()) << id << ": " << g.error().message;
        EXPECT_EQ(g->kind(), DhKind::modp);
        EXPECT_EQ(to_hex(g->prime()), v["prime"].get<std::string>()) << "group " << id;
        EXPECT_EQ(to_hex(g->generator()), v["generator"].get<std::string>()) << "group " << id;
        EXPECT_EQ(static_cast<long>(g->bits()), testutil::num(v["bits"])) << "group " << id;
        EXPECT_EQ(g->public_value_size() * 8, g->bits());
        EXPECT_EQ(g->name(), "modp" + std::to_string(g->bits()));
        ++n;
    }
    EXPECT_EQ(n, 8);
}

TEST(DhGroups, UnsupportedIdsAreRefused) {
    for (uint16_t id : {0, 3, 4, 22, 31, 999}) {
        auto g = DhGroup::well_known(id);
        ASSERT_FALSE(g.ok()) << id;
        EXPECT_EQ(g.error().code, Errc::unsupported);
    }
    EXPECT_TRUE(DhGroup::well_known(2)->is_weak());
    EXPECT_FALSE(DhGroup::well_known(14)->is_weak());
    EXPECT_FALSE(DhGroup::well_known(19)->is_weak());
}

class DhAgreement : public ::testing::TestWithParam<uint16_t> {};

TEST_P(DhAgreement, BothSidesDeriveTheSameSecret) {
    auto g = DhGroup::well_known(GetParam());
    ASSERT_TRUE(g.ok()) << g.error().message;
    auto a = DhKeyExchange::generate(*g);
    auto b = DhKeyExchange::generate(*g);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->public_value().size(), g->public_value_size());
    EXPECT_NE(to_hex(a->public_value()), to_hex(b->public_value()));
    EXPECT_TRUE(g->check_public_value(a->public_value()).ok());
    auto s1 = a->derive(b->public_value());
    auto s2 = b->derive(a->public_value());
    ASSERT_TRUE(s1.ok()) << s1.error().message;
    ASSERT_TRUE(s2.ok()) << s2.error().message;
    EXPECT_EQ(s1->size(), g->shared_secret_size());
    EXPECT_EQ(to_hex(*s1), to_hex(*s2));
    // A third party gets a different secret.
    auto c = DhKeyExchange::generate(*g);
    ASSERT_TRUE(c.ok());
    EXPECT_NE(to_hex(*a->derive(c->public_value())), to_hex(*s1));
}

INSTANTIATE_TEST_SUITE_P(AllGroups, DhAgreement, ::testing::ValuesIn(DhGroup::supported_ids().begin(),
                                                                     DhGroup::supported_ids().end()));

TEST(DhEcp, Rfc5903KnownAnswers) {
    auto doc = testutil::load_vectors("dh_ecp_groups_rfc5903.json");
    int n = 0;
    for (const auto& v : doc["vectors"]) {
        auto id = static_cast<uint16_t>(testutil::num(v["group"]));
        auto g = DhGroup::well_known(id);
        ASSERT_TRUE(g.ok()) << g.error().message;
        EXPECT_EQ(static_cast<long>(g->shared_secret_size()), testutil::num(v["field_bytes"]));
        auto i = DhKeyExchange::from_private(*g, hexb(v["i"]));
        auto r = DhKeyExchange::from_private(*g, hexb(v["r"]));
        ASSERT_TRUE(i.ok()) << i.error().message;
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(to_hex(i->public_value()), v["ke_payload_i"].get<std::string>()) << id;
        EXPECT_EQ(to_hex(r->public_value()), v["ke_payload_r"].get<std::string>()) << id;
        auto si = i->derive(hexb(v["ke_payload_r"]));
        auto sr = r->derive(hexb(v["ke_payload_i"]));
        ASSERT_TRUE(si.ok() && sr.ok());
        // RFC 5903 §9: the shared secret is the x coordinate only.
        EXPECT_EQ(to_hex(*si), v["shared_secret"].get<std::string>()) << id;
        EXPECT_EQ(to_hex(*sr), v["shared_secret"].get<std::string>()) << id;
        ++n;
    }
    EXPECT_EQ(n, 3);
}

TEST(DhEcp, RejectsPointsOffTheCurveAndBadEncodings) {
    auto doc = testutil::load_vectors("dh_ecp_groups_rfc5903.json");
    for (const auto& v : doc["vectors"]) {
        auto g = DhGroup::well_known(static_cast<uint16_t>(testutil::num(v["group"])));
        ASSERT_TRUE(g.ok());
        auto i = DhKeyExchange::from_private(*g, hexb(v["i"]));
        ASSERT_TRUE(i.ok());
        Bytes good = hexb(v["ke_payload_r"]);
        ASSERT_TRUE(g->check_public_value(good).ok());

        Bytes off = good;
        off.back() ^= 0x01;  // y changed: not on the curve
        EXPECT_EQ(g->check_public_value(off).error().code, Errc::invalid_argument);
        EXPECT_FALSE(i->derive(off).ok());

        Bytes with_prefix = good;  // SEC1 0x04 prefix is not the IKE encoding
        with_prefix.insert(with_prefix.begin(), 0x04);
        EXPECT_FALSE(g->check_public_value(with_prefix).ok());
        EXPECT_FALSE(g->check_public_value(ByteView(good).first(good.size() - 1)).ok());

        Bytes x_too_big = good;  // x = p (all coordinates must be < p)
        Bytes p = hexb(v["p"]);
        std::copy(p.begin(), p.end(), x_too_big.begin());
        EXPECT_FALSE(g->check_public_value(x_too_big).ok());

        Bytes zeros(good.size(), 0);  // (0, 0) is not on these curves
        EXPECT_FALSE(g->check_public_value(zeros).ok());
    }
}

TEST(DhModp, RangeCheckRejectsDegenerateValues) {
    auto g = DhGroup::well_known(14);
    ASSERT_TRUE(g.ok());
    const std::size_t n = g->public_value_size();
    Bytes p(g->prime().begin(), g->prime().end());
    Bytes zero(n, 0), one(n, 0), two(n, 0), pm1 = p, pm2 = p;
    one.back() = 1;
    two.back() = 2;
    pm1.back() -= 1;  // p ends in 0xff
    pm2.back() -= 2;
    EXPECT_FALSE(g->check_public_value(zero).ok());
    EXPECT_FALSE(g->check_public_value(one).ok());
    EXPECT_FALSE(g->check_public_value(pm1).ok());
    EXPECT_FALSE(g->check_public_value(p).ok());
    Bytes all_ff(n, 0xff);  // > p
    EXPECT_FALSE(g->check_public_value(all_ff).ok());
    EXPECT_TRUE(g->check_public_value(two).ok());
    EXPECT_TRUE(g->check_public_value(pm2).ok());
    // Length must be exactly the size of p (left-padded), not shorter.
    Bytes short_two{2};
    EXPECT_EQ(g->check_public_value(short_two).error().code, Errc::invalid_argument);

    auto a = DhKeyExchange::generate(*g);
    ASSERT_TRUE(a.ok());
    EXPECT_FALSE(a->derive(one).ok());
    EXPECT_FALSE(a->derive(pm1).ok());
}

TEST(DhModp, SharedSecretIsLeftPaddedToThePrimeSize) {
    // With x = 100 and the peer value 2, g^xy = 2^100: 13 significant bytes
    // that must come out left-padded to 256 bytes.
    auto g = DhGroup::well_known(14);
    ASSERT_TRUE(g.ok());
    auto a = DhKeyExchange::from_private(*g, Bytes{100});
    ASSERT_TRUE(a.ok()) << a.error().message;
    Bytes two(g->public_value_size(), 0);
    two.back() = 2;
    auto s = a->derive(two);
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_EQ(s->size(), 256u);
    Bytes expected(256, 0);
    expected[256 - 13] = 0x10;  // 2^100 = 0x10 << 96
    EXPECT_EQ(to_hex(*s), to_hex(expected));
    // Our own public value 2^100 is left-padded in the same way.
    EXPECT_EQ(to_hex(a->public_value()), to_hex(expected));
}

TEST(DhModp, KnownAnswerAgainstBignumArithmetic) {
    // g^(xy) computed independently with BN_mod_exp for fixed exponents.
    auto g = DhGroup::well_known(2);
    ASSERT_TRUE(g.ok());
    Bytes x = hexb("0123456789abcdef0123456789abcdef0123456789"), y = hexb("fedcba9876543210fedcba9876543210fedcba98");
    auto a = DhKeyExchange::from_private(*g, x);
    auto b = DhKeyExchange::from_private(*g, y);
    ASSERT_TRUE(a.ok() && b.ok());
    auto s = a->derive(b->public_value());
    ASSERT_TRUE(s.ok());

    BIGNUM* p = BN_bin2bn(g->prime().data(), static_cast<int>(g->prime().size()), nullptr);
    BIGNUM* bx = BN_bin2bn(x.data(), static_cast<int>(x.size()), nullptr);
    BIGNUM* by = BN_bin2bn(y.data(), static_cast<int>(y.size()), nullptr);
    BIGNUM* two = BN_new();
    BIGNUM* r = BN_new();
    BIGNUM* e = BN_new();
    BN_CTX* ctx = BN_CTX_new();
    BN_set_word(two, 2);
    BN_mul(e, bx, by, ctx);
    BN_mod_exp(r, two, e, p, ctx);
    Bytes want(128);
    BN_bn2binpad(r, want.data(), 128);
    BN_free(p), BN_free(bx), BN_free(by), BN_free(two), BN_free(r), BN_free(e), BN_CTX_free(ctx);
    EXPECT_EQ(to_hex(*s), to_hex(want));
}

TEST(DhNewGroupMode, SafePrimeGroupIsAcceptedAndWorks) {
    auto g14 = DhGroup::well_known(14);
    ASSERT_TRUE(g14.ok());
    // Leading zero octets in the attribute are tolerated.
    Bytes prime(1, 0);
    prime.insert(prime.end(), g14->prime().begin(), g14->prime().end());
    auto g = DhGroup::custom_modp(prime, Bytes{0x05});
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_EQ(g->id(), 0);
    EXPECT_EQ(g->bits(), 2048u);
    EXPECT_EQ(g->name(), "modp2048-custom");
    auto a = DhKeyExchange::generate(*g);
    auto b = DhKeyExchange::generate(*g);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(to_hex(*a->derive(b->public_value())), to_hex(*b->derive(a->public_value())));
}

TEST(DhNewGroupMode, NonSafePrimesAndBadGeneratorsAreRefused) {
    // A random 768-bit prime is (overwhelmingly likely) not a safe prime.
    BIGNUM* p = BN_new();
    ASSERT_EQ(BN_generate_prime_ex(p, 768, 0, nullptr, nullptr, nullptr), 1);
    Bytes pb(96);
    BN_bn2binpad(p, pb.data(), 96);
    BN_free(p);
    auto r = DhGroup::custom_modp(pb, Bytes{2});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::unsupported);

    auto g2 = DhGroup::well_known(2);
    Bytes prime(g2->prime().begin(), g2->prime().end());
    EXPECT_FALSE(DhGroup::custom_modp(prime, Bytes{1}).ok());          // g = 1
    Bytes pm1 = prime;
    pm1.back() -= 1;
    EXPECT_FALSE(DhGroup::custom_modp(prime, pm1).ok());                // g = p-1
    EXPECT_EQ(DhGroup::custom_modp(Bytes(64, 0xff), Bytes{2}).error().code, Errc::unsupported);  // 512 bits
    Bytes even = prime;
    even.back() = 0xfe;  // not prime
    EXPECT_EQ(DhGroup::custom_modp(even, Bytes{2}).error().code, Errc::unsupported);
}

}  // namespace
}  // namespace ikeoff::crypto
