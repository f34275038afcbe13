// IKEv1 key derivation and authentication hashes (RFC 2409 §5, §5.5, §5.7,
// Appendix B).
//
// Two layers:
//  - free functions, one per RFC formula, taking exactly the formula's
//    inputs (so each can be checked against published vectors on its own);
//  - Phase1Keymat, which holds SKEYID and its three children for one ISAKMP
//    SA and offers every later computation (HASH_I/HASH_R, the phase-2
//    hashes, KEYMAT) without the caller handing keys around.
//
// Conventions used throughout:
//  - "_b" means the body of a payload without its generic header (RFC 2409
//    §3.2): Ni_b is the nonce bytes, SAi_b the whole SA payload body
//    (DOI, situation, proposals), IDii_b the ID payload body (ID type,
//    protocol, port, data).
//  - Cookies (CKY-I/CKY-R) are the 8-octet values from the ISAKMP header.
//  - g^xy is the shared secret left-padded to the group size (dh.hpp does
//    this), g^xi/g^xr the KE payload bodies.
//  - Message IDs are host-order integers; the formulas use them big-endian.
//  - Every key and intermediate is SecretBytes and wiped when dropped. The
//    HASH values are returned as Bytes because they go on the wire.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/crypto/hash.hpp"

namespace ikeoff::ike {

using crypto::HashAlg;

// Phase-1 "Authentication Method" attribute values (RFC 2409 Appendix A).
enum class AuthMethod : uint16_t {
    psk = 1,
    dss_sig = 2,
    rsa_sig = 3,
    rsa_enc = 4,
    rsa_enc_revised = 5,
};

// Which SKEYID formula a method uses (RFC 2409 §5).
enum class SkeyidKind { signature, pre_shared_key, public_key_encryption };
SkeyidKind skeyid_kind(AuthMethod method) noexcept;

// ---- RFC 2409 §5: SKEYID -----------------------------------------------------

// For signatures: SKEYID = prf(Ni_b | Nr_b, g^xy)
Result<SecretBytes> skeyid_signature(HashAlg prf, ByteView ni_b, ByteView nr_b, ByteView gxy);
// For pre-shared keys: SKEYID = prf(pre-shared-key, Ni_b | Nr_b)
Result<SecretBytes> skeyid_pre_shared_key(HashAlg prf, ByteView psk, ByteView ni_b, ByteView nr_b);
// For public key encryption: SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R)
Result<SecretBytes> skeyid_public_key_encryption(HashAlg prf, HashAlg hash, ByteView ni_b, ByteView nr_b,
                                                 ByteView cky_i, ByteView cky_r);

// SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
// SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
// SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
struct SkeyidChildren {
    SecretBytes d, a, e;
};
Result<SkeyidChildren> derive_skeyid_children(HashAlg prf, ByteView skeyid, ByteView gxy, ByteView cky_i,
                                              ByteView cky_r);

// Appendix B: the phase-1 cipher key Ka from SKEYID_e. When SKEYID_e is at
// least key_len long its first key_len bytes are used; otherwise
// Ka = K1 | K2 | ..., K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, K(n-1)),
// truncated to key_len.
Result<SecretBytes> phase1_encryption_key(HashAlg prf, ByteView skeyid_e, std::size_t key_len);

// RFC 2409 §5.3 (revised public-key encryption): the symmetric key that
// protects KE/ID/CERT in the exchange, Ne_i = prf(Ni_b, CKY-I) (initiator)
// or Ne_r = prf(Nr_b, CKY-R) (responder), cut or stretched to key_len the
// Appendix B way.
Result<SecretBytes> revised_pke_key(HashAlg prf, ByteView nonce_b, ByteView cookie, std::size_t key_len);

// ---- RFC 2409 §5: phase-1 authentication hashes ------------------------------

// HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
Result<Bytes> hash_i(HashAlg prf, ByteView skeyid, ByteView gxi, ByteView gxr, ByteView cky_i, ByteView cky_r,
                     ByteView sai_b, ByteView idii_b);
// HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
// Arguments are named as in HASH_I; the function does the reordering.
Result<Bytes> hash_r(HashAlg prf, ByteView skeyid, ByteView gxi, ByteView gxr, ByteView cky_i, ByteView cky_r,
                     ByteView sai_b, ByteView idir_b);

// ---- RFC 2409 §5.5 / §5.7: phase-2 hashes -------------------------------------
// `rest` is the message after the HASH payload, payload headers included,
// exactly as on the wire (SA | Ni [| KE] [| IDci | IDcr] for Quick Mode,
// N/D for Informational).

// HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ])
Result<Bytes> qm_hash1(HashAlg prf, ByteView skeyid_a, uint32_t mid, ByteView rest);
// HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ])
Result<Bytes> qm_hash2(HashAlg prf, ByteView skeyid_a, uint32_t mid, ByteView ni_b, ByteView rest);
// HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
Result<Bytes> qm_hash3(HashAlg prf, ByteView skeyid_a, uint32_t mid, ByteView ni_b, ByteView nr_b);
// Informational: HASH(1) = prf(SKEYID_a, M-ID | N/D)
Result<Bytes> informational_hash(HashAlg prf, ByteView skeyid_a, uint32_t mid, ByteView rest);

// ---- RFC 2409 §5.5: KEYMAT ---------------------------------------------------

// Protocol IDs used as the "protocol" octet (RFC 2407 §4.4.1).
enum class Protocol : uint8_t { isakmp = 1, ah = 2, esp = 3, ipcomp = 4 };

// KEYMAT for one SA (one direction), len bytes:
//   KEYMAT = K1 | K2 | K3 | ...
//   K1 = prf(SKEYID_d, [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b)
//   Kn = prf(SKEYID_d, K(n-1) | [ g(qm)^xy | ] protocol | SPI | Ni_b | Nr_b)
// `spi` is the SPI of the SA being keyed (the one its receiver chose);
// gxy_qm is present only with PFS. The encryption key comes first, then the
// integrity key (RFC 2409 §5.5 leaves the split to the DOI; RFC 2407 and
// every implementation take the cipher key, including a GCM salt, first).
Result<SecretBytes> keymat(HashAlg prf, ByteView skeyid_d, std::optional<ByteView> gxy_qm, Protocol protocol,
                           uint32_t spi, ByteView ni_b, ByteView nr_b, std::size_t len);

// ---- per-ISAKMP-SA state ------------------------------------------------------

struct Phase1Input {
    HashAlg prf = HashAlg::sha1;   // the negotiated hash, used as HMAC
    HashAlg hash = HashAlg::sha1;  // the plain hash (normally the same algorithm)
    AuthMethod auth = AuthMethod::psk;
    ByteView pre_shared_key;       // only for AuthMethod::psk
    ByteView ni_b, nr_b;
    ByteView cky_i, cky_r;         // 8 octets each
    ByteView gxy;                  // padded DH shared secret
    std::size_t enc_key_len = 0;   // phase-1 cipher key length in bytes (Ka)
};

class Phase1Keymat {
public:
    static Result<Phase1Keymat> derive(const Phase1Input& in);

    HashAlg prf() const noexcept { return prf_; }
    HashAlg hash() const noexcept { return hash_; }
    const SecretBytes& skeyid() const noexcept { return skeyid_; }
    const SecretBytes& skeyid_d() const noexcept { return skeyid_d_; }
    const SecretBytes& skeyid_a() const noexcept { return skeyid_a_; }
    const SecretBytes& skeyid_e() const noexcept { return skeyid_e_; }
    const SecretBytes& encryption_key() const noexcept { return ka_; }  // Ka

    Result<Bytes> hash_i(ByteView gxi, ByteView gxr, ByteView cky_i, ByteView cky_r, ByteView sai_b,
                         ByteView idii_b) const;
    Result<Bytes> hash_r(ByteView gxi, ByteView gxr, ByteView cky_i, ByteView cky_r, ByteView sai_b,
                         ByteView idir_b) const;
    Result<Bytes> qm_hash1(uint32_t mid, ByteView rest) const;
    Result<Bytes> qm_hash2(uint32_t mid, ByteView ni_b, ByteView rest) const;
    Result<Bytes> qm_hash3(uint32_t mid, ByteView ni_b, ByteView nr_b) const;
    Result<Bytes> informational_hash(uint32_t mid, ByteView rest) const;
    Result<SecretBytes> keymat(std::optional<ByteView> gxy_qm, Protocol protocol, uint32_t spi, ByteView ni_b,
                               ByteView nr_b, std::size_t len) const;

private:
    Phase1Keymat() = default;
    HashAlg prf_ = HashAlg::sha1;
    HashAlg hash_ = HashAlg::sha1;
    SecretBytes skeyid_, skeyid_d_, skeyid_a_, skeyid_e_, ka_;
};

}  // namespace ikeoff::ike
