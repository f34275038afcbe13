// A connection (ipsec.conf `conn` section) after inheritance and checking.
//
// Keys understood (left* keys have right* twins), with defaults:
//   keyexchange=ikev1          the only value accepted (ike, ikev2: error)
//   left, right                IP address, %any (%any4/%any6) or, for the local
//                              side only, %defaultroute. Default %any. Host
//                              names are not resolved (error). right= is required.
//   leftsubnet                 one or more CIDRs (IPv4/IPv6), comma-separated;
//                              default: the host address itself
//   leftprotoport              proto[/port], default %any
//   leftid                     IP, @fqdn, user@fqdn, "DN", @#keyid, %any;
//                              default: the address in left= (or %any)
//   leftcert                   PEM/DER file, relative to the cert directory
//   leftsendcert               ifasked (default) | always|yes | never|no
//   leftikeport                UDP port for IKE, default 500
//   authby                     pubkey|rsasig (default): RSA signatures;
//                              secret|psk: pre-shared key;
//                              dsssig|dss: DSS signatures (RFC 2409 §5.1);
//                              rsaencryption|rsaenc: public key encryption (§5.2);
//                              rsaencryption-revised|rsaencrev: revised mode (§5.3)
//   leftauth, rightauth        psk|secret or pubkey|rsa|rsasig (strongSwan style);
//                              IKEv1 uses one method, so both (and authby) must agree
//   ike, esp, ah               proposals, see ike_proposal.hpp, child_proposal.hpp;
//                              with ah= only AH is negotiated, with esp= and ah=
//                              an AH+ESP bundle, otherwise ESP
//   aggressive                 no; yes = Aggressive Mode when initiating
//   pfs                        unset: PFS iff esp=/ah= name a DH group;
//                              yes: that group, or the phase-1 group if none named;
//                              no: no PFS (a group in esp= is then an error)
//   ikelifetime                3h          lifetime (alias keylife)  1h
//   lifebytes, lifepackets     0 (none)    marginbytes, marginpackets  0
//   rekey                      yes         rekeymargin (alias margintime)  9m
//   rekeyfuzz                  100%        keyingtries  3 (%forever = 0)
//   dpdaction                  none|clear|hold|restart (none)
//   dpddelay, dpdtimeout       30s, 150s
//   type                       tunnel (default) | transport
//   auto                       ignore (default: not loaded) | add | start
//   forceencaps                no          compress  no (yes: error)
//   replay_window              64 (0 disables the replay check)
//   weakalgs                   no; yes allows DES, MD5 and MODP-768 where listed
//   also                       include another conn section (may repeat)
//
// Inheritance: a conn's own keys win over keys from its also= sections (in
// the order listed, depth first), which win over `conn %default`. An empty
// value (key=) resets a key to its built-in default.
//
// Which side is local: left, if left= is a local address; else right, if
// right= is a local address (the sides are then swapped); else left. The
// fields below are already in local/remote terms.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/common/ip_address.hpp"
#include "host/config/child_proposal.hpp"
#include "host/config/conf_file.hpp"
#include "host/config/identity.hpp"
#include "host/config/ike_proposal.hpp"
#include "host/config/values.hpp"
#include "host/ipsec/sa.hpp"
#include "host/ipsec/spd.hpp"

namespace ikeoff::config {

using std::chrono::seconds;

enum class HostKind : uint8_t {
    address,       // a concrete IP address
    any,           // %any / %any4 / %any6: local = any local address, remote = any peer (responder only)
    defaultroute,  // %defaultroute (local side only): the source address of the default route
};

enum class SendCert : uint8_t { ifasked, always, never };
enum class AutoAction : uint8_t { ignore, add, start };
enum class DpdAction : uint8_t { none, clear, hold, restart };
enum class PfsMode : uint8_t {
    none,     // no KE payload in Quick Mode
    fixed,    // the group named in esp=/ah=
    phase1,   // pfs=yes without a group: reuse the ISAKMP SA's group
};

struct Endpoint {
    HostKind host_kind = HostKind::any;
    IpAddress address;                       // set when host_kind == address
    IpAddress::Family any_family = IpAddress::Family::none;  // %any4 / %any6 restrict the family
    uint16_t ikeport = 500;
    Identity id;                             // defaults to the address (or %any)
    bool id_configured = false;              // leftid= given explicitly
    std::vector<ipsec::IpPrefix> subnets;    // empty: the host address only
    ProtoPort protoport;
    std::string cert;                        // absolute or config-relative path, empty: none
    SendCert sendcert = SendCert::ifasked;

    std::string host_string() const;         // "10.0.0.1", "%any", "%defaultroute"
};

struct Connection {
    std::string name;
    SourceLoc where;                         // the `conn` line

    Endpoint local;
    Endpoint remote;
    bool left_is_local = true;               // false: right= named the local side

    AuthMethod auth = AuthMethod::rsa_sig;
    IkeProposalList ike;                     // empty & non-strict: defaults only
    std::optional<ChildProposalList> esp;    // engaged unless ah= alone is configured
    std::optional<ChildProposalList> ah;
    bool aggressive = false;
    PfsMode pfs = PfsMode::none;
    uint16_t pfs_group = 0;                  // with PfsMode::fixed

    seconds ikelifetime{3 * 3600};
    seconds lifetime{3600};
    uint64_t lifebytes = 0;
    uint64_t lifepackets = 0;
    uint64_t marginbytes = 0;
    uint64_t marginpackets = 0;
    bool rekey = true;
    seconds rekeymargin{9 * 60};
    unsigned rekeyfuzz_percent = 100;
    unsigned keyingtries = 3;                // 0 = forever
    DpdAction dpdaction = DpdAction::none;
    seconds dpddelay{30};
    seconds dpdtimeout{150};
    ipsec::Mode mode = ipsec::Mode::tunnel;
    AutoAction auto_action = AutoAction::ignore;
    bool forceencaps = false;
    bool weakalgs = false;
    uint32_t replay_window = ipsec::kDefaultReplayWindow;

    // --- what the IKE engine needs, derived from the above --------------

    // Phase-1 transforms to offer when initiating (auth and ikelifetime filled in).
    std::vector<IkeTransform> ike_offer() const;
    // The Quick Mode PFS group once phase 1 used `phase1_group` (0 = no PFS).
    uint16_t pfs_group_for(uint16_t phase1_group) const;
    // Quick Mode transforms to offer, per protocol (empty if not negotiated).
    std::vector<ChildTransform> esp_offer(uint16_t phase1_group) const;
    std::vector<ChildTransform> ah_offer(uint16_t phase1_group) const;
    // Local/remote traffic selectors: subnets x subnets (same family only),
    // each side's host address standing in for an empty subnet list.
    // IKEv1 negotiates one pair per Quick Mode.
    std::vector<ipsec::TrafficSelector> traffic_selectors(const IpAddress& local_addr,
                                                          const IpAddress& remote_addr) const;
    // Life limits of the IPsec SAs: hard from lifebytes/lifepackets, soft =
    // hard minus the margins (0 stays "none").
    ipsec::Lifetime hard_limits() const;
    ipsec::Lifetime soft_limits() const;
};

std::string_view to_string(AuthMethod m);  // the authby keyword: "secret", "rsasig", ...
std::string_view to_string(DpdAction a);
std::string_view to_string(AutoAction a);

}  // namespace ikeoff::config
