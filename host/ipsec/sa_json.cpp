#include "host/ipsec/sa_json.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

namespace ikeoff::ipsec {

namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 18> kFields{
    "spi",  "protocol", "mode", "direction", "src",  "dst",       "enc",        "integ", "enc_key",
    "integ_key", "seq", "esn",  "replay_window", "encap", "allow_weak", "soft", "hard", "iv_seed",
};
// Fields holding key material: wiped from the parsed document after use.
constexpr std::array<std::string_view, 3> kSecretFields{"enc_key", "integ_key", "iv_seed"};

std::string list_of(std::span<const std::string_view> names) {
    std::string s;
    for (auto n : names) {
        if (!s.empty()) s += ", ";
        s += n;
    }
    return s;
}

Status check_known(const json& obj, std::span<const std::string_view> known, const std::string& prefix) {
    for (const auto& [key, value] : obj.items()) {
        bool found = false;
        for (auto k : known) found = found || k == key;
        IKEOFF_ENSURE(found, Errc::invalid_argument,
                      prefix + key + ": unknown field (expected one of " + list_of(known) + ")");
    }
    return {};
}

const json* find(const json& obj, std::string_view key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

Result<std::string> as_string(const json& v, const std::string& field) {
    IKEOFF_ENSURE(v.is_string(), Errc::invalid_argument,
                  field + ": expected a string, got " + std::string(v.type_name()));
    return v.get<std::string>();
}

Result<bool> as_bool(const json& v, const std::string& field) {
    IKEOFF_ENSURE(v.is_boolean(), Errc::invalid_argument,
                  field + ": expected true or false, got " + std::string(v.type_name()));
    return v.get<bool>();
}

Result<uint64_t> as_uint(const json& v, const std::string& field, uint64_t max) {
    IKEOFF_ENSURE(v.is_number_integer(), Errc::invalid_argument,
                  field + ": expected a non-negative integer, got " +
                      std::string(v.is_number_float() ? "a fraction" : v.type_name()));
    uint64_t value = 0;
    if (v.is_number_unsigned()) {
        value = v.get<uint64_t>();
    } else {
        int64_t s = v.get<int64_t>();
        IKEOFF_ENSURE(s >= 0, Errc::invalid_argument, field + ": must not be negative, got " + std::to_string(s));
        value = static_cast<uint64_t>(s);
    }
    IKEOFF_ENSURE(value <= max, Errc::invalid_argument,
                  field + ": at most " + std::to_string(max) + ", got " + std::to_string(value));
    return value;
}

Result<SecretBytes> as_key(const json& v, const std::string& field) {
    IKEOFF_ENSURE(v.is_string(), Errc::invalid_argument,
                  field + ": expected a hex string, got " + std::string(v.type_name()));
    auto bytes = from_hex(v.get_ref<const std::string&>());
    if (!bytes) return Error{Errc::invalid_argument, field + ": " + bytes.error().message};
    return SecretBytes(std::move(bytes).value());
}

Result<uint32_t> parse_spi(const json& v) {
    IKEOFF_ASSIGN(std::string text, as_string(v, "spi"));
    std::string_view digits = text;
    if (digits.size() >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) digits.remove_prefix(2);
    uint32_t spi = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), spi, 16);
    IKEOFF_ENSURE(!digits.empty() && digits.size() <= 8 && ec == std::errc() && end == digits.data() + digits.size(),
                  Errc::invalid_argument,
                  "spi: expected a hex string of at most 8 digits like \"0x1234abcd\", got \"" + text + "\"");
    return spi;
}

Result<IpAddress> parse_address(const json& v, const std::string& field) {
    IKEOFF_ASSIGN(std::string text, as_string(v, field));
    auto addr = IpAddress::parse(text);
    if (!addr) return Error{Errc::invalid_argument, field + ": " + addr.error().message};
    return *addr;
}

Result<Lifetime> parse_lifetime(const json& v, const std::string& field) {
    IKEOFF_ENSURE(v.is_object(), Errc::invalid_argument,
                  field + ": expected an object like {\"bytes\": 0, \"packets\": 0}, got " +
                      std::string(v.type_name()));
    constexpr std::array<std::string_view, 2> known{"bytes", "packets"};
    IKEOFF_TRY(check_known(v, known, field + "."));
    Lifetime lt;
    constexpr uint64_t kAny = std::numeric_limits<uint64_t>::max();
    if (auto* b = find(v, "bytes")) { IKEOFF_ASSIGN(lt.bytes, as_uint(*b, field + ".bytes", kAny)); }
    if (auto* p = find(v, "packets")) { IKEOFF_ASSIGN(lt.packets, as_uint(*p, field + ".packets", kAny)); }
    return lt;
}

Result<std::optional<UdpEncap>> parse_encap(const json& v) {
    if (v.is_boolean()) return v.get<bool>() ? std::optional<UdpEncap>(UdpEncap{}) : std::nullopt;
    IKEOFF_ENSURE(v.is_object(), Errc::invalid_argument,
                  "encap: expected true, false or {\"sport\": 4500, \"dport\": 4500}, got " +
                      std::string(v.type_name()));
    constexpr std::array<std::string_view, 2> known{"sport", "dport"};
    IKEOFF_TRY(check_known(v, known, "encap."));
    UdpEncap e;
    if (auto* s = find(v, "sport")) {
        IKEOFF_ASSIGN(uint64_t port, as_uint(*s, "encap.sport", 65535));
        e.src_port = static_cast<uint16_t>(port);
    }
    if (auto* d = find(v, "dport")) {
        IKEOFF_ASSIGN(uint64_t port, as_uint(*d, "encap.dport", 65535));
        e.dst_port = static_cast<uint16_t>(port);
    }
    return std::optional<UdpEncap>(e);
}

Result<SaParams> parse(const json& j) {
    IKEOFF_ENSURE(j.is_object(), Errc::invalid_argument,
                  "the SA must be a JSON object, got " + std::string(j.type_name()));
    IKEOFF_TRY(check_known(j, kFields, ""));

    SaParams p;
    auto* spi = find(j, "spi");
    IKEOFF_ENSURE(spi != nullptr, Errc::invalid_argument, "spi: required (a hex string like \"0x1234abcd\")");
    IKEOFF_ASSIGN(p.spi, parse_spi(*spi));

    if (auto* v = find(j, "protocol")) {
        IKEOFF_ASSIGN(std::string s, as_string(*v, "protocol"));
        IKEOFF_ASSIGN(p.protocol, parse_protocol(s));
    }
    if (auto* v = find(j, "mode")) {
        IKEOFF_ASSIGN(std::string s, as_string(*v, "mode"));
        IKEOFF_ASSIGN(p.mode, parse_mode(s));
    }
    if (auto* v = find(j, "direction")) {
        IKEOFF_ASSIGN(std::string s, as_string(*v, "direction"));
        IKEOFF_ASSIGN(p.direction, parse_sa_direction(s));
    }
    if (auto* v = find(j, "src")) { IKEOFF_ASSIGN(p.src, parse_address(*v, "src")); }
    if (auto* v = find(j, "dst")) { IKEOFF_ASSIGN(p.dst, parse_address(*v, "dst")); }

    if (auto* v = find(j, "enc")) {
        IKEOFF_ASSIGN(std::string s, as_string(*v, "enc"));
        auto enc = parse_enc_keyword(s);
        if (!enc) return Error{Errc::invalid_argument, "enc: " + enc.error().message};
        p.enc = *enc;
    } else {
        IKEOFF_ENSURE(p.protocol == Protocol::ah, Errc::invalid_argument,
                      "enc: required for ESP (e.g. \"aes128gcm16\", \"aes256\", \"null\")");
    }
    if (auto* v = find(j, "integ")) {
        IKEOFF_ASSIGN(std::string s, as_string(*v, "integ"));
        auto integ = parse_integ_keyword(s);
        if (!integ) return Error{Errc::invalid_argument, "integ: " + integ.error().message};
        p.integ = *integ;
    }
    if (auto* v = find(j, "enc_key")) { IKEOFF_ASSIGN(p.enc_key, as_key(*v, "enc_key")); }
    if (auto* v = find(j, "integ_key")) { IKEOFF_ASSIGN(p.integ_key, as_key(*v, "integ_key")); }

    if (auto* v = find(j, "seq")) {
        IKEOFF_ASSIGN(p.seq, as_uint(*v, "seq", std::numeric_limits<uint64_t>::max()));
    }
    if (auto* v = find(j, "esn")) { IKEOFF_ASSIGN(p.esn, as_bool(*v, "esn")); }
    if (auto* v = find(j, "replay_window")) {
        IKEOFF_ASSIGN(uint64_t w, as_uint(*v, "replay_window", kMaxReplayWindow));
        p.replay_window = static_cast<uint32_t>(w);
    }
    if (auto* v = find(j, "encap")) { IKEOFF_ASSIGN(p.encap, parse_encap(*v)); }
    if (auto* v = find(j, "allow_weak")) { IKEOFF_ASSIGN(p.allow_weak, as_bool(*v, "allow_weak")); }
    if (auto* v = find(j, "soft")) { IKEOFF_ASSIGN(p.soft, parse_lifetime(*v, "soft")); }
    if (auto* v = find(j, "hard")) { IKEOFF_ASSIGN(p.hard, parse_lifetime(*v, "hard")); }
    if (auto* v = find(j, "iv_seed")) {
        IKEOFF_ASSIGN(SecretBytes seed, as_key(*v, "iv_seed"));
        IKEOFF_ENSURE(seed.size() == 16, Errc::invalid_argument,
                      "iv_seed: needs 16 bytes, got " + std::to_string(seed.size()));
        std::array<uint8_t, 16> a{};
        for (std::size_t i = 0; i < a.size(); ++i) a[i] = seed.data()[i];
        p.iv_seed = a;
        secure_zero(a.data(), a.size());
    }

    IKEOFF_TRY(validate(p));
    return p;
}

// nlohmann's messages start with "[json.exception.parse_error.101] " and end
// with "; last read: '<text>'"; the first is noise, the second may echo key
// material, so both go.
std::string json_error_text(const char* what) {
    std::string s(what);
    if (!s.empty() && s[0] == '[') {
        auto close = s.find("] ");
        if (close != std::string::npos) s.erase(0, close + 2);
    }
    auto last = s.find("; last read:");
    if (last != std::string::npos) {
        // The parser appends "; expected ..." after the echo; keep that part.
        auto expected = s.rfind("; expected ");
        std::string tail = expected != std::string::npos && expected > last ? s.substr(expected) : "";
        s = s.substr(0, last) + tail;
    }
    return s;
}

void wipe_secrets(json& j) {
    if (!j.is_object()) return;
    for (auto name : kSecretFields) {
        auto it = j.find(name);
        if (it != j.end() && it->is_string()) {
            auto& s = it->get_ref<std::string&>();
            secure_zero(s.data(), s.size());
        }
    }
}

constexpr off_t kMaxSaFile = 1 << 20;

struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

}  // namespace

Result<SaParams> sa_from_json(const nlohmann::json& j) {
    try {
        return parse(j);
    } catch (const std::exception& e) {
        return Error{Errc::internal, std::string("SA JSON: ") + e.what()};
    }
}

Result<SaParams> load_sa_file(const std::string& path) {
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
    if (!f) {
        int err = errno;
        return Error{err == ENOENT ? Errc::not_found : Errc::io_error, path + ": cannot open: " + std::strerror(err)};
    }
    struct stat st {};
    IKEOFF_ENSURE(::fstat(::fileno(f.get()), &st) == 0 && S_ISREG(st.st_mode), Errc::io_error,
                  path + ": not a regular file");
    std::string text;
    // Reserve up front so growing the buffer leaves no stray copies of keys.
    IKEOFF_ENSURE(st.st_size <= kMaxSaFile, Errc::invalid_argument,
                  path + ": larger than " + std::to_string(kMaxSaFile) + " bytes; not an SA file");
    text.reserve(static_cast<std::size_t>(st.st_size) + 1);
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, n);
    bool read_failed = std::ferror(f.get()) != 0;
    int err = errno;
    secure_zero(buf, sizeof buf);
    if (read_failed) {
        secure_zero(text.data(), text.size());
        return Error{Errc::io_error, path + ": read failed: " + std::strerror(err)};
    }

    try {
        json j;
        try {
            j = json::parse(text);
        } catch (const json::parse_error& e) {
            secure_zero(text.data(), text.size());
            return Error{Errc::parse_error, path + ": invalid JSON: " + json_error_text(e.what())};
        }
        secure_zero(text.data(), text.size());
        auto r = parse(j);
        wipe_secrets(j);
        if (!r) return Error{r.error().code, path + ": " + r.error().message};
        return r;
    } catch (const std::exception& e) {
        secure_zero(text.data(), text.size());
        return Error{Errc::internal, path + ": " + e.what()};
    }
}

}  // namespace ikeoff::ipsec
