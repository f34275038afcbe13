// The `xrt` engine driver: the ESP/AH kernels on an Alveo card through XRT's
// native C++ API (xrt::device, xrt::xclbin, xrt::kernel, xrt::bo, xrt::run).
//
// Everything above "the card" (SA bookkeeping, batch layout, inbound
// classification, results, events, counters) is drivers/fpga's FpgaEngine,
// the same code the csim driver runs, so both lay out buffers identically.
// This driver supplies the device side (xrt_backend.hpp): the SA table lives
// in a buffer object in device memory and the kernels update it (sequence
// numbers, replay windows, lifetimes), rows are synced one at a time when the
// host changes them, and query_sa()/counters read them back.
//
// make_xrt_engine() does, in order, failing fast with one line:
//   1. open the card (no card: "xrt: no Alveo card found (...); use --engine soft or csim");
//   2. find the bitstream (EngineOptions::xclbin / manifest; bitstreams/README.md);
//   3. check the manifest's ABI number and the xclbin's sha256 (before the
//      card sees anything), then the xclbin's kernel metadata against the
//      contract (argument names, kinds, register offsets) and the manifest;
//   4. load the xclbin, open the kernels, allocate the SA table in the memory
//      bank every kernel's sa_table port reaches.
//
// Emulation: XCL_EMULATION_MODE=hw_emu runs the Vitis simulator (needs
// Vitis and emconfig.json, see hw/README.md); XCL_EMULATION_MODE=noop runs
// the host flow with no kernel behind it (packets come back `unsupported`),
// which is how tests check the register map without a card.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/registry.hpp"
#include "host/common/result.hpp"
#include "host/ipsec/engine.hpp"
#include "ipsec_hls/contract.hpp"

namespace ikeoff::drivers::xrt_drv {

Result<std::unique_ptr<ipsec::Engine>> make_xrt_engine(const EngineOptions& options);

// What the driver did on the card, for tests and troubleshooting.
struct BufferBinding {
    std::string arg;         // contract argument name
    int32_t group = -1;      // memory group (bank index) the buffer object lives in
    uint64_t address = 0;    // device address XRT assigned
    std::size_t size = 0;    // buffer object size
};

struct KernelLaunch {
    std::string kernel;
    uint32_t num_desc = 0;
    std::vector<uint32_t> regmap;             // CU register words from offset 0, as XRT will write them
    std::vector<BufferBinding> buffers;       // per buffer argument, contract order
    std::vector<ipsec_hls::contract::PacketDesc> desc;  // descriptor buffer content after the run
    std::vector<uint8_t> pkt_in;              // packet input buffer content (used part)
};

struct Diagnostics {
    std::string xclbin;      // path loaded
    std::string platform;
    std::string uuid;
    std::string emulation;   // "hw", "noop", "hw_emu"
    std::vector<std::pair<std::string, std::vector<int32_t>>> arg_groups;  // "kernel.arg" -> groups per xclbin
    BufferBinding sa_table;
    uint32_t sa_rows = 0;    // rows the table buffer holds
    std::vector<KernelLaunch> last;  // the most recent launch of each kernel, in kKernels order
};

// nullopt when `engine` is not an xrt engine.
std::optional<Diagnostics> xrt_diagnostics(const ipsec::Engine& engine);

}  // namespace ikeoff::drivers::xrt_drv
