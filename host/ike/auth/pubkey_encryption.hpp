// Public-key encryption authentication (RFC 2409 §5.2) and its revised
// form (§5.3), Main Mode. Each side proves its identity by being able to
// decrypt the peer's nonce: SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R),
// and messages 5/6 carry only HASH_I / HASH_R.
//
//  §5.2, message 3:  KE, <IDii_b>PubKey_r, <Ni_b>PubKey_r     (4 likewise)
//  §5.3, message 3:  <Ni_b>PubKey_r, <KE_b>Ke_i, <IDii_b>Ke_i (4 likewise)
//      Ne_i = prf(Ni_b, CKY-I), Ne_r = prf(Nr_b, CKY-R), stretched to the
//      negotiated cipher's key as Appendix B does (keymat_v1
//      revised_pke_key): Ke_i / Ke_r. The bodies are encrypted with the
//      negotiated phase-1 cipher in CBC mode from an all-zero IV, padded
//      with zeros whose last octet counts the padding octets before it
//      (so there is always padding).
//
// The peer's public key comes from rightcert=; ours is the RSA key in the
// secrets. RSA is PKCS#1 v1.5 (crypto/pubkey.hpp). A decryption failure is
// reported exactly like a wrong HASH (AUTHENTICATION-FAILED) so padding
// oracles learn nothing.
#pragma once

#include <optional>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/config/config.hpp"
#include "host/config/connection.hpp"
#include "host/config/secrets.hpp"
#include "host/crypto/cipher.hpp"
#include "host/crypto/hash.hpp"
#include "host/ike/auth/authenticator.hpp"
#include "host/isakmp/message.hpp"

namespace ikeoff::ike {

Result<std::unique_ptr<Authenticator>> make_pubkey_encryption_authenticator(const config::Connection& conn,
                                                                            const config::Secrets& secrets,
                                                                            const config::Identity& local);

// What the revised mode's symmetric layer needs from the negotiated SA.
struct RevisedCipher {
    crypto::HashAlg prf = crypto::HashAlg::sha1;
    crypto::CipherAlg alg = crypto::CipherAlg::aes_cbc;
    std::size_t key_len = 16;
    bool allow_weak = false;
};

// Our nonce, KE and ID for message 3 (initiator; `cookie` = CKY-I) or 4
// (responder; CKY-R), as payloads in the order RFC 2409 lists them.
Result<std::vector<isakmp::Payload>> pke_payloads(Authenticator& auth, bool revised, const RevisedCipher& rc,
                                                  ByteView cookie, ByteView nonce, ByteView ke,
                                                  const isakmp::IdPayload& id);

// The peer's nonce, KE and ID from its message 3 or 4 (`cookie` is the
// peer's: CKY-I in message 3, CKY-R in message 4).
struct PkeOpened {
    Bytes nonce;
    Bytes ke;
    isakmp::IdPayload id;
    Bytes id_b;  // the ID payload body, as HASH_I/HASH_R need it
};
isakmp::CodecResult<PkeOpened> open_pke_payloads(Authenticator& auth, bool revised, const RevisedCipher& rc,
                                                 ByteView cookie, const isakmp::Message& m);

}  // namespace ikeoff::ike
