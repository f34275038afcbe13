// hw/ (the Vitis build) checked without Vitis: `make -n` must show the whole
// compile -> link -> package -> manifest flow for every platform and target,
// a real `make` without v++ must stop with one clear line, and the link
// configs must wire exactly the contract's kernels and arguments.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ipsec_hls/contract.hpp"
#include "tests/xrt/link_config.hpp"
#include "tests/xrt/scratch.hpp"

namespace ikeoff::test_xrt {
namespace {
namespace fs = std::filesystem;
namespace contract = ipsec_hls::contract;

struct CmdResult {
    int rc = -1;
    std::string out;  // stdout + stderr
};

CmdResult run(const std::string& cmd) {
    CmdResult r;
    // MAKEFLAGS from an enclosing make/ctest (-j, -k) would change what we observe.
    FILE* p = popen(("env -u MAKEFLAGS -u MFLAGS " + cmd + " 2>&1").c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int st = pclose(p);
    r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

// Recipe lines as the shell sees them: backslash-continued lines joined.
std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> v;
    std::istringstream in(s);
    std::string cur;
    for (std::string l; std::getline(in, l);) {
        if (!l.empty() && l.back() == '\\') {
            cur += l.substr(0, l.size() - 1);
            continue;
        }
        v.push_back(cur + l);
        cur.clear();
    }
    if (!cur.empty()) v.push_back(cur);
    return v;
}

bool has(const std::string& line, const std::string& part) { return line.find(part) != std::string::npos; }

// Index of the first line containing every part, or -1.
int find_line(const std::vector<std::string>& lines, std::initializer_list<std::string> parts) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
        bool all = true;
        for (const auto& p : parts) all = all && has(lines[i], p);
        if (all) return int(i);
    }
    return -1;
}

fs::path scratch(const std::string& tag) {
    fs::path d = test_xrt::scratch_dir(tag);
    return d;
}

const std::vector<std::string> kPlatforms = {"u250", "u280", "u55c"};

struct Case {
    std::string platform;
    std::string target;
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.platform << "/" << c.target; }

class MakeDryRun : public ::testing::TestWithParam<Case> {};

TEST_P(MakeDryRun, ShowsCompileLinkPackageManifestFlow) {
    const auto& [platform, target] = GetParam();
    auto vbnv = platform_name(platform);
    ASSERT_TRUE(vbnv.ok()) << vbnv.error().message;
    fs::path build = scratch("dry-" + platform + "-" + target);
    fs::path bits = build / "bitstreams";
    fs::path hw = source_dir() / "hw";
    CmdResult r = run("make -n -C " + hw.string() + " PLATFORM=" + platform + " TARGET=" + target +
                " BUILD_DIR=" + build.string() + " BITSTREAMS=" + bits.string());
    ASSERT_EQ(r.rc, 0) << r.out;
    auto lines = lines_of(r.out);
    const std::string plat = "--platform " + *vbnv;
    const std::string tgt = "-t " + target;

    int last_compile = -1;
    for (const auto& k : contract::kKernels) {
        std::string kn = k.name;
        int c = find_line(lines, {"v++ -c", tgt, plat, "-k " + kn, "--config " + (hw / "kernels" / (kn + ".cfg")).string(),
                                  "-o " + (build / (kn + ".xo")).string()});
        ASSERT_GE(c, 0) << "no compile step for " << kn << " in:\n" << r.out;
        last_compile = std::max(last_compile, c);
    }
    int link = find_line(lines, {"v++ -l", tgt, plat, "--config " + (hw / "link" / (platform + ".cfg")).string()});
    ASSERT_GE(link, 0) << r.out;
    for (const auto& k : contract::kKernels)
        EXPECT_TRUE(has(lines[std::size_t(link)], (build / (std::string(k.name) + ".xo")).string())) << "link misses " << k.name;
    std::string name = "ikeoff_" + platform + "_" + target;
    int pkg = find_line(lines, {"v++ -p", tgt, plat, "-o " + (bits / (name + ".xclbin")).string()});
    ASSERT_GE(pkg, 0) << r.out;
    int entry = find_line(lines, {"write_manifest.py entry", "--name " + name, "--platform " + *vbnv,
                                  "--target " + target, "--abi " + std::to_string(contract::kContractAbi)});
    ASSERT_GE(entry, 0) << r.out;
    int merge = find_line(lines, {"write_manifest.py merge", "--out " + (bits / "manifest.json").string()});
    ASSERT_GE(merge, 0) << r.out;
    EXPECT_LT(last_compile, link);
    EXPECT_LT(link, pkg);
    EXPECT_LT(pkg, entry);
    EXPECT_LT(entry, merge);

    int emconfig = find_line(lines, {"emconfigutil", plat, "--od " + build.string()});
    if (target == "hw_emu")
        EXPECT_GE(emconfig, 0) << "hw_emu needs emconfig.json:\n" << r.out;
    else
        EXPECT_EQ(emconfig, -1) << "hw builds need no emconfig.json:\n" << r.out;
    EXPECT_FALSE(fs::exists(build)) << "make -n must not create anything";
}

std::vector<Case> all_cases() {
    std::vector<Case> v;
    for (const auto& p : kPlatforms)
        for (const char* t : {"hw", "hw_emu"}) v.push_back({p, t});
    return v;
}
INSTANTIATE_TEST_SUITE_P(AllPlatforms, MakeDryRun, ::testing::ValuesIn(all_cases()),
                         [](const auto& info) { return info.param.platform + "_" + info.param.target; });

TEST(HwMakefile, FailsWithOneClearLineWithoutVpp) {
    fs::path build = scratch("novpp");
    fs::path hw = source_dir() / "hw";
    CmdResult r = run("make -C " + hw.string() + " PLATFORM=u250 TARGET=hw VPP=ikeoff-no-such-vpp BUILD_DIR=" +
                build.string() + " BITSTREAMS=" + (build / "bits").string());
    EXPECT_NE(r.rc, 0);
    EXPECT_TRUE(has(r.out, "hw: 'ikeoff-no-such-vpp' not found: Vitis is not installed or not set up")) << r.out;
    EXPECT_FALSE(has(r.out, "No rule to make target")) << r.out;
    EXPECT_FALSE(has(r.out, "command not found")) << r.out;
    EXPECT_FALSE(fs::exists(build / "bits")) << "nothing may be written before the tool check";
}

TEST(HwMakefile, DefaultVppAbsentFromPathFailsClearly) {
    // The stock invocation (VPP=v++) on a machine without Vitis on PATH.
    CmdResult which = run("env PATH=/usr/bin:/bin sh -c 'command -v v++'");
    if (which.rc == 0) GTEST_SKIP() << "v++ is installed in /usr/bin or /bin";
    fs::path build = scratch("novpp-path");
    CmdResult r = run("env PATH=/usr/bin:/bin make -C " + (source_dir() / "hw").string() + " PLATFORM=u55c TARGET=hw_emu BUILD_DIR=" +
                build.string() + " BITSTREAMS=" + (build / "bits").string());
    EXPECT_NE(r.rc, 0);
    EXPECT_TRUE(has(r.out, "hw: 'v++' not found")) << r.out;
}

TEST(HwMakefile, RejectsUnknownPlatformAndSwEmu) {
    fs::path hw = source_dir() / "hw";
    CmdResult p = run("make -n -C " + hw.string() + " PLATFORM=u999");
    EXPECT_NE(p.rc, 0);
    EXPECT_TRUE(has(p.out, "hw: unknown PLATFORM 'u999'; choose one of: u250 u280 u55c")) << p.out;
    CmdResult t = run("make -n -C " + hw.string() + " TARGET=sw_emu");
    EXPECT_NE(t.rc, 0);
    EXPECT_TRUE(has(t.out, "TARGET=sw_emu is not supported")) << t.out;
}

// The link configs and the contract describe the same kernels and arguments.
class LinkConfigContract : public ::testing::TestWithParam<std::string> {};

TEST_P(LinkConfigContract, WiresEveryContractBufferAndSharesTheSaTable) {
    const std::string platform = GetParam();
    auto cfg = parse_link_config(source_dir() / "hw" / "link" / (platform + ".cfg"));
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    ASSERT_EQ(cfg->nk.size(), contract::kKernelCount);
    std::map<std::string, std::string> instance_kernel;
    for (const auto& sig : contract::kKernels) {
        const NkLine* nk = nullptr;
        for (const auto& n : cfg->nk)
            if (n.kernel == sig.name) nk = &n;
        ASSERT_NE(nk, nullptr) << platform << ": no nk= line for " << sig.name;
        ASSERT_FALSE(nk->instances.empty());
        for (const auto& inst : nk->instances) instance_kernel[inst] = sig.name;
    }
    std::set<std::string> sa_banks;
    for (const auto& [inst, kernel] : instance_kernel) {
        const contract::KernelSig* sig = nullptr;
        for (const auto& s : contract::kKernels)
            if (kernel == s.name) sig = &s;
        for (uint32_t i = 0; i < sig->arg_count; ++i) {
            const auto& a = sig->args[i];
            int n = 0;
            for (const auto& sp : cfg->sp)
                if (sp.instance == inst && sp.arg == a.name) {
                    ++n;
                    if (std::string(a.name) == "sa_table") sa_banks.insert(sp.mem);
                    bool hbm = platform != "u250";
                    EXPECT_EQ(sp.mem.rfind(hbm ? "HBM[" : "DDR[", 0), 0u) << platform << " " << inst << "." << a.name;
                }
            if (a.kind == contract::ArgKind::scalar)
                EXPECT_EQ(n, 0) << platform << ": scalar " << inst << "." << a.name << " has an sp= line";
            else
                EXPECT_EQ(n, 1) << platform << ": " << inst << "." << a.name << " needs exactly one sp= line";
        }
    }
    for (const auto& sp : cfg->sp) EXPECT_TRUE(instance_kernel.count(sp.instance)) << "sp= for unknown CU " << sp.instance;
    EXPECT_EQ(sa_banks.size(), 1u) << platform << ": all sa_table ports must share one bank";
}

INSTANTIATE_TEST_SUITE_P(AllPlatforms, LinkConfigContract, ::testing::ValuesIn(kPlatforms));

TEST(HwKernelConfigs, OneCompileConfigPerContractKernel) {
    for (const auto& sig : contract::kKernels) {
        fs::path cfg = source_dir() / "hw" / "kernels" / (std::string(sig.name) + ".cfg");
        ASSERT_TRUE(fs::is_regular_file(cfg)) << cfg;
        // The HLS clock must be set for this very kernel (a copied file naming
        // another kernel would leave this one at the default clock).
        CmdResult r = run("grep -x 'clock=300000000:" + std::string(sig.name) + "' " + cfg.string());
        EXPECT_EQ(r.rc, 0) << cfg << " must set the HLS clock for " << sig.name;
    }
}

}  // namespace
}  // namespace ikeoff::test_xrt
