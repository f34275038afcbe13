// `ikeoffctl status` text rendering: what it shows, and that no shape of
// reply (older/newer daemon, garbage) makes it throw.
#include "host/ctl/status_text.hpp"

#include <gtest/gtest.h>

namespace ikeoff::ctl {
namespace {

using nlohmann::json;

json sample() {
    return json::parse(R"J({
      "daemon": {"engine": "soft", "engine_description": "soft (test)", "listening": ["0.0.0.0:500", "0.0.0.0:4500"],
                 "tun": "ikeoff0", "uptime_s": 12, "keys_reported": true},
      "connections": [{"name": "home", "local": "10.0.0.2", "remote": "10.0.0.1", "local_id": "10.0.0.2",
                       "remote_id": "10.0.0.1", "auth": "secret", "aggressive": false, "ike": "aes128-sha1-modp2048!",
                       "esp": "aes128-sha1!", "mode": "tunnel", "auto": "add",
                       "local_ts": ["10.2.0.0/24"], "remote_ts": ["10.1.0.0/24"]}],
      "isakmp_sas": [{"id": 3, "conn": "home", "state": "established", "initiator": true, "exchange": "main",
                      "auth": "psk", "local": "10.0.0.2:4500", "remote": "10.0.0.1:4500", "local_id": "10.0.0.2",
                      "remote_id": "10.0.0.1", "cookie_i": "0011223344556677", "cookie_r": "8899aabbccddeeff",
                      "proposal": "aes128-sha1-modp2048", "nat_local": false, "nat_remote": true,
                      "lifetime_s": 10800, "age_s": 5, "expires_in_s": 10795}],
      "ipsec_sas": [{"id": 1, "conn": "home", "isakmp_sa": 3, "manual": false, "state": "installed",
                     "protocol": "esp", "mode": "tunnel", "spi_in": "0xc1234567", "spi_out": "0xc7654321",
                     "enc": "aes128", "integ": "sha1", "encap": {"sport": 4500, "dport": 4500},
                     "local_ts": "10.2.0.0/24", "remote_ts": "10.1.0.0/24", "pfs_group": 14, "lifetime_s": 3600,
                     "rekey_in_s": 3000, "expires_in_s": 3595,
                     "in": {"spi": "0xc1234567", "packets": 3, "bytes": 252, "drops": {"replay": 1}},
                     "out": {"spi": "0xc7654321", "packets": 4, "bytes": 336, "drops": {}},
                     "keys": {"in": {"enc": "aa", "integ": "bb"}, "out": {"enc": "cc", "integ": "dd"}}}],
      "datapath": {"tun_in": 4, "esp_out": 4, "esp_in": 4, "tun_out": 3,
                   "drops": {"no_policy": 2, "engine_in": {"replay": 1}}},
      "sockets": {"ike_in": 6, "ike_out": 6, "keepalives": 1, "malformed": 0}
    })J");
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(StatusText, ShowsConnectionsSasAndCounters) {
    std::string t = render_status_text(sample());
    EXPECT_TRUE(has(t, "ikeoffd: engine soft (test), up 12s")) << t;
    EXPECT_TRUE(has(t, "home: 10.0.0.2...10.0.0.1  IKEv1 main mode, secret, auto=add")) << t;
    EXPECT_TRUE(has(t, "home #3: ESTABLISHED, 10.0.0.2:4500[10.0.0.2]...10.0.0.1:4500[10.0.0.1]")) << t;
    EXPECT_TRUE(has(t, "cookies 0011223344556677_i 8899aabbccddeeff_r, remote host behind NAT")) << t;
    EXPECT_TRUE(has(t, "home #1: INSTALLED, ESP in UDP 4500->4500, tunnel, SPIs c1234567_i c7654321_o")) << t;
    EXPECT_TRUE(has(t, "aes128/sha1, PFS group 14, lifetime 3600s, rekey in 3000s, expires in 3595s")) << t;
    EXPECT_TRUE(has(t, "in   0xc1234567, 252 bytes, 3 packets, dropped: replay=1")) << t;
    EXPECT_TRUE(has(t, "10.2.0.0/24 === 10.1.0.0/24")) << t;
    EXPECT_TRUE(has(t, "key in: enc aa integ bb")) << t;
    EXPECT_TRUE(has(t, "drops: engine_in:replay=1 no_policy=2")) << t;
    EXPECT_TRUE(has(t, "IKE messages: 6 in, 6 out, 1 NAT keepalives, 0 malformed")) << t;
}

TEST(StatusText, EmptyAndOddDocumentsNeverThrow) {
    for (const char* text : {"{}", "[]", "null", "42", R"({"daemon": 5, "connections": {"a": 1}})",
                             R"({"ipsec_sas": [{"spi_in": 7, "encap": "yes", "in": []}, 3]})",
                             R"({"isakmp_sas": [null, {"id": "x", "age_s": "old"}]})",
                             R"({"datapath": {"drops": [1, 2]}, "sockets": "none"})"}) {
        json j = json::parse(text);
        std::string out;
        EXPECT_NO_THROW(out = render_status_text(j)) << text;
        EXPECT_TRUE(has(out, "IPsec SAs")) << text;
    }
}

}  // namespace
}  // namespace ikeoff::ctl
