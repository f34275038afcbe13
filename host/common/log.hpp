// Minimal leveled logging to stderr.
//
// Levels follow strongSwan's habit: 0 silent .. 1 errors/events .. 2 control
// flow .. 3 raw messages .. 4 key material. Secrets are only ever formatted
// through log_secret(), which prints nothing below level 4.
#pragma once

#include <sstream>
#include <string>
#include <string_view>

#include "host/common/bytes.hpp"

namespace ikeoff::log {

enum Level : int { kError = 1, kInfo = 1, kDebug = 2, kRaw = 3, kSecret = 4 };

void set_level(int level);
int level();
inline bool enabled(int lvl) { return lvl <= level(); }

void write(int lvl, std::string_view component, std::string_view message);

// Hex dump of key material; a no-op unless the level is kSecret or above.
void secret(std::string_view component, std::string_view label, ByteView data);

}  // namespace ikeoff::log

// IKEOFF_LOG(1, "ike", "established " << name);  formats only when enabled.
#define IKEOFF_LOG(lvl, component, expr)                                        \
    do {                                                                        \
        if (::ikeoff::log::enabled(lvl)) {                                      \
            std::ostringstream ikeoff_log_os_;                                  \
            ikeoff_log_os_ << expr;                                             \
            ::ikeoff::log::write((lvl), (component), ikeoff_log_os_.str());     \
        }                                                                       \
    } while (0)
