// What Quick Mode needs besides the exchange itself (RFC 2409 §5.5,
// RFC 2407 §4.5/§4.6.2): phase-2 transform encoding, ID payloads for
// traffic selectors and back, and turning a negotiated proposal plus KEYMAT
// into the SaParams pair the engine installs.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/config/child_proposal.hpp"
#include "host/config/connection.hpp"
#include "host/ike/ike_core.hpp"
#include "host/ike/ike_sa.hpp"
#include "host/ike/proposal_select.hpp"
#include "host/ipsec/spd.hpp"
#include "host/isakmp/payloads.hpp"

namespace ikeoff::ike {

isakmp::ProtocolId protocol_id_of(ipsec::Protocol p);

// One ESP/AH transform with the IPsec DOI attributes (RFC 2407 §4.5): life
// type/duration (seconds, then kilobytes when set), PFS group, encapsulation
// mode, authentication algorithm, key length, ESN.
isakmp::Transform encode_phase2_transform(const config::ChildTransform& t, uint8_t number, uint16_t encap_mode,
                                          uint32_t life_s, uint64_t life_kb);

// The ID payload of one side of a selector: ID_IPVx_ADDR for a host
// prefix, ID_IPVx_ADDR_SUBNET otherwise; protocol and port from the
// selector (port only when it names a single port).
Result<isakmp::IdPayload> id_payload_for(const ipsec::IpPrefix& prefix, uint8_t protocol,
                                         const ipsec::PortRange& ports);

// One side of a selector from an ID payload: addresses, subnets and
// ranges that are exactly a prefix. Anything else is INVALID-ID-INFORMATION.
struct IdSelector {
    ipsec::IpPrefix prefix;
    uint8_t protocol = 0;
    ipsec::PortRange ports;
};
Result<IdSelector> selector_side_of(const isakmp::IdPayload& id);

// Does `outer` contain all of `inner` (prefix, protocol, ports)?
bool covers(const ipsec::TrafficSelector& outer, const ipsec::TrafficSelector& inner);

// RESPONDER-LIFETIME (RFC 2407 §4.6.3.1) notify data and its parse.
Result<Bytes> responder_lifetime_data(std::optional<uint32_t> seconds, std::optional<uint64_t> kilobytes);
struct Lifetimes {
    std::optional<uint64_t> seconds;
    std::optional<uint64_t> kilobytes;
};
Result<Lifetimes> parse_responder_lifetime(ByteView data);

// Everything a finished Quick Mode needs to install its SAs.
struct Phase2Keys {
    const IsakmpSa* sa = nullptr;
    const config::Connection* conn = nullptr;
    const Phase2Choice* choice = nullptr;
    std::vector<uint32_t> our_spis;   // per choice->protocols entry: our inbound SPI
    std::optional<ByteView> gxy;      // PFS shared secret
    ByteView ni_b, nr_b;
    ipsec::TrafficSelector selector;  // our view: local = our side
};

// RFC 2409 §5.5 KEYMAT per SPI and the inbound/outbound SaParams of each
// negotiated protocol (ESP first), ready for SaSink::install().
Result<std::vector<ChildSaInstall>> build_child_sas(const Phase2Keys& k);

}  // namespace ikeoff::ike
