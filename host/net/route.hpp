// Routes that steer traffic for remote traffic selectors into the TUN
// device, through rtnetlink (no shelling out to ip(8)).
//
// When a tunnel comes up the daemon adds "remote-subnet dev ikeoff0 src
// <local address inside the local selector>", so the kernel hands matching
// cleartext to the daemon and picks a source address the peer's policy
// accepts; when the last SA for the selector goes, the route goes too.
// Routes live in the main table with protocol kRouteProtocol, so
// `ip route show proto 222` lists exactly ours.
#pragma once

#include <cstdint>
#include <optional>

#include "host/common/ip_address.hpp"
#include "host/common/result.hpp"

namespace ikeoff::net {

// A routing protocol number of our own (rtnetlink "proto" field).
inline constexpr uint8_t kRouteProtocol = 222;

struct RouteSpec {
    IpAddress dst;           // network address of the prefix
    uint8_t prefix_len = 0;
    int ifindex = 0;         // output device (the TUN)
    IpAddress preferred_src; // optional RTA_PREFSRC
    uint32_t table = 254;    // RT_TABLE_MAIN
};

// Adds or replaces the route.
Status add_route(const RouteSpec& r);
// Deletes it; deleting a route that is not there is not an error.
Status del_route(const RouteSpec& r);

}  // namespace ikeoff::net
