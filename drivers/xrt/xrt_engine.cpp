#include "drivers/xrt/xrt_engine.hpp"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <iterator>
#include <set>
#include <utility>

#include <experimental/xrt_xclbin.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include "drivers/fpga/fpga_engine.hpp"
#include "drivers/xrt/manifest.hpp"
#include "drivers/xrt/xclbin_info.hpp"
#include "drivers/xrt/xrt_backend.hpp"
#include "drivers/xrt/xrt_runtime.hpp"
#include "host/common/log.hpp"

namespace ikeoff::drivers::xrt_drv {
namespace fs = std::filesystem;
namespace contract = ipsec_hls::contract;

namespace {

class XrtEngine final : public fpga::FpgaEngine {
public:
    explicit XrtEngine(std::unique_ptr<XrtBackend> b) : FpgaEngine(std::move(b)) {}
    Diagnostics diagnostics() const {
        std::lock_guard lock(mutex());
        return static_cast<const XrtBackend&>(backend()).diagnostics();
    }
};

// XRT names the card by its shell VBNV; noop and some shims cannot answer.
std::optional<std::string> device_name(const xrt::device& dev) {
    try {
        return dev.get_info<xrt::info::device::name>();
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The manifest entry for the bitstream to load (bitstreams/README.md).
Result<xrt_manifest::BitstreamEntry> locate_bitstream(const EngineOptions& o, const std::string& target,
                                                      const std::optional<std::string>& card) {
    fs::path manifest_path;
    fs::path xclbin;
    if (!o.xclbin.empty()) {
        xclbin = fs::absolute(o.xclbin);
        fs::path sidecar = fs::path(xclbin).replace_extension(".json");
        std::error_code ec;
        if (!o.manifest.empty()) {
            IKEOFF_ASSIGN(manifest_path, xrt_manifest::find_manifest(o.manifest));
        } else if (fs::is_regular_file(sidecar, ec)) {
            manifest_path = sidecar;
        } else {
            IKEOFF_ASSIGN(manifest_path, xrt_manifest::find_manifest(""));
        }
    } else {
        IKEOFF_ASSIGN(manifest_path, xrt_manifest::find_manifest(o.manifest));
    }
    IKEOFF_ASSIGN(auto manifest, xrt_manifest::load_manifest(manifest_path));
    return xrt_manifest::select_bitstream(manifest, target, card, xclbin);
}

// The groups XRT would allocate a buffer for `arg` of `kernel` in.
std::vector<int32_t> groups_of(const xrt_info::XclbinInfo& info, const std::string& kernel, const std::string& arg) {
    std::vector<int32_t> g;
    if (const auto* k = info.find(kernel))
        for (const auto& a : k->args)
            if (a.name == arg)
                for (const auto& m : a.mems) g.push_back(m.index);
    return g;
}

Result<BackendSetup> open_kernels(xrt::device dev, const xrt::xclbin& xclbin, const xrt_info::XclbinInfo& info,
                                  const xrt_manifest::BitstreamEntry& entry) {
    BackendSetup s;
    s.device = std::move(dev);
    s.xclbin_path = entry.xclbin.string();
    s.platform = info.platform;
    s.uuid = info.uuid;
    s.emulation = xrt_rt::to_string(xrt_rt::emulation_mode());

    // One bank every sa_table port reaches (check_against_contract proved one exists).
    std::set<int32_t> shared;
    bool first = true;
    for (const auto& sig : contract::kKernels) {
        auto g = groups_of(info, sig.name, "sa_table");
        std::set<int32_t> mine(g.begin(), g.end()), both;
        if (first) both = mine;
        else std::set_intersection(shared.begin(), shared.end(), mine.begin(), mine.end(), std::inserter(both, both.begin()));
        shared = both;
        first = false;
        for (uint32_t i = 0; i < sig.arg_count; ++i)
            if (sig.args[i].kind != contract::ArgKind::scalar)
                s.arg_groups.emplace_back(std::string(sig.name) + "." + sig.args[i].name, groups_of(info, sig.name, sig.args[i].name));
    }
    IKEOFF_ENSURE(!shared.empty(), Errc::abi_mismatch, "xrt: the kernels' sa_table ports share no memory bank");
    s.sa_group = *shared.begin();

    try {
        xrt::uuid uuid = s.device.load_xclbin(xclbin);
        for (uint32_t i = 0; i < contract::kKernelCount; ++i) {
            KernelSlot& k = s.kernels[i];
            k.name = contract::kKernels[i].name;
            k.kernel = xrt::kernel(s.device, uuid, k.name);
            k.run = xrt::run(k.kernel);
            for (uint32_t a = 0; a < contract::kKernels[i].arg_count; ++a) {
                const auto& arg = contract::kKernels[i].args[a];
                GrowBuffer* b = nullptr;
                if (std::string(arg.name) == "pkt_in") b = &k.pkt_in;
                else if (std::string(arg.name) == "pkt_out") b = &k.pkt_out;
                else if (std::string(arg.name) == "desc") b = &k.desc;
                if (!b) continue;
                b->arg = arg.name;
                b->group = k.kernel.group_id(int(a));
            }
        }
    } catch (const std::exception& e) {
        return Error{Errc::no_device, "xrt: cannot load " + entry.xclbin.filename().string() + " onto the card: " + e.what()};
    }
    return s;
}

}  // namespace

Result<std::unique_ptr<ipsec::Engine>> make_xrt_engine(const EngineOptions& options) {
    // 1. The card first: without one nothing else matters, and the user gets
    //    the single "no Alveo card" line.
    IKEOFF_ASSIGN(xrt::device dev, xrt_rt::open_device(0));
    const auto mode = xrt_rt::emulation_mode();
    const std::string target = mode == xrt_rt::EmulationMode::hw_emu ? "hw_emu" : "hw";
    const auto card = mode == xrt_rt::EmulationMode::none ? device_name(dev) : std::nullopt;

    // 2.-3. Which bitstream, and is it one this host can drive?
    IKEOFF_ASSIGN(auto entry, locate_bitstream(options, target, card));
    IKEOFF_TRY(xrt_manifest::verify_bitstream(entry, contract::kContractAbi));
    IKEOFF_ASSIGN(auto xclbin, xrt_info::read_xclbin(entry.xclbin));
    IKEOFF_ASSIGN(auto info, xrt_info::describe(xclbin));
    IKEOFF_TRY(xrt_info::check_against_contract(info));
    IKEOFF_TRY(xrt_info::check_against_manifest(info, entry));

    // 4. Load, open kernels, create the SA table.
    IKEOFF_ASSIGN(auto setup, open_kernels(std::move(dev), xclbin, info, entry));
    auto backend = std::make_unique<XrtBackend>(std::move(setup));
    IKEOFF_TRY(backend->allocate_table());
    IKEOFF_LOG(2, "xrt", backend->description());
    return std::unique_ptr<ipsec::Engine>(std::make_unique<XrtEngine>(std::move(backend)));
}

std::optional<Diagnostics> xrt_diagnostics(const ipsec::Engine& engine) {
    const auto* e = dynamic_cast<const XrtEngine*>(&engine);
    if (!e) return std::nullopt;
    return e->diagnostics();
}

}  // namespace ikeoff::drivers::xrt_drv
