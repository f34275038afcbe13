// NAT-T (RFC 3947) wire helpers for the exchange code: NAT-D hash input,
// the payload and encapsulation-mode numbers of each NAT-T version.
//
// Framing on UDP 4500 (non-ESP marker, keepalives) lives in host/net/nat_t.hpp.
#pragma once

#include <cstdint>
#include <optional>

#include "host/common/bytes.hpp"
#include "host/common/ip_address.hpp"
#include "host/isakmp/attributes.hpp"
#include "host/isakmp/constants.hpp"
#include "host/isakmp/header.hpp"
#include "host/isakmp/vendor_ids.hpp"

namespace ikeoff::isakmp {

// RFC 3947 §3.2: "HASH = HASH(CKY-I | CKY-R | IP | Port)", IP as 4 or 16
// octets and Port as 2 octets, both in network order. Feed the result to
// the negotiated hash; the first NAT-D sent is the peer's address, then
// ours (§3.2 "The first NAT-D payload contains the remote end's IP address
// and port").
Bytes natd_hash_input(const Cookie& icky, const Cookie& rcky, const IpAddress& addr,
                      uint16_t port);

// NAT-D / NAT-OA payload types for a NAT-T version (drafts: 130/131).
PayloadType natd_payload_type(NatTVersion v);
PayloadType natoa_payload_type(NatTVersion v);

// Encapsulation Mode to propose (RFC 3947 §5.1; drafts 61443/61444).
EncapsulationMode encapsulation_mode(bool tunnel, bool udp_encapsulated, NatTVersion v);

struct EncapsulationInfo {
    bool tunnel = true;
    bool udp = false;
};
// Interprets any of the six values; nullopt for others.
std::optional<EncapsulationInfo> decode_encapsulation(uint64_t mode);

}  // namespace ikeoff::isakmp
