// ESP/AH proposal strings: keywords, AEAD rules, PFS groups, offers.
#include "host/config/child_proposal.hpp"

#include <gtest/gtest.h>

namespace ikeoff::config {
namespace {

using ipsec::EncAlg;
using ipsec::IntegAlg;

ChildProposalList esp_ok(std::string_view text) {
    auto r = parse_esp_proposals(text);
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : ChildProposalList{};
}

std::string esp_error(std::string_view text) {
    auto r = parse_esp_proposals(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? "" : r.error().message;
}

std::string ah_error(std::string_view text) {
    auto r = parse_ah_proposals(text);
    EXPECT_FALSE(r.ok()) << text;
    return r.ok() ? "" : r.error().message;
}

TEST(EspProposal, EveryCipherKeyword) {
    struct C {
        const char* kw;
        EncAlg alg;
        uint16_t bits;
        bool aead;
    };
    for (const auto& c : {C{"aes128", EncAlg::aes_cbc, 128, false}, C{"aes192", EncAlg::aes_cbc, 192, false},
                          C{"aes256", EncAlg::aes_cbc, 256, false}, C{"3des", EncAlg::tdes_cbc, 192, false},
                          C{"null", EncAlg::null, 0, false}, C{"aes128gcm16", EncAlg::aes_gcm16, 128, true},
                          C{"aes192gcm16", EncAlg::aes_gcm16, 192, true}, C{"aes256gcm16", EncAlg::aes_gcm16, 256, true},
                          C{"aes128gmac", EncAlg::aes_gmac, 128, true}, C{"aes256gmac", EncAlg::aes_gmac, 256, true}}) {
        std::string text = std::string(c.kw) + (c.aead ? "" : "-sha1");
        auto l = esp_ok(text);
        ASSERT_EQ(l.proposals.size(), 1u) << text;
        auto t = l.proposals[0].expand();
        ASSERT_EQ(t.size(), 1u);
        EXPECT_EQ(t[0].enc.alg, c.alg) << c.kw;
        EXPECT_EQ(t[0].enc.key_bits, c.bits) << c.kw;
        EXPECT_EQ(t[0].integ, c.aead ? IntegAlg::none : IntegAlg::hmac_sha1_96) << c.kw;
        EXPECT_EQ(t[0].dh_group, 0);
    }
}

TEST(EspProposal, EveryIntegrityKeyword) {
    struct I {
        const char* kw;
        IntegAlg alg;
    };
    for (const auto& c : {I{"sha1", IntegAlg::hmac_sha1_96}, I{"sha", IntegAlg::hmac_sha1_96},
                          I{"sha256", IntegAlg::hmac_sha256_128}, I{"sha2_256", IntegAlg::hmac_sha256_128},
                          I{"sha384", IntegAlg::hmac_sha384_192}, I{"sha512", IntegAlg::hmac_sha512_256},
                          I{"md5", IntegAlg::hmac_md5_96}}) {
        auto l = esp_ok(std::string("aes128-") + c.kw);
        EXPECT_EQ(l.proposals[0].integs.at(0), c.alg) << c.kw;
        auto ah = parse_ah_proposals(c.kw);
        ASSERT_TRUE(ah.ok()) << c.kw;
        EXPECT_EQ(ah->proposals[0].expand().at(0).integ, c.alg);
        EXPECT_EQ(ah->proposals[0].expand().at(0).protocol, ipsec::Protocol::ah);
    }
}

TEST(EspProposal, IssueExamples) {
    auto l = esp_ok("aes128gcm16-modp2048,aes128-sha1,aes256-sha256-modp3072,3des-md5");
    ASSERT_EQ(l.proposals.size(), 4u);
    EXPECT_EQ(l.proposals[0].expand()[0].to_string(), "aes128gcm16-modp2048");
    EXPECT_EQ(l.proposals[1].expand()[0].to_string(), "aes128-sha1");
    EXPECT_EQ(l.proposals[2].expand()[0].to_string(), "aes256-sha256-modp3072");
    EXPECT_EQ(l.proposals[3].expand()[0].to_string(), "3des-md5");
    EXPECT_TRUE(l.has_weak());
    EXPECT_EQ(l.weak_keywords(), "md5");
    auto groups = l.pfs_groups();
    EXPECT_EQ(groups, (std::vector<uint16_t>{14, 0, 15}));

    auto ah = parse_ah_proposals("sha1,sha256-modp2048");
    ASSERT_TRUE(ah.ok());
    EXPECT_EQ(ah->proposals[1].expand()[0].to_string(), "sha256-modp2048");
}

TEST(EspProposal, EsnKeywords) {
    auto l = esp_ok("aes128-sha256-esn-noesn");
    auto t = l.proposals[0].expand();
    ASSERT_EQ(t.size(), 2u);
    EXPECT_TRUE(t[0].esn);
    EXPECT_FALSE(t[1].esn);
    EXPECT_FALSE(esp_ok("aes128-sha256").proposals[0].expand()[0].esn);
}

TEST(EspProposal, Errors) {
    EXPECT_EQ(esp_error("aes129-sha1"), "unknown algorithm 'aes129'");
    EXPECT_EQ(esp_error("des-sha1"), "'des' (single DES) is not supported for ESP");
    EXPECT_NE(esp_error("aes128gcm8").find("only AES-GCM with a 16-octet ICV"), std::string::npos);
    EXPECT_EQ(esp_error("aes128"), "proposal 'aes128' has no integrity algorithm (e.g. sha256)");
    EXPECT_EQ(esp_error("sha1"), "proposal 'sha1' has no encryption algorithm");
    EXPECT_NE(esp_error("aes128gcm16-sha256").find("take no integrity algorithm"), std::string::npos);
    EXPECT_NE(esp_error("aes128gcm16-aes128-sha1").find("mixes AEAD and non-AEAD"), std::string::npos);
    EXPECT_EQ(esp_error("aes128-none"), "unknown algorithm 'none'");
    EXPECT_NE(ah_error("aes128-sha1").find("AH only authenticates"), std::string::npos);
    EXPECT_EQ(ah_error("modp2048"), "proposal 'modp2048' has no integrity algorithm");
}

TEST(EspProposal, OfferUsesThePfsGroupForEveryTransform) {
    auto l = esp_ok("aes128-sha1-modp2048");
    auto offer = child_offer(l, 14);
    ASSERT_EQ(offer.size(), 12u);   // configured + 3 ciphers x 4 hashes of the defaults, one of them a duplicate
    for (const auto& t : offer) EXPECT_EQ(t.dh_group, 14) << t.to_string();
    EXPECT_EQ(offer[0].to_string(), "aes128-sha1-modp2048");
    auto strict = esp_ok("aes128gcm16-aes256gcm16!");
    auto offer2 = child_offer(strict, 0);
    ASSERT_EQ(offer2.size(), 2u);
    EXPECT_EQ(offer2[1].to_string(), "aes256gcm16");
}

TEST(EspProposal, AcceptanceHonoursStrictnessAndProtocol) {
    auto strict = esp_ok("aes128-sha1!");
    auto loose = esp_ok("aes128-sha1");
    ChildTransform t{ipsec::Protocol::esp, {EncAlg::aes_cbc, 256}, IntegAlg::hmac_sha256_128, 0, false};
    EXPECT_FALSE(child_list_accepts(strict, t));
    EXPECT_TRUE(child_list_accepts(loose, t));
    t.integ = IntegAlg::hmac_md5_96;   // never a default
    EXPECT_FALSE(child_list_accepts(loose, t));
    ChildTransform ah{ipsec::Protocol::ah, {}, IntegAlg::hmac_sha1_96, 0, false};
    EXPECT_FALSE(child_list_accepts(loose, ah));
    auto ahl = parse_ah_proposals("sha1!");
    ASSERT_TRUE(ahl.ok());
    EXPECT_TRUE(child_list_accepts(*ahl, ah));
    ChildTransform gcm{ipsec::Protocol::esp, {EncAlg::aes_gcm16, 128}, IntegAlg::none, 0, false};
    EXPECT_TRUE(child_list_accepts(esp_ok("aes128gcm16!"), gcm));
    gcm.integ = IntegAlg::hmac_sha1_96;
    EXPECT_FALSE(child_list_accepts(esp_ok("aes128gcm16!"), gcm));
}

}  // namespace
}  // namespace ikeoff::config
