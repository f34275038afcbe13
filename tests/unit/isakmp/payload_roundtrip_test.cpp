// Every payload: build the struct, generate, check the exact wire bytes
// against a hand-assembled RFC layout, parse back, compare.
#include <gtest/gtest.h>

#include "host/isakmp/codec.hpp"
#include "host/isakmp/message.hpp"

namespace ikeoff::isakmp {
namespace {

Bytes hex(std::string_view s) {
    auto r = from_hex(s);
    EXPECT_TRUE(r.ok()) << s;
    return r.ok() ? *r : Bytes{};
}

// Encodes one payload as the only payload of a chain, compares the bytes
// with `want_hex` (generic header included), parses them back and returns
// the parsed payload.
Payload round_trip(const Payload& p, std::string_view want_hex) {
    Payload in[] = {p};
    auto enc = generate_chain(in);
    EXPECT_TRUE(enc.ok()) << (enc.ok() ? "" : enc.error().message);
    if (!enc.ok()) return {};
    EXPECT_EQ(to_hex(enc->bytes), to_hex(hex(want_hex)));
    EXPECT_EQ(enc->first, p.type);
    auto chain = parse_chain(enc->bytes, p.type);
    EXPECT_TRUE(chain.ok()) << (chain.ok() ? "" : chain.error().to_string());
    if (!chain.ok()) return {};
    EXPECT_EQ(chain->payloads.size(), 1u);
    const Payload& back = chain->payloads.at(0);
    EXPECT_TRUE(back.same_content(p));
    EXPECT_EQ(to_hex(back.raw), to_hex(enc->body_of(0)));
    auto body = encode_body(p.body);
    EXPECT_TRUE(body.ok());
    if (body.ok()) {
        EXPECT_EQ(to_hex(*body), to_hex(back.raw));
    }
    return back;
}

TEST(PayloadRoundTrip, SaWithPhase1Proposal) {
    Transform t{1, kTransformKeyIke,
                {Attribute::basic(uint16_t(OakleyAttr::encryption_algorithm), 7),
                 Attribute::basic(uint16_t(OakleyAttr::key_length), 128),
                 Attribute::number(uint16_t(OakleyAttr::life_duration), 86400)}};
    SaPayload sa{Doi::ipsec, kSitIdentityOnly, {Proposal{1, ProtocolId::isakmp, {}, {t}}}};
    Payload back = round_trip(sa,
                              "0000 002c"                      // generic header, length 44
                              "00000001 00000001"              // DOI IPsec, SIT_IDENTITY_ONLY
                              "0000 0020 01 01 00 01"          // proposal: last, 32 bytes, #1 ISAKMP, SPI 0, 1 transform
                              "0000 0018 01 01 0000"           // transform: last, 24 bytes, #1 KEY_IKE
                              "8001 0007 800e 0080"            // TV enc=AES-CBC, TV keylen=128
                              "000c 0004 00015180");           // TLV life 86400 (4 bytes)
    const SaPayload* got = back.get<SaPayload>();
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->proposals[0].transforms[0].get(uint16_t(OakleyAttr::life_duration)), 86400u);
}

TEST(PayloadRoundTrip, SaWithSeveralEspProposalsAndTransforms) {
    auto esp_t = [](uint8_t n, EspTransform id, uint16_t keylen) {
        return Transform{n, uint8_t(id),
                         {Attribute::basic(uint16_t(IpsecAttr::encapsulation_mode),
                                           uint16_t(EncapsulationMode::udp_tunnel)),
                          Attribute::basic(uint16_t(IpsecAttr::key_length), keylen)}};
    };
    SaPayload sa;
    sa.proposals.push_back(Proposal{1, ProtocolId::esp, {0xc1, 0x00, 0x00, 0x01},
                                    {esp_t(1, EspTransform::aes_gcm_16, 128),
                                     esp_t(2, EspTransform::aes_cbc, 256)}});
    sa.proposals.push_back(Proposal{2, ProtocolId::ah, {0xc1, 0x00, 0x00, 0x02},
                                    {Transform{1, uint8_t(AhTransform::sha2_256), {}}}});
    Payload back = round_trip(
        sa,
        "0000 004c 00000001 00000001"
        "0200 002c 01 03 04 02 c1000001"          // proposal 1: more follow, ESP, SPI 4, 2 transforms
        "0300 0010 01 14 0000 8004 0003 8006 0080"  // transform 1 (more follow): AES-GCM-16
        "0000 0010 02 0c 0000 8004 0003 8006 0100"  // transform 2 (last): AES-CBC 256
        "0000 0014 02 02 04 01 c1000002"          // proposal 2 (last): AH, 1 transform
        "0000 0008 01 05 0000");                  // AH SHA2-256, no attributes
    ASSERT_NE(back.get<SaPayload>(), nullptr);
    EXPECT_EQ(back.get<SaPayload>()->proposals.size(), 2u);
}

TEST(PayloadRoundTrip, AttributesTvAndTlvOfEverySize) {
    Transform t{1, uint8_t(EspTransform::aes_cbc),
                {Attribute::number(uint16_t(IpsecAttr::sa_life_type), 2),
                 Attribute::number(uint16_t(IpsecAttr::sa_life_duration), 0x10000),
                 Attribute::number(uint16_t(IpsecAttr::sa_life_duration), 0x100000000ull),
                 Attribute::variable(9, Bytes{}),
                 Attribute::variable(9, Bytes{1, 2, 3})}};
    SaPayload sa{Doi::ipsec, kSitIdentityOnly, {Proposal{1, ProtocolId::esp, {0, 0, 0, 9}, {t}}}};
    Payload back = round_trip(sa,
                              "0000 0043 00000001 00000001"
                              "0000 0037 01 03 04 01 00000009"
                              "0000 002b 01 0c 0000"
                              "8001 0002"                  // TV
                              "0002 0004 00010000"         // 4-byte TLV
                              "0002 0008 0000000100000000" // 8-byte TLV
                              "0009 0000"                  // empty TLV
                              "0009 0003 010203");         // odd-length TLV
    const Transform& got = back.get<SaPayload>()->proposals[0].transforms[0];
    ASSERT_EQ(got.attributes.size(), 5u);
    EXPECT_EQ(got.attributes[1].as_uint(), 0x10000u);
    EXPECT_EQ(got.attributes[2].as_uint(), 0x100000000ull);
    EXPECT_FALSE(got.attributes[3].as_uint().has_value());
    EXPECT_FALSE(got.attributes[3].tv);
}

TEST(PayloadRoundTrip, KeHashSigNonceVendorId) {
    Bytes ke(256, 0xAB);
    round_trip(KePayload{ke}, "0000 0104" + std::string(512, 'a').replace(0, 512, to_hex(ke)));
    round_trip(HashPayload{Bytes(20, 0x11)}, "0000 0018" + to_hex(Bytes(20, 0x11)));
    round_trip(SigPayload{Bytes(3, 0x22)}, "0000 0007 222222");
    round_trip(NoncePayload{Bytes(8, 0x33)}, "0000 000c 3333333333333333");
    round_trip(NoncePayload{Bytes(256, 0x34)}, "0000 0104" + to_hex(Bytes(256, 0x34)));
    round_trip(VendorIdPayload{hex("4a131c81070358455c5728f20e95452f")},
               "0000 0014 4a131c81070358455c5728f20e95452f");
}

TEST(PayloadRoundTrip, IdOfEveryType) {
    auto v4 = *IpAddress::parse("10.77.0.1");
    auto v6 = *IpAddress::parse("2001:db8::1");
    round_trip(IdPayload::address(v4, 17, 500), "0000 000c 01 11 01f4 0a4d0001");
    round_trip(IdPayload::address(v6), "0000 0018 05 00 0000 20010db8000000000000000000000001");
    Payload sub = round_trip(*IdPayload::subnet(*IpAddress::parse("10.1.2.3"), 24),
                             "0000 0010 04 00 0000 0a010200 ffffff00");
    EXPECT_EQ(sub.get<IdPayload>()->to_string(), "10.1.2.0/24");
    Payload sub6 = round_trip(*IdPayload::subnet(*IpAddress::parse("2001:db8::"), 33),
                              "0000 0028 06 00 0000 20010db8000000000000000000000000"
                              "ffffffff800000000000000000000000");
    EXPECT_EQ(sub6.get<IdPayload>()->to_string(), "2001:db8::/33");
    Payload rng = round_trip(*IdPayload::range(v4, *IpAddress::parse("10.77.0.9")),
                             "0000 0010 07 00 0000 0a4d0001 0a4d0009");
    EXPECT_EQ(rng.get<IdPayload>()->to_string(), "10.77.0.1-10.77.0.9");
    EXPECT_EQ(rng.get<IdPayload>()->second_address(), *IpAddress::parse("10.77.0.9"));
    round_trip(*IdPayload::range(v6, v6), "0000 0028 08 00 0000" + to_hex(Bytes(v6.data(), v6.data() + 16)) +
                                              to_hex(Bytes(v6.data(), v6.data() + 16)));
    Payload fq = round_trip(IdPayload::fqdn("vpn.example.org"),
                            "0000 0017 02 00 0000 76706e2e6578616d706c652e6f7267");
    EXPECT_EQ(fq.get<IdPayload>()->to_string(), "vpn.example.org");
    round_trip(IdPayload::user_fqdn("a@b"), "0000 000b 03 00 0000 614062");
    round_trip(IdPayload::der_asn1_dn(Bytes{0x30, 0x00}), "0000 000a 09 00 0000 3000");
    Payload kid = round_trip(IdPayload::key_id(Bytes{0x0a, 0x0b}), "0000 000a 0b 00 0000 0a0b");
    EXPECT_EQ(kid.get<IdPayload>()->to_string(), "ID_KEY_ID:0a0b");
    IdPayload gn{IdType::der_asn1_gn, 0, 0, {0x01}};
    round_trip(gn, "0000 0009 0a 00 0000 01");
}

TEST(PayloadRoundTrip, CertAndCertRequest) {
    round_trip(CertPayload{CertEncoding::x509_signature, Bytes{0x30, 0x82, 0x01}},
               "0000 0008 04 308201");
    round_trip(CertRequestPayload{CertEncoding::x509_signature, {}}, "0000 0005 04");
    round_trip(CertRequestPayload{CertEncoding::x509_signature, Bytes{0x30, 0x00}},
               "0000 0007 04 3000");
    round_trip(CertPayload{CertEncoding::crl, Bytes{1}}, "0000 0006 07 01");
}

TEST(PayloadRoundTrip, Notify) {
    // INITIAL-CONTACT as strongSwan sends it: ISAKMP, SPI = the two cookies.
    NotifyPayload ic{Doi::ipsec, ProtocolId::isakmp, NotifyType::initial_contact,
                     hex("16079285048c779ccd52b8bae40672b9"), {}};
    round_trip(ic, "0000 001c 00000001 01 10 6002 16079285048c779ccd52b8bae40672b9");
    // RESPONDER-LIFETIME with attribute data and an ESP SPI.
    auto attrs = encode_attributes({Attribute::number(uint16_t(IpsecAttr::sa_life_type), 1),
                                    Attribute::number(uint16_t(IpsecAttr::sa_life_duration), 3600)});
    ASSERT_TRUE(attrs.ok());
    NotifyPayload rl{Doi::ipsec, ProtocolId::esp, NotifyType::responder_lifetime,
                     {0xc0, 0xff, 0xee, 0x01}, *attrs};
    Payload back = round_trip(rl, "0000 0018 00000001 03 04 6000 c0ffee01 80010001 80020e10");
    auto parsed = parse_attributes(back.get<NotifyPayload>()->data);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->at(1).as_uint(), 3600u);
    // DPD R-U-THERE: 16-byte SPI + 4-byte sequence number.
    NotifyPayload dpd{Doi::ipsec, ProtocolId::isakmp, NotifyType::dpd_r_u_there,
                      Bytes(16, 0x01), {0, 0, 0, 7}};
    round_trip(dpd, "0000 0020 00000001 01 10 8d28" + to_hex(Bytes(16, 0x01)) + "00000007");
    // An error notify that concerns no SA (protocol 0, DOI 0).
    NotifyPayload err{Doi::isakmp, ProtocolId::none, NotifyType::invalid_payload_type, {}, {}};
    round_trip(err, "0000 000c 00000000 00 00 0001");
}

TEST(PayloadRoundTrip, Delete) {
    DeletePayload isakmp_sa{Doi::ipsec, ProtocolId::isakmp, {Bytes(16, 0x5a)}};
    round_trip(isakmp_sa, "0000 001c 00000001 01 10 0001" + to_hex(Bytes(16, 0x5a)));
    DeletePayload esp{Doi::ipsec, ProtocolId::esp, {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 9, 9, 9}}};
    Payload back = round_trip(esp, "0000 0018 00000001 03 04 0003 01020304 05060708 09090909");
    EXPECT_EQ(back.get<DeletePayload>()->spis.size(), 3u);
    DeletePayload comp{Doi::ipsec, ProtocolId::ipcomp, {{0x12, 0x34}}};
    round_trip(comp, "0000 000e 00000001 04 02 0001 1234");
}

TEST(PayloadRoundTrip, NatDAndNatOaBothTypeNumbers) {
    NatDPayload d{Bytes(20, 0x77)};
    Payload rfc = round_trip(d, "0000 0018" + to_hex(Bytes(20, 0x77)));
    EXPECT_EQ(rfc.type, PayloadType::nat_d);
    Payload draft = round_trip(Payload(PayloadType::nat_d_draft, d), "0000 0018" + to_hex(Bytes(20, 0x77)));
    EXPECT_EQ(draft.type, PayloadType::nat_d_draft);

    NatOaPayload oa = NatOaPayload::of(*IpAddress::parse("192.168.1.7"));
    Payload oa_back = round_trip(oa, "0000 000c 01 00 0000 c0a80107");
    EXPECT_EQ(oa_back.get<NatOaPayload>()->to_address(), *IpAddress::parse("192.168.1.7"));
    round_trip(Payload(PayloadType::nat_oa_draft, NatOaPayload::of(*IpAddress::parse("fe80::1"))),
               "0000 0018 05 00 0000 fe800000000000000000000000000001");
}

TEST(PayloadChain, NextPayloadLinksAndSpans) {
    std::vector<Payload> ps = {HashPayload{Bytes(20, 1)}, NoncePayload{Bytes(16, 2)},
                               VendorIdPayload{Bytes{3, 3}},
                               Payload(PayloadType::nat_d_draft, NatDPayload{Bytes(20, 4)})};
    auto enc = generate_chain(ps);
    ASSERT_TRUE(enc.ok());
    ASSERT_EQ(enc->spans.size(), 4u);
    // Each generic header names the type of the NEXT payload.
    EXPECT_EQ(enc->bytes[enc->spans[0].offset], uint8_t(PayloadType::nonce));
    EXPECT_EQ(enc->bytes[enc->spans[1].offset], uint8_t(PayloadType::vendor_id));
    EXPECT_EQ(enc->bytes[enc->spans[2].offset], uint8_t(PayloadType::nat_d_draft));
    EXPECT_EQ(enc->bytes[enc->spans[3].offset], 0);
    EXPECT_EQ(enc->after(0).size(), enc->bytes.size() - 24);
    EXPECT_EQ(enc->after(0).data(), enc->bytes.data() + 24);
    EXPECT_TRUE(enc->after(3).empty());
    // Fill the hash in place afterwards (the HASH(1) pattern).
    auto win = enc->mutable_body_of(0);
    ASSERT_EQ(win.size(), 20u);
    win[0] = 0xFF;
    auto parsed = parse_chain(enc->bytes, enc->first);
    ASSERT_TRUE(parsed.ok());
    ASSERT_EQ(parsed->payloads.size(), 4u);
    EXPECT_EQ(parsed->payloads[0].get<HashPayload>()->data[0], 0xFF);
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(parsed->payloads[i].offset, enc->spans[i].offset);
        EXPECT_EQ(parsed->payloads[i].size, enc->spans[i].size);
    }
}

TEST(PayloadChain, GenerateRejectsMismatchedTypeAndOversize) {
    std::vector<Payload> wrong = {Payload(PayloadType::ke, NoncePayload{Bytes(8, 1)})};
    EXPECT_FALSE(generate_chain(wrong).ok());
    std::vector<Payload> big = {KePayload{Bytes(65532, 1)}};
    auto r = generate_chain(big);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    std::vector<Payload> max = {KePayload{Bytes(65531, 1)}};
    EXPECT_TRUE(generate_chain(max).ok()) << "65535 bytes with the header is the limit";
    std::vector<Payload> bad_nonce = {NoncePayload{Bytes(7, 1)}};
    EXPECT_FALSE(generate_chain(bad_nonce).ok()) << "generate runs verify()";
    Proposal many{1, ProtocolId::isakmp, {}, std::vector<Transform>(256, Transform{1, 1, {}})};
    std::vector<Payload> too_many = {SaPayload{Doi::ipsec, kSitIdentityOnly, {many}}};
    EXPECT_FALSE(generate_chain(too_many).ok()) << "# of Transforms is one octet";
    DeletePayload mixed{Doi::ipsec, ProtocolId::esp, {{1, 2, 3, 4}, {1, 2}}};
    EXPECT_FALSE(encode_body(mixed).ok());
    Attribute bad_tv{1, true, {1, 2, 3}};
    EXPECT_FALSE(encode_attributes({bad_tv}).ok());
    Attribute af_bit{0x8001, false, {}};
    EXPECT_FALSE(encode_attributes({af_bit}).ok());
}

TEST(Message, GenerateAndParseCleartext) {
    Header h;
    h.initiator_cookie = {1, 2, 3, 4, 5, 6, 7, 8};
    h.exchange = ExchangeType::identity_protection;
    std::vector<Payload> ps = {
        SaPayload{Doi::ipsec, kSitIdentityOnly,
                  {Proposal{1, ProtocolId::isakmp, {}, {Transform{1, 1, {}}}}}},
        VendorIdPayload{Bytes{1, 2, 3, 4}}};
    auto wire = generate_message(h, ps);
    ASSERT_TRUE(wire.ok());
    EXPECT_EQ(load_be32(wire->data() + 24), wire->size());
    EXPECT_EQ((*wire)[16], uint8_t(PayloadType::sa));
    auto m = parse_message(*wire);
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    EXPECT_EQ(m->payloads.size(), 2u);
    EXPECT_EQ(m->count(PayloadType::vendor_id), 1u);
    EXPECT_NE(m->find<SaPayload>(), nullptr);
    EXPECT_EQ(m->index_of(PayloadType::vendor_id), 1u);
    EXPECT_EQ(m->index_of(PayloadType::ke), 2u);
    EXPECT_EQ(describe(*m), "ID_PROT mid=0 [ SA V ]");
    Header enc = h;
    enc.flags = kFlagEncryption;
    EXPECT_FALSE(generate_message(enc, ps).ok());
}

TEST(Message, ParseMessageRefusesEncryptedBodies) {
    Header h;
    h.initiator_cookie = {1, 1, 1, 1, 1, 1, 1, 1};
    h.exchange = ExchangeType::quick;
    h.flags = kFlagEncryption;
    h.next_payload = PayloadType::hash;
    Bytes wire = *encode_header(h, 16);
    wire.resize(wire.size() + 16, 0x42);
    auto m = parse_message(wire);
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.notify(), NotifyType::none) << "not the peer's fault: caller must decrypt";
}

TEST(Message, PaddingAfterLastPayloadOfDecryptedBody) {
    std::vector<Payload> ps = {HashPayload{Bytes(20, 9)}, NotifyPayload{
        Doi::ipsec, ProtocolId::isakmp, NotifyType::initial_contact, Bytes(16, 1), {}}};
    auto enc = generate_chain(ps);
    ASSERT_TRUE(enc.ok());
    Bytes padded = enc->bytes;
    padded.resize((padded.size() / 16 + 1) * 16, 0);
    std::size_t pad = padded.size() - enc->bytes.size();
    Header h;
    h.next_payload = enc->first;
    h.exchange = ExchangeType::informational;
    h.flags = kFlagEncryption;
    auto strict = parse_body(h, padded);
    ASSERT_FALSE(strict.ok());
    EXPECT_EQ(strict.notify(), NotifyType::unequal_payload_lengths);
    auto m = parse_body(h, padded, {.allow_padding = true});
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    EXPECT_EQ(m->padding, pad);
    EXPECT_NE(m->find_notify(NotifyType::initial_contact), nullptr);
    // HASH(1) input: everything after the HASH payload, padding excluded.
    EXPECT_EQ(to_hex(m->after(0)), to_hex(enc->after(0)));
}

TEST(Message, OpaqueBodiesAreKeptAndParsedLater) {
    // RFC 2409 §5.2: <IDii_b>PubKey_r and <Ni_b>PubKey_r in Main Mode message 3.
    std::vector<Payload> ps = {KePayload{Bytes(128, 1)},
                               Payload(PayloadType::id, OpaquePayload{Bytes(256, 0xEE)}),
                               Payload(PayloadType::nonce, OpaquePayload{Bytes(512, 0xDD)})};
    auto enc = generate_chain(ps);
    ASSERT_TRUE(enc.ok());
    EXPECT_FALSE(parse_chain(enc->bytes, enc->first).ok())
        << "512-byte ciphertext is not a valid plaintext nonce";
    auto chain = parse_chain(enc->bytes, enc->first,
                             {.opaque = {PayloadType::id, PayloadType::nonce}});
    ASSERT_TRUE(chain.ok()) << chain.error().to_string();
    EXPECT_NE(chain->payloads[1].get<OpaquePayload>(), nullptr);
    EXPECT_EQ(chain->payloads[1].type, PayloadType::id);
    // After decryption the body parses as a normal ID.
    Bytes plain_id = *encode_body(IdPayload::fqdn("peer"));
    auto id = parse_payload_body(PayloadType::id, plain_id);
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(std::get<IdPayload>(*id).to_string(), "peer");
}

}  // namespace
}  // namespace ikeoff::isakmp
