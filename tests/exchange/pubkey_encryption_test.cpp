// Main Mode with RSA public-key encryption (RFC 2409 §5.2) and its revised
// form (§5.3), keys and certificates from the openssl-made test PKI.
#include <gtest/gtest.h>

#include "peers.hpp"
#include "pki.hpp"

namespace ikeoff::ike::test {
namespace {

using namespace std::chrono_literals;

std::string pke_conf(bool a_side, const std::string& authby, const std::string& peer_cert,
                     std::vector<std::string> extra = {}) {
    // The loader wants both certificates for these methods.
    const Pki& k = test_pki();
    extra.insert(extra.begin(), "leftcert=" + (a_side ? k.a_cert : k.b_cert));
    extra.insert(extra.begin(), "rightcert=" + peer_cert);
    extra.insert(extra.begin(), "authby=" + authby);
    return a_side ? conn_text(TwoPeers::kAddrA, TwoPeers::kAddrB, "10.1.0.0/24", "10.2.0.0/24", extra)
                  : conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24", extra);
}

class PublicKeyEncryption : public ::testing::TestWithParam<std::tuple<const char*, const char*>> {
protected:
    void SetUp() override {
        if (!test_pki().ok) GTEST_SKIP() << "openssl could not make the test PKI: " << test_pki().error;
    }
};

TEST_P(PublicKeyEncryption, BothSidesInstallMatchingSas) {
    const auto [authby, ike] = GetParam();
    const Pki& k = test_pki();
    std::vector<std::string> extra{std::string("ike=") + ike + "!"};
    for (bool from_a : {true, false}) {
        TwoPeers p(pke_conf(true, authby, k.b_cert, extra), ": RSA " + k.a_key + "\n",
                   pke_conf(false, authby, k.a_cert, extra), ": RSA " + k.b_key + "\n");
        auto r = p.up(from_a ? p.a() : p.b(), "test");
        ASSERT_TRUE(p.run(r));
        ASSERT_TRUE(r->outcome.established) << authby << " " << ike << ": " << r->outcome.reason << " "
                                            << r->outcome.detail;
        p.settle();
        ASSERT_EQ(p.a().sink->installed.size(), 1u);
        ASSERT_EQ(p.b().sink->installed.size(), 1u);
        EXPECT_EQ(compare_pair(p.a().sink->installed.begin()->second, p.b().sink->installed.begin()->second), "");
        auto s = p.b().core->status().isakmp;
        ASSERT_EQ(s.size(), 1u);
        EXPECT_EQ(s[0].auth, std::string(authby) == "rsaencryption" ? "rsaenc" : "rsaencrev");
        EXPECT_EQ(s[0].remote_id, TwoPeers::kAddrA);  // b sees a, whoever started
    }
}

INSTANTIATE_TEST_SUITE_P(Methods, PublicKeyEncryption,
                         ::testing::Combine(::testing::Values("rsaencryption", "rsaencryption-revised"),
                                            ::testing::Values("aes128-sha1-modp2048", "aes256-sha256-modp3072",
                                                              "3des-sha1-modp1024")),
                         [](const auto& info) {
                             std::string n = std::string(std::get<0>(info.param)) + "_" + std::get<1>(info.param);
                             for (char& ch : n) {
                                 if (ch == '-') ch = '_';
                             }
                             return n;
                         });

TEST(PublicKeyEncryptionFailures, WrongKeyForThePeerCertificateFails) {
    const Pki& k = test_pki();
    if (!k.ok) GTEST_SKIP() << k.error;
    for (const char* authby : {"rsaencryption", "rsaencryption-revised"}) {
        // a encrypts to "b's certificate", but b holds another key.
        TwoPeers p(pke_conf(true, authby, k.b_cert), ": RSA " + k.a_key + "\n", pke_conf(false, authby, k.a_cert),
                   ": RSA " + k.b_untrusted_key + "\n");
        auto r = p.up(p.a(), "test");
        ASSERT_TRUE(p.run(r));
        EXPECT_FALSE(r->outcome.established) << authby;
        EXPECT_TRUE(p.a().sink->installed.empty());
        EXPECT_TRUE(p.b().sink->installed.empty());
        // b could not decrypt message 3: it refused it, nothing else.
        EXPECT_TRUE(p.b().core->status().isakmp.empty() || p.b().core->status().isakmp[0].state == "connecting");
    }
}

TEST(PublicKeyEncryptionFailures, MissingPrivateKeyIsAConfigError) {
    const Pki& k = test_pki();
    if (!k.ok) GTEST_SKIP() << k.error;
    TwoPeers p(pke_conf(true, "rsaencryption", k.b_cert), "# none\n", pke_conf(false, "rsaencryption", k.a_cert),
               ": RSA " + k.b_key + "\n");
    auto r = p.up(p.a(), "test");
    ASSERT_TRUE(p.run(r, 1s));
    EXPECT_EQ(r->outcome.reason, "config");
    EXPECT_NE(r->outcome.detail.find("private key"), std::string::npos) << r->outcome.detail;
    EXPECT_EQ(p.link().counters().sent, 0u);
}

}  // namespace
}  // namespace ikeoff::ike::test
