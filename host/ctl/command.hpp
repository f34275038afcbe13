// ikeoffctl's subcommand table and the conventions every subcommand follows.
//
// A subcommand is a function taking the arguments after its words (for
// `ikeoffctl esp encap --sa x` that is {"--sa", "x"}) and returning the exit
// status. Adding one (`up`, `down`, `status` for the daemon) means a new file
// with its run function and one row in kCommands (main.cpp).
//
// Exit statuses, shared by all subcommands:
//   0  everything ran and every packet/request succeeded
//   1  it ran, but some packets were dropped (see the summary)
//   2  usage or input error (bad option, bad SA file, unreadable capture)
//   3  environment or runtime failure (engine unavailable, write failed)
// On 2 and 3 exactly one line "ikeoffctl: <what is wrong>" goes to stderr.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ikeoff::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitDropped = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitFailure = 3;

using Args = std::vector<std::string>;

struct Command {
    std::vector<std::string_view> words;  // {"esp", "encap"}
    std::string_view synopsis;            // one line for `ikeoffctl --help`
    int (*run)(const Args& args);
};

// The one-line error convention: prints "ikeoffctl: <message>" to stderr
// (newlines in the message are flattened) and returns `code`.
int fail(int code, std::string_view message);

}  // namespace ikeoff::ctl
