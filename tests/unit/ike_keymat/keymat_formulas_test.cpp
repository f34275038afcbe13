// Formulas the NIST and strongSwan data do not reach (public-key-encryption
// SKEYID, the revised-mode nonce keys) checked against an independent
// computation with OpenSSL's one-shot HMAC/digest API, plus input checks.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "host/ike/keymat_v1.hpp"

namespace ikeoff::ike {
namespace {

// Independent reference: OpenSSL's one-shot HMAC() (not our Prf class).
Bytes ref_hmac(const EVP_MD* md, ByteView key, ByteView data) {
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int len = 0;
    HMAC(md, key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &len);
    out.resize(len);
    return out;
}

Bytes cat(std::initializer_list<ByteView> parts) {
    Bytes out;
    for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

const Bytes kNi(16, 0x11), kNr(24, 0x22), kCi{1, 2, 3, 4, 5, 6, 7, 8}, kCr{9, 10, 11, 12, 13, 14, 15, 16},
    kGxy(128, 0x33);

TEST(KeymatFormulas, PublicKeyEncryptionSkeyid) {
    // SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R)
    auto got = skeyid_public_key_encryption(HashAlg::sha256, HashAlg::sha256, kNi, kNr, kCi, kCr);
    ASSERT_TRUE(got.ok()) << got.error().message;
    Bytes h(32);
    unsigned int hl = 0;
    Bytes nn = cat({kNi, kNr});
    EVP_Digest(nn.data(), nn.size(), h.data(), &hl, EVP_sha256(), nullptr);
    EXPECT_EQ(to_hex(*got), to_hex(ref_hmac(EVP_sha256(), h, cat({kCi, kCr}))));

    // Phase1Keymat picks this formula for both RSA encryption methods.
    for (AuthMethod m : {AuthMethod::rsa_enc, AuthMethod::rsa_enc_revised}) {
        Phase1Input in;
        in.prf = in.hash = HashAlg::sha256;
        in.auth = m;
        in.ni_b = kNi;
        in.nr_b = kNr;
        in.cky_i = kCi;
        in.cky_r = kCr;
        in.gxy = kGxy;
        in.enc_key_len = 32;
        auto km = Phase1Keymat::derive(in);
        ASSERT_TRUE(km.ok());
        EXPECT_EQ(to_hex(km->skeyid()), to_hex(*got));
        // SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
        const uint8_t zero[1] = {0};
        EXPECT_EQ(to_hex(km->skeyid_d()),
                  to_hex(ref_hmac(EVP_sha256(), *got, cat({kGxy, kCi, kCr, ByteView(zero, 1)}))));
    }
    EXPECT_EQ(skeyid_kind(AuthMethod::dss_sig), SkeyidKind::signature);
    EXPECT_EQ(skeyid_kind(AuthMethod::psk), SkeyidKind::pre_shared_key);
}

TEST(KeymatFormulas, RevisedModeNonceKeys) {
    // Ne_i = prf(Ni_b, CKY-I); a 24-byte 3DES key from SHA-1 needs the
    // Appendix B extension: K1 = prf(Ne_i, 0), K2 = prf(Ne_i, K1).
    Bytes ne = ref_hmac(EVP_sha1(), kNi, kCi);
    auto k16 = revised_pke_key(HashAlg::sha1, kNi, kCi, 16);
    ASSERT_TRUE(k16.ok());
    EXPECT_EQ(to_hex(*k16), to_hex(ByteView(ne).first(16)));

    auto k24 = revised_pke_key(HashAlg::sha1, kNi, kCi, 24);
    ASSERT_TRUE(k24.ok());
    const uint8_t zero[1] = {0};
    Bytes k1 = ref_hmac(EVP_sha1(), ne, ByteView(zero, 1));
    Bytes k2 = ref_hmac(EVP_sha1(), ne, k1);
    EXPECT_EQ(to_hex(*k24), to_hex(ByteView(cat({k1, k2})).first(24)));
    // Responder side uses its own nonce and cookie.
    EXPECT_NE(to_hex(*revised_pke_key(HashAlg::sha1, kNr, kCr, 16)), to_hex(*k16));
    EXPECT_FALSE(revised_pke_key(HashAlg::sha1, kNi, ByteView(kCi).first(4), 16).ok());
}

TEST(KeymatFormulas, KeymatExpansionChainsThePreviousBlock) {
    // K1 = prf(SKEYID_d, protocol | SPI | Ni_b | Nr_b), K2 = prf(SKEYID_d, K1 | protocol | ...)
    Bytes skeyid_d(20, 0x44);
    const uint8_t tail[5] = {3, 0xde, 0xad, 0xbe, 0xef};
    auto km = keymat(HashAlg::sha1, skeyid_d, std::nullopt, Protocol::esp, 0xdeadbeef, kNi, kNr, 50);
    ASSERT_TRUE(km.ok());
    Bytes k1 = ref_hmac(EVP_sha1(), skeyid_d, cat({ByteView(tail, 5), kNi, kNr}));
    Bytes k2 = ref_hmac(EVP_sha1(), skeyid_d, cat({k1, ByteView(tail, 5), kNi, kNr}));
    Bytes k3 = ref_hmac(EVP_sha1(), skeyid_d, cat({k2, ByteView(tail, 5), kNi, kNr}));
    EXPECT_EQ(to_hex(*km), to_hex(ByteView(cat({k1, k2, k3})).first(50)));
    // With PFS g(qm)^xy comes first, after K(n-1).
    auto pfs = keymat(HashAlg::sha1, skeyid_d, ByteView(kGxy), Protocol::ah, 7, kNi, kNr, 20);
    const uint8_t ah_tail[5] = {2, 0, 0, 0, 7};
    EXPECT_EQ(to_hex(*pfs), to_hex(ref_hmac(EVP_sha1(), skeyid_d, cat({kGxy, ByteView(ah_tail, 5), kNi, kNr}))));
}

TEST(KeymatFormulas, RejectsBadInputs) {
    Bytes skeyid_d(20, 1);
    EXPECT_FALSE(keymat(HashAlg::sha1, skeyid_d, std::nullopt, Protocol::esp, 1, kNi, kNr, 0).ok());
    EXPECT_FALSE(keymat(HashAlg::sha1, skeyid_d, std::nullopt, Protocol::esp, 1, kNi, kNr, 4096).ok());
    EXPECT_FALSE(phase1_encryption_key(HashAlg::sha1, skeyid_d, 0).ok());

    Phase1Input in;
    in.auth = AuthMethod::psk;  // but no key given
    in.ni_b = kNi;
    in.nr_b = kNr;
    in.cky_i = kCi;
    in.cky_r = kCr;
    in.gxy = kGxy;
    in.enc_key_len = 16;
    EXPECT_EQ(Phase1Keymat::derive(in).error().code, Errc::invalid_argument);
    Bytes psk(8, 9);
    in.pre_shared_key = psk;
    EXPECT_TRUE(Phase1Keymat::derive(in).ok());
    in.enc_key_len = 0;
    EXPECT_FALSE(Phase1Keymat::derive(in).ok());
    in.enc_key_len = 16;
    in.gxy = {};
    EXPECT_FALSE(Phase1Keymat::derive(in).ok());
    in.gxy = kGxy;
    in.ni_b = {};
    EXPECT_FALSE(Phase1Keymat::derive(in).ok());
}

TEST(KeymatFormulas, HashRSwapsTheRolesOfHashI) {
    Bytes skeyid(20, 5), sa(40, 6), id(8, 7), gxi(128, 8), gxr(128, 9);
    auto hi = hash_i(HashAlg::sha1, skeyid, gxi, gxr, kCi, kCr, sa, id);
    auto hr = hash_r(HashAlg::sha1, skeyid, gxi, gxr, kCi, kCr, sa, id);
    ASSERT_TRUE(hi.ok() && hr.ok());
    EXPECT_EQ(to_hex(*hi), to_hex(ref_hmac(EVP_sha1(), skeyid, cat({gxi, gxr, kCi, kCr, sa, id}))));
    EXPECT_EQ(to_hex(*hr), to_hex(ref_hmac(EVP_sha1(), skeyid, cat({gxr, gxi, kCr, kCi, sa, id}))));
}

}  // namespace
}  // namespace ikeoff::ike
