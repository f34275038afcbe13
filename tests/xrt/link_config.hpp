// hw/ as data: the link configs (nk=, sp=) and the platform list, parsed
// the way v++ reads them, for tests that hold hw/ and the contract together.
// No XRT needed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "host/common/result.hpp"

namespace ikeoff::test_xrt {

std::filesystem::path source_dir();  // IKEOFF_SOURCE_DIR

struct NkLine {
    std::string kernel;
    std::vector<std::string> instances;
};
struct SpLine {
    std::string instance;
    std::string arg;
    std::string mem;  // "DDR[3]", "HBM[31]"
};
struct LinkConfig {
    std::vector<NkLine> nk;
    std::vector<SpLine> sp;
};
Result<LinkConfig> parse_link_config(const std::filesystem::path& path);

// PLATFORM_<short> from hw/platforms.mk.
Result<std::string> platform_name(const std::string& short_name);

}  // namespace ikeoff::test_xrt
