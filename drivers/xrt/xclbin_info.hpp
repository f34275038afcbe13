// What an xclbin says about its kernels, and whether that matches the
// host<->kernel contract (hls/include/ipsec_hls/contract.hpp).
//
// XRT's register writes follow the argument offsets in the xclbin's
// metadata, so a kernel whose metadata disagrees with the contract would be
// driven with arguments in the wrong registers. The driver therefore checks
// every contract kernel's arguments (name, index, kind, register offset,
// width) and their memory connections before it creates a single buffer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <experimental/xrt_xclbin.h>

#include "drivers/xrt/manifest.hpp"
#include "host/common/result.hpp"

namespace ikeoff::drivers::xrt_info {

struct MemInfo {
    int32_t index = -1;  // memory group index (what xrt::bo takes)
    std::string tag;     // e.g. "DDR[0]", "HBM[3]"
};

struct ArgInfo {
    std::size_t index = 0;
    std::string name;
    uint64_t offset = 0;      // s_axilite register offset
    uint64_t size = 0;        // register width in octets
    std::string host_type;    // C type from the metadata
    std::string port;         // AXI port name
    std::vector<MemInfo> mems;  // empty for scalars
    bool is_buffer() const { return !host_type.empty() && host_type.back() == '*'; }
};

struct KernelInfo {
    std::string name;
    std::vector<ArgInfo> args;
    std::vector<std::string> compute_units;  // "kernel:instance" as in IP_LAYOUT
};

struct XclbinInfo {
    std::string platform;  // XSA / VBNV name
    std::string uuid;
    std::vector<KernelInfo> kernels;
    const KernelInfo* find(const std::string& name) const;
};

// Reads the file (XRT throws on garbage; that becomes an error value).
Result<xrt::xclbin> read_xclbin(const std::filesystem::path& path);
Result<XclbinInfo> describe(const xrt::xclbin& xclbin);

// Every contract kernel must exist with exactly the contract's arguments,
// buffer arguments must reach memory, and the SA table must sit in one
// memory group all kernels share (it is one buffer used by every kernel).
Status check_against_contract(const XclbinInfo& info);

// The manifest's kernel list must match the xclbin's (names and instances).
Status check_against_manifest(const XclbinInfo& info, const xrt_manifest::BitstreamEntry& entry);

}  // namespace ikeoff::drivers::xrt_info
