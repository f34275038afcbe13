// Internal to the config loader: turning the resolved keys of one `conn`
// into a checked Connection. Split from config.cpp so the key table and the
// whole-connection checks can be read on their own.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "host/config/config.hpp"
#include "host/config/conf_file.hpp"
#include "host/config/connection.hpp"

namespace ikeoff::config::detail {

// Collects "FILE:LINE: conn 'NAME': ..." lines, without repeats, up to a limit.
class Diagnostics {
public:
    static constexpr std::size_t kMaxErrors = 20;

    void error(const SourceLoc& where, const std::string& context, const std::string& msg);
    void warning(const SourceLoc& where, const std::string& context, const std::string& msg);
    void merge(const Diagnostics& other);
    bool has_errors() const { return !errors_.empty(); }
    std::size_t error_count() const { return errors_.size(); }
    std::string error_text() const;   // joined by '\n'
    std::vector<std::string> take_warnings() { return std::move(warnings_); }

private:
    std::vector<std::string> errors_;
    std::vector<std::string> warnings_;
};

// Keys after also=/%default resolution: key -> the entry that supplied it.
using ResolvedKeys = std::map<std::string, const ConfEntry*>;

// Is `key` a conn key we understand? (Used on every conn section, including
// %default and sections only reached through also=.)
bool is_known_conn_key(const std::string& key);
// The message for an unknown key: "unknown key 'lefsubnet' (did you mean 'leftsubnet'?)".
std::string unknown_conn_key_message(const std::string& key);

// Builds and checks one connection. Problems go to `diag`; the returned
// Connection is only meaningful when no error was added.
Connection build_connection(const ConfSection& section, const ResolvedKeys& keys, const LoadOptions& opts,
                            Diagnostics& diag);

}  // namespace ikeoff::config::detail
