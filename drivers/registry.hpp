// Engine drivers by name. `auto` prefers a real card (xrt), and otherwise
// falls back to the driver named in EngineOptions::fallback, saying so
// through EngineOptions::notice.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/common/result.hpp"
#include "host/ipsec/engine.hpp"

namespace ikeoff::drivers {

struct EngineOptions {
    std::string xclbin;                  // xrt: explicit xclbin path
    std::string manifest;                // xrt: bitstreams manifest (default: search standard places)
    std::string soft_provider = "auto";  // soft: auto | openssl | ipsec-mb
    std::string fallback = "soft";       // auto: what to use when no card is present (soft | csim)
    // Where `auto` reports which driver it picked and why (default: log level 1).
    std::function<void(std::string_view)> notice;
};

using EngineFactory = std::function<Result<std::unique_ptr<ipsec::Engine>>(const EngineOptions&)>;

// Names of the drivers built into this binary, best first ("xrt", "csim", "soft").
std::vector<std::string> available_drivers();

// name: "soft", "csim", "xrt" or "auto".
Result<std::unique_ptr<ipsec::Engine>> create_engine(std::string_view name, const EngineOptions& options = {});

}  // namespace ikeoff::drivers
