// The XRT process environment and device discovery for the xrt driver.
//
// XRT's shim loader dlopen()s its device libraries from $XILINX_XRT/lib and
// refuses to start without that variable. Xilinx's own packages install to
// /opt/xilinx/xrt; Debian's libxrt1 puts the libraries in the multiarch
// directory and sets nothing. ensure_xilinx_xrt() bridges the two layouts
// once per process so users never have to export anything by hand.
//
// Discovery never throws (XRT reports everything by exception; every call
// here is wrapped) and answers "no card" with exactly one line that names
// the way out.
#pragma once

#include <string>

#include <xrt/xrt_device.h>

#include "host/common/result.hpp"

namespace ikeoff::drivers::xrt_rt {

// XCL_EMULATION_MODE as the driver understands it.
enum class EmulationMode { none, noop, hw_emu, sw_emu };
EmulationMode emulation_mode();
const char* to_string(EmulationMode m);

// Makes sure XILINX_XRT names a directory whose lib/ holds XRT's libraries.
// An existing $XILINX_XRT is respected. Otherwise, with libxrt_coreutil
// loaded from <root>/lib (/opt/xilinx/xrt/lib for Xilinx's packages),
// XILINX_XRT=<root>; with Debian's multiarch layout, a private directory
// (/tmp/ikeoffload-xrt-<uid>, owned by us, mode 0700) whose `lib` is a
// symlink to the directory libxrt_coreutil was loaded from. Returns the value
// XILINX_XRT holds afterwards.
Result<std::string> ensure_xilinx_xrt();

// Opens device `index`. With no emulation mode, a machine without an Alveo
// card yields Errc::no_device and the message
//   "xrt: no Alveo card found (xrt::system::enumerate_devices() = 0); use --engine soft or csim"
// Emulation modes skip enumeration (XRT reports 0 devices there) but check
// what hw_emu needs first: XRT kills its own process group when it tries to
// simulate without Vitis, so the check has to come before any XRT call.
Result<xrt::device> open_device(unsigned index = 0);

}  // namespace ikeoff::drivers::xrt_rt
