#include "tests/xrt/contract_xclbin.hpp"

#include <cstdlib>

#include <xclbin.h>

#include "ipsec_hls/contract.hpp"

namespace ikeoff::test_xrt {
namespace fs = std::filesystem;
namespace contract = ipsec_hls::contract;

namespace {

std::string shell_quote(const std::string& s) {
    std::string o = "'";
    for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return o + "'";
}

}  // namespace

Result<std::vector<xclbin_writer::Mem>> platform_banks(const std::string& short_name) {
    std::vector<xclbin_writer::Mem> banks;
    auto add = [&](const std::string& kind, int n, uint8_t type, uint64_t base, uint64_t size_kb) {
        for (int i = 0; i < n; ++i)
            banks.push_back({kind + "[" + std::to_string(i) + "]", type, base + uint64_t(i) * size_kb * 1024, size_kb});
    };
    if (short_name == "u250") {
        add("DDR", 4, MEM_DDR4, 0x4000000000ull, 16ull << 20);  // 4 x 16 GiB
    } else if (short_name == "u280") {
        add("HBM", 32, MEM_HBM, 0x0ull, 256ull << 10);  // 32 x 256 MiB
        add("DDR", 2, MEM_DDR4, 0x4000000000ull, 16ull << 20);
    } else if (short_name == "u55c") {
        add("HBM", 32, MEM_HBM, 0x0ull, 512ull << 10);  // 32 x 512 MiB
    } else {
        return Error{Errc::not_found, "no memory map for platform " + short_name};
    }
    return banks;
}

Result<xclbin_writer::Spec> contract_spec(const std::string& short_name) {
    xclbin_writer::Spec spec;
    IKEOFF_ASSIGN(spec.platform, platform_name(short_name));
    IKEOFF_ASSIGN(spec.mems, platform_banks(short_name));
    for (const auto& sig : contract::kKernels) {
        xclbin_writer::Kernel k{sig.name, {}};
        for (uint32_t i = 0; i < sig.arg_count; ++i) {
            const auto& a = sig.args[i];
            k.args.push_back({a.name, a.kind != contract::ArgKind::scalar, a.bundle, a.offset, a.size, a.type});
        }
        spec.kernels.push_back(std::move(k));
    }
    IKEOFF_ASSIGN(LinkConfig link, parse_link_config(source_dir() / "hw" / "link" / (short_name + ".cfg")));
    uint64_t base = 0x1800000;  // Vitis shells put user CUs' control ports here, 64 KiB apart
    for (const auto& nk : link.nk) {
        for (const auto& inst : nk.instances) {
            xclbin_writer::Cu cu{nk.kernel, inst, base, {}};
            base += 0x10000;
            for (const auto& sp : link.sp)
                if (sp.instance == inst) cu.sp.emplace_back(sp.arg, sp.mem);
            spec.cus.push_back(std::move(cu));
        }
    }
    return spec;
}

Result<Generated> generate(const fs::path& dir, const std::string& short_name, uint32_t abi,
                           const xclbin_writer::Spec* override_spec) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error{Errc::io_error, "cannot create " + dir.string()};
    xclbin_writer::Spec spec;
    if (override_spec) {
        spec = *override_spec;
    } else {
        IKEOFF_ASSIGN(spec, contract_spec(short_name));
    }
    IKEOFF_ASSIGN(auto bytes, xclbin_writer::build(spec));
    Generated g;
    g.name = "ikeoff_" + short_name + "_hw";
    g.xclbin = dir / (g.name + ".xclbin");
    g.manifest = dir / "manifest.json";
    IKEOFF_TRY(xclbin_writer::write_file(g.xclbin.string(), bytes));

    fs::path script = source_dir() / "hw" / "scripts" / "write_manifest.py";
    fs::path link = source_dir() / "hw" / "link" / (short_name + ".cfg");
    std::string entry = "/usr/bin/python3 " + shell_quote(script.string()) + " entry --name " + g.name +
                        " --xclbin " + shell_quote(g.xclbin.string()) + " --platform " + shell_quote(spec.platform) +
                        " --target hw --abi " + std::to_string(abi) + " --link-config " + shell_quote(link.string()) +
                        " --tool-version 'ikeoff test generator (metadata only)' --out " +
                        shell_quote((dir / (g.name + ".json")).string());
    std::string merge = "/usr/bin/python3 " + shell_quote(script.string()) + " merge --dir " + shell_quote(dir.string()) +
                        " --out " + shell_quote(g.manifest.string());
    if (std::system(entry.c_str()) != 0) return Error{Errc::internal, "write_manifest.py entry failed: " + entry};
    if (std::system(merge.c_str()) != 0) return Error{Errc::internal, "write_manifest.py merge failed: " + merge};
    return g;
}

}  // namespace ikeoff::test_xrt
