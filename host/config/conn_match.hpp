// Responder-side policy lookup: which loaded connection applies to a peer,
// and whether its Quick Mode identities fit that connection.
//
// IKEv1 learns about the peer in steps, so lookup does too:
//  1. a Main/Aggressive Mode request arrives: candidates_for_peer() ranks
//     connections by the addresses (exact address before %any);
//  2. the peer's ID payload is known: select_by_identity() keeps the best
//     candidate whose rightid matches (exact before %any) and whose
//     authentication method is the negotiated one (the PSK responder may
//     thus switch connections after Main Mode message 5, as strongSwan does);
//  3. Quick Mode: match_quick_mode_ids() checks that the peer's IDci/IDcr
//     lie inside one of the connection's subnet pairs. IKEv1 has no
//     narrowing: the responder answers with the same identities, so they
//     must be contained in ours, not merely overlap.
#pragma once

#include <string>
#include <vector>

#include "host/common/ip_address.hpp"
#include "host/common/result.hpp"
#include "host/config/config.hpp"
#include "host/config/connection.hpp"
#include "host/ipsec/spd.hpp"

namespace ikeoff::config {

// Connections that accept a peer at `remote` talking to our `local`
// address, best first (exact remote address, then exact local address);
// ties keep file order.
std::vector<const Connection*> candidates_for_peer(const Config& cfg, const IpAddress& local, const IpAddress& remote);

// The best of `candidates` for the peer's identity and the negotiated
// method, or nullptr.
const Connection* select_by_identity(const std::vector<const Connection*>& candidates, const Identity& remote_id,
                                     AuthMethod auth);

// Does prefix `outer` contain all of `inner`?
bool prefix_contains(const ipsec::IpPrefix& outer, const ipsec::IpPrefix& inner);

// The proposed selectors, seen from us (local = the peer's IDcr, remote =
// its IDci), if one of the connection's pairs contains them; otherwise an
// error naming both sides (the caller answers INVALID-ID-INFORMATION).
Result<ipsec::TrafficSelector> match_quick_mode_ids(const Connection& conn, const IpAddress& local_addr,
                                                    const IpAddress& remote_addr, const ipsec::TrafficSelector& proposed);

}  // namespace ikeoff::config
