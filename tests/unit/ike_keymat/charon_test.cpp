// End to end against strongSwan: our keymat_v1, IvManager, CBC cipher and
// DH checks reproduce every intermediate value two charon 5.9.8 instances
// logged while negotiating:
//  - Main Mode aes128-sha1-modp2048 + Quick Mode ESP aes128-sha1;
//  - Aggressive Mode aes256-sha256-modp2048 + Quick Mode ESP aes256gcm16
//    with PFS (36-byte KEYMAT: K1|K2 expansion);
//  - Main Mode 3des-sha1-modp1024 + Quick Mode ESP 3des-sha1 with PFS
//    modp1024 (24-byte Ka from a 20-byte SKEYID_e: Appendix B expansion;
//    8-byte IV blocks; 44-byte KEYMAT: K1|K2|K3).
// Data: data/charon_samples.json, extracted once by data/extract_charon.py.
#include <gtest/gtest.h>

#include "host/crypto/cipher.hpp"
#include "host/crypto/dh.hpp"
#include "host/ike/iv_manager.hpp"
#include "host/ike/keymat_v1.hpp"
#include "tests/unit/crypto/test_util.hpp"

namespace ikeoff::ike {
namespace {

using testutil::hexb;
using nlohmann::json;

json samples() {
    static const json doc =
        testutil::load_json(std::string(IKEOFF_SOURCE_DIR) + "/tests/unit/ike_keymat/data/charon_samples.json");
    return doc["samples"];
}

class Charon : public ::testing::TestWithParam<int> {
protected:
    void SetUp() override {
        s = samples()[GetParam()];
        prf = testutil::hash_by_name(s["prf"]);
        psk = hexb(s["psk"]);
        ni = hexb(s["ni_b"]);
        nr = hexb(s["nr_b"]);
        ci = hexb(s["cky_i"]);
        cr = hexb(s["cky_r"]);
        gxy = hexb(s["gxy"]);
        gxi = hexb(s["gxi"]);
        gxr = hexb(s["gxr"]);
        cipher_alg = s["cipher"] == "3des" ? crypto::CipherAlg::tdes_cbc : crypto::CipherAlg::aes_cbc;
        group = static_cast<uint16_t>(s["group"].get<int>());
    }

    Result<Phase1Keymat> derive() const {
        Phase1Input in;
        in.prf = in.hash = prf;
        in.auth = AuthMethod::psk;
        in.pre_shared_key = psk;
        in.ni_b = ni;
        in.nr_b = nr;
        in.cky_i = ci;
        in.cky_r = cr;
        in.gxy = gxy;
        in.enc_key_len = static_cast<std::size_t>(s["enc_key_len"].get<int>());
        return Phase1Keymat::derive(in);
    }

    json s;
    HashAlg prf{};
    crypto::CipherAlg cipher_alg{};
    uint16_t group = 0;
    Bytes psk, ni, nr, ci, cr, gxy, gxi, gxr;
};

TEST_P(Charon, PskIsDemoSecret) { EXPECT_EQ(std::string(psk.begin(), psk.end()), "demo-secret"); }

TEST_P(Charon, Phase1KeysMatchCharon) {
    auto km = derive();
    ASSERT_TRUE(km.ok()) << km.error().message;
    const auto& e = s["expect"];
    EXPECT_EQ(to_hex(km->skeyid()), e["skeyid"].get<std::string>());
    EXPECT_EQ(to_hex(km->skeyid_d()), e["skeyid_d"].get<std::string>());
    EXPECT_EQ(to_hex(km->skeyid_a()), e["skeyid_a"].get<std::string>());
    EXPECT_EQ(to_hex(km->skeyid_e()), e["skeyid_e"].get<std::string>());
    EXPECT_EQ(to_hex(km->encryption_key()), e["ka"].get<std::string>());
}

TEST_P(Charon, KeValuesAreValidGroupValues) {
    auto g = crypto::DhGroup::well_known(group);
    ASSERT_TRUE(g.ok());
    EXPECT_TRUE(g->check_public_value(gxi).ok());
    EXPECT_TRUE(g->check_public_value(gxr).ok());
    EXPECT_EQ(gxy.size(), g->shared_secret_size());
    for (const auto& qm : s["quick_modes"]) {
        if (qm["ke_i"].get<std::string>().empty()) continue;  // no PFS
        EXPECT_TRUE(g->check_public_value(hexb(qm["ke_i"])).ok());
        EXPECT_TRUE(g->check_public_value(hexb(qm["ke_r"])).ok());
    }
}

TEST_P(Charon, HashIAndHashRMatchCharon) {
    auto km = derive();
    ASSERT_TRUE(km.ok());
    auto sai = hexb(s["sai_b"]), idii = hexb(s["idii_b"]), idir = hexb(s["idir_b"]);
    auto hi = km->hash_i(gxi, gxr, ci, cr, sai, idii);
    auto hr = km->hash_r(gxi, gxr, ci, cr, sai, idir);
    ASSERT_TRUE(hi.ok() && hr.ok());
    EXPECT_EQ(to_hex(*hi), s["expect"]["hash_i"].get<std::string>());
    EXPECT_EQ(to_hex(*hr), s["expect"]["hash_r"].get<std::string>());
    // Swapped IDs must not verify.
    EXPECT_NE(to_hex(*km->hash_i(gxi, gxr, ci, cr, sai, idir)), s["expect"]["hash_i"].get<std::string>());
}

TEST_P(Charon, IvChainAndDecryptionOfEveryEncryptedMessage) {
    auto km = derive();
    ASSERT_TRUE(km.ok());
    auto ivm = IvManager::create(prf, crypto::cipher_block_size(cipher_alg));
    ASSERT_TRUE(ivm.ok());
    ASSERT_TRUE(ivm->start_phase1(gxi, gxr).ok());
    EXPECT_EQ(to_hex(*ivm->iv(0)), s["expect"]["initial_iv"].get<std::string>());
    auto cipher = crypto::CbcCipher::create(cipher_alg, km->encryption_key());
    ASSERT_TRUE(cipher.ok());

    int n = 0;
    for (const auto& m : s["encrypted_messages"]) {
        const auto mid = m["mid"].get<uint32_t>();
        const std::string tag = "frame " + m["frame"].dump();
        auto iv = ivm->iv(mid);
        ASSERT_TRUE(iv.ok());
        EXPECT_EQ(to_hex(*iv), m["iv"].get<std::string>()) << tag;
        auto ct = hexb(m["ciphertext"]);
        auto pt = cipher->decrypt(*iv, ct);
        ASSERT_TRUE(pt.ok()) << tag;
        std::string want = m["plaintext"];  // payloads without the ISAKMP padding
        EXPECT_EQ(to_hex(*pt).substr(0, want.size()), want) << tag;
        // Re-encrypting gives charon's bytes back (padding included).
        EXPECT_EQ(to_hex(*cipher->encrypt(*iv, *pt)), to_hex(ct)) << tag;

        // Seen from the responder: messages from the initiator are inbound.
        const bool inbound = m["from"] == "initiator";
        ASSERT_TRUE(ivm->commit(mid, ct, inbound).ok());
        EXPECT_EQ(to_hex(*ivm->iv(mid)), m["next_iv"].get<std::string>()) << tag;
        EXPECT_EQ(ivm->is_retransmission(mid, ct), inbound) << tag;
        ++n;
    }
    EXPECT_GE(n, 4);

    // Informational exchanges start from the same phase-1 state.
    for (const auto& info : s["informationals"]) {
        EXPECT_EQ(to_hex(*ivm->iv(info["mid"].get<uint32_t>())), info["first_iv"].get<std::string>());
    }
}

TEST_P(Charon, QuickModeHashesMatchCharon) {
    auto km = derive();
    ASSERT_TRUE(km.ok());
    for (const auto& qm : s["quick_modes"]) {
        const auto mid = qm["mid"].get<uint32_t>();
        auto qni = hexb(qm["ni_b"]), qnr = hexb(qm["nr_b"]);
        EXPECT_EQ(to_hex(*km->qm_hash1(mid, hexb(qm["rest1"]))), qm["hash1"].get<std::string>());
        EXPECT_EQ(to_hex(*km->qm_hash2(mid, qni, hexb(qm["rest2"]))), qm["hash2"].get<std::string>());
        EXPECT_EQ(to_hex(*km->qm_hash3(mid, qni, qnr)), qm["hash3"].get<std::string>());
        // A different M-ID changes the hash.
        EXPECT_NE(to_hex(*km->qm_hash3(mid + 1, qni, qnr)), qm["hash3"].get<std::string>());
    }
}

TEST_P(Charon, EspKeymatMatchesCharon) {
    auto km = derive();
    ASSERT_TRUE(km.ok());
    for (const auto& qm : s["quick_modes"]) {
        auto qni = hexb(qm["ni_b"]), qnr = hexb(qm["nr_b"]), pfs = hexb(qm["pfs_gxy"]);
        std::optional<ByteView> g;
        if (!pfs.empty()) g = ByteView(pfs);
        const std::size_t enc = qm["enc_key_len"].get<std::size_t>(), integ = qm["integ_key_len"].get<std::size_t>();
        auto proto = static_cast<Protocol>(qm["protocol"].get<int>());
        ASSERT_EQ(proto, Protocol::esp);
        // The initiator's outbound SA has the SPI the responder chose (spi_r),
        // and the other way round.
        auto spi_r = load_be32(hexb(qm["spi_r"]).data()), spi_i = load_be32(hexb(qm["spi_i"]).data());
        auto ki = km->keymat(g, proto, spi_r, qni, qnr, enc + integ);
        auto kr = km->keymat(g, proto, spi_i, qni, qnr, enc + integ);
        ASSERT_TRUE(ki.ok() && kr.ok());
        std::string hi = to_hex(*ki), hr = to_hex(*kr);
        EXPECT_EQ(hi.substr(0, 2 * enc), qm["encr_i"].get<std::string>());
        EXPECT_EQ(hi.substr(2 * enc), qm["integ_i"].get<std::string>());
        EXPECT_EQ(hr.substr(0, 2 * enc), qm["encr_r"].get<std::string>());
        EXPECT_EQ(hr.substr(2 * enc), qm["integ_r"].get<std::string>());
    }
}

TEST_P(Charon, InformationalHashesMatchCharon) {
    auto km = derive();
    ASSERT_TRUE(km.ok());
    int n = 0;
    for (const auto& info : s["informationals"]) {
        auto h = km->informational_hash(info["mid"].get<uint32_t>(), hexb(info["rest"]));
        ASSERT_TRUE(h.ok());
        EXPECT_EQ(to_hex(*h), info["hash"].get<std::string>());
        ++n;
    }
    EXPECT_EQ(n, 2);  // Delete of the ESP SA, then of the ISAKMP SA
}

std::string sample_name(const ::testing::TestParamInfo<int>& info) {
    static const char* kNames[] = {"MainModeAes128Sha1", "AggressiveModeAes256Sha256Pfs", "MainMode3desSha1Modp1024Pfs"};
    return kNames[info.param];
}

INSTANTIATE_TEST_SUITE_P(StrongSwan, Charon, ::testing::Values(0, 1, 2), sample_name);

TEST(CharonData, AllSamplesPresent) { EXPECT_EQ(samples().size(), 3u); }

TEST(CharonData, TripleDesSampleNeedsAppendixBExpansion) {
    // The property that makes sample 2 worth having: Ka is longer than
    // SKEYID_e, and KEYMAT needs three PRF blocks.
    const auto s = samples()[2];
    EXPECT_EQ(s["expect"]["skeyid_e"].get<std::string>().size(), 40u);
    EXPECT_EQ(s["expect"]["ka"].get<std::string>().size(), 48u);
    EXPECT_EQ(s["quick_modes"][0]["enc_key_len"].get<int>() + s["quick_modes"][0]["integ_key_len"].get<int>(), 44);
}

}  // namespace
}  // namespace ikeoff::ike
