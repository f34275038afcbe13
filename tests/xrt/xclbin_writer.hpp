// A writer for metadata-only xclbin files (no bitstream), for tests.
//
// Debian's xclbinutil is a wrapper that exits 0 without doing anything, and
// v++ is not installed, so tests build their own xclbins on XRT's public
// container structures (/usr/include/xrt/xclbin.h). XRT 2.13 needs four
// sections to load such a file in XCL_EMULATION_MODE=noop and to describe
// its kernels through xrt::xclbin:
//   EMBEDDED_METADATA  XML: kernel names, argument names/ids/offsets/sizes/
//                      types/ports, instances (what xrt::kernel uses to
//                      place arguments in the register map);
//   MEM_TOPOLOGY       memory banks (tags such as "DDR[0]", "HBM[5]");
//   IP_LAYOUT          compute units "kernel:instance" with base addresses;
//   CONNECTIVITY       (argument index, CU, bank) triples (what
//                      xrt::kernel::group_id() answers from).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "host/common/result.hpp"

namespace ikeoff::xclbin_writer {

struct Arg {
    std::string name;
    bool buffer = false;  // m_axi pointer (else s_axilite scalar)
    std::string bundle;   // m_axi bundle, e.g. "gmem0" (ignored for scalars)
    uint32_t offset = 0;  // register offset
    uint32_t size = 0;    // register width in octets
    std::string type;     // C type; buffers must end in '*'
};

struct Kernel {
    std::string name;
    std::vector<Arg> args;
};

struct Mem {
    std::string tag;       // "DDR[0]", "HBM[3]", ...
    uint8_t type = 0;      // MEM_TYPE from xclbin.h
    uint64_t base = 0;
    uint64_t size_kb = 0;
};

struct Cu {
    std::string kernel;
    std::string instance;  // e.g. "ikeoff_esp_encap_1"
    uint64_t base = 0;     // s_axilite base address
    std::vector<std::pair<std::string, std::string>> sp;  // argument name -> memory tag
};

struct Spec {
    std::string platform;  // VBNV written to the AXLF header
    bool hw_emu = false;   // XCLBIN_HW_EMU instead of XCLBIN_FLAT
    std::vector<Mem> mems;
    std::vector<Kernel> kernels;
    std::vector<Cu> cus;
};

// The EMBEDDED_METADATA XML for `spec` (exposed so tests can inspect it).
std::string metadata_xml(const Spec& spec);

// The whole file. Errors: an sp= entry naming an unknown kernel, argument or
// memory tag; a buffer argument of a CU left unconnected. The UUID is derived
// from the content, so equal specs give equal files.
Result<std::vector<char>> build(const Spec& spec);

Status write_file(const std::string& path, const std::vector<char>& data);

}  // namespace ikeoff::xclbin_writer
