// AES-GCM and GMAC known answers: the McGrew/Viega GCM specification test
// cases 1-18 (including non-96-bit IVs) and the draft-mcgrew-gcm-test-01 ESP
// packets (AAD = SPI || [seq_hi ||] seq_lo, GMAC case with empty plaintext).
#include <gtest/gtest.h>

#include "ipsec_hls/gcm.hpp"
#include "tests/hls/vectors.hpp"

namespace ikeoff::hls_test {
namespace {

using namespace ipsec_hls;

struct GcmResult {
    Bytes out;
    std::string tag;
};

GcmResult run_gcm(const Bytes& key, const Bytes& iv, const Bytes& aad, const Bytes& in, bool encrypt,
                  std::size_t aad_split) {
    AesKey k;
    aes_expand_key(key.data(), uint32_t(key.size() * 8), k);
    uint8_t hpow[4][16];
    gcm_hash_powers(k, hpow);
    uint8_t j0[16];
    gcm_j0_any(hpow, iv.data(), uint32_t(iv.size()), j0);
    GcmResult r;
    r.out.resize(in.size());
    uint8_t tag[16];
    const std::size_t s = std::min(aad_split, aad.size());
    gcm_crypt(k, hpow, j0, aad.data(), uint32_t(s), aad.data() + s, uint32_t(aad.size() - s), in.data(),
              r.out.data(), uint32_t(in.size()), encrypt, tag);
    r.tag = to_hex(ByteView(tag, 16));
    return r;
}

TEST(HlsGcm, SpecTestCasesEncryptAndDecrypt) {
    auto j = load_vectors("aes_gcm_spec_mcgrew_viega.json");
    ASSERT_EQ(j["vectors"].size(), 18u);
    for (const auto& v : j["vectors"]) {
        Bytes key = hexfield(v, "key"), iv = hexfield(v, "iv"), aad = hexfield(v, "aad");
        Bytes pt = hexfield(v, "plaintext"), ct = hexfield(v, "ciphertext");
        std::string tag = v["tag"];
        // Splitting the AAD at odd places exercises the byte-run absorber.
        for (std::size_t split : {std::size_t(0), std::size_t(5), std::size_t(13)}) {
            auto e = run_gcm(key, iv, aad, pt, true, split);
            EXPECT_EQ(to_hex(e.out), to_hex(ct)) << "tc " << v["tc"];
            EXPECT_EQ(e.tag, tag) << "tc " << v["tc"] << " split " << split;
            auto d = run_gcm(key, iv, aad, ct, false, split);
            EXPECT_EQ(to_hex(d.out), to_hex(pt)) << "tc " << v["tc"];
            EXPECT_EQ(d.tag, tag) << "tc " << v["tc"];
        }
    }
}

TEST(HlsGcm, TamperedCiphertextChangesTheTag) {
    auto j = load_vectors("aes_gcm_spec_mcgrew_viega.json");
    const auto& v = j["vectors"][3];  // tc 4: AAD and a partial last block
    Bytes key = hexfield(v, "key"), iv = hexfield(v, "iv"), aad = hexfield(v, "aad");
    Bytes ct = hexfield(v, "ciphertext");
    ct.back() ^= 1;
    EXPECT_NE(run_gcm(key, iv, aad, ct, false, 0).tag, v["tag"].get<std::string>());
}

TEST(HlsGcm, DraftMcgrewEspPackets) {
    auto j = load_vectors("aes_gcm_esp_draft_mcgrew_gcm_test_01.json");
    std::size_t n = 0;
    for (const auto& v : j["vectors"]) {
        Bytes key = hexfield(v, "key"), nonce = hexfield(v, "nonce"), aad = hexfield(v, "aad");
        Bytes pt = hexfield(v, "plaintext"), packet = hexfield(v, "packet");
        // ESP always uses salt || IV as a 96-bit nonce (RFC 4106 §4).
        ASSERT_EQ(nonce.size(), 12u);
        if (v["algorithm"] == "AES-GMAC-ESP") {
            // RFC 4543: everything is AAD, nothing is encrypted.
            auto r = run_gcm(key, nonce, aad, Bytes{}, true, 12);
            EXPECT_EQ(r.tag, to_hex(ByteView(packet).last(16))) << "tc " << v["tc"];
        } else {
            auto r = run_gcm(key, nonce, aad, pt, true, aad.size());
            EXPECT_EQ(to_hex(r.out), v["ciphertext"].get<std::string>()) << "tc " << v["tc"];
            EXPECT_EQ(r.tag, v["tag"].get<std::string>()) << "tc " << v["tc"];
        }
        ++n;
    }
    EXPECT_EQ(n, 17u);
}

TEST(HlsGhash, AggregatedGroupingMatchesSerialHorner) {
    // 1..9 blocks: every remainder of the 4-way grouping, against the
    // one-block-at-a-time definition.
    uint8_t h[16], hpow[4][16];
    for (int i = 0; i < 16; ++i) h[i] = uint8_t(0x35 * i + 7);
    ghash_powers(h, hpow);
    uint8_t data[144];
    for (int i = 0; i < 144; ++i) data[i] = uint8_t(i * 13 + 1);
    for (uint32_t nb = 1; nb <= 9; ++nb) {
        Ghash g;
        ghash_init(g, hpow);
        ghash_absorb(g, data, nb * 16);
        uint8_t agg[16];
        ghash_final(g, agg);
        Gf128 y{0, 0}, hh = gf128_load(h);
        for (uint32_t b = 0; b < nb; ++b) y = gf128_mul(gf128_xor(y, gf128_load(data + 16 * b)), hh);
        uint8_t ser[16];
        gf128_store(y, ser);
        EXPECT_EQ(to_hex(ByteView(agg, 16)), to_hex(ByteView(ser, 16))) << nb;
    }
}

}  // namespace
}  // namespace ikeoff::hls_test
