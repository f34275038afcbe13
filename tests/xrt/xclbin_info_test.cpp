// The driver's xclbin introspection, on metadata-only xclbins generated from
// the contract and hw/link/*.cfg: it must read back exactly the kernels,
// arguments and memory connections put in, accept the contract's own
// signatures and reject any drift from them.
#include <cstring>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "drivers/xrt/xclbin_info.hpp"
#include "ipsec_hls/contract.hpp"
#include "tests/xrt/contract_xclbin.hpp"
#include "tests/xrt/scratch.hpp"

namespace ikeoff::drivers::xrt_info {
namespace {
namespace fs = std::filesystem;
namespace contract = ipsec_hls::contract;
using test_xrt::source_dir;

fs::path scratch(const std::string& tag) {
    fs::path d = test_xrt::scratch_dir(tag);
    fs::create_directories(d);
    return d;
}

Result<XclbinInfo> info_of(const xclbin_writer::Spec& spec, const std::string& tag) {
    fs::path p = scratch("info-" + tag) / "t.xclbin";
    IKEOFF_ASSIGN(auto bytes, xclbin_writer::build(spec));
    IKEOFF_TRY(xclbin_writer::write_file(p.string(), bytes));
    IKEOFF_ASSIGN(auto x, read_xclbin(p));
    return describe(x);
}

class ContractXclbin : public ::testing::TestWithParam<std::string> {};

TEST_P(ContractXclbin, IntrospectionReadsKernelsArgumentsAndBanks) {
    const std::string platform = GetParam();
    auto spec = test_xrt::contract_spec(platform);
    ASSERT_TRUE(spec.ok()) << spec.error().message;
    auto info = info_of(*spec, platform);
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->platform, *test_xrt::platform_name(platform));
    ASSERT_EQ(info->kernels.size(), contract::kKernelCount);

    auto link = test_xrt::parse_link_config(source_dir() / "hw" / "link" / (platform + ".cfg"));
    ASSERT_TRUE(link.ok());
    for (const auto& sig : contract::kKernels) {
        const KernelInfo* k = info->find(sig.name);
        ASSERT_NE(k, nullptr) << sig.name;
        ASSERT_EQ(k->args.size(), sig.arg_count);
        const std::string inst = std::string(sig.name) + "_1";
        EXPECT_EQ(k->compute_units, std::vector<std::string>{std::string(sig.name) + ":" + inst});
        for (uint32_t i = 0; i < sig.arg_count; ++i) {
            const ArgInfo& a = k->args[i];
            const auto& want = sig.args[i];
            EXPECT_EQ(a.index, i);
            EXPECT_EQ(a.name, want.name);
            EXPECT_EQ(a.offset, want.offset) << sig.name << "." << want.name;
            EXPECT_EQ(a.size, want.size);
            EXPECT_EQ(a.host_type, want.type);
            EXPECT_EQ(a.is_buffer(), want.kind != contract::ArgKind::scalar);
            if (!a.is_buffer()) {
                EXPECT_TRUE(a.mems.empty());
                continue;
            }
            std::string bank;
            for (const auto& sp : link->sp)
                if (sp.instance == inst && sp.arg == want.name) bank = sp.mem;
            ASSERT_EQ(a.mems.size(), 1u) << sig.name << "." << want.name;
            EXPECT_EQ(a.mems[0].tag, bank) << sig.name << "." << want.name;
        }
    }
    EXPECT_TRUE(check_against_contract(*info).ok()) << check_against_contract(*info).error().message;
}

INSTANTIATE_TEST_SUITE_P(AllPlatforms, ContractXclbin, ::testing::Values("u250", "u280", "u55c"));

// One deliberate drift at a time, each of which would make the host drive the
// kernel wrongly; the check must name it.
struct Drift {
    const char* name;
    std::function<void(xclbin_writer::Spec&)> apply;
    const char* expect;
};

void PrintTo(const Drift& d, std::ostream* os) { *os << d.name; }

class ContractDrift : public ::testing::TestWithParam<Drift> {};

TEST_P(ContractDrift, IsRejectedWithAReason) {
    auto spec = test_xrt::contract_spec("u250");
    ASSERT_TRUE(spec.ok());
    GetParam().apply(*spec);
    auto info = info_of(*spec, GetParam().name);
    ASSERT_TRUE(info.ok()) << info.error().message;
    auto st = check_against_contract(*info);
    ASSERT_FALSE(st.ok()) << GetParam().name;
    EXPECT_EQ(st.error().code, Errc::abi_mismatch);
    EXPECT_NE(st.error().message.find(GetParam().expect), std::string::npos) << st.error().message;
}

xclbin_writer::Kernel& kernel(xclbin_writer::Spec& s, const char* name) {
    for (auto& k : s.kernels)
        if (k.name == name) return k;
    throw std::logic_error("no kernel");
}

INSTANTIATE_TEST_SUITE_P(
    Drifts, ContractDrift,
    ::testing::Values(
        Drift{"offset", [](auto& s) { kernel(s, "ikeoff_esp_encap").args[4].offset = 0x44; }, "register 0x44"},
        Drift{"renamed",
              [](auto& s) {
                  kernel(s, "ikeoff_esp_decap").args[2].name = "descs";
                  for (auto& cu : s.cus)
                      for (auto& [arg, mem] : cu.sp)
                          if (cu.kernel == "ikeoff_esp_decap" && arg == "desc") arg = "descs";
              },
              "'descs'"},
        Drift{"scalar_as_buffer",
              [](auto& s) {
                  auto& a = kernel(s, "ikeoff_ah").args[6];
                  a.buffer = true, a.type = "uint32_t*", a.bundle = "gmem9", a.size = 8;
                  for (auto& cu : s.cus)
                      if (cu.kernel == "ikeoff_ah") cu.sp.emplace_back("direction", "DDR[0]");
              },
              "is a buffer in the xclbin"},
        Drift{"width", [](auto& s) { kernel(s, "ikeoff_esp_encap").args[5].size = 8; }, "8 octets wide"},
        Drift{"missing_arg", [](auto& s) { kernel(s, "ikeoff_ah").args.pop_back(); }, "has 6 arguments"},
        Drift{"missing_kernel",
              [](auto& s) {
                  std::erase_if(s.kernels, [](const auto& k) { return k.name == "ikeoff_ah"; });
                  std::erase_if(s.cus, [](const auto& c) { return c.kernel == "ikeoff_ah"; });
              },
              "no kernel 'ikeoff_ah'"},
        Drift{"split_sa_table",
              [](auto& s) {
                  for (auto& cu : s.cus)
                      if (cu.kernel == "ikeoff_esp_decap")
                          for (auto& [arg, mem] : cu.sp)
                              if (arg == "sa_table") mem = "DDR[2]";
              },
              "share no memory bank"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(XclbinInfo, ManifestMustDescribeTheXclbin) {
    auto spec = test_xrt::contract_spec("u280");
    ASSERT_TRUE(spec.ok());
    auto info = info_of(*spec, "manifest-match");
    ASSERT_TRUE(info.ok());
    xrt_manifest::BitstreamEntry e;
    e.platform = spec->platform;
    for (const auto& sig : contract::kKernels) e.kernels.push_back({sig.name, {std::string(sig.name) + "_1"}});
    EXPECT_TRUE(check_against_manifest(*info, e).ok());

    auto wrong_cu = e;
    wrong_cu.kernels[1].compute_units = {"ikeoff_esp_decap_2"};
    auto st = check_against_manifest(*info, wrong_cu);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("ikeoff_esp_decap_2"), std::string::npos);

    auto wrong_platform = e;
    wrong_platform.platform = *test_xrt::platform_name("u55c");
    st = check_against_manifest(*info, wrong_platform);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("linked for " + spec->platform), std::string::npos) << st.error().message;
}

// Corrupt containers become errors before XRT walks them.
TEST(XclbinInfo, DamagedFilesAreErrorsNotCrashes) {
    auto spec = test_xrt::contract_spec("u250");
    ASSERT_TRUE(spec.ok());
    auto good = xclbin_writer::build(*spec);
    ASSERT_TRUE(good.ok());
    fs::path d = scratch("damaged");
    auto try_bytes = [&](std::vector<char> bytes, const char* expect) {
        fs::path p = d / "x.xclbin";
        ASSERT_TRUE(xclbin_writer::write_file(p.string(), bytes).ok());
        auto x = read_xclbin(p);
        ASSERT_FALSE(x.ok()) << expect;
        EXPECT_EQ(x.error().code, Errc::parse_error);
        EXPECT_NE(x.error().message.find(expect), std::string::npos) << x.error().message;
    };
    try_bytes({'x', 'y'}, "too short");
    auto bad_magic = *good;
    bad_magic[6] = '9';
    try_bytes(bad_magic, "magic");
    auto truncated = *good;
    truncated.resize(truncated.size() - 16);
    try_bytes(truncated, "truncated");
    // Claim more IP_LAYOUT entries than the section holds (section 2 = ip_layout in the writer).
    auto lying = *good;
    auto* top = reinterpret_cast<axlf*>(lying.data());
    int32_t huge = 1000;
    std::memcpy(lying.data() + top->m_sections[2].m_sectionOffset, &huge, sizeof huge);
    try_bytes(lying, "fewer entries");
    auto dangling = *good;
    top = reinterpret_cast<axlf*>(dangling.data());
    connection c{};
    std::memcpy(&c, dangling.data() + top->m_sections[3].m_sectionOffset + 4, sizeof c);
    c.mem_data_index = 99;
    std::memcpy(dangling.data() + top->m_sections[3].m_sectionOffset + 4, &c, sizeof c);
    try_bytes(dangling, "points outside");
    EXPECT_EQ(read_xclbin(d / "absent.xclbin").error().code, Errc::not_found);
}

}  // namespace
}  // namespace ikeoff::drivers::xrt_info
