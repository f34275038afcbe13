// `ikeoffctl esp encap` and `ikeoffctl esp decap`: apply one SA from a JSON
// file to every packet of a capture file.
#pragma once

#include "host/ctl/command.hpp"

namespace ikeoff::ctl {

int run_esp_encap(const Args& args);
int run_esp_decap(const Args& args);

}  // namespace ikeoff::ctl
