// ipsec.secrets parsing, best-match PSK lookup, and keeping secrets out of messages.
#include "host/config/secrets.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "host/config/config.hpp"
#include "host/config/credentials_check.hpp"

namespace ikeoff::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

SecretsOptions no_files() {
    SecretsOptions o;
    o.check_files = false;
    return o;
}

Secrets parse_ok(std::string_view text) {
    auto r = Secrets::parse(text, "ipsec.secrets", no_files());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(*r) : Secrets{};
}

std::string parse_error(std::string_view text) {
    auto r = Secrets::parse(text, "ipsec.secrets", no_files());
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : r.error().message;
}

Identity id(std::string_view text) { return *Identity::parse(text); }

std::string psk_text(const SecretEntry* e) {
    if (e == nullptr) return "(none)";
    return std::string(e->psk.view().begin(), e->psk.view().end());
}

TEST(Secrets, ValueEncodings) {
    auto s = parse_ok(
        "10.0.0.1 10.0.0.2 : PSK \"quoted secret # with hash\"\n"
        "@hex : PSK 0x736563726574\n"
        "@b64 : PSK 0sc2VjcmV0\n"
        "@bare : PSK bareword\n"
        "@lower : psk \"case-insensitive type\"\n");
    ASSERT_EQ(s.entries().size(), 5u);
    EXPECT_EQ(psk_text(&s.entries()[0]), "quoted secret # with hash");
    EXPECT_EQ(psk_text(&s.entries()[1]), "secret");
    EXPECT_EQ(psk_text(&s.entries()[2]), "secret");
    EXPECT_EQ(psk_text(&s.entries()[3]), "bareword");
    EXPECT_EQ(s.entries()[0].selectors.size(), 2u);
    EXPECT_EQ(s.entries()[0].where.to_string(), "ipsec.secrets:1");
    EXPECT_EQ(s.entries()[4].where.line, 5u);
}

TEST(Secrets, Base64Decoder) {
    EXPECT_EQ(*decode_base64("aGVsbG8="), (Bytes{'h', 'e', 'l', 'l', 'o'}));
    EXPECT_EQ(*decode_base64("aGVsbG8"), (Bytes{'h', 'e', 'l', 'l', 'o'}));
    EXPECT_EQ(*decode_base64("AAEC"), (Bytes{0, 1, 2}));
    EXPECT_FALSE(decode_base64("a").ok());
    EXPECT_FALSE(decode_base64("a$bc").ok());
}

TEST(Secrets, KeyEntriesAndTypes) {
    auto s = parse_ok(
        ": RSA moonKey.pem\n"
        "@sun : RSA /etc/keys/sun.pem \"pass phrase\"\n"
        ": DSA dss.pem 0x7071\n"
        "carol : XAUTH \"x\"\n"
        "alice@example.org : EAP \"x\"\n");
    ASSERT_EQ(s.entries().size(), 3u);
    EXPECT_EQ(s.entries()[0].type, SecretType::rsa);
    EXPECT_EQ(s.entries()[0].key_file, "./moonKey.pem");
    EXPECT_TRUE(s.entries()[0].passphrase.empty());
    EXPECT_EQ(s.entries()[1].key_file, "/etc/keys/sun.pem");
    EXPECT_EQ(s.entries()[1].passphrase.size(), 11u);
    EXPECT_EQ(s.entries()[2].type, SecretType::dsa);
    EXPECT_EQ(s.entries()[2].passphrase.size(), 2u);
    ASSERT_EQ(s.warnings().size(), 2u);
    EXPECT_EQ(s.warnings()[0], "ipsec.secrets:4: XAUTH secret ignored (not used by IKEv1 Main/Aggressive Mode)");
}

TEST(Secrets, ErrorsNameLineButNeverTheSecret) {
    EXPECT_EQ(parse_error(": ECDSA key.pem\n"),
              "ipsec.secrets:1: ECDSA private keys are not supported (ikeoffd has no ECDSA authentication); use RSA");
    EXPECT_EQ(parse_error("\n: PIN %smartcard:1 1234\n"), "ipsec.secrets:2: PIN (smartcard) entries are not supported");
    EXPECT_EQ(parse_error("@a PSK \"topsecret\"\n"),
              "ipsec.secrets:1: expected 'selectors : TYPE value' (the ':' needs white space around it)");
    EXPECT_EQ(parse_error("@a : PSK \"topsecret\n"), "ipsec.secrets:1: missing closing '\"'");
    EXPECT_EQ(parse_error("@a : PSK\n"), "ipsec.secrets:1: PSK needs exactly one value (quote secrets containing white space)");
    EXPECT_EQ(parse_error("@a : PSK top secret\n"),
              "ipsec.secrets:1: PSK needs exactly one value (quote secrets containing white space)");
    EXPECT_EQ(parse_error("@a : PSK 0xtopsecret\n"), "ipsec.secrets:1: PSK: bad hex after 0x");
    EXPECT_EQ(parse_error("@a : PSK 0s!!topsecret\n"), "ipsec.secrets:1: PSK: bad base64 after 0s");
    EXPECT_EQ(parse_error("@a : PSK \"\"\n"), "ipsec.secrets:1: PSK is empty");
    EXPECT_EQ(parse_error("@a : FOO x\n"), "ipsec.secrets:1: unknown secret type 'FOO' (PSK, RSA, DSA)");
    EXPECT_EQ(parse_error("@a :\n"), "ipsec.secrets:1: missing secret type after ':' (PSK, RSA, ...)");
    EXPECT_EQ(parse_error(": RSA k.pem %prompt\n"),
              "ipsec.secrets:1: RSA: %prompt is not supported (ikeoffd runs unattended); give the passphrase");
    EXPECT_THAT(parse_error("\"C=CH, XX=y\" : PSK topsecret\n"), HasSubstr("ipsec.secrets:1: selector"));
    for (const char* bad : {"@a : PSK 0xtopsecret\n", "@a : PSK top secret\n", "@a : PSK 0s!!topsecret\n"}) {
        EXPECT_THAT(parse_error(bad), Not(HasSubstr("topsecret")));
    }
}

TEST(Secrets, CommentsAndContinuationLines) {
    auto s = parse_ok(
        "# comment\n"
        "   \n"
        "10.0.0.1\n"
        "    10.0.0.2 : PSK \"continued\"   # trailing comment\n"
        "2001:db8::1 2001:db8::2 : PSK v6secret\n");
    ASSERT_EQ(s.entries().size(), 2u);
    EXPECT_EQ(s.entries()[0].selectors.size(), 2u);
    EXPECT_EQ(psk_text(&s.entries()[0]), "continued");
    EXPECT_EQ(s.entries()[1].selectors[0].type(), Identity::Type::ipv6_addr);
}

TEST(Secrets, BestMatchPriorities) {
    auto s = parse_ok(
        ": PSK \"anyone\"\n"
        "%any : PSK \"any-selector\"\n"
        "10.0.0.1 : PSK \"mine\"\n"
        "10.0.0.1 10.0.0.2 : PSK \"pair\"\n"
        "10.0.0.1 %any : PSK \"mine-to-any\"\n"
        "@moon @sun : PSK \"names\"\n"
        "10.0.0.5 10.0.0.6 : PSK \"others\"\n");
    auto me = id("10.0.0.1");
    // Exact pair beats everything.
    EXPECT_EQ(psk_text(s.find_psk(me, id("10.0.0.2"))), "pair");
    EXPECT_EQ(psk_text(s.find_psk(id("10.0.0.2"), me)), "pair");   // order inside the entry does not matter
    // Us + %any (3+1) beats us alone (3+0) beats no selectors (1+1).
    EXPECT_EQ(psk_text(s.find_psk(me, id("10.0.0.9"))), "mine-to-any");
    EXPECT_EQ(psk_text(s.find_psk(id("10.0.0.77"), id("10.0.0.9"))), "anyone");   // tie 2 vs 2: first wins
    // FQDN identities.
    EXPECT_EQ(psk_text(s.find_psk(id("@moon"), id("@sun"))), "names");
    EXPECT_EQ(psk_text(s.find_psk(id("@sun"), id("@moon"))), "names");
    // A multi-selector entry needs both sides: @moon with an unknown peer does not use "names".
    EXPECT_EQ(psk_text(s.find_psk(id("@moon"), id("@venus"))), "anyone");
    // The peer's address alone (Main Mode responder before the ID payload).
    EXPECT_EQ(psk_text(s.find_psk(id("10.0.0.6"), id("10.0.0.5"))), "others");
    EXPECT_EQ(Secrets::psk_score(s.entries()[3], me, id("10.0.0.2")), 6);
    EXPECT_EQ(Secrets::psk_score(s.entries()[2], me, id("10.0.0.2")), 3);
    EXPECT_EQ(Secrets::psk_score(s.entries()[6], me, id("10.0.0.2")), 0);
}

TEST(Secrets, NoMatchIsNull) {
    auto s = parse_ok("10.0.0.1 10.0.0.2 : PSK \"pair\"\n: RSA k.pem\n");
    EXPECT_EQ(s.find_psk(id("10.0.0.3"), id("10.0.0.4")), nullptr);
    EXPECT_NE(s.find_private_key(id("@anything"), SecretType::rsa), nullptr);
    EXPECT_EQ(s.find_private_key(id("@anything"), SecretType::dsa), nullptr);
}

TEST(Secrets, PrivateKeyByIdentity) {
    auto s = parse_ok(": RSA default.pem\n@moon : RSA moon.pem\n@sun @sun2 : RSA sun.pem\n");
    EXPECT_EQ(s.find_private_key(id("@moon"), SecretType::rsa)->key_file, "./moon.pem");
    EXPECT_EQ(s.find_private_key(id("@sun2"), SecretType::rsa)->key_file, "./sun.pem");
    EXPECT_EQ(s.find_private_key(id("@venus"), SecretType::rsa)->key_file, "./default.pem");
}

class SecretsFiles : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/ikeoff_secrets_XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& text) {
        std::string path = dir_ + "/" + name;
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        std::ofstream(path) << text;
        return path;
    }
    std::string dir_;
};

TEST_F(SecretsFiles, IncludesAndKeyFiles) {
    write("secrets.d/a.secrets", "@a : PSK \"from-include\"\n");
    write("keys/moon.pem", "key\n");
    std::string main = write("ipsec.secrets", "include secrets.d/*.secrets\n: RSA keys/moon.pem\n");
    auto s = Secrets::load(main);
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_EQ(s->entries().size(), 2u);
    EXPECT_EQ(s->entries()[0].where.file, dir_ + "/secrets.d/a.secrets");
    EXPECT_EQ(s->entries()[1].key_file, dir_ + "/keys/moon.pem");
    std::string bad = write("bad.secrets", ": RSA missing.pem\n");
    auto r = Secrets::load(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, bad + ":1: RSA: cannot read key file '" + dir_ + "/missing.pem'");
}

TEST(CredentialsCheck, PskAndKeysMustExistForEachConnection) {
    LoadOptions lo;
    lo.check_files = false;
    lo.is_local_address = [](const IpAddress& a) { return a == *IpAddress::parse("10.0.0.1"); };
    auto cfg = parse_config(
        "conn psk\n  left=10.0.0.1\n  right=10.0.0.2\n  authby=secret\n  auto=add\n"
        "conn sig\n  left=10.0.0.1\n  right=10.0.0.3\n  leftcert=moon.pem\n  auto=add\n",
        "ipsec.conf", lo);
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;

    auto good = parse_ok("10.0.0.1 10.0.0.2 : PSK \"x\"\n: RSA moon.key\n");
    EXPECT_TRUE(check_credentials(*cfg, good).ok());

    auto no_psk = parse_ok("10.0.0.1 10.0.0.9 : PSK \"x\"\n: RSA moon.key\n");
    auto r = check_credentials(*cfg, no_psk);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message,
              "ipsec.conf:1: conn 'psk': authby=secret but the secrets have no PSK for 10.0.0.1 <-> 10.0.0.2");

    auto no_key = parse_ok("10.0.0.1 10.0.0.2 : PSK \"x\"\n");
    auto r2 = check_credentials(*cfg, no_key);
    ASSERT_FALSE(r2.ok());
    EXPECT_EQ(r2.error().message, "ipsec.conf:6: conn 'sig': authby=rsasig but the secrets have no RSA private key");
}

}  // namespace
}  // namespace ikeoff::config
