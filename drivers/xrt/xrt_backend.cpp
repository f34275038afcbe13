#include "drivers/xrt/xrt_backend.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <utility>

#include <ert.h>

#include "host/common/bytes.hpp"
#include "host/common/log.hpp"

namespace ikeoff::drivers::xrt_drv {

namespace contract = ipsec_hls::contract;

namespace {

constexpr uint32_t kInitialRows = 256;           // 640 KiB; doubles on demand
constexpr std::size_t kMinBuffer = 4096;         // XRT rejects zero-sized buffers
// Written into every descriptor's status before the run: no kernel writes
// it, so a descriptor still holding it afterwards was never processed (as
// under XCL_EMULATION_MODE=noop) and FpgaEngine reports `unsupported`.
constexpr uint8_t kStatusUntouched = 0xff;
static_assert(kStatusUntouched >= contract::kStatusCount, "sentinel must not be a valid status");

// XRT reports failures by exception; the driver's callers expect values.
template <typename F>
Status guarded(const std::string& what, F&& f) {
    try {
        f();
        return {};
    } catch (const std::exception& e) {
        return Error{Errc::io_error, "xrt: " + what + ": " + e.what()};
    }
}

std::size_t next_pow2(std::size_t n) {
    std::size_t p = kMinBuffer;
    while (p < n) p *= 2;
    return p;
}

}  // namespace

XrtBackend::XrtBackend(BackendSetup setup) : s_(std::move(setup)) {}

XrtBackend::~XrtBackend() {
    // Rows hold key schedules: clear device memory before XRT frees it.
    if (table_rows_ == 0) return;
    Status st = guarded("wiping the SA table", [&] {
        auto* base = table_.map<uint8_t*>();
        secure_zero(base, std::size_t(table_rows_) * contract::kSaRowBytes);
        table_.sync(XCL_BO_SYNC_BO_TO_DEVICE);
    });
    if (!st.ok()) IKEOFF_LOG(1, "xrt", st.error().message);
}

std::string XrtBackend::description() const {
    std::string d = "xrt (" + s_.platform + ", " + s_.xclbin_path + ", contract ABI " +
                    std::to_string(contract::kContractAbi);
    if (s_.emulation != "hw") d += ", XCL_EMULATION_MODE=" + s_.emulation;
    if (s_.emulation == "noop") d += ": no kernel executes";
    return d + ")";
}

Status XrtBackend::ensure_rows(uint32_t rows) {
    if (rows <= table_rows_) return {};
    IKEOFF_ENSURE(rows <= contract::kMaxSaSlots, Errc::unsupported, "xrt: SA table full");
    uint32_t grown = table_rows_ ? table_rows_ : kInitialRows;
    while (grown < rows) grown *= 2;
    grown = std::min(grown, contract::kMaxSaSlots);
    const std::size_t bytes = std::size_t(grown) * contract::kSaRowBytes;
    const std::size_t old_bytes = std::size_t(table_rows_) * contract::kSaRowBytes;
    return guarded("growing the SA table to " + std::to_string(grown) + " rows", [&] {
        xrt::bo next(s_.device, bytes, s_.sa_group);
        auto* dst = next.map<uint8_t*>();
        // Free rows must read as magic 0 on the card.
        std::memset(dst, 0, bytes);
        if (old_bytes) {
            // The kernels have been updating the old rows: fetch them first.
            table_.sync(XCL_BO_SYNC_BO_FROM_DEVICE);
            auto* src = table_.map<uint8_t*>();
            std::memcpy(dst, src, old_bytes);
            secure_zero(src, old_bytes);
            table_.sync(XCL_BO_SYNC_BO_TO_DEVICE);  // no key schedules left behind in freed device memory
        }
        next.sync(XCL_BO_SYNC_BO_TO_DEVICE);
        table_ = std::move(next);
        table_rows_ = grown;
    });
}

Status XrtBackend::allocate_table() { return ensure_rows(kInitialRows); }

Status XrtBackend::write_row(uint32_t slot, const contract::SaRow& row) {
    IKEOFF_ENSURE(slot < contract::kMaxSaSlots, Errc::internal, "xrt: SA slot out of range");
    IKEOFF_TRY(ensure_rows(slot + 1));
    // Only this row goes to the card; rows the kernels are updating stay untouched.
    return guarded("writing SA row " + std::to_string(slot), [&] {
        const std::size_t off = std::size_t(slot) * contract::kSaRowBytes;
        std::memcpy(table_.map<uint8_t*>() + off, &row, contract::kSaRowBytes);
        table_.sync(XCL_BO_SYNC_BO_TO_DEVICE, contract::kSaRowBytes, off);
    });
}

Status XrtBackend::read_row(uint32_t slot, contract::SaRow& row) {
    IKEOFF_ENSURE(slot < table_rows_, Errc::internal, "xrt: SA slot out of range");
    return guarded("reading SA row " + std::to_string(slot), [&] {
        const std::size_t off = std::size_t(slot) * contract::kSaRowBytes;
        table_.sync(XCL_BO_SYNC_BO_FROM_DEVICE, contract::kSaRowBytes, off);
        std::memcpy(&row, table_.map<const uint8_t*>() + off, contract::kSaRowBytes);
    });
}

Status XrtBackend::ensure(GrowBuffer& b, std::size_t need) {
    if (b.size >= need && b.size != 0) return {};
    const std::size_t size = next_pow2(need);
    return guarded("allocating " + std::to_string(size) + " octets for " + b.arg + " in memory group " +
                       std::to_string(b.group),
                   [&] {
                       b.bo = xrt::bo(s_.device, size, b.group);
                       b.size = size;
                   });
}

Status XrtBackend::run(const fpga::KernelCall& call) {
    IKEOFF_ENSURE(failed_.empty(), Errc::state_error, failed_);
    IKEOFF_ENSURE(call.kernel < contract::kKernelCount, Errc::internal, "xrt: unknown kernel index");
    IKEOFF_ENSURE(call.desc.size() <= contract::kMaxBatch, Errc::internal, "xrt: batch larger than kMaxBatch");
    IKEOFF_ENSURE(call.num_sa <= table_rows_, Errc::internal, "xrt: num_sa beyond the SA table");
    KernelSlot& k = s_.kernels[call.kernel];
    IKEOFF_TRY(ensure(k.pkt_in, call.pkt_in.size()));
    IKEOFF_TRY(ensure(k.pkt_out, call.pkt_out.size()));
    IKEOFF_TRY(ensure(k.desc, call.desc.size() * sizeof(contract::PacketDesc)));
    return launch(k, call);
}

Status XrtBackend::launch(KernelSlot& k, const fpga::KernelCall& call) {
    const auto n = uint32_t(call.desc.size());
    const std::size_t desc_bytes = n * sizeof(contract::PacketDesc);
    IKEOFF_TRY(guarded("staging " + k.name + " inputs", [&] {
        if (!call.pkt_in.empty()) {
            std::memcpy(k.pkt_in.bo.map<uint8_t*>(), call.pkt_in.data(), call.pkt_in.size());
            k.pkt_in.bo.sync(XCL_BO_SYNC_BO_TO_DEVICE, call.pkt_in.size(), 0);
        }
        auto* d = k.desc.bo.map<contract::PacketDesc*>();
        std::memcpy(d, call.desc.data(), desc_bytes);
        for (uint32_t i = 0; i < n; ++i) d[i].status = kStatusUntouched;
        if (desc_bytes) k.desc.bo.sync(XCL_BO_SYNC_BO_TO_DEVICE, desc_bytes, 0);
    }));

    // Arguments in the contract's order, by name, so a reordering there is
    // caught by the xclbin check rather than silently mis-wired here.
    const contract::KernelSig& sig = contract::kKernels[call.kernel];
    IKEOFF_TRY(guarded("setting " + k.name + " arguments", [&] {
        k.bound.clear();
        // Buffers are bound and recorded in one place, so diagnostics show
        // exactly which buffer object each argument received.
        auto bind = [&](int idx, const std::string& a, const xrt::bo& bo) {
            k.run.set_arg(idx, bo);
            k.bound.emplace_back(a, bo);
        };
        for (uint32_t i = 0; i < sig.arg_count; ++i) {
            const std::string a = sig.args[i].name;
            const int idx = int(i);
            if (a == "pkt_in") bind(idx, a, k.pkt_in.bo);
            else if (a == "pkt_out") bind(idx, a, k.pkt_out.bo);
            else if (a == "desc") bind(idx, a, k.desc.bo);
            else if (a == "sa_table") bind(idx, a, table_);
            else if (a == "num_desc") k.run.set_arg(idx, n);
            else if (a == "num_sa") k.run.set_arg(idx, call.num_sa);
            else if (a == "direction") k.run.set_arg(idx, call.direction);
            else throw std::runtime_error("contract argument '" + a + "' has no binding in the xrt driver");
        }
    }));

    ert_cmd_state state = ERT_CMD_STATE_NEW;
    IKEOFF_TRY(guarded("running " + k.name, [&] {
        k.run.start();
        k.launched = true;
        k.last_num_desc = n;
        // hw_emu simulates the RTL: far slower than any sensible timeout.
        state = s_.emulation == "hw_emu" ? k.run.wait() : k.run.wait(std::chrono::milliseconds(10000));
    }));
    if (state != ERT_CMD_STATE_COMPLETED) {
        // The card may still be writing this kernel's buffers (and the SA
        // table): abort the command and take the engine out of service
        // rather than hand those buffers to the next batch.
        if (state == ERT_CMD_STATE_TIMEOUT) (void)guarded("aborting " + k.name, [&] { k.run.abort(); });
        failed_ = "xrt: " + k.name + " did not complete (command state " + std::to_string(int(state)) +
                  "); the engine is out of service";
        return Error{Errc::timeout, failed_};
    }

    return guarded("reading " + k.name + " results", [&] {
        if (desc_bytes) k.desc.bo.sync(XCL_BO_SYNC_BO_FROM_DEVICE, desc_bytes, 0);
        const auto* d = k.desc.bo.map<const contract::PacketDesc*>();
        std::memcpy(call.desc.data(), d, desc_bytes);
        // Fetch only as far as the last successful output reaches.
        std::size_t end = 0;
        for (uint32_t i = 0; i < n; ++i)
            if (d[i].status == contract::kStOk && d[i].out_len <= d[i].out_cap)
                end = std::max<std::size_t>(end, std::size_t(d[i].out_off) + d[i].out_len);
        end = std::min(end, call.pkt_out.size());
        if (end) {
            k.pkt_out.bo.sync(XCL_BO_SYNC_BO_FROM_DEVICE, end, 0);
            std::memcpy(call.pkt_out.data(), k.pkt_out.bo.map<const uint8_t*>(), end);
        }
    });
}

Diagnostics XrtBackend::diagnostics() const {
    Diagnostics d;
    d.xclbin = s_.xclbin_path;
    d.platform = s_.platform;
    d.uuid = s_.uuid;
    d.emulation = s_.emulation;
    d.arg_groups = s_.arg_groups;
    d.sa_rows = table_rows_;
    d.sa_table.arg = "sa_table";
    d.sa_table.group = s_.sa_group;
    d.sa_table.size = std::size_t(table_rows_) * contract::kSaRowBytes;
    try {
        if (table_rows_) d.sa_table.address = table_.address();
        for (const auto& k : s_.kernels) {
            if (!k.launched) continue;
            KernelLaunch l;
            l.kernel = k.name;
            l.num_desc = k.last_num_desc;
            const auto* pkt = reinterpret_cast<const ert_start_kernel_cmd*>(k.run.get_ert_packet());
            const uint32_t skip = pkt->extra_cu_masks;
            const uint32_t words = pkt->count > 1 + skip ? pkt->count - 1 - skip : 0;
            l.regmap.assign(pkt->data + skip, pkt->data + skip + words);
            for (const auto& [arg, bo] : k.bound)
                l.buffers.push_back({arg, int32_t(bo.get_memory_group()), bo.address(), bo.size()});
            // map() is non-const in XRT; a copy shares the same buffer object.
            xrt::bo desc_bo = k.desc.bo, in_bo = k.pkt_in.bo;
            const auto* desc = desc_bo.map<const contract::PacketDesc*>();
            l.desc.assign(desc, desc + k.last_num_desc);
            std::size_t used = 0;
            for (const auto& x : l.desc) used = std::max<std::size_t>(used, std::size_t(x.in_off) + x.in_len);
            const auto* in = in_bo.map<const uint8_t*>();
            l.pkt_in.assign(in, in + std::min(used, k.pkt_in.size));
            d.last.push_back(std::move(l));
        }
    } catch (const std::exception& e) {
        IKEOFF_LOG(1, "xrt", "diagnostics incomplete: " << e.what());
    }
    return d;
}

}  // namespace ikeoff::drivers::xrt_drv
