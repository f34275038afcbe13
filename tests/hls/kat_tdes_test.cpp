// 3DES-EDE CBC known answers: NIST CAVP TDES (varkey, vartext, invperm,
// permop, subtab, MMT 1/2/3-key), encrypt and decrypt.
#include <gtest/gtest.h>

#include "ipsec_hls/cbc.hpp"
#include "tests/hls/vectors.hpp"

namespace ikeoff::hls_test {
namespace {

using namespace ipsec_hls;

TEST(HlsTdesCbc, CavsKnownAnswersBothDirections) {
    auto j = load_vectors("tdes_cbc_cavs.json");
    std::size_t n = 0;
    for (const auto& v : j["vectors"]) {
        Bytes key = hexfield(v, "key"), iv = hexfield(v, "iv");
        Bytes pt = hexfield(v, "plaintext"), ct = hexfield(v, "ciphertext");
        ASSERT_EQ(key.size(), 24u);
        TdesKey k;
        tdes_key_schedule(key.data(), k);
        Bytes out(pt.size());
        cbc_encrypt<TdesCipher>(k, iv.data(), pt.data(), out.data(), uint32_t(pt.size()));
        ASSERT_EQ(to_hex(out), to_hex(ct)) << v["test_file"] << " #" << v["count"];
        cbc_decrypt<TdesCipher>(k, iv.data(), ct.data(), out.data(), uint32_t(ct.size()));
        ASSERT_EQ(to_hex(out), to_hex(pt)) << v["test_file"] << " #" << v["count"];
        ++n;
    }
    EXPECT_EQ(n, 530u);
}

}  // namespace
}  // namespace ikeoff::hls_test
