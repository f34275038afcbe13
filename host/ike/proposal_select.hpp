// Responder-side proposal selection for Main/Aggressive Mode (phase 1) and
// Quick Mode (phase 2), and the initiator's check of the responder's choice.
//
// Input is a codec-neutral view of the peer's SA payload: transforms as
// (attribute class, numeric value) lists, grouped into proposals. The
// from_sa_payload() adapters build it from isakmp::SaPayload.
//
// Order: with prefer_configured (strongSwan 5.9's default,
// charon.prefer_configured_proposals=yes; `config setup`
// prefer_configured_proposals) the acceptable offer that ranks first in OUR
// list wins; otherwise the first acceptable offer in the PEER's order. Our
// list is the configured proposals expanded in order, then (unless strict)
// the defaults (ike_proposal.hpp, child_proposal.hpp).
//
// Lifetimes (RFC 2407 §4.5.4 and §4.6.3.1): a peer lifetime at or below ours
// is accepted as is; a longer one (or none, meaning unlimited for kilobytes
// and 28800 s for phase-2 seconds, the RFC 2407 default) is cut to ours, and
// the choice says which value to put in a RESPONDER-LIFETIME notify. Phase 1
// uses the same rule (RFC 2409 leaves it open; Cisco and others send the
// notify for the ISAKMP SA too).
//
// Failure: an error whose message starts "no acceptable phase-1 proposal:"
// or "no acceptable phase-2 proposal:" and lists what the peer offered with
// the reason each was refused, then what we accept; the caller answers
// NO-PROPOSAL-CHOSEN (Errc::not_found) or, for an empty/garbled SA,
// BAD-PROPOSAL-SYNTAX (Errc::parse_error).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/config/child_proposal.hpp"
#include "host/config/connection.hpp"
#include "host/config/ike_proposal.hpp"
#include "host/ipsec/sa.hpp"
#include "host/isakmp/payloads.hpp"

namespace ikeoff::ike {

// ---- what the peer offered ------------------------------------------------------

struct OfferedAttribute {
    uint16_t type = 0;                 // attribute class (no AF bit)
    std::optional<uint64_t> value;     // nullopt: not a number of 1..8 octets (e.g. a group prime)
};

struct OfferedTransform {
    uint8_t number = 0;
    uint8_t id = 0;                    // KEY_IKE (1) in phase 1; ESP/AH transform ID in phase 2
    std::vector<OfferedAttribute> attributes;   // in wire order (Life-Type pairs depend on it)
};

// One protocol of a phase-2 proposal (RFC 2408 §4.2: proposals sharing a
// number form an AND-bundle, e.g. AH+ESP).
struct OfferedProtocol {
    uint8_t protocol_id = 0;           // RFC 2407 §4.4.1: 2 AH, 3 ESP, 4 IPCOMP
    Bytes spi;                         // the peer's inbound SPI for this protocol
    std::vector<OfferedTransform> transforms;
};

struct Phase2Offer {
    uint8_t number = 0;
    std::vector<OfferedProtocol> protocols;
};

// Phase 1: every transform of every proposal, in wire order.
std::vector<OfferedTransform> phase1_offer_from(const isakmp::SaPayload& sa);
// Phase 2: proposals with equal numbers merged into bundles, in wire order.
std::vector<Phase2Offer> phase2_offer_from(const isakmp::SaPayload& sa);
OfferedTransform offered_from(const isakmp::Transform& t);

// ---- phase 1 -----------------------------------------------------------------------

struct Phase1Policy {
    config::IkeProposalList proposals;   // empty non-strict list: defaults only
    config::AuthMethod auth = config::AuthMethod::psk;
    uint32_t lifetime_s = 10800;
    bool allow_weak = false;
    bool prefer_configured = true;

    static Phase1Policy from(const config::Connection& c, bool prefer_configured);
};

struct Phase1Choice {
    std::size_t index = 0;               // position in the offer (to echo that transform back)
    uint8_t transform_number = 0;
    config::IkeTransform transform;      // auth and the effective lifetime filled in
    std::optional<uint32_t> responder_lifetime_s;   // set: notify the peer of our shorter lifetime
    std::optional<uint64_t> responder_lifetime_kb;
};

// A phase-1 transform's attributes as algorithms; the error is the reason
// it cannot be used ("encryption IDEA-CBC (2) is not supported").
Result<config::IkeTransform> decode_phase1_transform(const OfferedTransform& t);

Result<Phase1Choice> select_phase1(const Phase1Policy& policy, const std::vector<OfferedTransform>& offer);

// Initiator: the responder's single transform must be one we offered, with
// our auth method and no longer lifetime.
Result<Phase1Choice> check_phase1_reply(const Phase1Policy& policy, const std::vector<config::IkeTransform>& offered,
                                        const std::vector<OfferedTransform>& reply);

// ---- phase 2 -----------------------------------------------------------------------

struct Phase2Policy {
    std::optional<config::ChildProposalList> esp;   // protocols we negotiate; both set = AH+ESP bundle
    std::optional<config::ChildProposalList> ah;
    uint16_t pfs_group = 0;              // required PFS group (0: none)
    ipsec::Mode mode = ipsec::Mode::tunnel;
    bool udp_encap = false;              // NAT detected (or forced): UDP-encapsulated modes
    uint32_t lifetime_s = 3600;
    uint64_t lifetime_kb = 0;            // 0: no volume limit
    bool allow_weak = false;
    bool prefer_configured = true;

    static Phase2Policy from(const config::Connection& c, uint16_t phase1_group, bool udp_encap,
                             bool prefer_configured);
};

struct Phase2ProtocolChoice {
    ipsec::Protocol protocol = ipsec::Protocol::esp;
    Bytes peer_spi;
    std::size_t transform_index = 0;     // position within the offered protocol
    uint8_t transform_number = 0;
    config::ChildTransform transform;
    uint16_t encapsulation_mode = 0;     // as offered (echo it), 0 if absent
};

struct Phase2Choice {
    std::size_t proposal_index = 0;      // position in the offer
    uint8_t proposal_number = 0;
    std::vector<Phase2ProtocolChoice> protocols;   // ESP before AH
    uint16_t pfs_group = 0;
    ipsec::Mode mode = ipsec::Mode::tunnel;
    bool udp_encap = false;
    uint32_t lifetime_s = 0;             // effective
    uint64_t lifetime_kb = 0;            // effective, 0 = none
    std::optional<uint32_t> responder_lifetime_s;
    std::optional<uint64_t> responder_lifetime_kb;

    const Phase2ProtocolChoice* find(ipsec::Protocol p) const;
};

// One phase-2 transform of `protocol_id` as algorithms plus its mode and
// lifetime attributes.
struct DecodedChildTransform {
    config::ChildTransform transform;
    uint16_t encapsulation_mode = 0;     // 0: absent
    std::optional<uint64_t> life_s;
    std::optional<uint64_t> life_kb;
};
Result<DecodedChildTransform> decode_phase2_transform(uint8_t protocol_id, const OfferedTransform& t);

Result<Phase2Choice> select_phase2(const Phase2Policy& policy, const std::vector<Phase2Offer>& offer);

// Initiator: the responder's reply must be one proposal picking one of our
// offered transforms per protocol, with our PFS group and mode.
Result<Phase2Choice> check_phase2_reply(const Phase2Policy& policy, const std::vector<Phase2Offer>& reply);

}  // namespace ikeoff::ike
