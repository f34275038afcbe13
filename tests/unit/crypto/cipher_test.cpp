// Phase-1 CBC ciphers: NIST AESAVS and TDES CAVS known answers (encrypt
// and decrypt), the FIPS 81 DES-CBC example, and the input checks.
#include <gtest/gtest.h>

#include "host/crypto/cipher.hpp"
#include "tests/unit/crypto/test_util.hpp"

namespace ikeoff::crypto {
namespace {

using testutil::hexb;

void check_vector(CipherAlg alg, const Bytes& key, const Bytes& iv, const Bytes& pt, const Bytes& ct,
                  const std::string& tag, bool allow_weak = false) {
    auto c = CbcCipher::create(alg, key, allow_weak);
    ASSERT_TRUE(c.ok()) << tag << ": " << c.error().message;
    auto e = c->encrypt(iv, pt);
    ASSERT_TRUE(e.ok()) << tag << ": " << e.error().message;
    EXPECT_EQ(to_hex(*e), to_hex(ct)) << tag << " encrypt";
    auto d = c->decrypt(iv, ct);
    ASSERT_TRUE(d.ok()) << tag << ": " << d.error().message;
    EXPECT_EQ(to_hex(*d), to_hex(pt)) << tag << " decrypt";
}

TEST(CbcCipher, AesCavsAllVectors) {
    auto doc = testutil::load_vectors("aes_cbc_cavs_aesavs.json");
    int n = 0;
    for (const auto& v : doc["vectors"]) {
        std::string tag = v["test_file"].get<std::string>() + " " + v["direction"].get<std::string>() + " #" +
                          v["count"].dump();
        check_vector(CipherAlg::aes_cbc, hexb(v["key"]), hexb(v["iv"]), hexb(v["plaintext"]), hexb(v["ciphertext"]),
                     tag);
        ++n;
    }
    EXPECT_EQ(n, 2138);
}

TEST(CbcCipher, TripleDesCavsAllVectors) {
    auto doc = testutil::load_vectors("tdes_cbc_cavs.json");
    int n = 0;
    for (const auto& v : doc["vectors"]) {
        std::string tag = v["test_file"].get<std::string>() + " " + v["direction"].get<std::string>() + " #" +
                          v["count"].dump();
        check_vector(CipherAlg::tdes_cbc, hexb(v["key"]), hexb(v["iv"]), hexb(v["plaintext"]),
                     hexb(v["ciphertext"]), tag);
        ++n;
    }
    EXPECT_EQ(n, 530);
}

TEST(CbcCipher, DesFips81Example) {
    auto doc = testutil::load_vectors("des_cbc_fips81.json");
    const auto& v = doc["vectors"][0];
    check_vector(CipherAlg::des_cbc, hexb(v["key"]), hexb(v["iv"]), hexb(v["plaintext"]), hexb(v["ciphertext"]),
                 "FIPS 81", /*allow_weak=*/true);
}

TEST(CbcCipher, DesMatchesSingleKeyTdesKnownAnswers) {
    // The CAVS K1=K2=K3 groups are single-DES known answers; they exercise
    // the DES path with many keys and texts.
    auto doc = testutil::load_vectors("tdes_cbc_cavs.json");
    int n = 0;
    for (const auto& v : doc["vectors"]) {
        if (v["key1"] != v["key2"] || v["key2"] != v["key3"]) continue;
        check_vector(CipherAlg::des_cbc, hexb(v["key1"]), hexb(v["iv"]), hexb(v["plaintext"]), hexb(v["ciphertext"]),
                     "DES " + v["test_file"].get<std::string>() + " #" + v["count"].dump(), true);
        ++n;
    }
    EXPECT_GT(n, 400);
}

TEST(CbcCipher, DesNeedsExplicitPermission) {
    Bytes key(8, 0x01);
    auto c = CbcCipher::create(CipherAlg::des_cbc, key);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, Errc::unsupported);
}

TEST(CbcCipher, RejectsPartialBlocksWrongIvAndWrongKeyLength) {
    Bytes key(16, 0x11), iv(16, 0), iv8(8, 0);
    auto c = CbcCipher::create(CipherAlg::aes_cbc, key);
    ASSERT_TRUE(c.ok());
    Bytes partial(17, 0xaa), empty;
    EXPECT_EQ(c->encrypt(iv, partial).error().code, Errc::invalid_argument);
    EXPECT_EQ(c->decrypt(iv, partial).error().code, Errc::invalid_argument);
    EXPECT_EQ(c->encrypt(iv, empty).error().code, Errc::invalid_argument);
    EXPECT_EQ(c->encrypt(iv8, Bytes(16, 0)).error().code, Errc::invalid_argument);
    EXPECT_EQ(CbcCipher::create(CipherAlg::aes_cbc, Bytes(20, 1)).error().code, Errc::invalid_argument);
    EXPECT_EQ(CbcCipher::create(CipherAlg::tdes_cbc, Bytes(16, 1)).error().code, Errc::invalid_argument);
}

TEST(CbcCipher, EachCallUsesItsOwnIvNotTheChainOfThePreviousCall) {
    // ISAKMP chains IVs itself (iv_manager); the cipher must not carry CBC
    // state from one call to the next.
    Bytes key(32, 0x22), iv(16, 0x33), pt(32, 0x44);
    auto c = CbcCipher::create(CipherAlg::aes_cbc, key);
    ASSERT_TRUE(c.ok());
    auto a = c->encrypt(iv, pt);
    auto b = c->encrypt(iv, pt);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(*a, *b);
}

TEST(CbcCipher, IkeAttributeNumbersAndSizes) {
    EXPECT_EQ(ike_cipher_attribute(CipherAlg::des_cbc), 1);
    EXPECT_EQ(ike_cipher_attribute(CipherAlg::tdes_cbc), 5);
    EXPECT_EQ(ike_cipher_attribute(CipherAlg::aes_cbc), 7);
    EXPECT_EQ(cipher_from_ike_attribute(7), CipherAlg::aes_cbc);
    EXPECT_FALSE(cipher_from_ike_attribute(3).has_value());  // Blowfish: unsupported
    EXPECT_EQ(cipher_block_size(CipherAlg::tdes_cbc), 8u);
    EXPECT_EQ(cipher_block_size(CipherAlg::aes_cbc), 16u);
    EXPECT_EQ(cipher_default_key_size(CipherAlg::tdes_cbc), 24u);
    EXPECT_EQ(cipher_default_key_size(CipherAlg::aes_cbc), 0u);
}

}  // namespace
}  // namespace ikeoff::crypto
