// The bitstream manifest: parsing, lookup, selection and the pre-load
// checks (ABI number, checksum), including manifests written by the real
// hw/scripts/write_manifest.py.
#include <cstdlib>
#include <functional>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "drivers/xrt/manifest.hpp"
#include "ipsec_hls/contract.hpp"
#include "tests/xrt/contract_xclbin.hpp"
#include "tests/xrt/scratch.hpp"

namespace ikeoff::drivers::xrt_manifest {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

fs::path scratch(const std::string& tag) {
    fs::path d = test_xrt::scratch_dir(tag);
    fs::create_directories(d);
    return d;
}

json entry(const std::string& name, const std::string& target, const std::string& platform) {
    return json{{"name", name},
                {"xclbin", name + ".xclbin"},
                {"platform", platform},
                {"target", target},
                {"abi", 7},
                {"sha256", std::string(64, 'a')},
                {"kernels", json::array({json{{"name", "k"}, {"compute_units", json::array({"k_1"})}}})},
                {"tool_version", "v++ test"},
                {"build_date", "2024-01-01T00:00:00Z"}};
}

json doc(std::vector<json> entries) {
    json list = json::array();
    for (auto& e : entries) list.push_back(std::move(e));
    return json{{"format", std::string(kFormat)}, {"bitstreams", list}};
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

TEST(Manifest, ParsesEveryFieldAndResolvesRelativePaths) {
    auto m = parse_manifest(doc({entry("a", "hw", "plat_a")}).dump(), "/opt/bits");
    ASSERT_TRUE(m.ok()) << m.error().message;
    ASSERT_EQ(m->bitstreams.size(), 1u);
    const auto& e = m->bitstreams[0];
    EXPECT_EQ(e.name, "a");
    EXPECT_EQ(e.xclbin, fs::path("/opt/bits/a.xclbin"));
    EXPECT_EQ(e.platform, "plat_a");
    EXPECT_EQ(e.target, "hw");
    EXPECT_EQ(e.abi, 7u);
    EXPECT_EQ(e.sha256, std::string(64, 'a'));
    ASSERT_EQ(e.kernels.size(), 1u);
    EXPECT_EQ(e.kernels[0].name, "k");
    EXPECT_EQ(e.kernels[0].compute_units, std::vector<std::string>{"k_1"});
    EXPECT_EQ(e.tool_version, "v++ test");
    EXPECT_FALSE(m->example);
}

TEST(Manifest, ErrorsNameTheOffendingField) {
    struct Bad {
        std::function<void(json&)> mutate;
        std::string expect;
    };
    std::vector<Bad> cases = {
        {[](json& d) { d["format"] = "ikeoffload-bitstreams/9"; }, "format"},
        {[](json& d) { d.erase("bitstreams"); }, "bitstreams"},
        {[](json& d) { d["bitstreams"][0].erase("abi"); }, "bitstreams[0].abi"},
        {[](json& d) { d["bitstreams"][0]["abi"] = -1; }, "bitstreams[0].abi"},
        {[](json& d) { d["bitstreams"][0]["abi"] = "1"; }, "bitstreams[0].abi"},
        {[](json& d) { d["bitstreams"][0]["sha256"] = std::string(63, 'a'); }, "bitstreams[0].sha256"},
        {[](json& d) { d["bitstreams"][0]["sha256"] = std::string(64, 'A'); }, "bitstreams[0].sha256"},
        {[](json& d) { d["bitstreams"][0]["target"] = "sw_emu"; }, "bitstreams[0].target"},
        {[](json& d) { d["bitstreams"][0]["kernels"] = json::array(); }, "bitstreams[0].kernels"},
        {[](json& d) { d["bitstreams"][0]["kernels"][0]["compute_units"] = json::array(); }, "compute_units"},
        {[](json& d) { d["bitstreams"][0]["xclbin"] = 5; }, "bitstreams[0].xclbin"},
        {[](json& d) { d["bitstreams"][0].erase("build_date"); }, "build_date"},
        {[](json& d) { d["example"] = "yes"; }, "example"},
    };
    for (const auto& c : cases) {
        json d = doc({entry("a", "hw", "p")});
        c.mutate(d);
        auto m = parse_manifest(d.dump(), "/x");
        ASSERT_FALSE(m.ok()) << "accepted: " << d.dump();
        EXPECT_EQ(m.error().code, Errc::parse_error);
        EXPECT_NE(m.error().message.find(c.expect), std::string::npos) << m.error().message;
    }
    auto junk = parse_manifest("{not json", "/x");
    ASSERT_FALSE(junk.ok());
    EXPECT_EQ(junk.error().code, Errc::parse_error);
}

TEST(Manifest, CommittedExampleParsesButIsRefused) {
    auto m = load_manifest(test_xrt::source_dir() / "bitstreams" / "manifest.example.json");
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_TRUE(m->example);
    ASSERT_FALSE(m->bitstreams.empty());
    // The example documents the real kernel names.
    EXPECT_EQ(m->bitstreams[0].kernels.size(), ipsec_hls::contract::kKernelCount);
    auto sel = select_bitstream(*m, "hw", std::nullopt);
    ASSERT_FALSE(sel.ok());
    EXPECT_NE(sel.error().message.find("example manifest"), std::string::npos) << sel.error().message;
}

TEST(Manifest, SelectsByTargetThenBoard) {
    auto m = parse_manifest(doc({entry("u250hw", "hw", "xilinx_u250_gen3x16_xdma_4_1_202210_1"),
                                 entry("u250emu", "hw_emu", "xilinx_u250_gen3x16_xdma_4_1_202210_1"),
                                 entry("u280hw", "hw", "xilinx_u280_gen3x16_xdma_1_202211_1")})
                                .dump(),
                            "/b");
    ASSERT_TRUE(m.ok());
    auto emu = select_bitstream(*m, "hw_emu", std::nullopt);
    ASSERT_TRUE(emu.ok()) << emu.error().message;
    EXPECT_EQ(emu->name, "u250emu");
    // XRT names the card by its shell, which differs from the platform name.
    auto on280 = select_bitstream(*m, "hw", std::string("xilinx_u280_gen3x16_xdma_base_1"));
    ASSERT_TRUE(on280.ok()) << on280.error().message;
    EXPECT_EQ(on280->name, "u280hw");
    auto ambiguous = select_bitstream(*m, "hw", std::nullopt);
    ASSERT_FALSE(ambiguous.ok());
    EXPECT_NE(ambiguous.error().message.find("u250hw, u280hw"), std::string::npos) << ambiguous.error().message;
    auto none = select_bitstream(*m, "hw", std::string("xilinx_u55c_gen3x16_xdma_base_3"));
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().code, Errc::not_found);
    auto named = select_bitstream(*m, "hw", std::nullopt, "/b/./u280hw.xclbin");
    ASSERT_TRUE(named.ok());
    EXPECT_EQ(named->name, "u280hw");
    auto stranger = select_bitstream(*m, "hw", std::nullopt, "/elsewhere/u280hw.xclbin");
    ASSERT_FALSE(stranger.ok());
    EXPECT_NE(stranger.error().message.find("cannot be checked"), std::string::npos);
    EXPECT_EQ(board_of("xilinx_u55c_gen3x16_xdma_3_202210_1"), "u55c");
    EXPECT_EQ(board_of("nounderscore"), "");
}

TEST(Manifest, SearchOrderExplicitThenEnvironment) {
    fs::path a = scratch("search-a"), b = scratch("search-b");
    write(a / "manifest.json", doc({}).dump());
    write(b / "manifest.json", doc({}).dump());
    setenv("IKEOFF_BITSTREAMS", b.c_str(), 1);
    auto env = find_manifest("");
    ASSERT_TRUE(env.ok()) << env.error().message;
    EXPECT_EQ(*env, b / "manifest.json");
    auto expl = find_manifest(a.string());
    ASSERT_TRUE(expl.ok());
    EXPECT_EQ(*expl, a / "manifest.json");
    // An explicit path that does not exist is an error, never a silent fallback.
    auto missing = find_manifest((a / "nope.json").string());
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, Errc::not_found);
    EXPECT_NE(missing.error().message.find("nope.json"), std::string::npos);
    unsetenv("IKEOFF_BITSTREAMS");
    auto cands = manifest_candidates("");
    ASSERT_FALSE(cands.empty());
    EXPECT_EQ(cands.back(), test_xrt::source_dir() / "bitstreams" / "manifest.json");
}

TEST(Manifest, Sha256OfFileMatchesFips180Vector) {
    fs::path d = scratch("sha");
    write(d / "abc", "abc");  // FIPS 180-2 appendix B.1
    auto h = sha256_file(d / "abc");
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(*h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_FALSE(sha256_file(d / "missing").ok());
}

class GeneratedManifest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = scratch("generated-manifest");
        auto g = test_xrt::generate(dir_, "u250", ipsec_hls::contract::kContractAbi);
        ASSERT_TRUE(g.ok()) << g.error().message;
        gen_ = *g;
        auto m = load_manifest(gen_.manifest);
        ASSERT_TRUE(m.ok()) << m.error().message;
        auto e = select_bitstream(*m, "hw", std::nullopt);
        ASSERT_TRUE(e.ok()) << e.error().message;
        entry_ = *e;
    }
    fs::path dir_;
    test_xrt::Generated gen_;
    BitstreamEntry entry_;
};

TEST_F(GeneratedManifest, WriterRecordsWhatTheBuildUsed) {
    EXPECT_EQ(fs::canonical(entry_.xclbin), fs::canonical(gen_.xclbin));
    EXPECT_EQ(entry_.abi, ipsec_hls::contract::kContractAbi);
    EXPECT_EQ(entry_.platform, *test_xrt::platform_name("u250"));
    auto sha = sha256_file(gen_.xclbin);
    ASSERT_TRUE(sha.ok());
    EXPECT_EQ(entry_.sha256, *sha);
    ASSERT_EQ(entry_.kernels.size(), ipsec_hls::contract::kKernelCount);
    for (uint32_t i = 0; i < ipsec_hls::contract::kKernelCount; ++i) {
        EXPECT_EQ(entry_.kernels[i].name, ipsec_hls::contract::kKernels[i].name);
        EXPECT_EQ(entry_.kernels[i].compute_units, std::vector<std::string>{entry_.kernels[i].name + "_1"});
    }
    EXPECT_TRUE(verify_bitstream(entry_, ipsec_hls::contract::kContractAbi).ok());
}

TEST_F(GeneratedManifest, RejectsAnotherAbiBeforeLookingAtTheFile) {
    fs::remove(gen_.xclbin);  // the ABI verdict must not depend on the file
    auto st = verify_bitstream(entry_, ipsec_hls::contract::kContractAbi + 1);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Errc::abi_mismatch);
    const std::string& msg = st.error().message;
    EXPECT_NE(msg.find("contract ABI " + std::to_string(ipsec_hls::contract::kContractAbi)), std::string::npos) << msg;
    EXPECT_NE(msg.find("ABI " + std::to_string(ipsec_hls::contract::kContractAbi + 1)), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line";
}

TEST_F(GeneratedManifest, RejectsAChangedXclbin) {
    {
        std::fstream f(gen_.xclbin, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(-1, std::ios::end);
        f.put('\x5a');
    }
    auto st = verify_bitstream(entry_, ipsec_hls::contract::kContractAbi);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("sha256"), std::string::npos) << st.error().message;
    EXPECT_NE(st.error().message.find(entry_.sha256), std::string::npos);
}

}  // namespace
}  // namespace ikeoff::drivers::xrt_manifest
