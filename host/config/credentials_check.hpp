// Cross-checks between ipsec.conf and ipsec.secrets, run by the daemon after
// loading both (and again on reload): a connection that can never
// authenticate is reported at load time rather than at initiation.
#pragma once

#include "host/common/result.hpp"
#include "host/config/config.hpp"
#include "host/config/secrets.hpp"

namespace ikeoff::config {

// For every loaded connection:
//  * authby=secret: a PSK entry must match (our ID, peer's ID), or, failing
//    that, (our address, peer's address) as a Main Mode responder looks it up;
//  * rsasig / rsaencryption*: some RSA private key must exist (the IKE side
//    pairs it with leftcert by public key); dsssig: some DSA key.
// All problems, one line each: "FILE:LINE: conn 'NAME': authby=secret but ...".
Status check_credentials(const Config& cfg, const Secrets& secrets);

// The PSK entry a connection uses for the given identities, falling back to
// the addresses; nullptr if none. Never logs the secret.
const SecretEntry* find_connection_psk(const Connection& conn, const Secrets& secrets, const Identity& local,
                                       const Identity& remote);

}  // namespace ikeoff::config
