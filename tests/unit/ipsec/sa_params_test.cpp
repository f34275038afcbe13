#include "host/ipsec/sa.hpp"

#include <gtest/gtest.h>

namespace ikeoff::ipsec {
namespace {

SaParams gcm_tunnel() {
    SaParams p;
    p.spi = 0x1234abcd;
    p.src = *IpAddress::parse("192.0.2.1");
    p.dst = *IpAddress::parse("192.0.2.2");
    p.enc = *parse_enc_keyword("aes128gcm16");
    p.enc_key = SecretBytes(20);
    return p;
}

TEST(SaParams, ValidGcmTunnelPasses) { EXPECT_TRUE(validate(gcm_tunnel()).ok()); }

TEST(SaParams, GcmKeyWithoutSaltIsRejectedWithSizes) {
    auto p = gcm_tunnel();
    p.enc_key = SecretBytes(16);
    auto s = validate(p);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message, "enc_key: aes128gcm16 needs 20 bytes (16 key + 4 salt), got 16");
}

TEST(SaParams, AeadWithIntegrityIsRejected) {
    auto p = gcm_tunnel();
    p.integ = IntegAlg::hmac_sha1_96;
    p.integ_key = SecretBytes(20);
    EXPECT_FALSE(validate(p).ok());
}

TEST(SaParams, Md5NeedsAllowWeak) {
    auto p = gcm_tunnel();
    p.enc = *parse_enc_keyword("aes128");
    p.enc_key = SecretBytes(16);
    p.integ = IntegAlg::hmac_md5_96;
    p.integ_key = SecretBytes(16);
    EXPECT_FALSE(validate(p).ok());
    p.allow_weak = true;
    EXPECT_TRUE(validate(p).ok());
}

TEST(SaParams, TunnelNeedsAddressesOfOneFamily) {
    auto p = gcm_tunnel();
    p.dst = *IpAddress::parse("2001:db8::1");
    EXPECT_FALSE(validate(p).ok());
    p.dst = IpAddress{};
    EXPECT_FALSE(validate(p).ok());
}

TEST(SaParams, ReservedSpiAndHugeWindowAndSeqRange) {
    auto p = gcm_tunnel();
    p.spi = 255;
    EXPECT_FALSE(validate(p).ok());
    p = gcm_tunnel();
    p.replay_window = kMaxReplayWindow + 1;
    EXPECT_FALSE(validate(p).ok());
    p = gcm_tunnel();
    p.seq = 0x100000000ULL;
    EXPECT_FALSE(validate(p).ok());
    p.esn = true;
    EXPECT_TRUE(validate(p).ok());
}

TEST(SaParams, AhNeedsIntegrityAndNoCipher) {
    SaParams p;
    p.spi = 0x1000;
    p.protocol = Protocol::ah;
    p.mode = Mode::transport;
    EXPECT_FALSE(validate(p).ok());
    p.integ = IntegAlg::hmac_sha256_128;
    p.integ_key = SecretBytes(32);
    EXPECT_TRUE(validate(p).ok());
    p.encap = UdpEncap{};
    EXPECT_FALSE(validate(p).ok());
}

TEST(Algorithms, KeywordsMapToSizes) {
    auto t = *parse_enc_keyword("aes256gcm16");
    EXPECT_EQ(keymat_enc_bytes(t), 36u);
    EXPECT_EQ(iv_bytes(t.alg), 8u);
    EXPECT_EQ(icv_bytes(t.alg, IntegAlg::none), 16u);
    EXPECT_EQ(enc_keyword(t), "aes256gcm16");
    EXPECT_EQ(icv_bytes(*parse_integ_keyword("sha384")), 24u);
    EXPECT_FALSE(parse_enc_keyword("blowfish").ok());
    EXPECT_FALSE(parse_integ_keyword("crc32").ok());
    EXPECT_EQ(esp_transform_id(EncAlg::aes_gcm16), 20);
    EXPECT_EQ(*integ_from_auth_attribute(5), IntegAlg::hmac_sha256_128);
}

}  // namespace
}  // namespace ikeoff::ipsec
