#include "host/common/bytes.hpp"

#include <gtest/gtest.h>

namespace ikeoff {
namespace {

TEST(Hex, RoundTripsAndAcceptsPrefixAndSeparators) {
    auto b = from_hex("0xDE:ad be:EF");
    ASSERT_TRUE(b.ok()) << b.error().message;
    EXPECT_EQ(*b, (Bytes{0xde, 0xad, 0xbe, 0xef}));
    EXPECT_EQ(to_hex(*b), "deadbeef");
}

TEST(Hex, RejectsOddLengthAndBadCharacters) {
    auto odd = from_hex("abc");
    ASSERT_FALSE(odd.ok());
    EXPECT_EQ(odd.error().code, Errc::parse_error);
    auto bad = from_hex("zz");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("'z'"), std::string::npos);
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
    Bytes a{1, 2, 3}, b{1, 2, 3}, c{1, 2, 4}, d{1, 2};
    EXPECT_TRUE(ct_equal(a, b));
    EXPECT_FALSE(ct_equal(a, c));
    EXPECT_FALSE(ct_equal(a, d));
}

TEST(SecretBytes, MoveLeavesSourceEmptyAndCloneIsIndependent) {
    SecretBytes s(Bytes{9, 8, 7});
    SecretBytes c = s.clone();
    SecretBytes m = std::move(s);
    EXPECT_TRUE(s.empty());  // NOLINT(bugprone-use-after-move): the behaviour under test
    EXPECT_EQ(m.size(), 3u);
    c.mutable_view()[0] = 0;
    EXPECT_EQ(m.view()[0], 9);
    m.append(Bytes{6});
    EXPECT_EQ(to_hex(m.view()), "09080706");
    m.resize(2);
    EXPECT_EQ(to_hex(m.view()), "0908");
}

TEST(BigEndian, LoadsAndStores) {
    uint8_t buf[8];
    store_be64(buf, 0x0102030405060708ULL);
    EXPECT_EQ(load_be32(buf), 0x01020304u);
    EXPECT_EQ(load_be16(buf + 6), 0x0708u);
    EXPECT_EQ(load_be64(buf), 0x0102030405060708ULL);
}

}  // namespace
}  // namespace ikeoff
