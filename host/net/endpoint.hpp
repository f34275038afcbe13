// An address and a UDP port, the unit every socket and IKE message uses.
#pragma once

#include <cstdint>
#include <string>

#include "host/common/ip_address.hpp"

namespace ikeoff::net {

struct Endpoint {
    IpAddress addr;  // empty = "any local address" (only meaningful as a source)
    uint16_t port = 0;

    bool operator==(const Endpoint&) const = default;
    auto operator<=>(const Endpoint&) const = default;
    // "10.0.0.1:500", "[2001:db8::1]:4500", "*:500"
    std::string to_string() const;
};

}  // namespace ikeoff::net
