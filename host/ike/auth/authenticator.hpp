// How phase 1 proves and checks identities (RFC 2409 §5.1-§5.4), one
// implementation per authentication family:
//   psk.cpp        pre-shared key: HASH_I / HASH_R in a HASH payload
//   signature.cpp  RSA / DSS signatures with X.509 certificates
//   pubkey_encryption.cpp  RSA encryption of nonce and ID, normal and revised
//
// Main and Aggressive Mode compute HASH_I/HASH_R themselves (keymat_v1);
// the authenticator turns our hash into payloads and checks the peer's.
#pragma once

#include <memory>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/config/config.hpp"
#include "host/config/connection.hpp"
#include "host/config/identity.hpp"
#include "host/config/secrets.hpp"
#include "host/isakmp/error.hpp"
#include "host/isakmp/message.hpp"
#include "host/isakmp/payloads.hpp"

namespace ikeoff::ike {

class Authenticator {
public:
    virtual ~Authenticator() = default;
    virtual config::AuthMethod method() const = 0;
    // The shared secret SKEYID is made from (pre-shared keys only).
    virtual ByteView pre_shared_key() const { return {}; }
    // Certificate requests to send with our KE (signatures: one per
    // trusted CA, so the peer sends its certificate).
    virtual std::vector<isakmp::Payload> cert_requests() const { return {}; }
    // The payloads that prove us, given our HASH_I (initiator) or HASH_R.
    virtual Result<std::vector<isakmp::Payload>> build(ByteView our_hash) = 0;
    // Public-key encryption (RFC 2409 §5.2/§5.3) only: RSA PKCS#1 v1.5
    // under the peer's key, and decryption with ours.
    virtual Result<Bytes> encrypt_for_peer(ByteView) {
        return Error{Errc::unsupported, "not a public-key encryption method"};
    }
    virtual Result<SecretBytes> decrypt_from_peer(ByteView) {
        return Error{Errc::unsupported, "not a public-key encryption method"};
    }
    // Checks the peer's proof in `m` against the hash it must have signed
    // or sent. Errors carry AUTHENTICATION-FAILED, INVALID-HASH-INFORMATION,
    // INVALID-SIGNATURE, ... and change nothing.
    virtual isakmp::CodecStatus verify(const isakmp::Message& m, ByteView expected_hash,
                                       const config::Identity& peer_id) = 0;
};

std::unique_ptr<Authenticator> make_psk_authenticator(SecretBytes psk);
// RSA or DSS signatures (conn.auth) with our key from the secrets, our
// certificate (leftcert=), the trusted CAs (`ca` sections) and rightcert=.
Result<std::unique_ptr<Authenticator>> make_signature_authenticator(const config::Connection& conn,
                                                                    const config::Config& config,
                                                                    const config::Secrets& secrets,
                                                                    const config::Identity& local);

// The authenticator for `conn` between the two identities (the remote one
// may be a stand-in, e.g. the peer's address before its ID is known).
// Errors name what is missing ("no PSK for 10.0.0.1 - 10.0.0.2").
Result<std::unique_ptr<Authenticator>> create_authenticator(const config::Connection& conn,
                                                            const config::Config& config,
                                                            const config::Secrets& secrets,
                                                            const config::Identity& local,
                                                            const config::Identity& remote);

}  // namespace ikeoff::ike
