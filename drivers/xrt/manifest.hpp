// The bitstream manifest (bitstreams/README.md documents the format).
//
// hw/ writes one JSON file per xclbin it builds (bitstreams/<name>.json) and
// merges them into bitstreams/manifest.json. The xrt driver reads the
// manifest to find an xclbin for the card and, before it runs anything,
// checks that the xclbin was built against the same host<->kernel contract
// (ABI number) and is the very file that was built (sha256).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/common/result.hpp"

namespace ikeoff::drivers::xrt_manifest {

inline constexpr std::string_view kFormat = "ikeoffload-bitstreams/1";

struct KernelEntry {
    std::string name;                        // kernel (extern "C") name
    std::vector<std::string> compute_units;  // instance names, e.g. ikeoff_esp_encap_1
};

struct BitstreamEntry {
    std::string name;
    std::filesystem::path xclbin;  // absolute (relative paths resolve against the manifest's directory)
    std::string platform;          // Vitis platform, e.g. xilinx_u250_gen3x16_xdma_4_1_202210_1
    std::string target;            // "hw" or "hw_emu"
    uint32_t abi = 0;              // ipsec_hls::contract::kContractAbi the kernels were built with
    std::string sha256;            // lowercase hex of the xclbin file
    std::vector<KernelEntry> kernels;
    std::string tool_version;
    std::string build_date;
};

struct Manifest {
    std::filesystem::path path;  // where it was read from (empty when parsed from text)
    bool example = false;        // a documentation sample, never usable
    std::vector<BitstreamEntry> bitstreams;
};

// Parses and validates the JSON text; relative xclbin paths are resolved
// against `base_dir`. Errors name the offending field.
Result<Manifest> parse_manifest(std::string_view json_text, const std::filesystem::path& base_dir);
Result<Manifest> load_manifest(const std::filesystem::path& path);

// Where the driver looks for a manifest, in order: `explicit_path` (a file,
// or a directory holding manifest.json), $IKEOFF_BITSTREAMS (same), the
// install tree (<exe>/../share/ikeoffload/bitstreams/manifest.json), the
// source tree (IKEOFF_SOURCE_DIR/bitstreams/manifest.json). An explicit path
// is the only candidate when given: silently falling back would hide a typo.
std::vector<std::filesystem::path> manifest_candidates(const std::string& explicit_path);
// The first candidate that exists, or not_found listing every place tried.
Result<std::filesystem::path> find_manifest(const std::string& explicit_path);

// The entry to load: `xclbin` (when non-empty) must be one the manifest
// describes; otherwise entries are filtered by target and, when several
// remain and the card's name is known (`device_name`, XRT's VBNV of the
// shell), by board: an entry fits when its platform equals the name or its
// board token ("u250" in "xilinx_u250_gen3x16_...") appears in it. Exactly
// one entry may remain.
Result<BitstreamEntry> select_bitstream(const Manifest& m, const std::string& target,
                                        const std::optional<std::string>& device_name,
                                        const std::filesystem::path& xclbin = {});

// "u250" for "xilinx_u250_gen3x16_xdma_4_1_202210_1" (empty if no such token).
std::string board_of(const std::string& platform);

// Lowercase hex SHA-256 of a file.
Result<std::string> sha256_file(const std::filesystem::path& path);

// The check that runs before anything touches the card: ABI number first
// (Errc::abi_mismatch), then the file's checksum (Errc::invalid_argument:
// the xclbin was replaced or damaged after the build wrote the manifest).
Status verify_bitstream(const BitstreamEntry& e, uint32_t host_abi);

}  // namespace ikeoff::drivers::xrt_manifest
