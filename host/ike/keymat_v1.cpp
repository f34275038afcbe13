#include "host/ike/keymat_v1.hpp"

#include <array>
#include <string>

#include "host/common/log.hpp"
#include "host/crypto/prf.hpp"

namespace ikeoff::ike {

using crypto::Prf;

namespace {

constexpr uint8_t kOctet0[1] = {0};
constexpr uint8_t kOctet1[1] = {1};
constexpr uint8_t kOctet2[1] = {2};

// Longest KEYMAT/Ka anyone can need (two 256-bit keys plus a salt is < 100
// bytes); the bound turns a nonsense length into an error, not a huge loop.
constexpr std::size_t kMaxDerivedLen = 1024;

Status check_cookies(ByteView cky_i, ByteView cky_r) {
    IKEOFF_ENSURE(cky_i.size() == 8 && cky_r.size() == 8, Errc::invalid_argument,
                  "ISAKMP cookies must be 8 octets each");
    return ok_status();
}

std::array<uint8_t, 4> be32(uint32_t v) {
    std::array<uint8_t, 4> b{};
    store_be32(b.data(), v);
    return b;
}

Bytes to_bytes(const SecretBytes& s) { return Bytes(s.data(), s.data() + s.size()); }

// Appendix B stretching, shared by Ka and the revised-mode nonce keys:
//   K = K1 | K2 | ..., K1 = prf(key, 0), Kn = prf(key, K(n-1)), cut to len.
// A key at least `len` long is simply truncated instead.
Result<SecretBytes> appendix_b_stretch(HashAlg alg, ByteView key, std::size_t len) {
    IKEOFF_ENSURE(len > 0 && len <= kMaxDerivedLen, Errc::invalid_argument,
                  "key length " + std::to_string(len) + " out of range");
    if (key.size() >= len) return SecretBytes(key.first(len));
    IKEOFF_ASSIGN(Prf p, Prf::create(alg, key));
    SecretBytes out;
    IKEOFF_ASSIGN(SecretBytes k, p.compute({ByteView(kOctet0)}));
    while (true) {
        out.append(k);
        if (out.size() >= len) break;
        IKEOFF_ASSIGN(SecretBytes next, p.compute({k.view()}));
        k = std::move(next);
    }
    out.resize(len);
    return out;
}

}  // namespace

SkeyidKind skeyid_kind(AuthMethod method) noexcept {
    switch (method) {
        case AuthMethod::psk: return SkeyidKind::pre_shared_key;
        case AuthMethod::dss_sig:
        case AuthMethod::rsa_sig: return SkeyidKind::signature;
        case AuthMethod::rsa_enc:
        case AuthMethod::rsa_enc_revised: return SkeyidKind::public_key_encryption;
    }
    return SkeyidKind::signature;
}

// ---- SKEYID ----------------------------------------------------------------------

Result<SecretBytes> skeyid_signature(HashAlg prf, ByteView ni_b, ByteView nr_b, ByteView gxy) {
    // RFC 2409 §5: For signatures: SKEYID = prf(Ni_b | Nr_b, g^xy)
    SecretBytes nonces(ni_b);
    nonces.append(nr_b);
    return crypto::prf(prf, nonces, {gxy});
}

Result<SecretBytes> skeyid_pre_shared_key(HashAlg prf, ByteView psk, ByteView ni_b, ByteView nr_b) {
    // RFC 2409 §5: For pre-shared keys: SKEYID = prf(pre-shared-key, Ni_b | Nr_b)
    return crypto::prf(prf, psk, {ni_b, nr_b});
}

Result<SecretBytes> skeyid_public_key_encryption(HashAlg prf, HashAlg hash, ByteView ni_b, ByteView nr_b,
                                                 ByteView cky_i, ByteView cky_r) {
    IKEOFF_TRY(check_cookies(cky_i, cky_r));
    // RFC 2409 §5: For public key encryption: SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R)
    IKEOFF_ASSIGN(Bytes h, crypto::hash(hash, {ni_b, nr_b}));
    SecretBytes key(std::move(h));
    return crypto::prf(prf, key, {cky_i, cky_r});
}

Result<SkeyidChildren> derive_skeyid_children(HashAlg prf, ByteView skeyid, ByteView gxy, ByteView cky_i,
                                              ByteView cky_r) {
    IKEOFF_TRY(check_cookies(cky_i, cky_r));
    IKEOFF_ASSIGN(Prf p, Prf::create(prf, skeyid));
    SkeyidChildren out;
    // SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
    IKEOFF_ASSIGN(out.d, p.compute({gxy, cky_i, cky_r, ByteView(kOctet0)}));
    // SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
    IKEOFF_ASSIGN(out.a, p.compute({out.d.view(), gxy, cky_i, cky_r, ByteView(kOctet1)}));
    // SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
    IKEOFF_ASSIGN(out.e, p.compute({out.a.view(), gxy, cky_i, cky_r, ByteView(kOctet2)}));
    return out;
}

Result<SecretBytes> phase1_encryption_key(HashAlg prf, ByteView skeyid_e, std::size_t key_len) {
    // RFC 2409 Appendix B: if SKEYID_e is too short for the cipher,
    //   Ka = K1 | K2 | K3 | ...  with  K1 = prf(SKEYID_e, 0), K2 = prf(SKEYID_e, K1),
    //   K3 = prf(SKEYID_e, K2), ... ("0" being a single zero octet);
    // the key is the first key_len bytes (of SKEYID_e itself when long enough).
    return appendix_b_stretch(prf, skeyid_e, key_len);
}

Result<SecretBytes> revised_pke_key(HashAlg prf, ByteView nonce_b, ByteView cookie, std::size_t key_len) {
    IKEOFF_ENSURE(cookie.size() == 8, Errc::invalid_argument, "ISAKMP cookie must be 8 octets");
    // RFC 2409 §5.3: Ne_i = prf(Ni_b, CKY-I), Ne_r = prf(Nr_b, CKY-R); the
    // cipher key is taken from Ne_x, extended as in Appendix B when short.
    IKEOFF_ASSIGN(SecretBytes ne, crypto::prf(prf, nonce_b, {cookie}));
    return appendix_b_stretch(prf, ne, key_len);
}

// ---- HASH_I / HASH_R -----------------------------------------------------------------

Result<Bytes> hash_i(HashAlg prf, ByteView skeyid, ByteView gxi, ByteView gxr, ByteView cky_i, ByteView cky_r,
                     ByteView sai_b, ByteView idii_b) {
    IKEOFF_TRY(check_cookies(cky_i, cky_r));
    // RFC 2409 §5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b )
    IKEOFF_ASSIGN(SecretBytes h, crypto::prf(prf, skeyid, {gxi, gxr, cky_i, cky_r, sai_b, idii_b}));
    return to_bytes(h);
}

Result<Bytes> hash_r(HashAlg prf, ByteView skeyid, ByteView gxi, ByteView gxr, ByteView cky_i, ByteView cky_r,
                     ByteView sai_b, ByteView idir_b) {
    IKEOFF_TRY(check_cookies(cky_i, cky_r));
    // RFC 2409 §5: HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b )
    IKEOFF_ASSIGN(SecretBytes h, crypto::prf(prf, skeyid, {gxr, gxi, cky_r, cky_i, sai_b, idir_b}));
    return to_bytes(h);
}

// ---- phase-2 hashes ---------------------------------------------------------------------

Result<Bytes> qm_hash1(HashAlg prf, ByteView skeyid_a, uint32_t mid, ByteView rest) {
    auto m = be32(mid);
    // RFC 2409 §5.5: HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr )
    IKEOFF_ASSIGN(SecretBytes h, crypto::prf(prf, skeyid_a, {ByteView(m), rest}));
    return to_bytes(h);
}

Result<Bytes> qm_hash2(HashAlg prf, ByteView skeyid_a, uint32_t mid, ByteView ni_b, ByteView rest) {
    auto m = be32(mid);
    // RFC 2409 §5.5: HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr )
    IKEOFF_ASSIGN(SecretBytes h, crypto::prf(prf, skeyid_a, {ByteView(m), ni_b, rest}));
    return to_bytes(h);
}

Result<Bytes> qm_hash3(HashAlg prf, ByteView skeyid_a, uint32_t mid, ByteView ni_b, ByteView nr_b) {
    auto m = be32(mid);
    // RFC 2409 §5.5: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
    IKEOFF_ASSIGN(SecretBytes h, crypto::prf(prf, skeyid_a, {ByteView(kOctet0), ByteView(m), ni_b, nr_b}));
    return to_bytes(h);
}

Result<Bytes> informational_hash(HashAlg prf, ByteView skeyid_a, uint32_t mid, ByteView rest) {
    auto m = be32(mid);
    // RFC 2409 §5.7: HASH(1) = prf(SKEYID_a, M-ID | N/D)
    IKEOFF_ASSIGN(SecretBytes h, crypto::prf(prf, skeyid_a, {ByteView(m), rest}));
    return to_bytes(h);
}

// ---- KEYMAT ------------------------------------------------------------------------------

Result<SecretBytes> keymat(HashAlg prf, ByteView skeyid_d, std::optional<ByteView> gxy_qm, Protocol protocol,
                           uint32_t spi, ByteView ni_b, ByteView nr_b, std::size_t len) {
    IKEOFF_ENSURE(len > 0 && len <= kMaxDerivedLen, Errc::invalid_argument,
                  "KEYMAT length " + std::to_string(len) + " out of range");
    const uint8_t proto[1] = {static_cast<uint8_t>(protocol)};
    auto spi_be = be32(spi);
    ByteView g = gxy_qm ? *gxy_qm : ByteView{};
    IKEOFF_ASSIGN(Prf p, Prf::create(prf, skeyid_d));
    // RFC 2409 §5.5:
    //   KEYMAT = K1 | K2 | K3 | ...
    //   K1 = prf(SKEYID_d, [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b)
    //   K2 = prf(SKEYID_d, K1 | [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b)
    //   K3 = prf(SKEYID_d, K2 | [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b)
    // (without PFS the g(qm)^xy part is absent).
    SecretBytes out;
    IKEOFF_ASSIGN(SecretBytes k, p.compute({g, ByteView(proto), ByteView(spi_be), ni_b, nr_b}));
    while (true) {
        out.append(k);
        if (out.size() >= len) break;
        IKEOFF_ASSIGN(SecretBytes next, p.compute({k.view(), g, ByteView(proto), ByteView(spi_be), ni_b, nr_b}));
        k = std::move(next);
    }
    out.resize(len);
    if (log::enabled(log::kSecret)) log::secret("ike", "KEYMAT for SPI " + to_hex(spi_be), out);
    return out;
}

// ---- Phase1Keymat ----------------------------------------------------------------------

Result<Phase1Keymat> Phase1Keymat::derive(const Phase1Input& in) {
    IKEOFF_TRY(check_cookies(in.cky_i, in.cky_r));
    IKEOFF_ENSURE(!in.ni_b.empty() && !in.nr_b.empty(), Errc::invalid_argument, "nonces must not be empty");
    IKEOFF_ENSURE(!in.gxy.empty(), Errc::invalid_argument, "DH shared secret missing");
    IKEOFF_ENSURE(in.enc_key_len > 0, Errc::invalid_argument, "phase-1 cipher key length missing");
    Phase1Keymat km;
    km.prf_ = in.prf;
    km.hash_ = in.hash;
    switch (skeyid_kind(in.auth)) {
        case SkeyidKind::pre_shared_key: {
            IKEOFF_ENSURE(!in.pre_shared_key.empty(), Errc::invalid_argument, "pre-shared key missing");
            IKEOFF_ASSIGN(km.skeyid_, skeyid_pre_shared_key(in.prf, in.pre_shared_key, in.ni_b, in.nr_b));
            break;
        }
        case SkeyidKind::signature: {
            IKEOFF_ASSIGN(km.skeyid_, skeyid_signature(in.prf, in.ni_b, in.nr_b, in.gxy));
            break;
        }
        case SkeyidKind::public_key_encryption: {
            IKEOFF_ASSIGN(km.skeyid_,
                          skeyid_public_key_encryption(in.prf, in.hash, in.ni_b, in.nr_b, in.cky_i, in.cky_r));
            break;
        }
    }
    IKEOFF_ASSIGN(SkeyidChildren c, derive_skeyid_children(in.prf, km.skeyid_, in.gxy, in.cky_i, in.cky_r));
    km.skeyid_d_ = std::move(c.d);
    km.skeyid_a_ = std::move(c.a);
    km.skeyid_e_ = std::move(c.e);
    IKEOFF_ASSIGN(km.ka_, phase1_encryption_key(in.prf, km.skeyid_e_, in.enc_key_len));
    // Level 4 only, with charon's labels, so both sides' logs can be diffed.
    log::secret("ike", "shared Diffie Hellman secret", in.gxy);
    log::secret("ike", "SKEYID", km.skeyid_);
    log::secret("ike", "SKEYID_d", km.skeyid_d_);
    log::secret("ike", "SKEYID_a", km.skeyid_a_);
    log::secret("ike", "SKEYID_e", km.skeyid_e_);
    log::secret("ike", "encryption key Ka", km.ka_);
    return km;
}

Result<Bytes> Phase1Keymat::hash_i(ByteView gxi, ByteView gxr, ByteView cky_i, ByteView cky_r, ByteView sai_b,
                                   ByteView idii_b) const {
    return ike::hash_i(prf_, skeyid_, gxi, gxr, cky_i, cky_r, sai_b, idii_b);
}

Result<Bytes> Phase1Keymat::hash_r(ByteView gxi, ByteView gxr, ByteView cky_i, ByteView cky_r, ByteView sai_b,
                                   ByteView idir_b) const {
    return ike::hash_r(prf_, skeyid_, gxi, gxr, cky_i, cky_r, sai_b, idir_b);
}

Result<Bytes> Phase1Keymat::qm_hash1(uint32_t mid, ByteView rest) const {
    return ike::qm_hash1(prf_, skeyid_a_, mid, rest);
}

Result<Bytes> Phase1Keymat::qm_hash2(uint32_t mid, ByteView ni_b, ByteView rest) const {
    return ike::qm_hash2(prf_, skeyid_a_, mid, ni_b, rest);
}

Result<Bytes> Phase1Keymat::qm_hash3(uint32_t mid, ByteView ni_b, ByteView nr_b) const {
    return ike::qm_hash3(prf_, skeyid_a_, mid, ni_b, nr_b);
}

Result<Bytes> Phase1Keymat::informational_hash(uint32_t mid, ByteView rest) const {
    return ike::informational_hash(prf_, skeyid_a_, mid, rest);
}

Result<SecretBytes> Phase1Keymat::keymat(std::optional<ByteView> gxy_qm, Protocol protocol, uint32_t spi,
                                         ByteView ni_b, ByteView nr_b, std::size_t len) const {
    return ike::keymat(prf_, skeyid_d_, gxy_qm, protocol, spi, ni_b, nr_b, len);
}

}  // namespace ikeoff::ike
