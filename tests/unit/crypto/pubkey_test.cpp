// RFC 2409 §5.1-§5.3 public-key operations: RSA signatures without
// DigestInfo, DSS r||s, RSA PKCS#1 v1.5 encryption; key loading.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "host/crypto/hash.hpp"
#include "host/crypto/pubkey.hpp"

namespace ikeoff::crypto {
namespace {

class PubKey : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        rsa_ = new PrivateKey(std::move(PrivateKey::generate_rsa(2048)).value());
        rsa2_ = new PrivateKey(std::move(PrivateKey::generate_rsa(2048)).value());
        dsa_ = new PrivateKey(std::move(PrivateKey::generate_dsa(1024)).value());
        dsa2_ = new PrivateKey(std::move(PrivateKey::generate_dsa(1024)).value());
    }
    static void TearDownTestSuite() {
        delete rsa_;
        delete rsa2_;
        delete dsa_;
        delete dsa2_;
    }
    static Bytes sha1_of(std::string_view s) { return std::move(hash(HashAlg::sha1, as_bytes(s))).value(); }

    static PrivateKey* rsa_;
    static PrivateKey* rsa2_;
    static PrivateKey* dsa_;
    static PrivateKey* dsa2_;
};
PrivateKey* PubKey::rsa_ = nullptr;
PrivateKey* PubKey::rsa2_ = nullptr;
PrivateKey* PubKey::dsa_ = nullptr;
PrivateKey* PubKey::dsa2_ = nullptr;

TEST_F(PubKey, RsaSignatureRoundTripAndNegatives) {
    Bytes h = sha1_of("HASH_I");
    auto sig = rsa_->sign_ike(h);
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_EQ(sig->size(), 256u);
    auto pub = rsa_->public_key();
    ASSERT_TRUE(pub.ok());
    EXPECT_TRUE(pub->verify_ike(h, *sig));

    Bytes h2 = h;
    h2[0] ^= 1;
    EXPECT_FALSE(pub->verify_ike(h2, *sig));                 // tampered hash
    Bytes bad = *sig;
    bad[100] ^= 0x40;
    EXPECT_FALSE(pub->verify_ike(h, bad));                   // tampered signature
    EXPECT_FALSE(rsa2_->public_key()->verify_ike(h, *sig));  // wrong key
    EXPECT_FALSE(pub->verify_ike(h, ByteView(*sig).first(255)));
    EXPECT_FALSE(pub->verify_ike(ByteView(h).first(19), *sig));  // hash prefix
    EXPECT_FALSE(pub->verify_ike({}, *sig));
    // A SHA-256-sized HASH works the same way.
    Bytes h256(32, 0x5a);
    EXPECT_TRUE(pub->verify_ike(h256, *rsa_->sign_ike(h256)));
}

TEST_F(PubKey, RsaSignatureIsPkcs1Type1OverTheRawHashWithoutDigestInfo) {
    Bytes h = sha1_of("no DigestInfo");
    auto sig = rsa_->sign_ike(h);
    ASSERT_TRUE(sig.ok());
    // Undo the RSA operation without removing any padding and look at the block.
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, rsa_->public_key()->get(), nullptr);
    ASSERT_EQ(EVP_PKEY_verify_recover_init(ctx), 1);
    ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING), 1);
    Bytes block(256);
    std::size_t len = block.size();
    ASSERT_EQ(EVP_PKEY_verify_recover(ctx, block.data(), &len, sig->data(), sig->size()), 1);
    EVP_PKEY_CTX_free(ctx);
    ASSERT_EQ(len, 256u);
    Bytes expected{0x00, 0x01};
    expected.insert(expected.end(), 256 - 3 - h.size(), 0xff);
    expected.push_back(0x00);
    expected.insert(expected.end(), h.begin(), h.end());
    EXPECT_EQ(to_hex(block), to_hex(expected));
}

TEST_F(PubKey, OrdinaryPkcs1SignatureWithDigestInfoIsRejected) {
    // A standard RSASSA-PKCS1-v1_5 signature (with the SHA-1 DigestInfo) of
    // the same message must not pass as an IKEv1 signature of its hash.
    std::string msg = "message";
    Bytes h = sha1_of(msg);
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    ASSERT_EQ(EVP_DigestSignInit_ex(md, nullptr, "SHA1", nullptr, nullptr, rsa_->get(), nullptr), 1);
    Bytes sig(256);
    std::size_t len = sig.size();
    ASSERT_EQ(EVP_DigestSign(md, sig.data(), &len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size()), 1);
    EVP_MD_CTX_free(md);
    EXPECT_FALSE(rsa_->public_key()->verify_ike(h, sig));
}

TEST_F(PubKey, DssSignatureIsRAndSOf20BytesEach) {
    Bytes h = sha1_of("HASH_R");
    auto sig = dsa_->sign_ike(h);
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    EXPECT_EQ(sig->size(), 40u);
    auto pub = dsa_->public_key();
    ASSERT_TRUE(pub.ok());
    EXPECT_EQ(pub->type(), KeyType::dsa);
    EXPECT_TRUE(pub->verify_ike(h, *sig));
    // DSA is randomised: a second signature differs and verifies too.
    auto sig2 = dsa_->sign_ike(h);
    ASSERT_TRUE(sig2.ok());
    EXPECT_NE(*sig, *sig2);
    EXPECT_TRUE(pub->verify_ike(h, *sig2));

    Bytes h2 = h;
    h2[19] ^= 0x80;
    EXPECT_FALSE(pub->verify_ike(h2, *sig));
    Bytes bad = *sig;
    bad[0] ^= 1;  // r
    EXPECT_FALSE(pub->verify_ike(h, bad));
    bad = *sig;
    bad[39] ^= 1;  // s
    EXPECT_FALSE(pub->verify_ike(h, bad));
    EXPECT_FALSE(dsa2_->public_key()->verify_ike(h, *sig));
    Bytes longer = *sig;
    longer.push_back(0);
    EXPECT_FALSE(pub->verify_ike(h, longer));
    // An RSA signature is not a DSS one and vice versa.
    EXPECT_FALSE(rsa_->public_key()->verify_ike(h, *sig));
    EXPECT_FALSE(pub->verify_ike(h, *rsa_->sign_ike(h)));
}

TEST_F(PubKey, RsaEncryptionRoundTripAndFailures) {
    Bytes nonce(32, 0x17);
    auto pub = rsa_->public_key();
    ASSERT_TRUE(pub.ok());
    auto ct = pub->encrypt_pkcs1(nonce);
    ASSERT_TRUE(ct.ok()) << ct.error().message;
    EXPECT_EQ(ct->size(), 256u);
    EXPECT_NE(*ct, *pub->encrypt_pkcs1(nonce));  // random padding
    auto pt = rsa_->decrypt_pkcs1(*ct);
    ASSERT_TRUE(pt.ok());
    EXPECT_EQ(to_hex(*pt), to_hex(nonce));

    auto wrong = rsa2_->decrypt_pkcs1(*ct);
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error().code, Errc::crypto_error);
    EXPECT_EQ(wrong.error().message, "RSA decryption failed");  // no padding detail leaks
    EXPECT_EQ(pub->encrypt_pkcs1(Bytes(246, 1)).error().code, Errc::invalid_argument);
    EXPECT_TRUE(pub->encrypt_pkcs1(Bytes(245, 1)).ok());
    EXPECT_EQ(dsa_->public_key()->encrypt_pkcs1(nonce).error().code, Errc::unsupported);
    EXPECT_EQ(dsa_->decrypt_pkcs1(*ct).error().code, Errc::unsupported);
}

TEST_F(PubKey, PemDerAndFileLoading) {
    auto pem = rsa_->to_pem();
    ASSERT_TRUE(pem.ok());
    auto back = PrivateKey::from_pem(*pem);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(back->public_key()->equals(*rsa_->public_key()));
    EXPECT_FALSE(back->public_key()->equals(*rsa2_->public_key()));

    // SubjectPublicKeyInfo round trip.
    auto spki = rsa_->public_key()->spki_der();
    ASSERT_TRUE(spki.ok());
    auto pub = PublicKey::from_der(*spki);
    ASSERT_TRUE(pub.ok());
    EXPECT_TRUE(pub->equals(*rsa_->public_key()));
    EXPECT_EQ(pub->bits(), 2048u);
    EXPECT_FALSE(PublicKey::from_der(Bytes{0x30, 0x03, 0x02, 0x01, 0x00}).ok());

    // Files: PEM, DER, encrypted PEM with and without the password.
    std::string dir = ::testing::TempDir();
    std::string pem_path = dir + "/ikeoff_key.pem", der_path = dir + "/ikeoff_key.der",
                enc_path = dir + "/ikeoff_key_enc.pem";
    std::ofstream(pem_path) << *pem;
    {
        unsigned char* der = nullptr;
        int len = i2d_PrivateKey(dsa_->get(), &der);
        std::ofstream(der_path, std::ios::binary).write(reinterpret_cast<const char*>(der), len);
        OPENSSL_free(der);
        BIO* bio = BIO_new_file(enc_path.c_str(), "w");
        PEM_write_bio_PKCS8PrivateKey(bio, rsa_->get(), EVP_aes_256_cbc(), nullptr, 0, nullptr,
                                      const_cast<char*>("s3cret"));
        BIO_free(bio);
    }
    auto k1 = PrivateKey::load_file(pem_path);
    ASSERT_TRUE(k1.ok()) << k1.error().message;
    EXPECT_EQ(k1->type(), KeyType::rsa);
    auto k2 = PrivateKey::load_file(der_path);
    ASSERT_TRUE(k2.ok()) << k2.error().message;
    EXPECT_EQ(k2->type(), KeyType::dsa);
    EXPECT_TRUE(k2->public_key()->equals(*dsa_->public_key()));
    auto k3 = PrivateKey::load_file(enc_path, "s3cret");
    ASSERT_TRUE(k3.ok()) << k3.error().message;
    EXPECT_TRUE(k3->public_key()->equals(*rsa_->public_key()));
    EXPECT_EQ(PrivateKey::load_file(enc_path, "wrong").error().code, Errc::parse_error);
    EXPECT_EQ(PrivateKey::load_file(enc_path).error().code, Errc::parse_error);  // and no terminal prompt
    auto missing = PrivateKey::load_file(dir + "/does-not-exist.pem");
    EXPECT_EQ(missing.error().code, Errc::io_error);
    std::remove(pem_path.c_str());
    std::remove(der_path.c_str());
    std::remove(enc_path.c_str());
}

}  // namespace
}  // namespace ikeoff::crypto
