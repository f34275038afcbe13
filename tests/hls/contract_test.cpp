// The host<->kernel contract: layouts the kernels, the csim driver and the
// xrt driver all depend on. These checks fail if someone reorders a field
// without bumping the ABI number's documented layout.
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

#include "ipsec_hls/contract.hpp"

namespace ikeoff::hls_test {
namespace {

using namespace ipsec_hls::contract;

TEST(HlsContract, RowAndDescriptorSizesAreBeatMultiples) {
    EXPECT_EQ(sizeof(SaRow) % 64, 0u);
    EXPECT_EQ(sizeof(PacketDesc), 64u);
}

TEST(HlsContract, KernelTablesHaveUniqueNamesAndPortsPerKernel) {
    ASSERT_EQ(kKernelCount, 3u);
    std::set<std::string> kernels;
    for (uint32_t k = 0; k < kKernelCount; ++k) {
        const KernelSig& s = kKernels[k];
        EXPECT_TRUE(kernels.insert(s.name).second) << s.name;
        std::set<std::string> names, bundles;
        for (uint32_t i = 0; i < s.arg_count; ++i) {
            const KernelArg& a = s.args[i];
            EXPECT_TRUE(names.insert(a.name).second) << s.name << "." << a.name;
            if (a.kind != ArgKind::scalar) {
                EXPECT_TRUE(bundles.insert(a.bundle).second) << "one buffer per AXI port: " << a.bundle;
                EXPECT_EQ(a.size, 8u);
            } else {
                EXPECT_STREQ(a.bundle, "control");
                EXPECT_EQ(a.size, 4u);
            }
        }
        // Buffers first, in the order the drivers pass them.
        EXPECT_STREQ(s.args[0].name, "pkt_in");
        EXPECT_STREQ(s.args[3].name, "sa_table");
    }
    EXPECT_STREQ(kKernels[kKernelAh].args[6].name, "direction");
    EXPECT_EQ(kKernels[kKernelAh].args[6].offset, 0x50u);
}

TEST(HlsContract, ReplayRingCoversTheLargestWindowPlusOneWord) {
    EXPECT_GE(kReplayRingWords * 64, kMaxReplayWindow + 64);
}

}  // namespace
}  // namespace ikeoff::hls_test
