// The xrt driver on a machine without an Alveo card (CI): one clear line,
// Errc::no_device, and `auto` falling back with a notice. Also the
// XILINX_XRT bootstrap and the emulation-mode pre-checks, which must answer
// before XRT is touched.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "drivers/registry.hpp"
#include "drivers/xrt/xrt_runtime.hpp"
#include "tests/xrt/scratch.hpp"

namespace ikeoff::drivers {
namespace {
namespace fs = std::filesystem;

const std::string kNoCard =
    "xrt: no Alveo card found (xrt::system::enumerate_devices() = 0); use --engine soft or csim";

// Sets an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) setenv(name, value, 1);
        else unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_) setenv(name_, old_->c_str(), 1);
        else unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

class NoCard : public ::testing::Test {
protected:
    void SetUp() override {
        unsetenv("XCL_EMULATION_MODE");
        auto dev = xrt_rt::open_device(0);
        if (dev.ok()) GTEST_SKIP() << "an Alveo card is present; these tests describe a machine without one";
    }
};

TEST_F(NoCard, XrtFailsWithOneClearLine) {
    auto e = create_engine("xrt");
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().code, Errc::no_device);
    EXPECT_EQ(e.error().message, kNoCard);
}

TEST_F(NoCard, FailsBeforeLookingForABitstream) {
    // A bogus manifest must not change the answer: the card is checked first.
    EngineOptions o;
    o.manifest = "/nonexistent/manifest.json";
    o.xclbin = "/nonexistent/x.xclbin";
    auto e = create_engine("xrt", o);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().message, kNoCard);
}

TEST_F(NoCard, AutoFallsBackToSoftAndSaysWhy) {
    std::vector<std::string> notices;
    EngineOptions o;
    o.notice = [&](std::string_view m) { notices.emplace_back(m); };
    auto e = create_engine("auto", o);
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ((*e)->driver_name(), "soft");
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_NE(notices[0].find("no FPGA card"), std::string::npos) << notices[0];
    EXPECT_NE(notices[0].find(kNoCard), std::string::npos) << notices[0];
    EXPECT_NE(notices[0].find("using soft"), std::string::npos) << notices[0];
}

TEST_F(NoCard, AutoFallsBackToCsimWhenAsked) {
    std::vector<std::string> notices;
    EngineOptions o;
    o.fallback = "csim";
    o.notice = [&](std::string_view m) { notices.emplace_back(m); };
    auto e = create_engine("auto", o);
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ((*e)->driver_name(), "csim");
    ASSERT_EQ(notices.size(), 1u);
    EXPECT_NE(notices[0].find("using csim"), std::string::npos) << notices[0];
}

TEST(XrtRegistry, XrtIsListedFirst) {
    auto names = available_drivers();
    ASSERT_FALSE(names.empty());
    EXPECT_EQ(names.front(), "xrt");
}

// Debian's XRT refuses to start without XILINX_XRT; the driver supplies it.
// Run in a fresh process (death-test machinery) so no earlier XRT call in
// this binary has already settled the variable.
TEST(XrtEnvironment, SuppliesXilinxXrtWhenUnset) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            unsetenv("XILINX_XRT");
            unsetenv("XCL_EMULATION_MODE");
            auto root = xrt_rt::ensure_xilinx_xrt();
            if (!root.ok()) {
                fprintf(stderr, "ensure failed: %s\n", root.error().message.c_str());
                std::exit(2);
            }
            const char* env = std::getenv("XILINX_XRT");
            std::error_code ec;
            bool lib = env && *root == env &&
                       (fs::exists(fs::path(env) / "lib" / "libxrt_coreutil.so.2", ec) ||
                        fs::exists(fs::path(env) / "lib" / "libxrt_coreutil.so", ec));
            if (!lib) {
                fprintf(stderr, "XILINX_XRT=%s has no lib/libxrt_coreutil\n", env ? env : "(unset)");
                std::exit(3);
            }
            // And XRT itself now starts: it answers instead of throwing "XILINX_XRT not set".
            auto dev = xrt_rt::open_device(0);
            if (!dev.ok() && dev.error().message.find("XILINX_XRT") != std::string::npos) std::exit(4);
            std::exit(0);
        },
        ::testing::ExitedWithCode(0), "");
}

TEST(XrtEnvironment, RespectsAnExistingXilinxXrt) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            setenv("XILINX_XRT", "/opt/somewhere/xrt", 1);
            auto root = xrt_rt::ensure_xilinx_xrt();
            std::exit(root.ok() && *root == "/opt/somewhere/xrt" ? 0 : 1);
        },
        ::testing::ExitedWithCode(0), "");
}

TEST(XrtEmulation, HwEmuWithoutVitisIsAClearErrorNotACrash) {
    ScopedEnv mode("XCL_EMULATION_MODE", "hw_emu");
    ScopedEnv vitis("XILINX_VITIS", nullptr);
    auto e = create_engine("xrt");
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().code, Errc::no_device);
    EXPECT_NE(e.error().message.find("needs Vitis"), std::string::npos) << e.error().message;
    EXPECT_EQ(e.error().message.find('\n'), std::string::npos);
}

TEST(XrtEmulation, HwEmuWithoutEmconfigIsAClearError) {
    ScopedEnv mode("XCL_EMULATION_MODE", "hw_emu");
    ScopedEnv vitis("XILINX_VITIS", "/opt/Xilinx/Vitis/2022.2");
    fs::path empty = test_xrt::scratch_dir("no-emconfig");
    fs::create_directories(empty);
    ScopedEnv where("XCL_EMCONFIG_PATH", empty.c_str());
    if (fs::exists(fs::current_path() / "emconfig.json")) GTEST_SKIP() << "an emconfig.json sits in the working directory";
    auto e = create_engine("xrt");
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().message.find("no emconfig.json"), std::string::npos) << e.error().message;
}

TEST(XrtEmulation, SwEmuAndUnknownModesAreRefused) {
    {
        ScopedEnv mode("XCL_EMULATION_MODE", "sw_emu");
        auto e = create_engine("xrt");
        ASSERT_FALSE(e.ok());
        EXPECT_EQ(e.error().code, Errc::unsupported);
        EXPECT_NE(e.error().message.find("use --engine csim"), std::string::npos) << e.error().message;
    }
    {
        ScopedEnv mode("XCL_EMULATION_MODE", "turbo");
        auto e = create_engine("xrt");
        ASSERT_FALSE(e.ok());
        EXPECT_EQ(e.error().code, Errc::invalid_argument);
        EXPECT_NE(e.error().message.find("'turbo'"), std::string::npos);
    }
}

}  // namespace
}  // namespace ikeoff::drivers
