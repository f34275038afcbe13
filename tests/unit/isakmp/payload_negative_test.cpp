// Malformed payloads map to the notify RFC 2408 §5 assigns, per payload.
#include <gtest/gtest.h>

#include "host/isakmp/codec.hpp"

namespace ikeoff::isakmp {
namespace {

Bytes hex(std::string_view s) { return *from_hex(s); }

// One payload of `type` with the given body (the generic header is built
// here with a correct length unless `length` overrides it).
Bytes payload(PayloadType next, std::string_view body_hex, int length = -1) {
    Bytes body = hex(body_hex);
    Bytes out = {uint8_t(next), 0, 0, 0};
    store_be16(out.data() + 2, uint16_t(length < 0 ? body.size() + 4 : length));
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

NotifyType parse_one(PayloadType type, std::string_view body_hex) {
    Bytes b = payload(PayloadType::none, body_hex);
    auto r = parse_chain(b, type);
    return r.notify();
}

// --- SA / proposal / transform building blocks --------------------------------
const char* kTransform = "0000 000c 01 01 0000 80010007";  // last, KEY_IKE, enc=AES
std::string sa_body(std::string_view proposals) {
    return "00000001 00000001" + std::string(proposals);
}

TEST(ChainNegative, GenericHeaderProblems) {
    Bytes ok = payload(PayloadType::none, "0102030405060708");
    ASSERT_TRUE(parse_chain(ok, PayloadType::nonce).ok());
    for (std::size_t n = 0; n < 4; ++n)
        EXPECT_EQ(parse_chain(ByteView(ok).first(n), PayloadType::nonce).notify(),
                  NotifyType::payload_malformed)
            << "truncated generic header, " << n << " bytes";
    for (int len : {0, 1, 3})
        EXPECT_EQ(parse_chain(payload(PayloadType::none, "0102030405060708", len), PayloadType::nonce)
                      .notify(),
                  NotifyType::payload_malformed)
            << "length " << len;
    EXPECT_EQ(parse_chain(payload(PayloadType::none, "0102030405060708", 13), PayloadType::nonce)
                  .notify(),
              NotifyType::payload_malformed)
        << "length beyond the body";
    EXPECT_EQ(parse_chain(payload(PayloadType::none, "0102030405060708", 0xFFFF), PayloadType::nonce)
                  .notify(),
              NotifyType::payload_malformed);
    EXPECT_EQ(parse_chain(payload(PayloadType::none, "0102030405060708", 11), PayloadType::vendor_id)
                  .notify(),
              NotifyType::unequal_payload_lengths)
        << "a payload shorter than its bytes leaves trailing bytes";
}

TEST(ChainNegative, UnknownAndMisplacedPayloadTypes) {
    for (uint8_t t : {2, 3, 14, 15, 16, 19, 22, 128, 132, 200, 255}) {
        Bytes b = payload(PayloadType(t), "0102030405060708");
        Bytes tail = payload(PayloadType::none, "00");
        b.insert(b.end(), tail.begin(), tail.end());
        auto r = parse_chain(b, PayloadType::nonce);
        EXPECT_EQ(r.notify(), NotifyType::invalid_payload_type) << int(t);
        EXPECT_EQ(parse_chain(b, PayloadType(t)).notify(), NotifyType::invalid_payload_type)
            << "as first type " << int(t);
    }
}

TEST(ChainNegative, NextPayloadPointsPastTheEnd) {
    // The last payload names a successor, but the body ends.
    Bytes b = payload(PayloadType::vendor_id, "0102030405060708");
    EXPECT_EQ(parse_chain(b, PayloadType::nonce).notify(), NotifyType::payload_malformed);
}

TEST(ChainNegative, TrailingBytesOnlyAllowedAsPadding) {
    Bytes b = payload(PayloadType::none, "0102030405060708");
    b.push_back(0);
    EXPECT_EQ(parse_chain(b, PayloadType::nonce).notify(), NotifyType::unequal_payload_lengths);
    auto ok = parse_chain(b, PayloadType::nonce, {.allow_padding = true});
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->padding, 1u);
    EXPECT_EQ(ok->end, 12u);
}

TEST(SaNegative, DoiAndSituation) {
    std::string prop = "0000 0014 01 01 00 01" + std::string(kTransform);
    EXPECT_EQ(parse_one(PayloadType::sa, sa_body(prop)), NotifyType::none);
    EXPECT_EQ(parse_one(PayloadType::sa, "00000002 00000001" + prop), NotifyType::doi_not_supported);
    EXPECT_EQ(parse_one(PayloadType::sa, "00000000 00000001" + prop), NotifyType::doi_not_supported);
    EXPECT_EQ(parse_one(PayloadType::sa, "00000001 00000002" + prop),
              NotifyType::situation_not_supported);
    EXPECT_EQ(parse_one(PayloadType::sa, "00000001 00000005" + prop),
              NotifyType::situation_not_supported);
    EXPECT_EQ(parse_one(PayloadType::sa, "00000001 000000"), NotifyType::payload_malformed);
    EXPECT_EQ(parse_one(PayloadType::sa, ""), NotifyType::payload_malformed);
}

TEST(SaNegative, ProposalSyntax) {
    auto sa = [](std::string_view props) { return parse_one(PayloadType::sa, sa_body(props)); };
    std::string t = kTransform;
    EXPECT_EQ(sa(""), NotifyType::bad_proposal_syntax) << "no proposals";
    EXPECT_EQ(sa("0000 0014 01 01"), NotifyType::bad_proposal_syntax) << "truncated proposal header";
    EXPECT_EQ(sa("0000 0015 01 01 00 01" + t), NotifyType::bad_proposal_syntax)
        << "proposal longer than the SA";
    EXPECT_EQ(sa("0000 0003 01 01 00 01" + t), NotifyType::bad_proposal_syntax) << "length < 4";
    EXPECT_EQ(sa("0000 0006 01 01"), NotifyType::bad_proposal_syntax) << "truncated fields";
    EXPECT_EQ(sa("0300 0014 01 01 00 01" + t), NotifyType::bad_proposal_syntax)
        << "last proposal says transform follows";
    EXPECT_EQ(sa("0000 0014 01 01 00 01" + t + "0000 0014 02 01 00 01" + t),
              NotifyType::bad_proposal_syntax)
        << "first proposal says none follows, but one does";
    EXPECT_EQ(sa("0000 0014 01 01 00 02" + t), NotifyType::bad_proposal_syntax)
        << "2 transforms announced, 1 present";
    EXPECT_EQ(sa("0000 0020 01 01 00 01" + t + t), NotifyType::bad_proposal_syntax)
        << "1 transform announced, 2 present";
    EXPECT_EQ(sa("0000 0008 01 01 00 00"), NotifyType::bad_proposal_syntax) << "0 transforms";
    EXPECT_EQ(sa("0200 0014 02 01 00 01" + t + "0000 0014 01 01 00 01" + t),
              NotifyType::bad_proposal_syntax)
        << "proposal numbers decrease";
}

TEST(SaNegative, TransformAndAttributeSyntax) {
    // One ISAKMP proposal holding one transform with the given generic-header
    // next payload and body; `len` overrides the transform's length field.
    auto sa1 = [](uint8_t next, std::string_view body_hex, int len = -1) {
        Bytes body = hex(body_hex);
        Bytes tr = {next, 0, 0, 0};
        store_be16(tr.data() + 2, uint16_t(len < 0 ? body.size() + 4 : len));
        tr.insert(tr.end(), body.begin(), body.end());
        Bytes p = {0, 0, 0, 0, 1, 1, 0, 1};
        p.insert(p.end(), tr.begin(), tr.end());
        store_be16(p.data() + 2, uint16_t(p.size()));
        return parse_one(PayloadType::sa, sa_body(to_hex(p)));
    };
    EXPECT_EQ(sa1(0, "01 01 0000 80010007"), NotifyType::none);
    EXPECT_EQ(sa1(0, "01 01 0000 80010007", 13), NotifyType::bad_proposal_syntax)
        << "transform longer than its proposal";
    EXPECT_EQ(sa1(0, "01 01 0000 80010007", 11), NotifyType::bad_proposal_syntax)
        << "transform shorter than its proposal";
    EXPECT_EQ(sa1(0, "01 01"), NotifyType::bad_proposal_syntax) << "short transform";
    EXPECT_EQ(sa1(3, "01 01 0000 80010007"), NotifyType::bad_proposal_syntax)
        << "only transform claims a successor";
    EXPECT_EQ(sa1(0, "01 01 0000 8001"), NotifyType::bad_proposal_syntax)
        << "attribute cut after the type";
    EXPECT_EQ(sa1(0, "01 01 0000 000c 0004 0001"), NotifyType::bad_proposal_syntax)
        << "oversized TLV: 4 value bytes announced, 2 present";
    EXPECT_EQ(sa1(0, "01 01 0000 000c ffff 0001"), NotifyType::bad_proposal_syntax)
        << "TLV length 65535";
    EXPECT_EQ(sa1(0, "01 01 0000 000c 0004 00015180"), NotifyType::none)
        << "a 4-byte TLV lifetime is fine";
    EXPECT_EQ(sa1(0, "01 01 0000 000c 0008 0000000100015180"), NotifyType::none)
        << "and so is an 8-byte one";
    EXPECT_EQ(sa1(0, "01 02 0000 80010007"), NotifyType::invalid_transform_id)
        << "ISAKMP proposals carry only KEY_IKE";
}

TEST(SaNegative, ProtocolAndSpi) {
    // One proposal with one ESP-AES transform; `spi_size` < 0 means "the
    // SPI's real size".
    auto prop = [](uint8_t protocol, std::string_view spi_hex, int spi_size = -1) {
        Bytes spi = hex(spi_hex);
        uint8_t size = uint8_t(spi_size < 0 ? spi.size() : spi_size);
        Bytes p = {0, 0, 0, 0, 1, protocol, size, 1};
        p.insert(p.end(), spi.begin(), spi.end());
        Bytes t = hex("0000 0008 01 0c 0000");
        p.insert(p.end(), t.begin(), t.end());
        store_be16(p.data() + 2, uint16_t(p.size()));
        return parse_one(PayloadType::sa, sa_body(to_hex(p)));
    };
    EXPECT_EQ(prop(3, "c0000001"), NotifyType::none);
    EXPECT_EQ(prop(0, "c0000001"), NotifyType::invalid_protocol_id);
    EXPECT_EQ(prop(5, "c0000001"), NotifyType::invalid_protocol_id);
    EXPECT_EQ(prop(3, "c00001"), NotifyType::invalid_spi);
    EXPECT_EQ(prop(3, ""), NotifyType::invalid_spi);
    EXPECT_EQ(prop(3, "00000000"), NotifyType::invalid_spi) << "SPI 0 is reserved";
    EXPECT_EQ(prop(2, "0000000100000002"), NotifyType::invalid_spi);
    EXPECT_EQ(prop(1, "00000000"), NotifyType::invalid_spi) << "ISAKMP SPI: 0 or 16 octets";
    EXPECT_EQ(prop(4, "1234"), NotifyType::none) << "IPCOMP CPI";
    EXPECT_EQ(prop(3, "c0000001", 9), NotifyType::bad_proposal_syntax)
        << "SPI size beyond the proposal";
}

TEST(PayloadNegative, KeHashSigNonceVidNatD) {
    EXPECT_EQ(parse_one(PayloadType::ke, ""), NotifyType::invalid_key_information);
    EXPECT_EQ(parse_one(PayloadType::hash, ""), NotifyType::invalid_hash_information);
    EXPECT_EQ(parse_one(PayloadType::sig, ""), NotifyType::invalid_signature);
    EXPECT_EQ(parse_one(PayloadType::nonce, "01020304050607"), NotifyType::payload_malformed);
    EXPECT_EQ(parse_one(PayloadType::nonce, "0102030405060708"), NotifyType::none);
    EXPECT_EQ(parse_one(PayloadType::nonce, to_hex(Bytes(256, 1))), NotifyType::none);
    EXPECT_EQ(parse_one(PayloadType::nonce, to_hex(Bytes(257, 1))), NotifyType::payload_malformed);
    EXPECT_EQ(parse_one(PayloadType::vendor_id, ""), NotifyType::payload_malformed);
    EXPECT_EQ(parse_one(PayloadType::nat_d, ""), NotifyType::payload_malformed);
    EXPECT_EQ(parse_one(PayloadType::nat_d_draft, ""), NotifyType::payload_malformed);
}

TEST(PayloadNegative, Id) {
    EXPECT_EQ(parse_one(PayloadType::id, "01 00 00"), NotifyType::payload_malformed);
    EXPECT_EQ(parse_one(PayloadType::id, "01 00 0000 0a000001"), NotifyType::none);
    EXPECT_EQ(parse_one(PayloadType::id, "01 00 0000 0a00000101"), NotifyType::invalid_id_information);
    EXPECT_EQ(parse_one(PayloadType::id, "01 00 0000 0a0000"), NotifyType::invalid_id_information);
    EXPECT_EQ(parse_one(PayloadType::id, "04 00 0000 0a000001"), NotifyType::invalid_id_information)
        << "subnet without mask";
    EXPECT_EQ(parse_one(PayloadType::id, "05 00 0000 0a000001"), NotifyType::invalid_id_information);
    EXPECT_EQ(parse_one(PayloadType::id, "08 00 0000" + to_hex(Bytes(16, 1))),
              NotifyType::invalid_id_information)
        << "IPv6 range needs two addresses";
    EXPECT_EQ(parse_one(PayloadType::id, "02 00 0000"), NotifyType::invalid_id_information)
        << "empty FQDN";
    EXPECT_EQ(parse_one(PayloadType::id, "00 00 0000 01"), NotifyType::invalid_id_information);
    EXPECT_EQ(parse_one(PayloadType::id, "0c 00 0000 01"), NotifyType::invalid_id_information);
}

TEST(PayloadNegative, CertAndCertRequest) {
    EXPECT_EQ(parse_one(PayloadType::cert, ""), NotifyType::payload_malformed);
    EXPECT_EQ(parse_one(PayloadType::cert, "04"), NotifyType::invalid_certificate);
    EXPECT_EQ(parse_one(PayloadType::cert, "00 3000"), NotifyType::invalid_cert_encoding);
    EXPECT_EQ(parse_one(PayloadType::cert, "0b 3000"), NotifyType::invalid_cert_encoding);
    EXPECT_EQ(parse_one(PayloadType::cert_request, ""), NotifyType::payload_malformed);
    EXPECT_EQ(parse_one(PayloadType::cert_request, "00"), NotifyType::invalid_cert_encoding);
    EXPECT_EQ(parse_one(PayloadType::cert_request, "04"), NotifyType::none);
}

TEST(PayloadNegative, Notify) {
    EXPECT_EQ(parse_one(PayloadType::notify, "00000001 01 00 6002"), NotifyType::none);
    EXPECT_EQ(parse_one(PayloadType::notify, "00000001 01 00 60"), NotifyType::payload_malformed);
    EXPECT_EQ(parse_one(PayloadType::notify, "00000005 01 00 6002"), NotifyType::doi_not_supported);
    EXPECT_EQ(parse_one(PayloadType::notify, "00000001 09 00 6002"), NotifyType::invalid_protocol_id);
    EXPECT_EQ(parse_one(PayloadType::notify, "00000001 03 03 6000 010203"), NotifyType::invalid_spi);
    EXPECT_EQ(parse_one(PayloadType::notify, "00000001 01 0c 6002" + to_hex(Bytes(12, 1))),
              NotifyType::invalid_spi);
    EXPECT_EQ(parse_one(PayloadType::notify, "00000001 00 04 0001 01020304"), NotifyType::invalid_spi)
        << "protocol 0 must not carry an SPI";
    EXPECT_EQ(parse_one(PayloadType::notify, "00000001 01 10 6002 0102"), NotifyType::payload_malformed)
        << "SPI size beyond the payload";
    EXPECT_EQ(parse_one(PayloadType::notify, "00000001 01 00 0000"), NotifyType::payload_malformed)
        << "notify type 0";
}

TEST(PayloadNegative, Delete) {
    EXPECT_EQ(parse_one(PayloadType::delete_, "00000001 03 04 0002 01020304 05060708"), NotifyType::none);
    EXPECT_EQ(parse_one(PayloadType::delete_, "00000001 03 04 0002 01020304"),
              NotifyType::payload_malformed)
        << "2 SPIs announced, 1 present";
    EXPECT_EQ(parse_one(PayloadType::delete_, "00000001 03 04 0001 01020304 05060708"),
              NotifyType::payload_malformed)
        << "1 SPI announced, 2 present";
    EXPECT_EQ(parse_one(PayloadType::delete_, "00000001 03 04 ffff 01020304"),
              NotifyType::payload_malformed)
        << "count*size overflowing the payload";
    EXPECT_EQ(parse_one(PayloadType::delete_, "00000001 03 04 0000"), NotifyType::payload_malformed);
    EXPECT_EQ(parse_one(PayloadType::delete_, "00000001 03 10 0001" + to_hex(Bytes(16, 1))),
              NotifyType::invalid_spi);
    EXPECT_EQ(parse_one(PayloadType::delete_, "00000001 01 04 0001 01020304"), NotifyType::invalid_spi)
        << "an ISAKMP SA is named by 16 cookie bytes";
    EXPECT_EQ(parse_one(PayloadType::delete_, "00000001 00 04 0001 01020304"),
              NotifyType::invalid_protocol_id);
    EXPECT_EQ(parse_one(PayloadType::delete_, "00000009 03 04 0001 01020304"),
              NotifyType::doi_not_supported);
    EXPECT_EQ(parse_one(PayloadType::delete_, "00000001 03 04 00"), NotifyType::payload_malformed);
}

TEST(PayloadNegative, NatOa) {
    EXPECT_EQ(parse_one(PayloadType::nat_oa, "01 00 0000 0a000001"), NotifyType::none);
    EXPECT_EQ(parse_one(PayloadType::nat_oa_draft, "05 00 0000" + to_hex(Bytes(16, 1))), NotifyType::none);
    EXPECT_EQ(parse_one(PayloadType::nat_oa, "01 00 0000 0a00000102"), NotifyType::payload_malformed);
    EXPECT_EQ(parse_one(PayloadType::nat_oa, "02 00 0000 61"), NotifyType::payload_malformed);
    EXPECT_EQ(parse_one(PayloadType::nat_oa, "01 00 00"), NotifyType::payload_malformed);
}

TEST(ParsePurity, SameInputSameResultInputUntouched) {
    Bytes b = payload(PayloadType::none, sa_body("0000 0014 01 01 00 01" + std::string(kTransform)));
    const Bytes copy = b;
    auto r1 = parse_chain(b, PayloadType::sa);
    auto r2 = parse_chain(b, PayloadType::sa);
    ASSERT_TRUE(r1.ok() && r2.ok());
    EXPECT_TRUE(r1->payloads[0].same_content(r2->payloads[0]));
    EXPECT_EQ(b, copy);
    Bytes bad = b;
    bad[4] = 9;  // DOI
    auto e1 = parse_chain(bad, PayloadType::sa);
    auto e2 = parse_chain(bad, PayloadType::sa);
    EXPECT_EQ(e1.notify(), e2.notify());
    EXPECT_EQ(e1.error().message, e2.error().message);
}

TEST(Attributes, ParseStandaloneAndErrorsUseTheCallersNotify) {
    auto ok = parse_attributes(hex("80010001 00020004 00000e10"));
    ASSERT_TRUE(ok.ok());
    ASSERT_EQ(ok->size(), 2u);
    EXPECT_TRUE(ok->at(0).tv);
    EXPECT_EQ(ok->at(1).as_uint(), 3600u);
    EXPECT_EQ(parse_attributes(hex("8001")).notify(), NotifyType::payload_malformed);
    EXPECT_EQ(parse_attributes(hex("0002 0004 0000"), NotifyType::bad_proposal_syntax).notify(),
              NotifyType::bad_proposal_syntax);
    Attribute nine{2, false, Bytes(9, 1)};
    EXPECT_FALSE(nine.as_uint().has_value()) << "more than 8 octets is not a number";
}

}  // namespace
}  // namespace ikeoff::isakmp
