// The soft engine driver: ESP/AH in software, the golden reference the FPGA
// drivers are compared against byte for byte.
#pragma once

#include <memory>

#include "drivers/registry.hpp"
#include "host/common/result.hpp"
#include "host/ipsec/engine.hpp"

namespace ikeoff::drivers::soft {

// EngineOptions::soft_provider: "auto" (intel-ipsec-mb where it is built in,
// works on this CPU and supports the SA's algorithms, else OpenSSL),
// "openssl" or "ipsec-mb" (fails when intel-ipsec-mb is unusable).
Result<std::unique_ptr<ipsec::Engine>> make_soft_engine(const EngineOptions& options);

}  // namespace ikeoff::drivers::soft
