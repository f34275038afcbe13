// ikeoffctl: the command-line front end. This file only dispatches; each
// subcommand lives in its own file (see command.hpp for the conventions).
#include <cstdio>
#include <exception>
#include <iostream>
#include <new>
#include <string>

#include "host/ctl/command.hpp"
#include "host/ctl/daemon_commands.hpp"
#include "host/ctl/esp_command.hpp"

namespace ikeoff::ctl {
namespace {

// To add a subcommand: write its run function in its own file and add a row.
const Command kCommands[] = {
    {{"esp", "encap"}, "apply an SA to every packet of a capture file (outbound)", run_esp_encap},
    {{"esp", "decap"}, "verify and strip ESP/AH from every packet of a capture file", run_esp_decap},
    {{"up"}, "bring a connection of ikeoffd up and wait for the result", run_up},
    {{"down"}, "delete a connection's SAs in ikeoffd", run_down},
    {{"status"}, "list ikeoffd's connections, ISAKMP SAs and IPsec SAs (--json)", run_status},
};

void print_usage(std::FILE* to) {
    std::string text = "usage: ikeoffctl <command> [options]   ('ikeoffctl <command> --help' for its options)\n\ncommands:\n";
    for (const auto& c : kCommands) {
        std::string words;
        for (auto w : c.words) words += (words.empty() ? "" : " ") + std::string(w);
        text += "  " + words + std::string(words.size() < 14 ? 14 - words.size() : 1, ' ') + std::string(c.synopsis) + '\n';
    }
    std::fputs(text.c_str(), to);
}

// How many leading arguments match the command's words.
std::size_t matched(const Command& c, const Args& args) {
    std::size_t n = 0;
    while (n < c.words.size() && n < args.size() && args[n] == c.words[n]) ++n;
    return n;
}

int dispatch(Args args) {
    // `ikeoffctl --control SOCKET <command> ...`: the daemon's socket may come
    // before the command (the subcommands accept it after, too).
    while (!args.empty() && args[0].rfind("--control", 0) == 0) {
        if (args[0] == "--control") {
            if (args.size() < 2) return fail(kExitUsage, "--control needs a SOCKET path");
            set_control_socket(args[1]);
            args.erase(args.begin(), args.begin() + 2);
        } else if (args[0].rfind("--control=", 0) == 0) {
            set_control_socket(args[0].substr(10));
            args.erase(args.begin());
        } else {
            break;
        }
    }
    if (args.empty()) return fail(kExitUsage, "missing command (see 'ikeoffctl --help')");
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        print_usage(stdout);
        return kExitOk;
    }
    const Command* best = nullptr;
    std::size_t best_len = 0;
    for (const auto& c : kCommands) {
        std::size_t n = matched(c, args);
        if (n == c.words.size() && n > best_len) {
            best = &c;
            best_len = n;
        }
    }
    if (best) return best->run(Args(args.begin() + static_cast<std::ptrdiff_t>(best_len), args.end()));

    // A known first word with a wrong second one: list the valid ones.
    std::string alternatives;
    for (const auto& c : kCommands) {
        if (c.words.size() > 1 && c.words[0] == args[0]) {
            alternatives += (alternatives.empty() ? "" : ", ") + std::string(c.words[1]);
        }
    }
    if (!alternatives.empty()) {
        std::string got = args.size() > 1 ? "unknown subcommand '" + args[1] + "'" : "missing subcommand";
        return fail(kExitUsage, args[0] + ": " + got + " (expected " + alternatives + ")");
    }
    return fail(kExitUsage, "unknown command '" + args[0] + "' (see 'ikeoffctl --help')");
}

}  // namespace
}  // namespace ikeoff::ctl

int main(int argc, char** argv) {
    using namespace ikeoff::ctl;
    try {
        return dispatch(Args(argv + 1, argv + argc));
    } catch (const std::bad_alloc&) {
        return fail(kExitFailure, "out of memory");
    } catch (const std::exception& e) {
        return fail(kExitFailure, std::string("internal error: ") + e.what());
    }
}
