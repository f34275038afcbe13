#include "host/config/config.hpp"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <set>

#include "host/config/conn_builder.hpp"

namespace ikeoff::config {

namespace {

using detail::Diagnostics;
using detail::ResolvedKeys;

constexpr std::array<std::string_view, 12> kIgnoredSetupKeys{{
    "cachecrls", "strictcrlpolicy", "plutostart", "charonstart", "plutodebug", "nat_traversal", "keep_alive",
    "crlcheckinterval", "virtual_private", "interfaces", "nocrsend", "uniqueids-forced",
}};

void apply_setup(const ConfSection& s, SetupConfig& setup, Diagnostics& diag) {
    const std::string ctx = "config setup";
    for (const auto& e : s.entries) {
        if (e.key == "uniqueids") {
            static constexpr std::array<std::string_view, 5> kValues{"yes", "no", "never", "replace", "keep"};
            if (std::find(kValues.begin(), kValues.end(), e.value) == kValues.end()) {
                diag.error(e.where, ctx, "uniqueids: '" + e.value + "' is not one of yes, no, never, replace, keep");
            } else {
                setup.uniqueids = e.value;
            }
        } else if (e.key == "charondebug") {
            setup.charondebug = e.value;
        } else if (e.key == "prefer_configured_proposals") {
            auto v = parse_bool(e.value);
            if (!v.ok()) diag.error(e.where, ctx, "prefer_configured_proposals: " + v.error().message);
            else setup.prefer_configured_proposals = *v;
        } else if (std::find(kIgnoredSetupKeys.begin(), kIgnoredSetupKeys.end(), e.key) != kIgnoredSetupKeys.end()) {
            diag.warning(e.where, ctx, e.key + ": ignored (not used by ikeoffd)");
        } else {
            diag.error(e.where, ctx, "unknown key '" + e.key + "'");
        }
    }
}

void apply_ca(const ConfSection& s, const LoadOptions& opts, Config& cfg, Diagnostics& diag) {
    const std::string ctx = "ca '" + s.name + "'";
    CaConfig ca{s.name, {}, s.where};
    bool load = false;
    for (const auto& e : s.entries) {
        if (e.key == "cacert") {
            std::string path = e.value;
            if (!path.starts_with('/')) path = (opts.cert_dir.empty() ? dir_of(e.where.file) : opts.cert_dir) + "/" + path;
            if (opts.check_files && access(path.c_str(), R_OK) != 0) {
                diag.error(e.where, ctx, "cacert: cannot read certificate '" + path + "'");
            }
            ca.cacert = path;
        } else if (e.key == "auto") {
            if (e.value == "add") load = true;
            else if (e.value == "ignore") load = false;
            else diag.error(e.where, ctx, "auto: '" + e.value + "' is not add or ignore");
        } else if (e.key == "crluri" || e.key == "crluri1" || e.key == "crluri2" || e.key == "ocspuri" ||
                   e.key == "ocspuri1" || e.key == "ocspuri2" || e.key == "certuribase") {
            diag.warning(e.where, ctx, e.key + ": ignored (revocation checking is not implemented)");
        } else {
            diag.error(e.where, ctx, "unknown key '" + e.key + "'");
        }
    }
    if (ca.cacert.empty()) diag.error(s.where, ctx, "cacert= is required");
    if (load) cfg.cas.push_back(std::move(ca));
}

class Resolver {
public:
    explicit Resolver(const ConfFile& file) {
        for (const auto& s : file.sections) {
            if (s.type != "conn") continue;
            if (s.name == "%default") defaults_.push_back(&s);
            else by_name_[s.name] = &s;
        }
    }

    const std::vector<const ConfSection*>& defaults() const { return defaults_; }

    // Problems (missing or cyclic also=) go to `diag`.
    ResolvedKeys resolve(const ConfSection& conn, Diagnostics& diag) {
        diag_ = &diag;
        ResolvedKeys keys;
        std::vector<std::string> chain;
        visit(conn, conn, keys, chain);
        // %default fills what neither the conn nor its also= sections set.
        for (const ConfSection* d : defaults_) {
            for (const auto& e : d->entries) keys.emplace(e.key, &e);
        }
        return keys;
    }

private:
    void visit(const ConfSection& root, const ConfSection& s, ResolvedKeys& keys, std::vector<std::string>& chain) {
        chain.push_back(s.name);
        for (const auto& e : s.entries) {
            if (e.key != "also") keys.emplace(e.key, &e);
        }
        for (const auto& e : s.entries) {
            if (e.key != "also") continue;
            std::string ctx = "conn '" + root.name + "'";
            auto it = by_name_.find(e.value);
            if (e.value.empty() || it == by_name_.end()) {
                diag_->error(e.where, ctx, "also: no conn section named '" + e.value + "'");
                continue;
            }
            if (std::find(chain.begin(), chain.end(), e.value) != chain.end()) {
                std::string path;
                for (const auto& n : chain) path += n + " -> ";
                diag_->error(e.where, ctx, "also: '" + e.value + "' includes itself (" + path + e.value + ")");
                continue;
            }
            visit(root, *it->second, keys, chain);
        }
        chain.pop_back();
    }

    Diagnostics* diag_ = nullptr;
    std::vector<const ConfSection*> defaults_;
    std::map<std::string, const ConfSection*> by_name_;
};

}  // namespace

bool is_local_interface_address(const IpAddress& a) {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return false;
    std::unique_ptr<ifaddrs, void (*)(ifaddrs*)> guard(list, freeifaddrs);
    for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
        if (i->ifa_addr == nullptr) continue;
        if (i->ifa_addr->sa_family == AF_INET && a.is_v4()) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
            if (std::memcmp(&sin->sin_addr, a.data(), 4) == 0) return true;
        } else if (i->ifa_addr->sa_family == AF_INET6 && a.is_v6()) {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
            if (std::memcmp(&sin6->sin6_addr, a.data(), 16) == 0) return true;
        }
    }
    return false;
}

const Connection* Config::find(std::string_view name) const {
    for (const auto& c : connections) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

Result<const Connection*> Config::lookup(std::string_view name) const {
    if (const Connection* c = find(name)) return c;
    for (const auto& i : ignored) {
        if (i.name == name) {
            return Error{Errc::not_found, "connection '" + std::string(name) + "' (" + i.where.to_string() +
                                              ") is not loaded: auto=ignore is the default; add auto=add"};
        }
    }
    return Error{Errc::not_found, "no connection named '" + std::string(name) + "'"};
}

Result<Config> build_config(const ConfFile& file, const LoadOptions& opts) {
    Config cfg;
    Diagnostics diag;
    Resolver resolver(file);

    bool seen_conn = false;
    for (const auto& s : file.sections) {
        if (s.type == "config") {
            apply_setup(s, cfg.setup, diag);
        } else if (s.type == "ca") {
            apply_ca(s, opts, cfg, diag);
        } else if (s.type == "conn") {
            std::string ctx = "conn '" + s.name + "'";
            for (const auto& e : s.entries) {
                if (!detail::is_known_conn_key(e.key)) diag.error(e.where, ctx, detail::unknown_conn_key_message(e.key));
            }
            if (s.name == "%default") {
                if (seen_conn) diag.error(s.where, ctx, "conn %default must come before the conn sections it applies to");
                if (const ConfEntry* also = s.find("also")) diag.error(also->where, ctx, "also: not allowed in %default");
            } else {
                seen_conn = true;
            }
        }
    }
    if (diag.has_errors()) return Error{Errc::parse_error, diag.error_text()};

    for (const auto& s : file.sections) {
        if (s.type != "conn" || s.name == "%default") continue;
        Diagnostics resolve_diag;
        ResolvedKeys keys = resolver.resolve(s, resolve_diag);
        auto a = keys.find("auto");
        bool ignored = a == keys.end() || a->second->value.empty() || a->second->value == "ignore";
        if (ignored) {
            // Sections used only through also= are usually partial; they are
            // checked as part of the connections that include them.
            cfg.ignored.push_back({s.name, s.where});
            continue;
        }
        diag.merge(resolve_diag);
        Connection c = detail::build_connection(s, keys, opts, diag);
        if (!diag.has_errors()) cfg.connections.push_back(std::move(c));
    }
    if (diag.has_errors()) return Error{Errc::parse_error, diag.error_text()};
    cfg.warnings = diag.take_warnings();
    return cfg;
}

Result<Config> parse_config(std::string_view text, const std::string& display_name, const LoadOptions& opts) {
    IKEOFF_ASSIGN(ConfFile file, parse_conf_text(text, display_name, dir_of(display_name)));
    return build_config(file, opts);
}

Result<Config> load_config(const std::string& path, const LoadOptions& opts) {
    IKEOFF_ASSIGN(ConfFile file, read_conf_file(path));
    return build_config(file, opts);
}

}  // namespace ikeoff::config
