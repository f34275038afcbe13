// Value syntaxes of ipsec.conf: booleans, times, numbers, subnets, protoport.
//
// Every parser returns a parse_error whose message describes the value only
// ("'5x' is not a time (use e.g. 90s, 30m, 8h, 1d)"); the config loader adds
// file, line, connection and key in front.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host/common/result.hpp"
#include "host/ipsec/spd.hpp"

namespace ikeoff::config {

// yes|no (also true|false, 1|0, as strongSwan accepts).
Result<bool> parse_bool(std::string_view text);

// A duration: an integer with an optional unit s, m, h or d (no unit means
// seconds, as in strongSwan). "90s", "30m", "8h", "1d", "3600".
Result<std::chrono::seconds> parse_duration(std::string_view text);
std::string format_duration(std::chrono::seconds s);   // "3h", "90s", "1d"

// Unsigned decimal integer within [min, max].
Result<uint64_t> parse_uint(std::string_view text, uint64_t min, uint64_t max);

// A byte or packet count with an optional binary suffix k, M, G (1024-based).
Result<uint64_t> parse_count(std::string_view text);

// "42%" or "42" -> 42.
Result<unsigned> parse_percent(std::string_view text, unsigned max);

// Comma-separated CIDR list: "10.1.0.0/16, 2001:db8::/64". A bare address is
// a host. Host bits set in a network ("10.1.0.1/16") are an error, since
// they usually mean a typo.
Result<std::vector<ipsec::IpPrefix>> parse_subnets(std::string_view text);

// leftprotoport: "proto[/port]" with proto a name (tcp, udp, icmp, ...), a
// number or %any, and port a number or %any. IKEv1 ID payloads carry one
// port, not a range.
struct ProtoPort {
    uint8_t protocol = 0;   // 0 = any
    uint16_t port = 0;      // 0 = any
    bool any() const { return protocol == 0 && port == 0; }
    std::string to_string() const;
    bool operator==(const ProtoPort&) const = default;
};
Result<ProtoPort> parse_protoport(std::string_view text);

}  // namespace ikeoff::config
