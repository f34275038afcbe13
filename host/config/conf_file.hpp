// The ipsec.conf file syntax, without meaning: sections of key=value lines.
//
//   # comment                      '#' at line start or after white space
//   config setup                   section headers start in column 0:
//       uniqueids=yes                config setup | conn NAME | ca NAME
//   conn %default                  keys are indented (space or tab) under
//       keyingtries=3                their section
//   conn home
//       left=10.0.0.1              white space around '=' is allowed
//       leftid="C=CH, O=X, CN=a"   values with white space need double quotes
//       also=base                  (handled by connection.cpp, not here)
//   include conn.d/*.conf          glob, relative to the including file
//
// Blank lines never end a section (strongSwan 5 behaviour). A value may not
// contain a double quote or continue on the next line. `version 2` lines of
// old files are accepted and ignored. Every key remembers file and line so
// later errors can point at it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "host/common/result.hpp"

namespace ikeoff::config {

struct SourceLoc {
    std::string file;
    unsigned line = 0;
    std::string to_string() const { return file + ":" + std::to_string(line); }
};

struct ConfEntry {
    std::string key;
    std::string value;   // quotes removed; empty means "use the default"
    SourceLoc where;
};

struct ConfSection {
    std::string type;    // "config", "conn" or "ca"
    std::string name;    // "setup", "%default", "home", ...
    SourceLoc where;     // the header line
    std::vector<ConfEntry> entries;

    // The entry for `key`, or nullptr.
    const ConfEntry* find(std::string_view key) const;
};

struct ConfFile {
    std::vector<ConfSection> sections;
};

// Reads `path` (name used in messages exactly as given) and its includes.
Result<ConfFile> read_conf_file(const std::string& path);
// Parses text held in memory; `display_name` is used in messages and
// relative includes resolve against `base_dir`.
Result<ConfFile> parse_conf_text(std::string_view text, const std::string& display_name,
                                 const std::string& base_dir = ".");

// Shared with the secrets reader: the whole file, or an io_error naming it.
Result<std::string> read_text_file(const std::string& path);
// Expands an include pattern relative to `base_dir`; a pattern without
// wildcards must name an existing file.
Result<std::vector<std::string>> expand_include(const std::string& pattern, const std::string& base_dir);
std::string dir_of(const std::string& path);

}  // namespace ikeoff::config
