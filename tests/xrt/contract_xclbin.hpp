// Test bitstreams built from the project's own sources of truth:
//   kernel signatures  <- hls/include/ipsec_hls/contract.hpp (kKernels)
//   platform name      <- hw/platforms.mk (PLATFORM_<short> ?= ...)
//   compute units, memory connections <- hw/link/<short>.cfg (nk=, sp=)
//   manifest           <- hw/scripts/write_manifest.py (what `make -C hw` runs)
// so a test xclbin is what v++ would link from the same inputs, minus the
// bitstream, and a drift between any two of them fails a test.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "host/common/result.hpp"
#include "tests/xrt/link_config.hpp"
#include "tests/xrt/xclbin_writer.hpp"

namespace ikeoff::test_xrt {

// The memory banks of a platform in MEM_TOPOLOGY order (what XRT's group ids
// index): u250 DDR[0..3]; u280 HBM[0..31] then DDR[0..1]; u55c HBM[0..31].
Result<std::vector<xclbin_writer::Mem>> platform_banks(const std::string& short_name);

// The xclbin spec for the contract's kernels on `short_name`, wired as its
// link config says.
Result<xclbin_writer::Spec> contract_spec(const std::string& short_name);

struct Generated {
    std::filesystem::path xclbin;
    std::filesystem::path manifest;  // <dir>/manifest.json
    std::string name;
};

// Writes <dir>/<name>.xclbin and, through hw/scripts/write_manifest.py,
// <dir>/<name>.json and <dir>/manifest.json. `abi` is recorded in the manifest.
Result<Generated> generate(const std::filesystem::path& dir, const std::string& short_name, uint32_t abi,
                           const xclbin_writer::Spec* override_spec = nullptr);

}  // namespace ikeoff::test_xrt
