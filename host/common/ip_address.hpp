// An IPv4 or IPv6 address as a value type (no sockaddr juggling in logic).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "host/common/result.hpp"

namespace ikeoff {

class IpAddress {
public:
    enum class Family : uint8_t { none = 0, v4 = 4, v6 = 6 };

    IpAddress() = default;
    static IpAddress v4(const uint8_t bytes[4]);
    static IpAddress v4(uint32_t host_order);
    static IpAddress v6(const uint8_t bytes[16]);
    // "10.0.0.1", "2001:db8::1". Anything else is a parse_error naming the text.
    static Result<IpAddress> parse(std::string_view text);

    Family family() const noexcept { return family_; }
    bool is_v4() const noexcept { return family_ == Family::v4; }
    bool is_v6() const noexcept { return family_ == Family::v6; }
    bool empty() const noexcept { return family_ == Family::none; }
    std::size_t size() const noexcept { return is_v4() ? 4 : is_v6() ? 16 : 0; }
    const uint8_t* data() const noexcept { return bytes_.data(); }
    std::string to_string() const;

    bool operator==(const IpAddress&) const = default;
    auto operator<=>(const IpAddress&) const = default;

private:
    Family family_ = Family::none;
    std::array<uint8_t, 16> bytes_{};  // v4 uses the first 4
};

}  // namespace ikeoff
