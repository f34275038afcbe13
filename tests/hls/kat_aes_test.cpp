// AES block cipher and AES-CBC known answers: FIPS-197 appendices, NIST
// AESAVS CBC (GFSbox, KeySbox, VarKey, VarTxt, MMT) and RFC 3602 §4.
#include <gtest/gtest.h>

#include "ipsec_hls/aes.hpp"
#include "ipsec_hls/cbc.hpp"
#include "tests/hls/vectors.hpp"

namespace ikeoff::hls_test {
namespace {

using namespace ipsec_hls;

TEST(HlsAes, Fips197EncryptAndDecrypt) {
    auto j = load_vectors("aes_fips197.json");
    ASSERT_GE(j["vectors"].size(), 4u);
    for (const auto& v : j["vectors"]) {
        Bytes key = hexfield(v, "key"), pt = hexfield(v, "plaintext"), ct = hexfield(v, "ciphertext");
        AesKey k, dk;
        aes_expand_key(key.data(), uint32_t(key.size() * 8), k);
        aes_make_decrypt_key(k, dk);
        uint8_t out[16], back[16];
        aes_encrypt_block(k, pt.data(), out);
        EXPECT_EQ(to_hex(ByteView(out, 16)), to_hex(ct)) << v["name"];
        aes_decrypt_block(dk, ct.data(), back);
        EXPECT_EQ(to_hex(ByteView(back, 16)), to_hex(pt)) << v["name"];
    }
}

TEST(HlsAes, ScheduleSurvivesTheSaTableByteForm) {
    // The SA table stores the schedule as octets; the round trip must be lossless.
    uint8_t key[32];
    for (int i = 0; i < 32; ++i) key[i] = uint8_t(i * 7 + 1);
    for (uint32_t bits : {128u, 192u, 256u}) {
        AesKey k, k2;
        aes_expand_key(key, bits, k);
        uint8_t rk[240];
        aes_schedule_to_bytes(k, rk);
        aes_schedule_from_bytes(rk, k.rounds, k2);
        uint8_t pt[16] = {1, 2, 3}, a[16], b[16];
        aes_encrypt_block(k, pt, a);
        aes_encrypt_block(k2, pt, b);
        EXPECT_EQ(to_hex(ByteView(a, 16)), to_hex(ByteView(b, 16))) << bits;
    }
}

TEST(HlsAesCbc, AesavsKnownAnswersBothDirections) {
    auto j = load_vectors("aes_cbc_cavs_aesavs.json");
    std::size_t n = 0;
    for (const auto& v : j["vectors"]) {
        Bytes key = hexfield(v, "key"), iv = hexfield(v, "iv");
        Bytes pt = hexfield(v, "plaintext"), ct = hexfield(v, "ciphertext");
        ASSERT_EQ(pt.size(), ct.size());
        AesKey k, dk;
        aes_expand_key(key.data(), uint32_t(key.size() * 8), k);
        aes_make_decrypt_key(k, dk);
        Bytes out(pt.size());
        cbc_encrypt<AesCipher>(k, iv.data(), pt.data(), out.data(), uint32_t(pt.size()));
        ASSERT_EQ(to_hex(out), to_hex(ct)) << v["test_file"] << " #" << v["count"];
        cbc_decrypt<AesCipher>(dk, iv.data(), ct.data(), out.data(), uint32_t(ct.size()));
        ASSERT_EQ(to_hex(out), to_hex(pt)) << v["test_file"] << " #" << v["count"];
        ++n;
    }
    EXPECT_GE(n, 2000u);
}

TEST(HlsAesCbc, Rfc3602CasesInPlace) {
    auto j = load_vectors("aes_cbc_rfc3602.json");
    std::size_t n = 0;
    for (const auto& v : j["vectors"]) {
        if (v["type"] != "cbc") continue;
        Bytes key = hexfield(v, "key"), iv = hexfield(v, "iv");
        Bytes buf = hexfield(v, "plaintext"), ct = hexfield(v, "ciphertext");
        AesKey k;
        aes_expand_key(key.data(), 128, k);
        cbc_encrypt<AesCipher>(k, iv.data(), buf.data(), buf.data(), uint32_t(buf.size()));  // in == out
        EXPECT_EQ(to_hex(buf), to_hex(ct));
        ++n;
    }
    EXPECT_EQ(n, 4u);
}

}  // namespace
}  // namespace ikeoff::hls_test
