#include "host/crypto/selftest.hpp"

#include <string>

#include "host/crypto/cipher.hpp"
#include "host/crypto/dh.hpp"
#include "host/crypto/hash.hpp"
#include "host/crypto/prf.hpp"

namespace ikeoff::crypto {

namespace {

// Published values (sources named per check); the full vector sets run in
// the unit tests, these are one representative each.
Status expect(std::string_view what, ByteView got, std::string_view want_hex) {
    IKEOFF_ASSIGN(Bytes want, from_hex(want_hex));
    if (!ct_equal(got, want)) return Error{Errc::crypto_error, "self-test failed: " + std::string(what)};
    return ok_status();
}

Status check_hmac() {
    // RFC 2202 test case 2 (HMAC-SHA-1), RFC 4231 test case 2 (HMAC-SHA-256).
    IKEOFF_ASSIGN(SecretBytes h1, prf(HashAlg::sha1, as_bytes("Jefe"), {as_bytes("what do ya want for nothing?")}));
    IKEOFF_TRY(expect("HMAC-SHA1 (RFC 2202 #2)", h1, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"));
    IKEOFF_ASSIGN(SecretBytes h2, prf(HashAlg::sha256, as_bytes("Jefe"), {as_bytes("what do ya want for nothing?")}));
    return expect("HMAC-SHA256 (RFC 4231 #2)", h2, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

Status check_cbc(CipherAlg alg, std::string_view name, std::string_view key, std::string_view iv,
                 std::string_view pt, std::string_view ct) {
    IKEOFF_ASSIGN(Bytes k, from_hex(key));
    IKEOFF_ASSIGN(Bytes v, from_hex(iv));
    IKEOFF_ASSIGN(Bytes p, from_hex(pt));
    IKEOFF_ASSIGN(CbcCipher c, CbcCipher::create(alg, k));
    IKEOFF_ASSIGN(Bytes enc, c.encrypt(v, p));
    IKEOFF_TRY(expect(name, enc, ct));
    IKEOFF_ASSIGN(Bytes dec, c.decrypt(v, enc));
    return expect(name, dec, pt);
}

Status check_ecdh() {
    // RFC 5903 §8.1 (group 19).
    IKEOFF_ASSIGN(DhGroup g, DhGroup::well_known(19));
    IKEOFF_ASSIGN(Bytes i, from_hex("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433"));
    IKEOFF_ASSIGN(Bytes gr, from_hex("d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
                                     "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab"));
    IKEOFF_ASSIGN(DhKeyExchange kx, DhKeyExchange::from_private(g, i));
    IKEOFF_TRY(expect("ECP-256 public value (RFC 5903)", kx.public_value(),
                      "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c37725811805271a0461cdb8252d61f1c45"
                      "6fa3e59ab1f45b33accf5f58389e0577b8990bb3"));
    IKEOFF_ASSIGN(SecretBytes s, kx.derive(gr));
    return expect("ECP-256 shared secret (RFC 5903)", s,
                  "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de");
}

Status check_modp() {
    // g^x with x = 100 and peer value 2 in group 14: 2^100, left-padded.
    IKEOFF_ASSIGN(DhGroup g, DhGroup::well_known(14));
    const uint8_t x[1] = {100};
    IKEOFF_ASSIGN(DhKeyExchange kx, DhKeyExchange::from_private(g, ByteView(x, 1)));
    Bytes two(g.public_value_size(), 0);
    two.back() = 2;
    IKEOFF_ASSIGN(SecretBytes s, kx.derive(two));
    Bytes want(g.shared_secret_size(), 0);
    want[want.size() - 13] = 0x10;
    if (!ct_equal(s, want)) return Error{Errc::crypto_error, "self-test failed: MODP-2048 agreement"};
    return ok_status();
}

Status check_ikev1_kdf() {
    // NIST CAVS 17.3 IKEv1 PSK, SHA-1, first vector.
    IKEOFF_ASSIGN(Bytes psk, from_hex("75"));
    IKEOFF_ASSIGN(Bytes ni, from_hex("b9a2d0e922dc66dd"));
    IKEOFF_ASSIGN(Bytes nr, from_hex("2130166863b5ddef"));
    IKEOFF_ASSIGN(Bytes ci, from_hex("83d374c30b3b5082"));
    IKEOFF_ASSIGN(Bytes cr, from_hex("5afc0da06c728029"));
    IKEOFF_ASSIGN(Bytes gxy, from_hex("739003ba2c11c982946c65e26acf661fbf8ebb78011a9fead79efa12fe3e71cc"));
    // The RFC 2409 §5 chain spelled out with the PRF (host/ike/keymat_v1
    // implements it for real; crypto must not depend on ike).
    const uint8_t o0[1] = {0}, o1[1] = {1}, o2[1] = {2};
    // SKEYID = prf(pre-shared-key, Ni_b | Nr_b)
    IKEOFF_ASSIGN(SecretBytes skeyid, prf(HashAlg::sha1, psk, {ni, nr}));
    IKEOFF_TRY(expect("IKEv1 SKEYID (CAVS)", skeyid, "62b04d112877e442fc3282fc37c076997718a0b9"));
    // SKEYID_d/a/e = prf(SKEYID, [previous |] g^xy | CKY-I | CKY-R | 0/1/2)
    IKEOFF_ASSIGN(SecretBytes d, prf(HashAlg::sha1, skeyid, {gxy, ci, cr, ByteView(o0, 1)}));
    IKEOFF_TRY(expect("IKEv1 SKEYID_d (CAVS)", d, "369e5aad1bdb5faf6a3d929d500cdc236710a9ab"));
    IKEOFF_ASSIGN(SecretBytes a, prf(HashAlg::sha1, skeyid, {d.view(), gxy, ci, cr, ByteView(o1, 1)}));
    IKEOFF_TRY(expect("IKEv1 SKEYID_a (CAVS)", a, "588e957d8d790d093b3a39f121473473af78e9bb"));
    IKEOFF_ASSIGN(SecretBytes e, prf(HashAlg::sha1, skeyid, {a.view(), gxy, ci, cr, ByteView(o2, 1)}));
    return expect("IKEv1 SKEYID_e (CAVS)", e, "cd74b0c048219db81384d3fda8f6cda51e398a2b");
}

}  // namespace

Status self_test() {
    IKEOFF_TRY(check_hmac());
    // RFC 3602 case 1 (AES-128-CBC); NIST CAVS TCBCMMT3 #0 (3-key 3DES-CBC).
    IKEOFF_TRY(check_cbc(CipherAlg::aes_cbc, "AES-128-CBC (RFC 3602 #1)", "06a9214036b8a15b512e03d534120006",
                         "3dafba429d9eb430b422da802c9fac41", "53696e676c6520626c6f636b206d7367",
                         "e353779c1079aeb82708942dbe77181a"));
    IKEOFF_TRY(check_cbc(CipherAlg::tdes_cbc, "3DES-CBC (CAVS TCBCMMT3)",
                         "7adab9d938025bea6875268545d9542916fdf77a5291bafe", "67c3aaf34a1dce2e", "08387e19338f2e2e",
                         "f39784a799879fb5"));
    IKEOFF_TRY(check_ecdh());
    IKEOFF_TRY(check_modp());
    return check_ikev1_kdf();
}

}  // namespace ikeoff::crypto
