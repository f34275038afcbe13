// Phase-1 proposal strings: every keyword, expansion, strictness, defaults.
#include "host/config/ike_proposal.hpp"

#include <gtest/gtest.h>

namespace ikeoff::config {
namespace {

IkeProposalList parse_ok(std::string_view text) {
    auto r = parse_ike_proposals(text);
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : IkeProposalList{};
}

std::string parse_error(std::string_view text) {
    auto r = parse_ike_proposals(text);
    EXPECT_FALSE(r.ok()) << text << " parsed unexpectedly";
    return r.ok() ? "" : r.error().message;
}

struct CipherCase {
    const char* keyword;
    IkeCipher cipher;
    uint16_t bits;
};

TEST(IkeProposal, EveryCipherKeyword) {
    for (const auto& c : {CipherCase{"aes128", IkeCipher::aes_cbc, 128}, CipherCase{"aes192", IkeCipher::aes_cbc, 192},
                          CipherCase{"aes256", IkeCipher::aes_cbc, 256}, CipherCase{"aes", IkeCipher::aes_cbc, 128},
                          CipherCase{"3des", IkeCipher::tdes_cbc, 192}, CipherCase{"des", IkeCipher::des_cbc, 64}}) {
        auto l = parse_ok(std::string(c.keyword) + "-sha1-modp2048");
        ASSERT_EQ(l.proposals.size(), 1u);
        ASSERT_EQ(l.proposals[0].ciphers.size(), 1u);
        EXPECT_EQ(l.proposals[0].ciphers[0].cipher, c.cipher) << c.keyword;
        EXPECT_EQ(l.proposals[0].ciphers[0].key_bits, c.bits) << c.keyword;
    }
}

TEST(IkeProposal, EveryHashAndPrfKeyword) {
    struct H {
        const char* kw;
        HashAlg h;
    };
    for (const auto& c : {H{"sha1", HashAlg::sha1}, H{"sha", HashAlg::sha1}, H{"sha256", HashAlg::sha256},
                          H{"sha2_256", HashAlg::sha256}, H{"sha384", HashAlg::sha384}, H{"sha2_384", HashAlg::sha384},
                          H{"sha512", HashAlg::sha512}, H{"sha2_512", HashAlg::sha512}, H{"md5", HashAlg::md5}}) {
        auto l = parse_ok(std::string("aes128-") + c.kw + "-modp2048");
        ASSERT_EQ(l.proposals.size(), 1u);
        ASSERT_EQ(l.proposals[0].hashes.size(), 1u);
        EXPECT_EQ(l.proposals[0].hashes[0], c.h) << c.kw;
        auto with_prf = parse_ok(std::string("aes128-") + c.kw + "-prf" + c.kw + "-modp2048");
        ASSERT_EQ(with_prf.proposals[0].prfs.size(), 1u) << c.kw;
        EXPECT_EQ(with_prf.proposals[0].prfs[0], c.h) << c.kw;
    }
}

TEST(IkeProposal, EveryGroupKeywordMapsToItsIanaNumber) {
    struct G {
        const char* kw;
        uint16_t id;
        bool weak;
    };
    for (const auto& g : {G{"modp768", 1, true}, G{"modp1024", 2, false}, G{"modp1536", 5, false},
                          G{"modp2048", 14, false}, G{"modp3072", 15, false}, G{"modp4096", 16, false},
                          G{"modp6144", 17, false}, G{"modp8192", 18, false}, G{"ecp256", 19, false},
                          G{"ecp384", 20, false}, G{"ecp521", 21, false}}) {
        auto l = parse_ok(std::string("aes128-sha1-") + g.kw);
        ASSERT_EQ(l.proposals[0].groups.size(), 1u);
        EXPECT_EQ(l.proposals[0].groups[0], g.id) << g.kw;
        EXPECT_EQ(l.has_weak(), g.weak) << g.kw;
        EXPECT_EQ(dh_group_name(g.id), g.kw);
        ASSERT_NE(dh_group_info(g.id), nullptr);
        EXPECT_EQ(dh_group_info(g.id)->ecp, std::string_view(g.kw).starts_with("ecp"));
    }
    EXPECT_EQ(dh_group_info(22), nullptr);
    EXPECT_EQ(dh_group_name(31), "group 31");
}

TEST(IkeProposal, KeywordsAreCaseInsensitiveAndTrimmed) {
    auto l = parse_ok(" AES128-SHA1-MODP2048 , aes256-sha256-ecp256 ");
    ASSERT_EQ(l.proposals.size(), 2u);
    EXPECT_EQ(l.to_string(), "aes128-sha1-modp2048,aes256-sha256-ecp256");
}

TEST(IkeProposal, MultipleAlgorithmsExpandToTheCrossProductInOrder) {
    auto l = parse_ok("aes128-aes256-sha1-sha256-modp2048-ecp256");
    auto all = l.proposals[0].expand();
    ASSERT_EQ(all.size(), 8u);
    EXPECT_EQ(all.front().to_string(), "aes128-sha1-modp2048");
    EXPECT_EQ(all[1].to_string(), "aes128-sha1-ecp256");
    EXPECT_EQ(all[2].to_string(), "aes128-sha256-modp2048");
    EXPECT_EQ(all.back().to_string(), "aes256-sha256-ecp256");
    for (const auto& t : all) EXPECT_EQ(t.prf, t.hash);
}

TEST(IkeProposal, PrfKeywordNarrowsTheHashes) {
    auto l = parse_ok("aes128-sha1-sha256-prfsha256-modp2048");
    auto all = l.proposals[0].expand();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_EQ(all[0].hash, HashAlg::sha256);
    EXPECT_NE(parse_error("aes128-sha1-prfsha256-modp2048").find("prfsha256 needs the hash sha256"), std::string::npos);
}

TEST(IkeProposal, StrictFlagOnlyAtTheEnd) {
    EXPECT_TRUE(parse_ok("aes128-sha1-modp2048!").strict);
    EXPECT_TRUE(parse_ok("aes128-sha1-modp2048,3des-sha1-modp1024!").strict);
    EXPECT_FALSE(parse_ok("aes128-sha1-modp2048").strict);
    EXPECT_NE(parse_error("aes128-sha1-modp2048!,3des-sha1-modp1024").find("'!'"), std::string::npos);
}

TEST(IkeProposal, ErrorsNameTheKeyword) {
    EXPECT_EQ(parse_error("aes129-sha1-modp2048"), "unknown algorithm 'aes129'");
    EXPECT_EQ(parse_error("aes128-sha1-curve25519"), "unsupported algorithm 'curve25519' (not implemented by ikeoffd)");
    EXPECT_EQ(parse_error("aes128-sha1-modp2049"), "unknown algorithm 'modp2049'");
    EXPECT_NE(parse_error("aes128gcm16-modp2048").find("'aes128gcm16' cannot be used in IKEv1 phase 1"), std::string::npos);
    EXPECT_EQ(parse_error("sha1-modp2048"), "proposal 'sha1-modp2048' has no encryption algorithm");
    EXPECT_EQ(parse_error("aes128-modp2048"), "proposal 'aes128-modp2048' has no hash algorithm");
    EXPECT_EQ(parse_error("aes128-sha1"), "proposal 'aes128-sha1' has no DH group (e.g. modp2048)");
    EXPECT_EQ(parse_error("aes128--sha1-modp2048"), "empty algorithm in proposal 'aes128--sha1-modp2048'");
    EXPECT_EQ(parse_error("aes128-sha1-modp2048,"), "empty proposal in list (stray ',')");
    EXPECT_EQ(parse_error(""), "empty proposal list");
    EXPECT_EQ(parse_error("!"), "empty proposal list");
}

TEST(IkeProposal, WeakKeywordsAreReported) {
    auto l = parse_ok("des-md5-modp768,aes128-sha1-modp2048");
    EXPECT_TRUE(l.has_weak());
    EXPECT_EQ(l.weak_keywords(), "des, md5, modp768");
    EXPECT_FALSE(parse_ok("3des-sha1-modp1024").has_weak());
}

TEST(IkeProposal, OfferAppendsDefaultsUnlessStrict) {
    auto strict = parse_ok("aes128-sha1-modp2048,aes256-sha256-modp3072!");
    auto offer = ike_offer(strict, AuthMethod::psk, 10800);
    ASSERT_EQ(offer.size(), 2u);
    EXPECT_EQ(offer[0].to_string(), "aes128-sha1-modp2048");
    EXPECT_EQ(offer[1].to_string(), "aes256-sha256-modp3072");
    EXPECT_EQ(offer[0].auth, AuthMethod::psk);
    EXPECT_EQ(offer[0].lifetime_s, 10800u);

    auto loose = parse_ok("3des-sha1-modp1024");
    auto offer2 = ike_offer(loose, AuthMethod::rsa_sig, 3600);
    ASSERT_EQ(offer2.size(), 1 + default_ike_offer().size());
    EXPECT_EQ(offer2[0].to_string(), "3des-sha1-modp1024");
    EXPECT_EQ(offer2[1].to_string(), "aes128-sha256-ecp256");
    // The configured aes128-sha1-modp2048 is part of the default offer too: no duplicate.
    auto dup = ike_offer(parse_ok("aes128-sha1-modp2048"), AuthMethod::psk, 1);
    EXPECT_EQ(dup.size(), default_ike_offer().size());
}

TEST(IkeProposal, EmptyListMeansDefaults) {
    auto offer = ike_offer(IkeProposalList{}, AuthMethod::psk, 1);
    ASSERT_EQ(offer.size(), default_ike_offer().size());
    for (const auto& t : offer) {
        EXPECT_TRUE(ike_list_accepts(default_ike_proposals(), t)) << t.to_string();
        EXPECT_FALSE(t.is_weak());
    }
}

TEST(IkeProposal, AcceptanceHonoursStrictness) {
    auto strict = parse_ok("aes128-sha1-modp2048!");
    auto loose = parse_ok("aes128-sha1-modp2048");
    IkeTransform t;
    t.cipher = IkeCipher::aes_cbc;
    t.key_bits = 256;
    t.hash = HashAlg::sha384;
    t.dh_group = 20;
    EXPECT_FALSE(ike_list_accepts(strict, t));
    EXPECT_TRUE(ike_list_accepts(loose, t));   // in the default set
    t.dh_group = 2;                            // modp1024 is not a default
    EXPECT_FALSE(ike_list_accepts(loose, t));
    t.key_bits = 128;
    t.hash = HashAlg::sha1;
    t.dh_group = 14;
    EXPECT_TRUE(ike_list_accepts(strict, t));
    t.key_bits = 192;
    EXPECT_FALSE(ike_list_accepts(strict, t));
}

TEST(IkeProposal, DefaultsMatchTheDocumentedSet) {
    const auto& d = default_ike_proposals();
    ASSERT_EQ(d.proposals.size(), 1u);
    EXPECT_EQ(d.to_string(), "aes128-aes192-aes256-3des-sha256-sha384-sha512-sha1-ecp256-ecp384-ecp521-modp3072-"
                             "modp4096-modp6144-modp8192-modp2048");
    EXPECT_FALSE(d.has_weak());
}

TEST(IkeProposal, IanaAttributeMappings) {
    EXPECT_EQ(ike_cipher_attribute(IkeCipher::des_cbc), 1);
    EXPECT_EQ(ike_cipher_attribute(IkeCipher::tdes_cbc), 5);
    EXPECT_EQ(ike_cipher_attribute(IkeCipher::aes_cbc), 7);
    for (auto c : {IkeCipher::des_cbc, IkeCipher::tdes_cbc, IkeCipher::aes_cbc}) {
        EXPECT_EQ(ike_cipher_from_attribute(ike_cipher_attribute(c)), c);
    }
    EXPECT_FALSE(ike_cipher_from_attribute(2).has_value());   // IDEA
    EXPECT_EQ(auth_method_from_attribute(1), AuthMethod::psk);
    EXPECT_EQ(auth_method_from_attribute(5), AuthMethod::rsa_enc_revised);
    EXPECT_FALSE(auth_method_from_attribute(65001).has_value());   // XAUTH
}

}  // namespace
}  // namespace ikeoff::config
