// The `csim` engine driver: the HLS kernels (hls/kernels) compiled for the
// CPU and called in-process, with buffers and SA table laid out exactly as on
// the card (drivers/fpga + ipsec_hls/contract.hpp) and the same kernel
// arguments the xrt driver passes. Bit-exact with the hardware design by
// construction, and held bit-exact with `soft` by the differential test.
//
// It also runs the design's performance model (ipsec_hls/perf_model.hpp) on
// every kernel call: modeled cycles at the target clock, reported as a MODEL
// (not a measurement) through csim_model_stats() and description().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "drivers/registry.hpp"
#include "host/common/result.hpp"
#include "host/ipsec/engine.hpp"

namespace ikeoff::drivers::csim {

struct ModelStats {
    uint32_t clock_mhz = 0;
    uint32_t lanes = 0;
    uint64_t kernel_calls = 0;
    uint64_t packets = 0;     // descriptors the kernels processed
    uint64_t bytes_in = 0;    // octets the kernels read as packets
    uint64_t bytes_out = 0;   // octets of successful results
    uint64_t cycles = 0;      // modeled kernel cycles

    double seconds() const { return clock_mhz ? double(cycles) / (double(clock_mhz) * 1e6) : 0.0; }
    double gbit_per_s_in() const { return seconds() > 0 ? double(bytes_in) * 8 / seconds() / 1e9 : 0.0; }
    double mpackets_per_s() const { return seconds() > 0 ? double(packets) / seconds() / 1e6 : 0.0; }
};

Result<std::unique_ptr<ipsec::Engine>> make_csim_engine(const EngineOptions& options);

// The model totals of a csim engine since creation (or the last reset);
// nullopt when `engine` is not a csim engine.
std::optional<ModelStats> csim_model_stats(const ipsec::Engine& engine);
void csim_reset_model(ipsec::Engine& engine);

}  // namespace ikeoff::drivers::csim
