#include <gtest/gtest.h>

#include <set>

#include "host/crypto/rng.hpp"

namespace ikeoff::crypto {
namespace {

TEST(Rng, PublicAndPrivateGeneratorsFillTheRequestedLength) {
    auto a = rng::public_bytes(32);
    auto b = rng::public_bytes(32);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->size(), 32u);
    EXPECT_NE(*a, *b);
    auto s = rng::private_bytes(48);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->size(), 48u);
    EXPECT_NE(to_hex(*s), std::string(96, '0'));
    EXPECT_TRUE(rng::public_bytes(0).ok());
    Bytes buf(16, 0);
    ASSERT_TRUE(rng::private_fill(buf).ok());
    EXPECT_NE(buf, Bytes(16, 0));
}

TEST(Rng, NoncesDoNotRepeat) {
    // 1000 8-byte cookies: a repeat would mean a broken generator.
    std::set<Bytes> seen;
    for (int i = 0; i < 1000; ++i) seen.insert(*rng::public_bytes(8));
    EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace ikeoff::crypto
