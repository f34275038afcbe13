#include <gtest/gtest.h>

#include "host/crypto/selftest.hpp"

namespace ikeoff::crypto {
namespace {

TEST(SelfTest, AllKnownAnswersPass) {
    auto s = self_test();
    EXPECT_TRUE(s.ok()) << s.error().message;
}

}  // namespace
}  // namespace ikeoff::crypto
