// The device side of the xrt driver: fpga::KernelBackend on XRT buffer
// objects and runs. One SA-table buffer in the bank all kernels share; per
// kernel, input/output/descriptor buffers in the banks its ports are linked
// to (xrt::kernel::group_id), grown on demand and reused across batches.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include "drivers/fpga/backend.hpp"
#include "drivers/xrt/xrt_engine.hpp"

namespace ikeoff::drivers::xrt_drv {

// A device buffer that only grows; contents are not preserved across growth
// (packet and descriptor buffers are rewritten for every call).
struct GrowBuffer {
    std::string arg;
    int32_t group = -1;
    xrt::bo bo;
    std::size_t size = 0;
};

struct KernelSlot {
    std::string name;
    xrt::kernel kernel;
    xrt::run run;        // reused: arguments are set again for every call
    bool launched = false;
    uint32_t last_num_desc = 0;
    GrowBuffer pkt_in, pkt_out, desc;
    std::vector<std::pair<std::string, xrt::bo>> bound;  // buffer arguments of the last launch, as set

};

struct BackendSetup {
    xrt::device device;
    std::string xclbin_path;
    std::string platform;
    std::string uuid;
    std::string emulation;
    std::array<KernelSlot, ipsec_hls::contract::kKernelCount> kernels;
    int32_t sa_group = -1;
    std::vector<std::pair<std::string, std::vector<int32_t>>> arg_groups;
};

class XrtBackend final : public fpga::KernelBackend {
public:
    explicit XrtBackend(BackendSetup setup);
    ~XrtBackend() override;

    std::string_view name() const override { return "xrt"; }
    std::string description() const override;
    uint32_t sa_capacity() const override { return ipsec_hls::contract::kMaxSaSlots; }
    Status write_row(uint32_t slot, const ipsec_hls::contract::SaRow& row) override;
    Status read_row(uint32_t slot, ipsec_hls::contract::SaRow& row) override;
    Status run(const fpga::KernelCall& call) override;

    // Creates the (zeroed) SA table in device memory; call once before use.
    Status allocate_table();
    Diagnostics diagnostics() const;

private:
    Status ensure_rows(uint32_t rows);
    Status ensure(GrowBuffer& b, std::size_t need);
    Status launch(KernelSlot& k, const fpga::KernelCall& call);

    BackendSetup s_;
    xrt::bo table_;
    uint32_t table_rows_ = 0;
    std::string failed_;  // set when a kernel did not complete: no further runs
};

}  // namespace ikeoff::drivers::xrt_drv
