// CredentialCache: decoded once, shared, and reloaded when the file changes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <openssl/pem.h>

#include "host/crypto/credential_cache.hpp"
#include "tests/unit/crypto/cert_factory.hpp"

namespace ikeoff::crypto {
namespace {

class CredentialCacheTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = ::testing::TempDir() + "/ikeoff_credcache_" + std::to_string(::getpid());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string path(const char* name) const { return dir_ + "/" + name; }

    // Writes `text` to a new file and renames it over `dst`, as a package
    // manager or an editor does (new inode).
    void replace(const std::string& dst, const std::string& text) {
        std::string tmp = dst + ".tmp";
        std::ofstream(tmp, std::ios::binary) << text;
        ASSERT_EQ(std::rename(tmp.c_str(), dst.c_str()), 0);
    }

    std::string dir_;
    PrivateKey key_a_ = std::move(PrivateKey::generate_rsa(1024)).value();
    PrivateKey key_b_ = std::move(PrivateKey::generate_rsa(1024)).value();
    CredentialCache cache_;
};

TEST_F(CredentialCacheTest, KeyIsDecodedOnceAndShared) {
    const std::string k = path("key.pem");
    replace(k, *key_a_.to_pem());
    auto first = cache_.private_key(k);
    ASSERT_TRUE(first.ok()) << first.error().message;
    auto second = cache_.private_key(k);
    ASSERT_TRUE(second.ok());
    // The same OpenSSL object, not a second decode of the same bytes.
    EXPECT_EQ(first->get(), second->get());
    EXPECT_TRUE(second->public_key()->equals(*key_a_.public_key()));
    EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(CredentialCacheTest, ReplacedKeyFileIsReloaded) {
    const std::string k = path("key.pem");
    replace(k, *key_a_.to_pem());
    auto before = cache_.private_key(k);
    ASSERT_TRUE(before.ok());
    replace(k, *key_b_.to_pem());
    auto after = cache_.private_key(k);
    ASSERT_TRUE(after.ok()) << after.error().message;
    EXPECT_NE(before->get(), after->get());
    EXPECT_TRUE(after->public_key()->equals(*key_b_.public_key()));
    // The earlier copy stays valid: it holds its own reference.
    EXPECT_TRUE(before->public_key()->equals(*key_a_.public_key()));
}

TEST_F(CredentialCacheTest, PasswordIsCheckedOnEveryLookup) {
    const std::string k = path("enc.pem");
    {
        BIO* bio = BIO_new_file(k.c_str(), "w");
        ASSERT_NE(bio, nullptr);
        PEM_write_bio_PKCS8PrivateKey(bio, key_a_.get(), EVP_aes_256_cbc(), nullptr, 0, nullptr,
                                      const_cast<char*>("s3cret"));
        BIO_free(bio);
    }
    ASSERT_TRUE(cache_.private_key(k, "s3cret").ok());
    // A cached key is not handed out for a wrong or missing password.
    EXPECT_EQ(cache_.private_key(k, "wrong").error().code, Errc::parse_error);
    EXPECT_EQ(cache_.private_key(k).error().code, Errc::parse_error);
    EXPECT_TRUE(cache_.private_key(k, "s3cret").ok());
}

TEST_F(CredentialCacheTest, CertificatesAreSharedAndReloaded) {
    const std::string c = path("cert.pem");
    auto cert_a = testutil::make_cert(testutil::spec("a.test", "x", true), key_a_, key_a_, nullptr);
    auto cert_b = testutil::make_cert(testutil::spec("b.test", "x", true), key_b_, key_b_, nullptr);
    replace(c, testutil::pem_of(cert_a));
    auto one = cache_.certificate(c);
    auto two = cache_.certificate(c);
    ASSERT_TRUE(one.ok() && two.ok());
    EXPECT_EQ(one->get(), two->get());
    EXPECT_EQ(*one->der(), *cert_a.der());
    replace(c, testutil::pem_of(cert_b));
    auto three = cache_.certificate(c);
    ASSERT_TRUE(three.ok());
    EXPECT_EQ(*three->der(), *cert_b.der());
}

TEST_F(CredentialCacheTest, FailuresAreNotRemembered) {
    const std::string k = path("later.pem");
    auto missing = cache_.private_key(k);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::io_error);
    EXPECT_NE(missing.error().message.find(k), std::string::npos);
    replace(k, "not a key");
    EXPECT_FALSE(cache_.private_key(k).ok());
    EXPECT_EQ(cache_.size(), 0u);
    replace(k, *key_a_.to_pem());
    EXPECT_TRUE(cache_.private_key(k).ok());
    EXPECT_FALSE(cache_.certificate(path("no-cert.pem")).ok());
}

}  // namespace
}  // namespace ikeoff::crypto
