// Security Policy Database: which SA protects which traffic.
//
// RFC 4301 §4.4.1 in the small: each policy pairs traffic selectors (local and
// remote subnet, IP protocol, ports) with the outbound SA that protects
// matching packets and the inbound SAs whose decapsulated packets must match
// them. The daemon only ever sees traffic that the routing table sent into
// its TUN device, so there is no BYPASS class: a packet with no PROTECT
// policy is discarded and counted.
//
// Lookups are a linear scan in a fixed order (most specific selector first,
// then the most recently added), which is exact and plenty for the tens of
// policies an IKE daemon holds; the order is what matters during a rekey:
// the new Quick Mode's policy is added before the old one is removed, so
// outbound traffic moves to the new SA at once while the old inbound SA stays
// valid until the peer's delete.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/common/ip_address.hpp"
#include "host/common/result.hpp"
#include "host/ipsec/engine.hpp"

namespace ikeoff::ipsec {

struct IpPrefix {
    IpAddress addr;      // host bits are always zero (normalised by make/parse)
    uint8_t length = 0;  // 0..32 (IPv4) or 0..128 (IPv6)

    // Clears the host bits; length beyond the family's width is an error.
    static Result<IpPrefix> make(const IpAddress& addr, unsigned length);
    static IpPrefix host(const IpAddress& addr);  // /32 or /128
    // "10.1.0.0/16", "2001:db8::/32"; a bare address means a host prefix.
    static Result<IpPrefix> parse(std::string_view text);

    bool contains(const IpAddress& a) const;
    std::string to_string() const;
    bool operator==(const IpPrefix&) const = default;
};

struct PortRange {
    uint16_t low = 0;
    uint16_t high = 65535;
    bool any() const { return low == 0 && high == 65535; }
    bool contains(uint16_t p) const { return p >= low && p <= high; }
    bool operator==(const PortRange&) const = default;
};

// Selectors seen from this host: `local` is the traffic source for
// outbound packets (and the destination for inbound ones).
struct TrafficSelector {
    IpPrefix local;
    IpPrefix remote;
    uint8_t protocol = 0;  // IP protocol number, 0 = any
    PortRange local_ports;
    PortRange remote_ports;

    std::string to_string() const;  // "10.1.0.0/24 === 10.2.0.0/24 [udp 500]"
    bool operator==(const TrafficSelector&) const = default;
};

// The fields of a packet the selectors look at, read from its IP header.
struct PacketKey {
    IpAddress src;
    IpAddress dst;
    uint8_t protocol = 0;  // after IPv6 extension headers
    uint16_t src_port = 0; // TCP/UDP/SCTP/UDP-Lite; 0 otherwise or for non-first fragments
    uint16_t dst_port = 0;

    // Parses an IPv4 or IPv6 packet. Lengths in the header must fit in
    // `packet`; anything else is a parse_error (a counted drop upstream).
    static Result<PacketKey> from_packet(ByteView packet);
};

using PolicyId = uint64_t;

struct Policy {
    TrafficSelector selector;
    SaHandle outbound = kNoSa;         // may be kNoSa for an inbound-only policy
    std::vector<SaHandle> inbound;     // SAs whose traffic must match `selector`
    std::string owner;                 // connection name, for status and removal
};

class Spd {
public:
    PolicyId add(Policy p);
    bool remove(PolicyId id);
    // Removes every policy `owner` added; returns how many.
    std::size_t remove_owner(std::string_view owner);
    const Policy* find(PolicyId id) const;
    std::size_t size() const noexcept { return entries_.size(); }

    // The outbound SA for a packet leaving towards the tunnel, if any policy
    // with an outbound SA matches (src in local, dst in remote).
    std::optional<SaHandle> lookup_outbound(const PacketKey& k) const;
    // RFC 4301 §5.2 step 4: after decapsulation the inner packet must match
    // the selectors of the policy the SA belongs to (src in remote, dst in
    // local). False when it does not, or when the SA belongs to no policy.
    bool check_inbound(SaHandle sa, const PacketKey& k) const;

private:
    struct Entry {
        PolicyId id;
        Policy policy;
    };
    // Sorted: more specific first, then newer first.
    std::vector<Entry> entries_;
    PolicyId next_id_ = 1;
};

}  // namespace ikeoff::ipsec
