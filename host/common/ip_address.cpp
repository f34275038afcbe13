#include "host/common/ip_address.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace ikeoff {

IpAddress IpAddress::v4(const uint8_t bytes[4]) {
    IpAddress a;
    a.family_ = Family::v4;
    std::memcpy(a.bytes_.data(), bytes, 4);
    return a;
}

IpAddress IpAddress::v4(uint32_t host_order) {
    uint8_t b[4] = {uint8_t(host_order >> 24), uint8_t(host_order >> 16), uint8_t(host_order >> 8),
                    uint8_t(host_order)};
    return v4(b);
}

IpAddress IpAddress::v6(const uint8_t bytes[16]) {
    IpAddress a;
    a.family_ = Family::v6;
    std::memcpy(a.bytes_.data(), bytes, 16);
    return a;
}

Result<IpAddress> IpAddress::parse(std::string_view text) {
    std::string s(text);
    uint8_t buf[16];
    if (inet_pton(AF_INET, s.c_str(), buf) == 1) return v4(buf);
    if (inet_pton(AF_INET6, s.c_str(), buf) == 1) return v6(buf);
    return Error{Errc::parse_error, "'" + s + "' is not an IPv4 or IPv6 address"};
}

std::string IpAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (is_v4()) inet_ntop(AF_INET, bytes_.data(), buf, sizeof buf);
    else if (is_v6()) inet_ntop(AF_INET6, bytes_.data(), buf, sizeof buf);
    else return "%none";
    return buf;
}

}  // namespace ikeoff
