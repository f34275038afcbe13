// SA JSON parsing: every field's effect, every error's wording (each must
// name its field), and the file loader's errors.
#include "host/ipsec/sa_json.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace ikeoff::ipsec {
namespace {

using nlohmann::json;

const std::string kGcmKey = "000102030405060708090a0b0c0d0e0f" "a0a1a2a3";  // 16 key + 4 salt

json gcm_tunnel() {
    return json{{"spi", "0x1234abcd"}, {"protocol", "esp"},  {"mode", "tunnel"},
                {"src", "192.0.2.1"},  {"dst", "192.0.2.2"}, {"enc", "aes128gcm16"},
                {"enc_key", kGcmKey}};
}

json cbc_sha256_transport() {
    return json{{"spi", "0xc0ffee01"},
                {"mode", "transport"},
                {"enc", "aes256"},
                {"integ", "sha256"},
                {"enc_key", std::string(64, 'a')},
                {"integ_key", std::string(64, 'b')}};
}

// The error text for a document that must be rejected.
std::string error_of(const json& j) {
    auto r = sa_from_json(j);
    EXPECT_FALSE(r.ok()) << j.dump();
    return r.ok() ? std::string() : r.error().message;
}

TEST(SaJson, MinimalGcmTunnelHasDocumentedDefaults) {
    auto r = sa_from_json(gcm_tunnel());
    ASSERT_TRUE(r.ok()) << r.error().message;
    const SaParams& p = *r;
    EXPECT_EQ(p.spi, 0x1234abcdu);
    EXPECT_EQ(p.protocol, Protocol::esp);
    EXPECT_EQ(p.mode, Mode::tunnel);
    EXPECT_EQ(p.direction, SaDirection::both);
    EXPECT_EQ(p.src, *IpAddress::parse("192.0.2.1"));
    EXPECT_EQ(p.dst, *IpAddress::parse("192.0.2.2"));
    EXPECT_EQ(p.enc, (EncTransform{EncAlg::aes_gcm16, 128}));
    EXPECT_EQ(p.integ, IntegAlg::none);
    EXPECT_EQ(to_hex(p.enc_key), kGcmKey);
    EXPECT_TRUE(p.integ_key.empty());
    EXPECT_EQ(p.seq, 1u);
    EXPECT_FALSE(p.esn);
    EXPECT_EQ(p.replay_window, kDefaultReplayWindow);
    EXPECT_FALSE(p.encap.has_value());
    EXPECT_FALSE(p.allow_weak);
    EXPECT_EQ(p.soft, Lifetime{});
    EXPECT_EQ(p.hard, Lifetime{});
    EXPECT_FALSE(p.iv_seed.has_value());
}

TEST(SaJson, EveryOptionalFieldIsApplied) {
    json j = cbc_sha256_transport();
    j["spi"] = "DEADBEEF";  // no prefix, upper case
    j["direction"] = "in";
    j["src"] = "2001:db8::1";
    j["dst"] = "2001:db8::2";
    j["seq"] = 4294967296ULL;  // needs ESN
    j["esn"] = true;
    j["replay_window"] = 4096;
    j["encap"] = {{"sport", 1234}, {"dport", 4501}};
    j["soft"] = {{"bytes", 1000}, {"packets", 10}};
    j["hard"] = {{"bytes", 2000}, {"packets", 20}};
    j["iv_seed"] = "0x00112233445566778899aabbccddeeff";
    auto r = sa_from_json(j);
    ASSERT_TRUE(r.ok()) << r.error().message;
    const SaParams& p = *r;
    EXPECT_EQ(p.spi, 0xdeadbeefu);
    EXPECT_EQ(p.mode, Mode::transport);
    EXPECT_EQ(p.direction, SaDirection::inbound);
    EXPECT_TRUE(p.src.is_v6());
    EXPECT_EQ(p.dst.to_string(), "2001:db8::2");
    EXPECT_EQ(p.enc, (EncTransform{EncAlg::aes_cbc, 256}));
    EXPECT_EQ(p.integ, IntegAlg::hmac_sha256_128);
    EXPECT_EQ(p.enc_key.size(), 32u);
    EXPECT_EQ(p.enc_key.data()[0], 0xaa);
    EXPECT_EQ(p.integ_key.size(), 32u);
    EXPECT_EQ(p.integ_key.data()[31], 0xbb);
    EXPECT_EQ(p.seq, 4294967296ULL);
    EXPECT_TRUE(p.esn);
    EXPECT_EQ(p.replay_window, 4096u);
    ASSERT_TRUE(p.encap.has_value());
    EXPECT_EQ(p.encap->src_port, 1234);
    EXPECT_EQ(p.encap->dst_port, 4501);
    EXPECT_EQ(p.soft, (Lifetime{1000, 10}));
    EXPECT_EQ(p.hard, (Lifetime{2000, 20}));
    ASSERT_TRUE(p.iv_seed.has_value());
    EXPECT_EQ((*p.iv_seed)[0], 0x00);
    EXPECT_EQ((*p.iv_seed)[15], 0xff);
}

TEST(SaJson, DirectionKeywords) {
    for (auto [text, want] : {std::pair{"out", SaDirection::outbound}, std::pair{"outbound", SaDirection::outbound},
                              std::pair{"in", SaDirection::inbound}, std::pair{"both", SaDirection::both}}) {
        json j = gcm_tunnel();
        j["direction"] = text;
        auto r = sa_from_json(j);
        ASSERT_TRUE(r.ok()) << text;
        EXPECT_EQ(r->direction, want) << text;
    }
}

TEST(SaJson, EncapTrueMeans4500BothWaysAndFalseMeansNone) {
    json j = gcm_tunnel();
    j["encap"] = true;
    auto on = sa_from_json(j);
    ASSERT_TRUE(on.ok());
    ASSERT_TRUE(on->encap.has_value());
    EXPECT_EQ(on->encap->src_port, 4500);
    EXPECT_EQ(on->encap->dst_port, 4500);
    j["encap"] = false;
    auto off = sa_from_json(j);
    ASSERT_TRUE(off.ok());
    EXPECT_FALSE(off->encap.has_value());
    j["encap"] = json::object({{"dport", 4600}});
    auto partial = sa_from_json(j);
    ASSERT_TRUE(partial.ok());
    EXPECT_EQ(partial->encap->src_port, 4500);
    EXPECT_EQ(partial->encap->dst_port, 4600);
}

TEST(SaJson, EveryEncKeywordOfTheIssueParses) {
    struct Case {
        const char* keyword;
        EncTransform t;
        std::size_t key_bytes;
        const char* integ;
        std::size_t integ_bytes;
    };
    const Case cases[] = {
        {"aes128gcm16", {EncAlg::aes_gcm16, 128}, 20, "none", 0},
        {"aes192gcm16", {EncAlg::aes_gcm16, 192}, 28, "none", 0},
        {"aes256gcm16", {EncAlg::aes_gcm16, 256}, 36, "none", 0},
        {"aes128gmac", {EncAlg::aes_gmac, 128}, 20, "none", 0},
        {"aes128", {EncAlg::aes_cbc, 128}, 16, "sha1", 20},
        {"aes192", {EncAlg::aes_cbc, 192}, 24, "sha384", 48},
        {"aes256", {EncAlg::aes_cbc, 256}, 32, "sha512", 64},
        {"3des", {EncAlg::tdes_cbc, 192}, 24, "sha256", 32},
        {"null", {EncAlg::null, 0}, 0, "sha1", 20},
    };
    for (const auto& c : cases) {
        json j = gcm_tunnel();
        j["enc"] = c.keyword;
        j["enc_key"] = std::string(c.key_bytes * 2, '1');
        j["integ"] = c.integ;
        if (c.integ_bytes) j["integ_key"] = std::string(c.integ_bytes * 2, '2');
        auto r = sa_from_json(j);
        ASSERT_TRUE(r.ok()) << c.keyword << ": " << r.error().message;
        EXPECT_EQ(r->enc, c.t) << c.keyword;
        EXPECT_EQ(r->enc_key.size(), c.key_bytes) << c.keyword;
    }
}

TEST(SaJson, AhNeedsNoEnc) {
    json j{{"spi", "0x1000"},      {"protocol", "ah"}, {"mode", "transport"},
           {"integ", "sha1"},      {"integ_key", std::string(40, 'c')}};
    auto r = sa_from_json(j);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->protocol, Protocol::ah);
    EXPECT_EQ(r->integ, IntegAlg::hmac_sha1_96);
}

TEST(SaJson, Md5NeedsAllowWeak) {
    json j = cbc_sha256_transport();
    j["integ"] = "md5";
    j["integ_key"] = std::string(32, 'd');
    EXPECT_EQ(error_of(j), "integ: md5 is weak and must be explicitly allowed (allow_weak)");
    j["allow_weak"] = true;
    auto r = sa_from_json(j);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->allow_weak);
}

struct ErrorCase {
    const char* name;
    const char* field;  // the field the message must start with
    std::function<void(json&)> mutate;
};

class SaJsonErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(SaJsonErrors, MessageNamesTheField) {
    json j = gcm_tunnel();
    GetParam().mutate(j);
    std::string msg = error_of(j);
    EXPECT_EQ(msg.rfind(GetParam().field, 0), 0u) << "message: " << msg;
}

const ErrorCase kErrorCases[] = {
    {"UnknownField", "replay_windw:", [](json& j) { j["replay_windw"] = 64; }},
    {"SpiMissing", "spi:", [](json& j) { j.erase("spi"); }},
    {"SpiNotString", "spi:", [](json& j) { j["spi"] = 0x1234; }},
    {"SpiNotHex", "spi:", [](json& j) { j["spi"] = "0x12g4"; }},
    {"SpiTooLong", "spi:", [](json& j) { j["spi"] = "0x123456789"; }},
    {"SpiEmpty", "spi:", [](json& j) { j["spi"] = "0x"; }},
    {"SpiReserved", "spi:", [](json& j) { j["spi"] = "0xff"; }},
    {"ProtocolUnknown", "protocol:", [](json& j) { j["protocol"] = "gre"; }},
    {"ProtocolNotString", "protocol:", [](json& j) { j["protocol"] = 50; }},
    {"ModeUnknown", "mode:", [](json& j) { j["mode"] = "beet"; }},
    {"DirectionUnknown", "direction:", [](json& j) { j["direction"] = "sideways"; }},
    {"SrcNotAddress", "src:", [](json& j) { j["src"] = "192.0.2.300"; }},
    {"DstNotString", "dst:", [](json& j) { j["dst"] = json::array({192, 0, 2, 2}); }},
    {"TunnelWithoutAddresses", "src/dst:", [](json& j) { j.erase("src"); }},
    {"MixedFamilies", "src/dst:", [](json& j) { j["dst"] = "2001:db8::2"; }},
    {"EncMissing", "enc:", [](json& j) { j.erase("enc"); }},
    {"EncUnknown", "enc:", [](json& j) { j["enc"] = "aes128ctr"; }},
    {"IntegUnknown", "integ:", [](json& j) { j["integ"] = "sha3"; }},
    {"AeadWithInteg", "integ:", [](json& j) { j["integ"] = "sha1"; j["integ_key"] = std::string(40, '0'); }},
    {"EncKeyMissing", "enc_key:", [](json& j) { j.erase("enc_key"); }},
    {"EncKeyWithoutSalt", "enc_key:", [](json& j) { j["enc_key"] = std::string(32, '0'); }},
    {"EncKeyOddDigits", "enc_key:", [](json& j) { j["enc_key"] = "abc"; }},
    {"EncKeyNotHex", "enc_key:", [](json& j) { j["enc_key"] = std::string(38, '0') + "zz"; }},
    {"EncKeyNotString", "enc_key:", [](json& j) { j["enc_key"] = 7; }},
    {"IntegKeyWrongLength", "integ_key:", [](json& j) {
         j["enc"] = "aes128"; j["enc_key"] = std::string(32, '0');
         j["integ"] = "sha1"; j["integ_key"] = std::string(32, '0'); }},
    {"SeqZero", "seq:", [](json& j) { j["seq"] = 0; }},
    {"SeqNegative", "seq:", [](json& j) { j["seq"] = -1; }},
    {"SeqFraction", "seq:", [](json& j) { j["seq"] = 1.5; }},
    {"SeqString", "seq:", [](json& j) { j["seq"] = "1"; }},
    {"SeqBeyond32BitsWithoutEsn", "seq:", [](json& j) { j["seq"] = 4294967296ULL; }},
    {"EsnNotBool", "esn:", [](json& j) { j["esn"] = "yes"; }},
    {"ReplayWindowTooLarge", "replay_window:", [](json& j) { j["replay_window"] = 4097; }},
    {"ReplayWindowNegative", "replay_window:", [](json& j) { j["replay_window"] = -64; }},
    {"EncapWrongType", "encap:", [](json& j) { j["encap"] = "udp"; }},
    {"EncapUnknownKey", "encap.port:", [](json& j) { j["encap"] = {{"port", 4500}}; }},
    {"EncapPortTooLarge", "encap.sport:", [](json& j) { j["encap"] = {{"sport", 70000}}; }},
    {"EncapPortZero", "encap:", [](json& j) { j["encap"] = {{"dport", 0}}; }},
    {"EncapWithAh", "encap:", [](json& j) {
         j = json{{"spi", "0x1000"}, {"protocol", "ah"}, {"mode", "transport"}, {"integ", "sha1"},
                  {"integ_key", std::string(40, '0')}, {"encap", true}}; }},
    {"AhWithEnc", "enc:", [](json& j) {
         j = json{{"spi", "0x1000"}, {"protocol", "ah"}, {"mode", "transport"}, {"integ", "sha1"},
                  {"integ_key", std::string(40, '0')}, {"enc", "aes128"}}; }},
    {"AllowWeakNotBool", "allow_weak:", [](json& j) { j["allow_weak"] = 1; }},
    {"SoftNotObject", "soft:", [](json& j) { j["soft"] = 100; }},
    {"SoftUnknownKey", "soft.seconds:", [](json& j) { j["soft"] = {{"seconds", 5}}; }},
    {"SoftBytesNegative", "soft.bytes:", [](json& j) { j["soft"] = {{"bytes", -5}}; }},
    {"HardPacketsString", "hard.packets:", [](json& j) { j["hard"] = {{"packets", "10"}}; }},
    {"SoftAboveHard", "soft lifetime", [](json& j) { j["soft"] = {{"packets", 20}}; j["hard"] = {{"packets", 10}}; }},
    {"IvSeedShort", "iv_seed:", [](json& j) { j["iv_seed"] = "00112233"; }},
    {"IvSeedNotHex", "iv_seed:", [](json& j) { j["iv_seed"] = std::string(32, 'x'); }},
};

INSTANTIATE_TEST_SUITE_P(AllFields, SaJsonErrors, ::testing::ValuesIn(kErrorCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SaJson, UnknownFieldMessageListsTheKnownOnes) {
    json j = gcm_tunnel();
    j["colour"] = "blue";
    std::string msg = error_of(j);
    EXPECT_NE(msg.find("colour: unknown field"), std::string::npos) << msg;
    EXPECT_NE(msg.find("replay_window"), std::string::npos) << msg;
}

TEST(SaJson, NonObjectDocumentIsRejected) {
    EXPECT_NE(error_of(json::array({1, 2})).find("JSON object"), std::string::npos);
    EXPECT_NE(error_of(json("spi")).find("JSON object"), std::string::npos);
}

// ---- load_sa_file ------------------------------------------------------------

class SaFile : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = ::testing::TempDir() + "sa_json_test_" + std::to_string(::getpid()) + ".json";
    }
    void TearDown() override { std::remove(path_.c_str()); }
    void write(const std::string& text) {
        std::ofstream(path_, std::ios::binary) << text;
    }
    std::string path_;
};

TEST_F(SaFile, LoadsAValidFile) {
    write(gcm_tunnel().dump(2));
    auto r = load_sa_file(path_);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->spi, 0x1234abcdu);
}

TEST_F(SaFile, MissingFileIsNotFoundNamingThePath) {
    auto r = load_sa_file(path_ + ".absent");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::not_found);
    EXPECT_NE(r.error().message.find(path_ + ".absent"), std::string::npos);
}

TEST_F(SaFile, MalformedJsonGivesPositionWithoutEchoingTheText) {
    write("{\n  \"spi\": \"0x1234abcd\",\n  \"enc_key\": \"00112233\" oops\n}");
    auto r = load_sa_file(path_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::parse_error);
    const std::string& m = r.error().message;
    EXPECT_EQ(m.rfind(path_ + ": invalid JSON: ", 0), 0u) << m;
    EXPECT_NE(m.find("line 3"), std::string::npos) << m;
    EXPECT_EQ(m.find("00112233"), std::string::npos) << "key material echoed: " << m;
    EXPECT_EQ(m.find("json.exception"), std::string::npos) << m;
}

TEST_F(SaFile, EmptyFileIsAParseError) {
    write("");
    auto r = load_sa_file(path_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::parse_error);
}

TEST_F(SaFile, FieldErrorsArePrefixedWithThePath) {
    json j = gcm_tunnel();
    j["enc"] = "rot13";
    write(j.dump());
    auto r = load_sa_file(path_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.rfind(path_ + ": enc: unknown encryption algorithm 'rot13'", 0), 0u)
        << r.error().message;
}

TEST_F(SaFile, DirectoryIsAnError) {
    auto r = load_sa_file(::testing::TempDir());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find(::testing::TempDir()), std::string::npos);
}

}  // namespace
}  // namespace ikeoff::ipsec
