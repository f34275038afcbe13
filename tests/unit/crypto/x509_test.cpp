// Certificates made in the test (CA, intermediate, leaves): loading, names,
// subjectAltNames, ID matching, chain verification and signatures with the
// certificate's key.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include <openssl/pem.h>

#include "host/crypto/hash.hpp"
#include "host/crypto/x509.hpp"
#include "tests/unit/crypto/cert_factory.hpp"

namespace ikeoff::crypto {
namespace {

using testutil::CertSpec;
using testutil::make_cert;
using testutil::spec;

struct Pki {
    PrivateKey ca_key = std::move(PrivateKey::generate_rsa(2048)).value();
    PrivateKey int_key = std::move(PrivateKey::generate_rsa(2048)).value();
    PrivateKey leaf_key = std::move(PrivateKey::generate_rsa(2048)).value();
    PrivateKey other_key = std::move(PrivateKey::generate_rsa(2048)).value();
    Certificate ca = make_cert(spec("ikeoff Test CA", "ikeoffload", true, "", -30 * 86400L), ca_key, ca_key, nullptr);
    Certificate other_ca = make_cert(spec("Other CA", "elsewhere", true), other_key, other_key, nullptr);
    Certificate intermediate = make_cert(spec("ikeoff Intermediate", "ikeoffload", true), int_key, ca_key, &ca);
    Certificate leaf = make_cert(spec("moon.example.org", "ikeoffload", false,
                                  "DNS:moon.example.org,email:moon@example.org,IP:10.77.0.1,IP:2001:db8::1"),
                                 leaf_key, ca_key, &ca);
    Certificate leaf_via_int = make_cert(spec("sun.example.org", "ikeoffload", false, "DNS:sun.example.org"), leaf_key,
                                         int_key, &intermediate);
    Certificate foreign_leaf = make_cert(spec("moon.example.org", "ikeoffload", false), leaf_key, other_key, &other_ca);
    Certificate expired = make_cert(spec("old.example.org", "ikeoffload", false, "", -10 * 86400L, -86400L), leaf_key,
                                    ca_key, &ca);
};

const Pki& pki() {
    static const Pki p;
    return p;
}

using testutil::pem_of;

TEST(X509, LoadsPemAndDerFromTextAndFiles) {
    const auto& p = pki();
    std::string pem = pem_of(p.leaf);
    auto a = Certificate::from_pem(pem);
    ASSERT_TRUE(a.ok()) << a.error().message;
    auto der = p.leaf.der();
    ASSERT_TRUE(der.ok());
    EXPECT_EQ(*a->der(), *der);

    std::string dir = ::testing::TempDir();
    std::string pem_path = dir + "/ikeoff_leaf.pem", der_path = dir + "/ikeoff_leaf.der";
    std::ofstream(pem_path) << pem;
    std::ofstream(der_path, std::ios::binary).write(reinterpret_cast<const char*>(der->data()),
                                                    static_cast<std::streamsize>(der->size()));
    auto f1 = Certificate::load_file(pem_path);
    auto f2 = Certificate::load_file(der_path);
    ASSERT_TRUE(f1.ok() && f2.ok());
    EXPECT_EQ(*f1->der(), *der);
    EXPECT_EQ(*f2->der(), *der);
    std::remove(pem_path.c_str());
    std::remove(der_path.c_str());

    auto bundle = Certificate::all_from_pem(pem_of(p.ca) + pem_of(p.intermediate));
    ASSERT_TRUE(bundle.ok());
    EXPECT_EQ(bundle->size(), 2u);
    EXPECT_FALSE(Certificate::from_pem("not a certificate").ok());
    EXPECT_FALSE(Certificate::all_from_pem("").ok());
    Bytes trailing = *der;
    trailing.push_back(0);
    EXPECT_FALSE(Certificate::from_der(trailing).ok());
    EXPECT_FALSE(Certificate::from_der(ByteView(*der).first(der->size() / 2)).ok());
    EXPECT_EQ(Certificate::load_file(dir + "/nope.pem").error().code, Errc::io_error);
}

TEST(X509, SubjectIssuerAndAltNames) {
    const auto& p = pki();
    EXPECT_EQ(p.leaf.subject_string(), "C=CH, O=ikeoffload, CN=moon.example.org");
    EXPECT_EQ(p.leaf.issuer_string(), "C=CH, O=ikeoffload, CN=ikeoff Test CA");
    EXPECT_EQ(*p.leaf.issuer_der(), *p.ca.subject_der());

    // The DER subject is what X509 itself encodes.
    unsigned char* raw = nullptr;
    int len = i2d_X509_NAME(X509_get_subject_name(p.leaf.get()), &raw);
    Bytes direct(raw, raw + len);
    OPENSSL_free(raw);
    EXPECT_EQ(*p.leaf.subject_der(), direct);

    auto sans = p.leaf.subject_alt_names();
    ASSERT_EQ(sans.size(), 4u);
    EXPECT_EQ(sans[0].kind, AltName::Kind::dns);
    EXPECT_EQ(sans[0].text, "moon.example.org");
    EXPECT_EQ(sans[1].kind, AltName::Kind::email);
    EXPECT_EQ(sans[1].text, "moon@example.org");
    EXPECT_EQ(sans[2].kind, AltName::Kind::ip);
    EXPECT_EQ(sans[2].text, "10.77.0.1");
    EXPECT_EQ(to_hex(sans[2].raw), "0a4d0001");
    EXPECT_EQ(sans[3].kind, AltName::Kind::ip);
    EXPECT_EQ(sans[3].raw.size(), 16u);
    EXPECT_TRUE(p.ca.subject_alt_names().empty());
}

TEST(X509, IdPayloadFromCertificateAndIdMatching) {
    const auto& p = pki();
    auto id = id_from_certificate(p.leaf);
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(id->type, kIdDerAsn1Dn);
    EXPECT_EQ(id->data, *p.leaf.subject_der());

    EXPECT_TRUE(p.leaf.matches_id(kIdDerAsn1Dn, id->data));
    EXPECT_FALSE(p.leaf.matches_id(kIdDerAsn1Dn, *p.ca.subject_der()));
    EXPECT_FALSE(p.leaf.matches_id(kIdDerAsn1Dn, Bytes{0x30, 0x00, 0x00}));  // trailing garbage
    EXPECT_TRUE(p.leaf.matches_id(kIdFqdn, as_bytes("MOON.example.org")));
    EXPECT_FALSE(p.leaf.matches_id(kIdFqdn, as_bytes("sun.example.org")));
    EXPECT_TRUE(p.leaf.matches_id(kIdUserFqdn, as_bytes("moon@example.org")));
    EXPECT_FALSE(p.leaf.matches_id(kIdUserFqdn, as_bytes("moon.example.org")));  // a DNS name is not an email
    EXPECT_TRUE(p.leaf.matches_id(kIdIpv4Addr, Bytes{10, 77, 0, 1}));
    EXPECT_FALSE(p.leaf.matches_id(kIdIpv4Addr, Bytes{10, 77, 0, 2}));
    Bytes v6(16, 0);
    v6[0] = 0x20, v6[1] = 0x01, v6[2] = 0x0d, v6[3] = 0xb8, v6[15] = 1;
    EXPECT_TRUE(p.leaf.matches_id(kIdIpv6Addr, v6));
    EXPECT_FALSE(p.leaf.matches_id(11, as_bytes("moon.example.org")));  // ID_KEY_ID never matches
}

TEST(X509, ChainVerification) {
    const auto& p = pki();
    auto store = CertStore::create();
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store->add_trusted(p.ca).ok());
    EXPECT_EQ(store->trusted_count(), 1u);

    EXPECT_TRUE(store->verify(p.leaf).ok());
    EXPECT_TRUE(store->verify(p.ca).ok());

    auto foreign = store->verify(p.foreign_leaf);
    ASSERT_FALSE(foreign.ok());
    EXPECT_EQ(foreign.error().code, Errc::invalid_argument);
    EXPECT_NE(foreign.error().message.find("issuer"), std::string::npos) << foreign.error().message;

    auto old = store->verify(p.expired);
    ASSERT_FALSE(old.ok());
    EXPECT_NE(old.error().message.find("expired"), std::string::npos) << old.error().message;
    // ...but it was valid five days ago (injectable verification time).
    EXPECT_TRUE(store->verify(p.expired, {}, std::time(nullptr) - 5 * 86400L).ok());
    EXPECT_FALSE(store->verify(p.leaf, {}, std::time(nullptr) + 2 * 365 * 86400L).ok());

    // Through an intermediate only when the intermediate is supplied.
    EXPECT_FALSE(store->verify(p.leaf_via_int).ok());
    std::vector<Certificate> chain{p.intermediate};
    EXPECT_TRUE(store->verify(p.leaf_via_int, chain).ok());

    // An empty store trusts nothing.
    auto empty = CertStore::create();
    EXPECT_FALSE(empty->verify(p.leaf).ok());
}

TEST(X509, TrustedFileWithSeveralCas) {
    const auto& p = pki();
    std::string path = ::testing::TempDir() + "/ikeoff_cas.pem";
    std::ofstream(path) << pem_of(p.other_ca) << pem_of(p.ca);
    auto store = CertStore::create();
    ASSERT_TRUE(store->add_trusted_file(path).ok());
    EXPECT_EQ(store->trusted_count(), 2u);
    EXPECT_TRUE(store->verify(p.leaf).ok());
    EXPECT_TRUE(store->verify(p.foreign_leaf).ok());
    std::remove(path.c_str());
}

TEST(X509, SignatureWithCertificateKey) {
    const auto& p = pki();
    auto pub = p.leaf.public_key();
    ASSERT_TRUE(pub.ok());
    EXPECT_EQ(pub->type(), KeyType::rsa);
    EXPECT_TRUE(pub->equals(*p.leaf_key.public_key()));
    Bytes h = std::move(hash(HashAlg::sha1, as_bytes("HASH_I"))).value();
    auto sig = p.leaf_key.sign_ike(h);
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(pub->verify_ike(h, *sig));
    EXPECT_FALSE(p.ca.public_key()->verify_ike(h, *sig));
    // Copies share the certificate and stay valid on their own.
    Certificate copy = p.leaf;
    EXPECT_EQ(*copy.der(), *p.leaf.der());
}

}  // namespace
}  // namespace ikeoff::crypto
