// The compat hls::stream: FIFO order, and a read from an empty stream kills
// the process with a message (a would-be hardware deadlock fails the test).
#include <gtest/gtest.h>

#include "ipsec_hls/stream.hpp"

namespace ikeoff::hls_test {
namespace {

TEST(HlsCompatStream, KeepsFifoOrder) {
    hls::stream<int> s("fifo");
    for (int i = 0; i < 5; ++i) s.write(i);
    EXPECT_EQ(s.size(), 5u);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(s.read(), i);
    EXPECT_TRUE(s.empty());
    int v = -1;
    EXPECT_FALSE(s.read_nb(v));
    EXPECT_EQ(v, -1);
}

TEST(HlsCompatStreamDeathTest, ReadingAnEmptyStreamAbortsLoudly) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_DEATH(
        {
            hls::stream<int> s("jobs");
            (void)s.read();
        },
        "'jobs': read from an empty stream");
}

}  // namespace
}  // namespace ikeoff::hls_test
