// ISAKMP header: field layout, RFC 2408 §5.2 checks and their notifies.
#include <gtest/gtest.h>

#include "host/isakmp/header.hpp"

namespace ikeoff::isakmp {
namespace {

// MM1 header from the strongSwan capture (frame 1), followed by 152 body bytes.
Bytes mm1_like(std::size_t body = 152) {
    Bytes b = *from_hex("16079285048c779c 0000000000000000 01 10 02 00 00000000 000000b4");
    b.resize(b.size() + body, 0);
    return b;
}

TEST(Header, ParsesEveryField) {
    Bytes d = *from_hex("0102030405060708 1112131415161718 0b 10 20 03 deadbeef 0000001c");
    auto h = parse_header(d);
    ASSERT_TRUE(h.ok()) << h.error().to_string();
    EXPECT_EQ(to_hex(h->initiator_cookie), "0102030405060708");
    EXPECT_EQ(to_hex(h->responder_cookie), "1112131415161718");
    EXPECT_EQ(h->next_payload, PayloadType::notify);
    EXPECT_EQ(h->major_version, 1);
    EXPECT_EQ(h->minor_version, 0);
    EXPECT_EQ(h->exchange, ExchangeType::quick);
    EXPECT_TRUE(h->encrypted());
    EXPECT_TRUE(h->commit());
    EXPECT_FALSE(h->auth_only());
    EXPECT_EQ(h->message_id, 0xdeadbeefu);
    EXPECT_EQ(h->length, 28u);
}

TEST(Header, EncodeIsTheInverseOfParse) {
    Header h;
    h.initiator_cookie = {1, 2, 3, 4, 5, 6, 7, 8};
    h.responder_cookie = {9, 9, 9, 9, 9, 9, 9, 9};
    h.next_payload = PayloadType::hash;
    h.exchange = ExchangeType::informational;
    h.flags = kFlagEncryption;
    h.message_id = 0x01020304;
    auto bytes = encode_header(h, 36);
    ASSERT_TRUE(bytes.ok());
    ASSERT_EQ(bytes->size(), kHeaderSize);
    EXPECT_EQ(to_hex(*bytes), "0102030405060708090909090909090908100501010203040000"
                              "0040");
    Bytes dgram = *bytes;
    dgram.resize(64);
    auto back = parse_header(dgram);
    ASSERT_TRUE(back.ok()) << back.error().to_string();
    h.length = 64;
    EXPECT_EQ(*back, h);
}

TEST(Header, ShortDatagramIsMalformed) {
    Bytes d = mm1_like();
    for (std::size_t n = 0; n < kHeaderSize; ++n) {
        auto h = parse_header(ByteView(d).first(n));
        ASSERT_FALSE(h.ok());
        EXPECT_EQ(h.notify(), NotifyType::payload_malformed) << n;
    }
}

TEST(Header, VersionChecks) {
    Bytes d = mm1_like();
    d[17] = 0x20;  // IKEv2 major version
    EXPECT_EQ(parse_header(d).notify(), NotifyType::invalid_major_version);
    d[17] = 0x00;
    EXPECT_EQ(parse_header(d).notify(), NotifyType::invalid_major_version);
    d[17] = 0x11;
    EXPECT_EQ(parse_header(d).notify(), NotifyType::invalid_minor_version);
    d[17] = 0x10;
    EXPECT_TRUE(parse_header(d).ok());
}

TEST(Header, ZeroInitiatorCookieIsInvalidCookie) {
    Bytes d = mm1_like();
    std::fill(d.begin(), d.begin() + 8, 0);
    EXPECT_EQ(parse_header(d).notify(), NotifyType::invalid_cookie);
}

TEST(Header, UnknownExchangeType) {
    Bytes d = mm1_like();
    for (uint8_t e : {0, 7, 31, 34, 240, 255}) {
        d[18] = e;
        EXPECT_EQ(parse_header(d).notify(), NotifyType::invalid_exchange_type) << int(e);
    }
    for (uint8_t e : {1, 2, 3, 4, 5, 6, 32, 33}) {
        d[18] = e;
        EXPECT_TRUE(parse_header(d).ok()) << int(e);
    }
}

TEST(Header, UndefinedFlagBits) {
    Bytes d = mm1_like();
    for (int bit = 3; bit < 8; ++bit) {
        d[19] = uint8_t(1 << bit);
        EXPECT_EQ(parse_header(d).notify(), NotifyType::invalid_flags) << bit;
    }
    d[19] = 0x07;
    EXPECT_TRUE(parse_header(d).ok());
}

TEST(Header, UnknownFirstPayload) {
    Bytes d = mm1_like();
    for (uint8_t t : {2, 3, 14, 15, 19, 22, 127, 129, 132, 255}) {
        d[16] = t;
        EXPECT_EQ(parse_header(d).notify(), NotifyType::invalid_payload_type) << int(t);
    }
    for (uint8_t t : {0, 1, 4, 13, 20, 21, 130, 131}) {
        d[16] = t;
        EXPECT_TRUE(parse_header(d).ok()) << int(t);
    }
}

TEST(Header, LengthMustMatchDatagram) {
    Bytes d = mm1_like();
    ASSERT_TRUE(parse_header(d).ok());
    Bytes longer = d;
    longer.push_back(0);
    EXPECT_EQ(parse_header(longer).notify(), NotifyType::unequal_payload_lengths);
    EXPECT_TRUE(parse_header(longer, {.allow_trailing_bytes = true}).ok());
    Bytes shorter(d.begin(), d.end() - 1);
    EXPECT_EQ(parse_header(shorter).notify(), NotifyType::unequal_payload_lengths);
    EXPECT_EQ(parse_header(shorter, {.allow_trailing_bytes = true}).notify(),
              NotifyType::unequal_payload_lengths)
        << "a Length beyond the datagram is never acceptable";
    Bytes tiny = d;
    store_be32(tiny.data() + 24, 27);
    EXPECT_EQ(parse_header(tiny, {.allow_trailing_bytes = true}).notify(),
              NotifyType::unequal_payload_lengths);
    store_be32(tiny.data() + 24, 0xFFFFFFFF);
    EXPECT_EQ(parse_header(tiny).notify(), NotifyType::unequal_payload_lengths);
}

TEST(Header, FrameReturnsExactlyTheBody) {
    Bytes d = mm1_like();
    d.push_back(0xEE);  // junk past Length
    auto f = frame(d, {.allow_trailing_bytes = true});
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->body.size(), 152u);
    EXPECT_EQ(f->body.data(), d.data() + kHeaderSize);
}

TEST(Header, DescribeNamesExchangeAndFlags) {
    Bytes d = mm1_like();
    d[19] = kFlagEncryption | kFlagCommit;
    auto h = parse_header(d);
    ASSERT_TRUE(h.ok());
    std::string s = describe(*h);
    EXPECT_NE(s.find("ID_PROT"), std::string::npos) << s;
    EXPECT_NE(s.find("flags=EC"), std::string::npos) << s;
    EXPECT_NE(s.find("i=16079285048c779c"), std::string::npos) << s;
}

}  // namespace
}  // namespace ikeoff::isakmp
