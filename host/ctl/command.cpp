#include "host/ctl/command.hpp"

#include <cstdio>

namespace ikeoff::ctl {

int fail(int code, std::string_view message) {
    // One line, whatever the message holds: scripts read stderr line by line.
    std::string line = "ikeoffctl: ";
    for (char c : message) line += (c == '\n' || c == '\r') ? ' ' : c;
    line += '\n';
    std::fputs(line.c_str(), stderr);
    return code;
}

}  // namespace ikeoff::ctl
