// NAT discovery (RFC 3947 §3.2) in Main Mode messages 3/4 and Aggressive
// Mode messages 2/3.
//
//   "HASH = HASH(CKY-I | CKY-R | IP | Port)" with the negotiated hash.
//   "The first NAT-D payload contains the remote end's IP address and port
//    ... the rest of the NAT-D payloads contain possible local-end IP
//    addresses and ports."
//
// The receiver compares the first payload with the hash of its own address
// and port as it received the message (mismatch: we are behind a NAT) and
// the others with the hash of the sender's address and port (no match: the
// peer is behind a NAT).
//
// forceencaps (strongSwan's name): we hash a random value instead of our
// address, so the peer concludes we are behind a NAT and both sides use
// UDP encapsulation. strongSwan does the same, which is why it always looks
// NATed to us in the interop setup.
#pragma once

#include <vector>

#include "host/common/result.hpp"
#include "host/crypto/hash.hpp"
#include "host/ike/ike_sa.hpp"
#include "host/isakmp/message.hpp"
#include "host/isakmp/payloads.hpp"

namespace ikeoff::ike {

// The two NAT-D payloads for a message sent from `local` to `remote`.
Result<std::vector<isakmp::Payload>> build_nat_d(const IsakmpSa& sa, crypto::HashAlg hash, const Endpoint& local,
                                                  const Endpoint& remote, bool fake_local);

// Evaluates the NAT-D payloads of `m` (received at `local` from `remote`)
// and records the result in sa.nat. A message without NAT-D payloads
// leaves NAT-T off (the peer did not take part). Errors only for crypto
// failures.
Status check_nat_d(IsakmpSa& sa, crypto::HashAlg hash, const isakmp::Message& m, const Endpoint& local,
                   const Endpoint& remote);

}  // namespace ikeoff::ike
