// `ikeoffctl status` without --json: the status document as text, in the
// spirit of `swanctl --list-sas` (one block per SA, SPIs with _i/_o).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ikeoff::ctl {

// Never throws on unexpected shapes: missing or mistyped fields print as
// empty/zero, so an older or newer daemon still gives readable output.
std::string render_status_text(const nlohmann::json& status);

}  // namespace ikeoff::ctl
