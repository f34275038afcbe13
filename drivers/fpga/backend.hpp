// What an FPGA engine needs from "the card": an SA table in device memory
// and a way to run one kernel over laid-out buffers. drivers/csim implements
// it by calling the kernel functions in-process; drivers/xrt by XRT buffer
// objects and runs. Everything above it (SA bookkeeping, batch layout,
// classification, results, events, counters) is FpgaEngine, shared.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/ipsec/sa.hpp"
#include "ipsec_hls/contract.hpp"

namespace ikeoff::drivers::fpga {

// One kernel invocation, arguments exactly as contract::kKernels lists them.
struct KernelCall {
    uint32_t kernel = 0;                            // contract::kKernelEspEncap / EspDecap / Ah
    ByteView pkt_in;                                // arg pkt_in (gmem0)
    MutableByteView pkt_out;                        // arg pkt_out (gmem1)
    std::span<ipsec_hls::contract::PacketDesc> desc;  // arg desc (gmem2), results written back here
    uint32_t num_sa = 0;                            // arg num_sa: rows the table holds
    uint32_t direction = 0;                         // arg direction (ikeoff_ah only): 0 out, 1 in
};

class KernelBackend {
public:
    virtual ~KernelBackend() = default;

    virtual std::string_view name() const = 0;
    virtual std::string description() const = 0;
    // Extra restrictions of this backend (default: everything valid runs).
    virtual Status supports(const ipsec::SaParams&) const { return {}; }

    // Rows the device table can hold.
    virtual uint32_t sa_capacity() const = 0;
    // Device-memory row access (whole rows; the engine calls these under its lock).
    virtual Status write_row(uint32_t slot, const ipsec_hls::contract::SaRow& row) = 0;
    virtual Status read_row(uint32_t slot, ipsec_hls::contract::SaRow& row) = 0;

    // Runs one kernel to completion; on return call.desc holds the results
    // and call.pkt_out the output packets. The SA table (slots below
    // call.num_sa) is the kernel's sa_table argument.
    virtual Status run(const KernelCall& call) = 0;
};

}  // namespace ikeoff::drivers::fpga
