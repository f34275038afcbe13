// Loading an ipsec.conf-style configuration.
//
//   auto cfg = config::load_config("ipsec.conf");
//   if (!cfg) { std::cerr << cfg.error().message << "\n"; return 1; }
//
// Every problem is reported as "FILE:LINE: conn 'NAME': KEY: what is wrong"
// (several problems on separate lines of one message, at most 20). Warnings
// (keys we accept but ignore) are collected in Config::warnings for the
// daemon to log.
//
// `config setup` keys: uniqueids (yes|no|never|replace|keep), charondebug
// (kept as text), prefer_configured_proposals (yes|no, default yes: as
// strongSwan's charon.prefer_configured_proposals, a responder picks by our
// proposal order; no picks the first acceptable one in the peer's order).
// Accepted but ignored, with a warning: cachecrls, strictcrlpolicy,
// plutostart, charonstart, plutodebug, nat_traversal, keep_alive,
// crlcheckinterval, virtual_private, interfaces, nocrsend, uniqueids-forced.
//
// `ca NAME` sections: cacert=FILE (trust anchor for peer certificates,
// relative to the cert directory), auto=add|ignore; crluri, ocspuri and
// certuribase are accepted and ignored with a warning.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "host/common/ip_address.hpp"
#include "host/common/result.hpp"
#include "host/config/conf_file.hpp"
#include "host/config/connection.hpp"

namespace ikeoff::config {

struct SetupConfig {
    std::string uniqueids = "yes";
    std::string charondebug;
    bool prefer_configured_proposals = true;
};

struct CaConfig {
    std::string name;
    std::string cacert;   // resolved path
    SourceLoc where;
};

// A conn that was parsed but not loaded because of auto=ignore.
struct IgnoredConn {
    std::string name;
    SourceLoc where;
};

struct Config {
    SetupConfig setup;
    std::vector<Connection> connections;   // auto=add and auto=start
    std::vector<CaConfig> cas;
    std::vector<IgnoredConn> ignored;
    std::vector<std::string> warnings;

    const Connection* find(std::string_view name) const;
    // "no connection 'x'" / "connection 'x' is not loaded (auto=ignore ...)".
    Result<const Connection*> lookup(std::string_view name) const;
};

struct LoadOptions {
    // Directory for relative leftcert/rightcert/cacert paths; empty: the
    // directory of the file the key was written in.
    std::string cert_dir;
    // Is this one of our addresses? Decides which side is local. Empty: ask
    // the kernel (getifaddrs).
    std::function<bool(const IpAddress&)> is_local_address;
    // Check that certificate files exist and are readable (tests may turn it off).
    bool check_files = true;
};

Result<Config> load_config(const std::string& path, const LoadOptions& opts = {});
Result<Config> parse_config(std::string_view text, const std::string& display_name, const LoadOptions& opts = {});
// From already-read sections (what the two functions above do after reading).
Result<Config> build_config(const ConfFile& file, const LoadOptions& opts = {});

// True if `a` is assigned to one of this host's interfaces.
bool is_local_interface_address(const IpAddress& a);

}  // namespace ikeoff::config
