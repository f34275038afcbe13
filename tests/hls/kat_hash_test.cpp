// SHA-1/SHA-2/MD5 and HMAC known answers: FIPS 180 examples, RFC 2202
// (HMAC-MD5, HMAC-SHA-1), RFC 4231 (HMAC-SHA-256/384/512) and RFC 4868
// (PRF and truncated AUTH ICVs), plus the precomputed-state path the kernels use.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "ipsec_hls/hmac.hpp"
#include "ipsec_hls/md5.hpp"
#include "ipsec_hls/sha1.hpp"
#include "ipsec_hls/sha2.hpp"
#include "tests/hls/vectors.hpp"

namespace ikeoff::hls_test {
namespace {

using namespace ipsec_hls;

template <class H>
std::string hash_hex(const Bytes& m) {
    uint8_t d[64];
    md_hash<H>(m.data(), uint32_t(m.size()), d);
    return to_hex(ByteView(d, H::kDigest));
}

// Messages longer than one kernel packet: whole blocks straight through
// compress(), the remainder through md_hash_finish (as a packet would).
template <class H>
std::string hash_long_hex(uint8_t byte, std::size_t count) {
    uint64_t st[8];
    H::init(st);
    uint8_t blk[128];
    for (auto& b : blk) b = byte;
    std::size_t done = 0;
    while (count - done > 4 * H::kBlock) {
        H::compress(st, blk);
        done += H::kBlock;
    }
    Bytes rest(count - done, byte);
    uint8_t d[64];
    md_hash_finish<H>(st, done, rest.data(), uint32_t(rest.size()), rest.data(), 0, d);
    return to_hex(ByteView(d, H::kDigest));
}

template <class H>
std::string hmac_hex(const Bytes& key, const Bytes& data) {
    uint8_t mac[64];
    hmac<H>(key.data(), uint32_t(key.size()), data.data(), uint32_t(data.size()), mac);
    return to_hex(ByteView(mac, H::kDigest));
}

std::string dispatch_hash(const std::string& h, const Bytes& m) {
    if (h == "sha1") return hash_hex<Sha1>(m);
    if (h == "sha256") return hash_hex<Sha256>(m);
    if (h == "sha384") return hash_hex<Sha384>(m);
    if (h == "sha512") return hash_hex<Sha512>(m);
    if (h == "md5") return hash_hex<Md5>(m);
    return "unsupported:" + h;
}

std::string dispatch_long(const std::string& h, uint8_t byte, std::size_t count) {
    if (h == "sha1") return hash_long_hex<Sha1>(byte, count);
    if (h == "sha256") return hash_long_hex<Sha256>(byte, count);
    if (h == "sha384") return hash_long_hex<Sha384>(byte, count);
    if (h == "sha512") return hash_long_hex<Sha512>(byte, count);
    return "unsupported:" + h;
}

std::string dispatch_hmac(const std::string& h, const Bytes& k, const Bytes& m) {
    if (h == "sha1") return hmac_hex<Sha1>(k, m);
    if (h == "sha256") return hmac_hex<Sha256>(k, m);
    if (h == "sha384") return hmac_hex<Sha384>(k, m);
    if (h == "sha512") return hmac_hex<Sha512>(k, m);
    if (h == "md5") return hmac_hex<Md5>(k, m);
    return "unsupported:" + h;
}

TEST(HlsSha, Fips180Examples) {
    auto j = load_vectors("sha_fips180.json");
    std::size_t n = 0;
    for (const auto& v : j["vectors"]) {
        const std::string h = v["hash"];
        std::string got;
        if (v["message"].is_null()) {
            Bytes b = hexfield(v, "message_repeat_byte");
            got = dispatch_long(h, b.at(0), v["message_repeat_count"].get<std::size_t>());
        } else {
            got = dispatch_hash(h, hexfield(v, "message"));
        }
        EXPECT_EQ(got, v["digest"].get<std::string>()) << h << " " << v["message_name"];
        ++n;
    }
    EXPECT_EQ(n, 16u);
}

TEST(HlsMd5, Rfc1321Examples) {
    // RFC 1321 §A.5 test suite (a selection).
    EXPECT_EQ(dispatch_hash("md5", Bytes{}), "d41d8cd98f00b204e9800998ecf8427e");
    EXPECT_EQ(dispatch_hash("md5", Bytes{'a', 'b', 'c'}), "900150983cd24fb0d6963f7d28e17f72");
    std::string digits = "12345678901234567890123456789012345678901234567890123456789012345678901234567890";
    EXPECT_EQ(dispatch_hash("md5", Bytes(digits.begin(), digits.end())), "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(HlsHmac, Rfc2202) {
    auto j = load_vectors("hmac_rfc2202.json");
    std::size_t n = 0;
    for (const auto& v : j["vectors"]) {
        EXPECT_EQ(dispatch_hmac(v["hash"], hexfield(v, "key"), hexfield(v, "data")), v["digest"].get<std::string>())
            << v["alg"] << " case " << v["case"];
        ++n;
    }
    EXPECT_EQ(n, 14u);
}

TEST(HlsHmac, Rfc4231) {
    auto j = load_vectors("hmac_rfc4231.json");
    std::size_t n = 0;
    for (const auto& v : j["vectors"]) {
        if (v["hash"] == "sha224") continue;  // not an IPsec integrity algorithm
        std::string mac = v["mac"];
        std::string got = dispatch_hmac(v["hash"], hexfield(v, "key"), hexfield(v, "data"));
        EXPECT_EQ(got.substr(0, mac.size()), mac) << v["alg"] << " case " << v["case"];
        ++n;
    }
    EXPECT_EQ(n, 21u);
}

TEST(HlsHmac, Rfc4868PrfAndTruncatedIcv) {
    auto j = load_vectors("hmac_rfc4868.json");
    std::size_t n = 0;
    for (const auto& v : j["vectors"]) {
        std::string got = dispatch_hmac(v["hash"], hexfield(v, "key"), hexfield(v, "data"));
        EXPECT_EQ(got, v["prf_output"].get<std::string>()) << v["name"];
        if (v.contains("icv")) {
            std::string icv = v["icv"];
            EXPECT_EQ(got.substr(0, icv.size()), icv) << v["name"];
        }
        ++n;
    }
    EXPECT_EQ(n, 30u);
}

template <class H>
void check_states_with_tail() {
    // hmac_from_states(msg, tail) must equal HMAC(msg || tail) for every
    // message length around the block and padding boundaries.
    uint8_t key[64];
    for (int i = 0; i < 64; ++i) key[i] = uint8_t(i + 0x40);
    uint64_t in[8], out[8];
    hmac_precompute<H>(key, 32, in, out);
    Bytes msg(300);
    for (std::size_t i = 0; i < msg.size(); ++i) msg[i] = uint8_t(i * 31);
    const uint8_t tail[4] = {0xde, 0xad, 0xbe, 0xef};
    for (uint32_t len = 0; len <= 2 * H::kBlock + 3; ++len) {
        uint8_t a[64], b[64];
        hmac_from_states<H>(in, out, msg.data(), len, tail, 4, a);
        Bytes joined(msg.begin(), msg.begin() + len);
        joined.insert(joined.end(), tail, tail + 4);
        hmac<H>(key, 32, joined.data(), uint32_t(joined.size()), b);
        ASSERT_EQ(to_hex(ByteView(a, H::kDigest)), to_hex(ByteView(b, H::kDigest))) << len;
    }
}

TEST(HlsHmac, PrecomputedStatesWithEsnTail) {
    check_states_with_tail<Md5>();
    check_states_with_tail<Sha1>();
    check_states_with_tail<Sha256>();
    check_states_with_tail<Sha384>();
    check_states_with_tail<Sha512>();
}

}  // namespace
}  // namespace ikeoff::hls_test
