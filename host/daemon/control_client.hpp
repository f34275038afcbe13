// The client end of the control protocol (control_protocol.hpp): one
// request, one reply, blocking with a deadline. Used by ikeoffctl, the
// tests and anything else that scripts the daemon from C++.
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "host/common/result.hpp"

namespace ikeoff::daemon {

// Connects to `socket_path`, sends `request` as one line and waits up to
// `timeout` for the reply line. Errors: io_error when the daemon is not
// there ("is ikeoffd running?"), timeout, parse_error for a reply that is not
// JSON.
Result<nlohmann::json> control_request(const std::string& socket_path, const nlohmann::json& request,
                                       std::chrono::milliseconds timeout);

}  // namespace ikeoff::daemon
