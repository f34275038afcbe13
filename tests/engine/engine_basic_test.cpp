// Registry and the first end-to-end slice: AES-GCM tunnel ESP, checked
// field by field and decrypted by an independent OpenSSL call.
#include <openssl/evp.h>

#include "drivers/registry.hpp"
#include "host/ipsec/ip_packet.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace ikeoff::test {
namespace {

using ipsec::Direction;
using ipsec::PacketStatus;

TEST(Registry, ListsSoftAndRejectsUnknownNames) {
    auto names = drivers::available_drivers();
    EXPECT_NE(std::find(names.begin(), names.end(), "soft"), names.end());
    auto e = drivers::create_engine("no-such-driver");
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().message.find("soft"), std::string::npos) << e.error().message;
}

TEST(Registry, SoftRejectsUnknownProvider) {
    drivers::EngineOptions o;
    o.soft_provider = "gnutls";
    auto e = drivers::create_engine("soft", o);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().code, Errc::invalid_argument);
}

TEST(Registry, AutoFallsBackAndSaysSo) {
    drivers::EngineOptions o;
    std::string said;
    o.notice = [&](std::string_view s) { said = std::string(s); };
    auto e = drivers::create_engine("auto", o);
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_FALSE(said.empty());
    if ((*e)->driver_name() != "xrt") {
        EXPECT_EQ((*e)->driver_name(), "soft");
    }
}

TEST(Registry, SoftDescriptionNamesTheProvider) {
    drivers::EngineOptions o;
    o.soft_provider = "openssl";
    auto e = drivers::create_engine("soft", o);
    ASSERT_TRUE(e.ok());
    EXPECT_NE((*e)->description().find("OpenSSL"), std::string::npos);
    if (have_ipsecmb()) {
        o.soft_provider = "ipsec-mb";
        auto m = drivers::create_engine("soft", o);
        ASSERT_TRUE(m.ok()) << m.error().message;
        EXPECT_NE((*m)->description().find("intel-ipsec-mb"), std::string::npos) << (*m)->description();
    }
}

class GcmSlice : public EngineTest {};

TEST_P(GcmSlice, TunnelV4HeaderFieldsAndIndependentDecrypt) {
    auto p = make_sa("aes128gcm16", "none");
    p.seq = 0x10203;
    Bytes key(p.enc_key.data(), p.enc_key.data() + 16);
    Bytes salt(p.enc_key.data() + 16, p.enc_key.data() + 20);
    auto h = engine->add_sa(p.clone());
    ASSERT_TRUE(h.ok()) << h.error().message;

    Bytes inner = make_ipv4_udp(100, 7, 0xb8, true);
    One r = encap(*engine, inner, *h);
    ASSERT_EQ(r.status, PacketStatus::ok);
    EXPECT_EQ(r.seq, 0x10203u);
    const Bytes& o = r.out;
    // 20 outer + 8 ESP + 8 IV + (128 + 2 padded to 4 -> 132) + 16 ICV
    ASSERT_EQ(o.size(), 20u + 8 + 8 + 132 + 16);
    EXPECT_EQ(o[0], 0x45);
    EXPECT_EQ(o[1], 0xb8);                          // TOS copied
    EXPECT_EQ(load_be16(&o[2]), o.size());
    EXPECT_EQ(load_be16(&o[4]), 0x0203);            // ID = low 16 bits of seq
    EXPECT_EQ(load_be16(&o[6]), 0x4000);            // DF copied
    EXPECT_EQ(o[8], 64);
    EXPECT_EQ(o[9], ipsec::kProtoEsp);
    EXPECT_EQ(ipsec::internet_checksum(o.data(), 20), 0);
    EXPECT_EQ(Bytes(o.begin() + 12, o.begin() + 16), Bytes({192, 0, 2, 1}));
    EXPECT_EQ(load_be32(&o[20]), p.spi);
    EXPECT_EQ(load_be32(&o[24]), 0x10203u);
    EXPECT_EQ(load_be64(&o[28]), 0x10203u);         // IV = 64-bit sequence number

    // Independent decryption with a fresh EVP context.
    EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
    Bytes nonce = salt;
    nonce.insert(nonce.end(), o.begin() + 28, o.begin() + 36);
    ASSERT_EQ(EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), nullptr, key.data(), nonce.data()), 1);
    int l = 0;
    ASSERT_EQ(EVP_DecryptUpdate(c, nullptr, &l, &o[20], 8), 1);
    Bytes plain(132);
    ASSERT_EQ(EVP_DecryptUpdate(c, plain.data(), &l, &o[36], 132), 1);
    Bytes tag(o.end() - 16, o.end());
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, tag.data());
    EXPECT_EQ(EVP_DecryptFinal_ex(c, plain.data() + l, &l), 1);
    EVP_CIPHER_CTX_free(c);
    EXPECT_EQ(Bytes(plain.begin(), plain.begin() + 128), inner);
    // 128 + 2 needs 2 padding octets to reach a multiple of 4: 1 2, pad length 2, next header 4.
    EXPECT_EQ(Bytes(plain.begin() + 128, plain.end()), Bytes({1, 2, 2, 4}));
}

TEST_P(GcmSlice, RoundTripRestoresInnerPacket) {
    auto h = engine->add_sa(make_sa("aes256gcm16", "none"));
    ASSERT_TRUE(h.ok());
    for (std::size_t n : {0, 1, 2, 3, 4, 100, 1400}) {
        Bytes inner = make_ipv4_udp(n, uint8_t(n));
        One e = encap(*engine, inner, *h);
        ASSERT_EQ(e.status, PacketStatus::ok);
        One d = decap(*engine, e.out);
        ASSERT_EQ(d.status, PacketStatus::ok) << n;
        EXPECT_EQ(d.out, inner);
        EXPECT_EQ(d.sa, *h);
        EXPECT_EQ(d.seq, e.seq);
    }
}

INSTANTIATE_TEST_SUITE_P(Engines, GcmSlice, ::testing::ValuesIn(engine_kinds()),
                         [](const auto& i) { return i.param.label(); });

}  // namespace
}  // namespace ikeoff::test
