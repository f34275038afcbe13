// wire::Reader / wire::Writer: bounds, no partial consumption, big-endian
// order, and length patching.
#include <gtest/gtest.h>

#include "host/wire/reader.hpp"
#include "host/wire/writer.hpp"

namespace ikeoff::wire {
namespace {

const Bytes kData = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b};

TEST(Reader, ReadsBigEndianIntegersInOrder) {
    Reader r(kData);
    uint8_t a; uint16_t b; uint32_t c; uint32_t d;
    ASSERT_TRUE(r.u8(a));
    ASSERT_TRUE(r.u16(b));
    ASSERT_TRUE(r.u32(c));
    EXPECT_EQ(a, 0x01);
    EXPECT_EQ(b, 0x0203);
    EXPECT_EQ(c, 0x04050607u);
    EXPECT_EQ(r.position(), 7u);
    EXPECT_EQ(r.remaining(), 4u);
    ASSERT_TRUE(r.u32(d));
    EXPECT_EQ(d, 0x08090a0bu);
    EXPECT_TRUE(r.empty());
}

TEST(Reader, U64AndVariableWidth) {
    Reader r(kData);
    uint64_t v;
    ASSERT_TRUE(r.u64(v));
    EXPECT_EQ(v, 0x0102030405060708ull);
    ASSERT_TRUE(r.uint_be(3, v));
    EXPECT_EQ(v, 0x090a0bu);
    ASSERT_TRUE(r.uint_be(0, v));
    EXPECT_EQ(v, 0u);
    Reader r2(kData);
    EXPECT_FALSE(r2.uint_be(9, v)) << "more than 8 octets cannot fit a uint64";
    EXPECT_EQ(r2.position(), 0u);
}

TEST(Reader, FailedReadsConsumeNothing) {
    Bytes three = {0xAA, 0xBB, 0xCC};
    Reader r(three);
    uint32_t v32 = 0x12345678;
    EXPECT_FALSE(r.u32(v32));
    EXPECT_EQ(v32, 0x12345678u) << "output untouched on failure";
    EXPECT_EQ(r.position(), 0u);
    uint64_t v64;
    EXPECT_FALSE(r.u64(v64));
    ByteView view;
    EXPECT_FALSE(r.take(4, view));
    EXPECT_FALSE(r.skip(4));
    Reader sub;
    EXPECT_FALSE(r.sub(4, sub));
    EXPECT_EQ(r.remaining(), 3u);
    uint16_t v16;
    ASSERT_TRUE(r.u16(v16));
    EXPECT_EQ(v16, 0xAABB);
    EXPECT_FALSE(r.u16(v16));
    EXPECT_EQ(r.position(), 2u);
}

TEST(Reader, EveryPrefixLengthIsBoundsChecked) {
    // Reading a u32 from every truncation of a 4-byte buffer fails cleanly.
    Bytes four = {1, 2, 3, 4};
    for (std::size_t n = 0; n < 4; ++n) {
        Reader r(ByteView(four).first(n));
        uint32_t v;
        EXPECT_FALSE(r.u32(v)) << n;
        EXPECT_EQ(r.remaining(), n);
    }
}

TEST(Reader, SubReaderIsLimitedToItsRange) {
    Reader r(kData);
    Reader sub;
    ASSERT_TRUE(r.skip(1));
    ASSERT_TRUE(r.sub(3, sub));
    EXPECT_EQ(r.position(), 4u);
    EXPECT_EQ(sub.size(), 3u);
    uint32_t v;
    EXPECT_FALSE(sub.u32(v)) << "a child cannot read past its own limit";
    uint16_t w;
    ASSERT_TRUE(sub.u16(w));
    EXPECT_EQ(w, 0x0203);
    ByteView rest = sub.take_rest();
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0], 0x04);
    EXPECT_TRUE(sub.empty());
}

TEST(Reader, LengthPrefixedAllOrNothing) {
    Bytes ok = {0x00, 0x02, 0xAA, 0xBB, 0xCC};
    Reader r(ok);
    Reader body;
    ASSERT_TRUE(r.u16_prefixed(body));
    EXPECT_EQ(body.size(), 2u);
    EXPECT_EQ(r.remaining(), 1u);

    Bytes bad = {0x00, 0x05, 0xAA, 0xBB};  // claims 5, has 2
    Reader r2(bad);
    EXPECT_FALSE(r2.u16_prefixed(body));
    EXPECT_EQ(r2.position(), 0u) << "the prefix is not consumed either";

    Bytes short8 = {0x03, 0x01};
    Reader r3(short8);
    EXPECT_FALSE(r3.u8_prefixed(body));
    EXPECT_EQ(r3.position(), 0u);
    Bytes ok8 = {0x01, 0x7F};
    Reader r4(ok8);
    ASSERT_TRUE(r4.u8_prefixed(body));
    uint8_t b;
    ASSERT_TRUE(body.u8(b));
    EXPECT_EQ(b, 0x7F);
}

TEST(Reader, PeekDoesNotConsumeAndCopyOwns) {
    Reader r(kData);
    uint8_t p8; uint16_t p16;
    ASSERT_TRUE(r.peek_u8(p8));
    ASSERT_TRUE(r.peek_u16(p16));
    EXPECT_EQ(p8, 1);
    EXPECT_EQ(p16, 0x0102);
    EXPECT_EQ(r.position(), 0u);
    Bytes c;
    ASSERT_TRUE(r.copy(2, c));
    EXPECT_EQ(c, (Bytes{1, 2}));
    EXPECT_EQ(r.rest().size(), kData.size() - 2);
    Reader empty;
    EXPECT_FALSE(empty.peek_u8(p8));
}

TEST(Writer, WritesBigEndian) {
    Writer w;
    w.u8(0x01);
    w.u16(0x0203);
    w.u32(0x04050607);
    w.u64(0x08090a0b0c0d0e0full);
    w.bytes(Bytes{0x10});
    w.zeros(2);
    EXPECT_EQ(to_hex(w.view()), "0102030405060708090a0b0c0d0e0f100000");
}

TEST(Writer, UintBeRefusesValuesThatDoNotFit) {
    Writer w;
    ASSERT_TRUE(w.uint_be(3, 0x010203));
    EXPECT_FALSE(w.uint_be(2, 0x10000));
    EXPECT_FALSE(w.uint_be(9, 1));
    ASSERT_TRUE(w.uint_be(8, ~0ull));
    EXPECT_EQ(w.size(), 11u) << "failed writes add nothing";
    EXPECT_EQ(to_hex(w.view()), "010203ffffffffffffffff");
}

TEST(Writer, PatchLengthIncludingHeader) {
    // ISAKMP style: the 2-byte length at offset 2 counts from offset 0.
    Writer w;
    w.u8(13);
    w.u8(0);
    auto len = w.reserve_u16();
    w.bytes(Bytes(10, 0xEE));
    ASSERT_TRUE(w.patch_length(len, 0));
    EXPECT_EQ(w.view()[2], 0x00);
    EXPECT_EQ(w.view()[3], 14);
}

TEST(Writer, PatchRefusesOverflowAndBadMarks) {
    Writer w;
    auto m8 = w.reserve_u8();
    EXPECT_FALSE(w.patch(m8, 256));
    EXPECT_TRUE(w.patch(m8, 255));
    auto m16 = w.reserve_u16();
    w.zeros(70000);
    EXPECT_FALSE(w.finish_prefixed(m16)) << "70000 does not fit 16 bits";
    EXPECT_EQ(w.view()[1], 0);
    EXPECT_EQ(w.view()[2], 0) << "a refused patch writes nothing";
    auto m32 = w.reserve_u32();
    ASSERT_TRUE(w.finish_prefixed(m32));
    EXPECT_EQ(load_be32(w.view().data() + m32.offset), 0u);
    Writer::Mark bogus{w.size(), 2};
    EXPECT_FALSE(w.patch(bogus, 1)) << "a mark beyond the buffer is refused";
    EXPECT_FALSE(w.patch_length(m16, w.size() + 1));
}

TEST(Writer, FinishPrefixedCountsOnlyWhatFollows) {
    Writer w;
    auto m = w.reserve_u16();
    w.bytes(Bytes{1, 2, 3});
    ASSERT_TRUE(w.finish_prefixed(m));
    Reader r(w.view());
    Reader body;
    ASSERT_TRUE(r.u16_prefixed(body));
    EXPECT_EQ(body.size(), 3u);
    EXPECT_TRUE(r.empty());
}

TEST(Writer, WindowAllowsLatePatchingOfData) {
    Writer w;
    w.zeros(8);
    auto win = w.window(4, 4);
    ASSERT_EQ(win.size(), 4u);
    win[0] = 0xAB;
    EXPECT_EQ(w.view()[4], 0xAB);
    EXPECT_TRUE(w.window(6, 4).empty());
    Bytes taken = std::move(w).take();
    EXPECT_EQ(taken.size(), 8u);
}

}  // namespace
}  // namespace ikeoff::wire
