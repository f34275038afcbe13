// Main and Aggressive Mode with RSA and DSS signatures and X.509
// certificates made by the openssl command line (pki.cpp).
#include <gtest/gtest.h>

#include "peers.hpp"
#include "pki.hpp"

namespace ikeoff::ike::test {
namespace {

using namespace std::chrono_literals;

struct Side {
    std::string cert, key;
};

std::string sig_conf(bool a_side, const std::string& authby, const Side& s, std::vector<std::string> extra = {}) {
    const Pki& pki = test_pki();
    std::string text = "ca test\n    cacert=" + pki.ca + "\n    auto=add\n\n";
    extra.insert(extra.begin(), "leftcert=" + s.cert);
    extra.insert(extra.begin(), "authby=" + authby);
    text += a_side ? conn_text(TwoPeers::kAddrA, TwoPeers::kAddrB, "10.1.0.0/24", "10.2.0.0/24", extra)
                   : conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24", extra);
    return text;
}

std::string key_secrets(const std::string& type, const Side& s) { return ": " + type + " " + s.key + "\n"; }

class Signatures : public ::testing::Test {
protected:
    void SetUp() override {
        const Pki& pki = test_pki();
        if (!pki.ok) GTEST_SKIP() << "openssl could not make the test PKI: " << pki.error;
    }
};

void expect_up(TwoPeers& p, Peer& initiator) {
    auto r = p.up(initiator, "test");
    ASSERT_TRUE(p.run(r));
    ASSERT_TRUE(r->outcome.established) << r->outcome.reason << " " << r->outcome.detail;
    p.settle();
    ASSERT_EQ(p.a().sink->installed.size(), 1u);
    ASSERT_EQ(p.b().sink->installed.size(), 1u);
    EXPECT_EQ(compare_pair(p.a().sink->installed.begin()->second, p.b().sink->installed.begin()->second), "");
}

TEST_F(Signatures, MainModeRsaBothRoles) {
    const Pki& k = test_pki();
    Side a{k.a_cert, k.a_key}, b{k.b_cert, k.b_key};
    for (bool from_a : {true, false}) {
        TwoPeers p(sig_conf(true, "rsasig", a), key_secrets("RSA", a), sig_conf(false, "rsasig", b),
                   key_secrets("RSA", b));
        expect_up(p, from_a ? p.a() : p.b());
        auto s = p.a().core->status().isakmp;
        ASSERT_EQ(s.size(), 1u);
        EXPECT_EQ(s[0].auth, "rsasig");
        // The certificates travelled: MM5 and MM6 are large.
        std::size_t big = 0;
        for (const auto& rec : p.link().log()) big += rec.datagram.data.size() > 700;
        EXPECT_GE(big, 2u);
    }
}

TEST_F(Signatures, AggressiveModeRsa) {
    const Pki& k = test_pki();
    Side a{k.a_cert, k.a_key}, b{k.b_cert, k.b_key};
    TwoPeers p(sig_conf(true, "rsasig", a, {"aggressive=yes"}), key_secrets("RSA", a), sig_conf(false, "rsasig", b),
               key_secrets("RSA", b));
    expect_up(p, p.a());
}

TEST_F(Signatures, MainModeDss) {
    const Pki& k = test_pki();
    Side a{k.a_dsa_cert, k.a_dsa_key}, b{k.b_dsa_cert, k.b_dsa_key};
    TwoPeers p(sig_conf(true, "dsssig", a), key_secrets("DSA", a), sig_conf(false, "dsssig", b),
               key_secrets("DSA", b));
    expect_up(p, p.a());
}

TEST_F(Signatures, UntrustedCertificateIsRefused) {
    const Pki& k = test_pki();
    Side a{k.a_cert, k.a_key}, b{k.b_untrusted_cert, k.b_untrusted_key};
    // b (responder) presents a certificate from a CA a does not trust.
    TwoPeers p(sig_conf(true, "rsasig", a), key_secrets("RSA", a), sig_conf(false, "rsasig", b),
               key_secrets("RSA", b));
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r));
    EXPECT_FALSE(r->outcome.established);
    EXPECT_EQ(r->outcome.reason, "INVALID-CERTIFICATE");
    EXPECT_TRUE(p.a().sink->installed.empty());
}

TEST_F(Signatures, CertificateNamingAnotherIdentityIsRefused) {
    const Pki& k = test_pki();
    Side a{k.a_cert, k.a_key}, b{k.b_wrong_id_cert, k.b_wrong_id_key};
    // b initiates: a (responder) sees a certificate for 10.0.0.99 with ID 10.0.0.2.
    TwoPeers p(sig_conf(true, "rsasig", a), key_secrets("RSA", a), sig_conf(false, "rsasig", b),
               key_secrets("RSA", b));
    auto r = p.up(p.b(), "test");
    ASSERT_TRUE(p.run(r));
    EXPECT_FALSE(r->outcome.established);
    EXPECT_EQ(r->outcome.reason, "INVALID-ID-INFORMATION");
    EXPECT_TRUE(p.a().sink->installed.empty());
    EXPECT_TRUE(p.b().sink->installed.empty());
}

TEST_F(Signatures, MissingPrivateKeyFailsAtOnce) {
    const Pki& k = test_pki();
    Side a{k.a_cert, k.a_key}, b{k.b_cert, k.b_key};
    TwoPeers p(sig_conf(true, "rsasig", a), "# no keys\n", sig_conf(false, "rsasig", b), key_secrets("RSA", b));
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r, 1s));
    EXPECT_FALSE(r->outcome.established);
    EXPECT_EQ(r->outcome.reason, "config");
    EXPECT_EQ(p.link().counters().sent, 0u);
}

}  // namespace
}  // namespace ikeoff::ike::test
