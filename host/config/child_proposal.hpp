// Phase-2 (Quick Mode) ESP and AH proposals in strongSwan syntax.
//
//   esp=aes128gcm16-modp2048,aes128-sha1,aes256-sha256-modp3072,3des-md5
//   ah=sha1,sha256-modp2048
//
// An ESP proposal is encryption[-integrity][-dhgroup][-esn|noesn]; AEAD
// ciphers (aes*gcm16, aes*gmac) take no integrity keyword, the others need
// one. An AH proposal is integrity[-dhgroup]. Keywords are those of
// ipsec/algorithms.hpp plus the DH groups of ike_proposal.hpp. As with
// `ike=`, all combinations inside one proposal are acceptable, and each
// becomes one Transform payload when we initiate.
//
// The DH group is the Quick Mode PFS group. IKEv1 carries one KE payload per
// Quick Mode, so all proposals of a connection must agree on the group (all
// the same, or none); the connection loader checks that.
//
// Defaults (strongSwan 5.9's default ESP/AH proposal, minus algorithms we do
// not implement), appended unless the list ends in '!':
//   esp: aes128 aes192 aes256 x sha256 sha384 sha512 sha1 (any combination)
//   ah:  sha256 sha384 sha512 sha1
// Appended defaults inherit the PFS group of the configured proposals, so a
// connection that asks for PFS never silently offers a transform without it.
// Weak algorithms (md5, modp768) need weakalgs=yes, as for `ike=`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host/common/result.hpp"
#include "host/ipsec/algorithms.hpp"
#include "host/ipsec/sa.hpp"

namespace ikeoff::config {

// One fully specified ESP or AH transform.
struct ChildTransform {
    ipsec::Protocol protocol = ipsec::Protocol::esp;
    ipsec::EncTransform enc;                       // ESP only; null for AH
    ipsec::IntegAlg integ = ipsec::IntegAlg::none; // none with AEAD ciphers
    uint16_t dh_group = 0;                         // PFS group, 0 = no PFS
    bool esn = false;                              // RFC 4304 extended sequence numbers

    bool is_weak() const;
    std::string to_string() const;   // "aes128-sha1-modp2048", "aes128gcm16", "sha256" (AH)
    bool same_algorithms(const ChildTransform& o) const {
        return protocol == o.protocol && enc == o.enc && integ == o.integ && dh_group == o.dh_group && esn == o.esn;
    }
};

struct ChildProposal {
    ipsec::Protocol protocol = ipsec::Protocol::esp;
    std::vector<ipsec::EncTransform> encs;    // empty for AH
    std::vector<ipsec::IntegAlg> integs;      // empty for AEAD-only ESP proposals
    std::vector<uint16_t> groups;             // empty: no PFS
    std::vector<bool> esn{false};

    std::vector<ChildTransform> expand() const;  // every combination, in preference order
    bool accepts(const ChildTransform& t) const;
    bool has_weak() const;
    std::string to_string() const;
};

struct ChildProposalList {
    ipsec::Protocol protocol = ipsec::Protocol::esp;
    std::vector<ChildProposal> proposals;
    bool strict = false;

    bool has_weak() const;
    std::string weak_keywords() const;
    // The distinct PFS groups named (0 stands for "no group" when some proposals have none).
    std::vector<uint16_t> pfs_groups() const;
    std::string to_string() const;
};

Result<ChildProposalList> parse_esp_proposals(std::string_view text);
Result<ChildProposalList> parse_ah_proposals(std::string_view text);

const ChildProposalList& default_esp_proposals();
const ChildProposalList& default_ah_proposals();

// Initiator transforms for one protocol: the configured combinations, then
// (unless strict) the defaults, every transform with PFS group `pfs_group`
// (0 = none) replacing whatever group the proposal named.
std::vector<ChildTransform> child_offer(const ChildProposalList& list, uint16_t pfs_group);

// Would a responder configured with `list` accept `t`? The group is checked
// against `pfs_group` by the caller, so it is ignored here.
bool child_list_accepts(const ChildProposalList& list, const ChildTransform& t);

}  // namespace ikeoff::config
