// ikeoffctl's daemon subcommands: up, down, status. They talk to ikeoffd
// over its control socket (host/daemon/control_protocol.hpp).
//
//   ikeoffctl [--control SOCKET] up CONN [--timeout SECONDS]
//   ikeoffctl [--control SOCKET] down CONN
//   ikeoffctl [--control SOCKET] status [--json]
//
// Exit statuses (command.hpp): 0 done; 1 the daemon answered "failed" (up:
// the negotiation failed or timed out, the reason is printed, e.g.
// "NO-PROPOSAL-CHOSEN"); 2 usage; 3 the daemon could not be reached.
#pragma once

#include <string>

#include "host/ctl/command.hpp"

namespace ikeoff::ctl {

// The socket given before the subcommand (`ikeoffctl --control S up x`);
// the subcommands also accept --control themselves.
void set_control_socket(std::string path);

int run_up(const Args& args);
int run_down(const Args& args);
int run_status(const Args& args);

}  // namespace ikeoff::ctl
