// Garbage in: every parser returns an error or a value, never crashes or
// hangs. Deterministic mutations of valid inputs (seeded), so a failure
// reproduces; run under ASan/UBSan in the sanitizer CI configuration.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "host/config/config.hpp"
#include "host/config/secrets.hpp"
#include "host/ike/proposal_select.hpp"

namespace ikeoff::config {
namespace {

const char* kConfig =
    "config setup\n  uniqueids=no\nconn %default\n  keyingtries=3\nconn a\n  left=10.0.0.1\n  right=10.0.0.2\n"
    "  leftsubnet=10.1.0.0/16\n  rightid=\"C=CH, O=X, CN=y\"\n  authby=secret\n  ike=aes128-sha1-modp2048!\n"
    "  esp=aes128gcm16-modp2048\n  auto=add\n  also=b\nconn b\n  lifetime=1h\n";
const char* kSecrets = "10.0.0.1 10.0.0.2 : PSK \"x\"\n@a : PSK 0x0102\n: RSA k.pem \"p\"\n%any : PSK 0sAAEC\n";

std::string mutate(std::string s, std::mt19937& rng) {
    static const std::string kAlphabet = "=#\"\n \t-,!%@:/.abcdefghijklmnopqrstuvwxyz0123456789\\\x01\xff";
    int edits = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < edits && !s.empty(); ++i) {
        std::size_t pos = rng() % s.size();
        switch (rng() % 3) {
            case 0: s[pos] = kAlphabet[rng() % kAlphabet.size()]; break;
            case 1: s.erase(pos, 1 + rng() % 4); break;
            default: s.insert(pos, 1, kAlphabet[rng() % kAlphabet.size()]); break;
        }
    }
    return s;
}

TEST(Robustness, MutatedConfigsNeverCrash) {
    LoadOptions o;
    o.check_files = false;
    o.is_local_address = [](const IpAddress&) { return false; };
    std::mt19937 rng(1234);
    int ok = 0;
    for (int i = 0; i < 3000; ++i) {
        auto r = parse_config(mutate(kConfig, rng), "fuzz.conf", o);
        if (r.ok()) {
            ++ok;
        } else {
            EXPECT_TRUE(r.error().message.starts_with("fuzz.conf:")) << r.error().message;
        }
    }
    EXPECT_GT(ok, 0);   // some mutations stay valid: the corpus is meaningful
}

TEST(Robustness, MutatedSecretsNeverCrash) {
    SecretsOptions o;
    o.check_files = false;
    std::mt19937 rng(99);
    for (int i = 0; i < 3000; ++i) {
        auto r = Secrets::parse(mutate(kSecrets, rng), "fuzz.secrets", o);
        if (!r.ok()) {
            EXPECT_TRUE(r.error().message.starts_with("fuzz.secrets:")) << r.error().message;
        }
    }
}

TEST(Robustness, RandomTransformsNeverCrash) {
    std::mt19937 rng(7);
    auto policy = ike::Phase1Policy{};
    ike::Phase2Policy p2;
    p2.esp = ChildProposalList{};
    for (int i = 0; i < 3000; ++i) {
        ike::OfferedTransform t;
        t.number = static_cast<uint8_t>(rng());
        t.id = static_cast<uint8_t>(rng() % 25);
        int n = static_cast<int>(rng() % 8);
        for (int k = 0; k < n; ++k) {
            ike::OfferedAttribute a;
            a.type = static_cast<uint16_t>(rng() % 18);
            if (rng() % 8) a.value = rng() % 4 ? rng() % 30 : rng();
            t.attributes.push_back(a);
        }
        auto r1 = ike::select_phase1(policy, {t});
        if (!r1.ok()) {
            EXPECT_TRUE(r1.error().message.starts_with("no acceptable phase-1 proposal: ")) << r1.error().message;
        }
        ike::Phase2Offer o{1, {ike::OfferedProtocol{static_cast<uint8_t>(rng() % 5), Bytes(rng() % 6, 1), {t}}}};
        auto r2 = ike::select_phase2(p2, {o});
        if (!r2.ok()) {
            EXPECT_TRUE(r2.error().message.starts_with("no acceptable phase-2 proposal: ")) << r2.error().message;
        }
    }
}

}  // namespace
}  // namespace ikeoff::config
