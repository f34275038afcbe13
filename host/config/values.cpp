#include "host/config/values.hpp"

#include <array>
#include <cctype>
#include <limits>

namespace ikeoff::config {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

// Digits only, no sign, no overflow.
bool to_u64(std::string_view s, uint64_t& out) {
    if (!all_digits(s)) return false;
    uint64_t v = 0;
    for (char c : s) {
        uint64_t d = static_cast<uint64_t>(c - '0');
        if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
        v = v * 10 + d;
    }
    out = v;
    return true;
}

struct ProtoName {
    std::string_view name;
    uint8_t number;
};
constexpr std::array<ProtoName, 8> kProtocols{{
    {"icmp", 1}, {"tcp", 6}, {"udp", 17}, {"gre", 47}, {"esp", 50}, {"ah", 51}, {"ipv6-icmp", 58}, {"sctp", 132},
}};

}  // namespace

Result<bool> parse_bool(std::string_view raw) {
    std::string_view t = trim(raw);
    if (t == "yes" || t == "true" || t == "1") return true;
    if (t == "no" || t == "false" || t == "0") return false;
    return Error{Errc::parse_error, "'" + std::string(t) + "' is not yes or no"};
}

Result<std::chrono::seconds> parse_duration(std::string_view raw) {
    std::string_view t = trim(raw);
    uint64_t scale = 1;
    std::string_view digits = t;
    if (!t.empty()) {
        switch (t.back()) {
            case 's': scale = 1; digits.remove_suffix(1); break;
            case 'm': scale = 60; digits.remove_suffix(1); break;
            case 'h': scale = 3600; digits.remove_suffix(1); break;
            case 'd': scale = 86400; digits.remove_suffix(1); break;
            default: break;
        }
    }
    uint64_t v = 0;
    // 2^32 seconds (136 years) is more than any lifetime field can carry.
    if (!to_u64(digits, v) || v > std::numeric_limits<uint32_t>::max() / scale) {
        return Error{Errc::parse_error, "'" + std::string(t) + "' is not a time (use e.g. 90s, 30m, 8h, 1d)"};
    }
    return std::chrono::seconds(static_cast<int64_t>(v * scale));
}

std::string format_duration(std::chrono::seconds s) {
    int64_t v = s.count();
    if (v != 0 && v % 86400 == 0) return std::to_string(v / 86400) + "d";
    if (v != 0 && v % 3600 == 0) return std::to_string(v / 3600) + "h";
    if (v != 0 && v % 60 == 0) return std::to_string(v / 60) + "m";
    return std::to_string(v) + "s";
}

Result<uint64_t> parse_uint(std::string_view raw, uint64_t min, uint64_t max) {
    std::string_view t = trim(raw);
    uint64_t v = 0;
    if (!to_u64(t, v)) return Error{Errc::parse_error, "'" + std::string(t) + "' is not a number"};
    if (v < min || v > max) {
        return Error{Errc::parse_error, std::string(t) + " is out of range [" + std::to_string(min) + ", " +
                                            std::to_string(max) + "]"};
    }
    return v;
}

Result<uint64_t> parse_count(std::string_view raw) {
    std::string_view t = trim(raw);
    uint64_t scale = 1;
    std::string_view digits = t;
    if (!t.empty()) {
        switch (t.back()) {
            case 'k': case 'K': scale = 1024; digits.remove_suffix(1); break;
            case 'M': scale = 1024 * 1024; digits.remove_suffix(1); break;
            case 'G': scale = 1024ull * 1024 * 1024; digits.remove_suffix(1); break;
            default: break;
        }
    }
    uint64_t v = 0;
    if (!to_u64(digits, v) || v > std::numeric_limits<uint64_t>::max() / scale) {
        return Error{Errc::parse_error, "'" + std::string(t) + "' is not a count (use e.g. 1000000, 512k, 4G)"};
    }
    return v * scale;
}

Result<unsigned> parse_percent(std::string_view raw, unsigned max) {
    std::string_view t = trim(raw);
    if (!t.empty() && t.back() == '%') t.remove_suffix(1);
    uint64_t v = 0;
    if (!to_u64(t, v) || v > max) {
        return Error{Errc::parse_error, "'" + std::string(trim(raw)) + "' is not a percentage in [0, " +
                                            std::to_string(max) + "]"};
    }
    return static_cast<unsigned>(v);
}

Result<std::vector<ipsec::IpPrefix>> parse_subnets(std::string_view text) {
    std::vector<ipsec::IpPrefix> out;
    std::string_view rest = text;
    while (true) {
        std::size_t comma = rest.find(',');
        std::string_view item = trim(rest.substr(0, comma));
        if (item.empty()) return Error{Errc::parse_error, "empty subnet in list"};
        auto prefix = ipsec::IpPrefix::parse(item);
        if (!prefix.ok()) {
            return Error{Errc::parse_error, "'" + std::string(item) + "' is not a subnet (use e.g. 10.1.0.0/16)"};
        }
        std::size_t slash = item.find('/');
        auto written = IpAddress::parse(item.substr(0, slash));
        if (written.ok() && !(*written == prefix->addr)) {
            return Error{Errc::parse_error, "'" + std::string(item) + "' has host bits set (did you mean " +
                                                prefix->to_string() + "?)"};
        }
        for (const auto& have : out) {
            if (have == *prefix) return Error{Errc::parse_error, "subnet " + prefix->to_string() + " listed twice"};
        }
        out.push_back(*prefix);
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    return out;
}

std::string ProtoPort::to_string() const {
    std::string p = "%any";
    for (const auto& row : kProtocols) {
        if (row.number == protocol) p = std::string(row.name);
    }
    if (protocol != 0 && p == "%any") p = std::to_string(protocol);
    return p + "/" + (port == 0 ? std::string("%any") : std::to_string(port));
}

Result<ProtoPort> parse_protoport(std::string_view raw) {
    std::string_view t = trim(raw);
    std::size_t slash = t.find('/');
    std::string_view proto = trim(t.substr(0, slash));
    ProtoPort pp;
    bool found = proto == "%any";
    for (const auto& row : kProtocols) {
        if (row.name == proto) {
            pp.protocol = row.number;
            found = true;
        }
    }
    if (!found) {
        auto num = parse_uint(proto, 0, 255);
        if (!num.ok()) {
            return Error{Errc::parse_error, "'" + std::string(proto) + "' is not a protocol (tcp, udp, icmp, a number or %any)"};
        }
        pp.protocol = static_cast<uint8_t>(*num);
    }
    if (slash != std::string_view::npos) {
        std::string_view port = trim(t.substr(slash + 1));
        if (port != "%any") {
            auto num = parse_uint(port, 0, 65535);
            if (!num.ok()) return Error{Errc::parse_error, "'" + std::string(port) + "' is not a port (0-65535 or %any)"};
            pp.port = static_cast<uint16_t>(*num);
        }
        if (pp.port != 0 && pp.protocol != 6 && pp.protocol != 17 && pp.protocol != 132) {
            return Error{Errc::parse_error, "a port needs protocol tcp, udp or sctp, not '" + std::string(proto) + "'"};
        }
    }
    return pp;
}

}  // namespace ikeoff::config
