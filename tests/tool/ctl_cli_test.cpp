// Runs the built ikeoffctl binary: every kind of bad input must give exactly
// one "ikeoffctl: ..." line on stderr and the documented exit status, and the
// real soft engine must round-trip, count drops and survive garbage.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/pcap/pcap_file.hpp"

extern char** environ;

namespace ikeoff {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CtlRun {
    int code = -1;
    std::string out, err;
};

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

class Cli : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::path(::testing::TempDir()) / ("ikeoffctl_cli_" + std::to_string(::getpid()) + "_" + info->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    CtlRun run(std::vector<std::string> args) {
        args.insert(args.begin(), IKEOFF_CTL_PATH);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::string out = path("stdout.txt"), err = path("stderr.txt");
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        pid_t pid = 0;
        CtlRun r;
        int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        EXPECT_EQ(rc, 0) << "cannot start " << argv[0];
        if (rc != 0) return r;
        int status = 0;
        waitpid(pid, &status, 0);
        EXPECT_TRUE(WIFEXITED(status)) << "ikeoffctl did not exit normally (signal " << WTERMSIG(status) << ")";
        r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        r.out = slurp(out);
        r.err = slurp(err);
        return r;
    }

    // The error convention: exit `code`, one stderr line naming the problem.
    void expect_error(const CtlRun& r, int code, const std::string& needle) {
        EXPECT_EQ(r.code, code) << r.err;
        ASSERT_FALSE(r.err.empty());
        EXPECT_EQ(r.err.rfind("ikeoffctl: ", 0), 0u) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_EQ(r.err.back(), '\n');
        EXPECT_NE(r.err.find(needle), std::string::npos) << "expected '" << needle << "' in: " << r.err;
    }

    std::string write_file(const std::string& name, const std::string& text) {
        std::ofstream(path(name), std::ios::binary) << text;
        return path(name);
    }

    static json gcm_sa() {
        return json{{"spi", "0x1234abcd"}, {"mode", "tunnel"}, {"src", "192.0.2.1"}, {"dst", "192.0.2.2"},
                    {"enc", "aes128gcm16"}, {"enc_key", "000102030405060708090a0b0c0d0e0fa0a1a2a3"}};
    }
    std::string write_sa(const json& j, const std::string& name = "sa.json") { return write_file(name, j.dump()); }

    // A raw-IP capture of n UDP-in-IPv4 packets of different sizes.
    std::string write_plain(const std::string& name, int n) {
        auto w = pcap::Writer::create(path(name), pcap::LinkType::raw_ip);
        EXPECT_TRUE(w.ok());
        for (int i = 0; i < n; ++i) {
            std::size_t len = 28 + static_cast<std::size_t>(i) * 37;
            Bytes p(len, uint8_t(i));
            p[0] = 0x45;
            p[1] = 0;
            store_be16(p.data() + 2, uint16_t(len));
            store_be16(p.data() + 4, uint16_t(i));
            store_be16(p.data() + 6, 0);
            p[8] = 64;
            p[9] = 17;
            store_be16(p.data() + 10, 0);
            const uint8_t src[] = {10, 0, 0, 1}, dst[] = {10, 0, 0, 2};
            std::copy(src, src + 4, p.begin() + 12);
            std::copy(dst, dst + 4, p.begin() + 16);
            uint32_t sum = 0;
            for (int k = 0; k < 20; k += 2) sum += load_be16(p.data() + k);
            while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
            store_be16(p.data() + 10, uint16_t(~sum));
            store_be16(p.data() + 24, uint16_t(len - 20));  // UDP length
            EXPECT_TRUE(w->write(p, 1000 + i, 0).ok());
        }
        EXPECT_TRUE(w->close().ok());
        return path(name);
    }

    static std::vector<Bytes> records(const std::string& file) {
        std::vector<Bytes> v;
        auto r = pcap::Reader::open(file);
        EXPECT_TRUE(r.ok()) << file;
        if (!r) return v;
        for (;;) {
            auto rec = r->next();
            EXPECT_TRUE(rec.ok());
            if (!rec.ok() || !rec->has_value()) break;
            v.push_back(std::move((*rec)->data));
        }
        return v;
    }

    fs::path dir_;
};

// ---- command line --------------------------------------------------------------

TEST_F(Cli, NoArguments) { expect_error(run({}), 2, "missing command"); }
TEST_F(Cli, UnknownCommand) { expect_error(run({"frobnicate"}), 2, "unknown command 'frobnicate'"); }
TEST_F(Cli, MissingSubcommand) { expect_error(run({"esp"}), 2, "expected encap, decap"); }
TEST_F(Cli, UnknownSubcommand) { expect_error(run({"esp", "encrypt"}), 2, "unknown subcommand 'encrypt'"); }

TEST_F(Cli, HelpListsCommandsOnStdout) {
    auto r = run({"--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("esp encap"), std::string::npos);
    EXPECT_NE(r.out.find("esp decap"), std::string::npos);
    EXPECT_TRUE(r.err.empty());
    auto sub = run({"esp", "decap", "--help"});
    EXPECT_EQ(sub.code, 0);
    EXPECT_NE(sub.out.find("--engine"), std::string::npos);
}

TEST_F(Cli, MissingRequiredOption) {
    expect_error(run({"esp", "encap", "--in", "a.pcap", "--out", "b.pcap"}), 2, "--sa");
}

TEST_F(Cli, UnknownOption) {
    expect_error(run({"esp", "encap", "--sa", "x", "--in", "y", "--out", "z", "--colour", "red"}), 2, "colour");
}

TEST_F(Cli, StrayPositionalArgument) {
    expect_error(run({"esp", "encap", "--sa", "x", "--in", "y", "--out", "z", "extra"}), 2, "esp encap");
}

TEST_F(Cli, UnknownEngine) {
    auto sa = write_sa(gcm_sa());
    auto in = write_plain("in.pcap", 1);
    expect_error(run({"esp", "encap", "--sa", sa, "--in", in, "--out", path("o.pcap"), "--engine", "gpu"}), 2,
                 "unknown engine 'gpu'");
}

TEST_F(Cli, UnknownProviderAndBadBatch) {
    auto sa = write_sa(gcm_sa());
    auto in = write_plain("in.pcap", 1);
    expect_error(run({"esp", "encap", "--sa", sa, "--in", in, "--out", path("o.pcap"), "--provider", "nss"}), 2,
                 "--provider");
    expect_error(run({"esp", "encap", "--sa", sa, "--in", in, "--out", path("o.pcap"), "--batch", "0"}), 2,
                 "--batch");
    expect_error(run({"esp", "encap", "--sa", sa, "--in", in, "--out", path("o.pcap"), "--batch", "many"}), 2,
                 "batch");
}

TEST_F(Cli, XrtWithoutACardIsOneLine) {
    auto sa = write_sa(gcm_sa());
    auto in = write_plain("in.pcap", 2);
    auto r = run({"esp", "encap", "--sa", sa, "--in", in, "--out", path("o.pcap"), "--engine", "xrt"});
    if (r.code == 0) GTEST_SKIP() << "an Alveo card is present";
    // 3 when the driver is built but finds no card, 2 when this build has no xrt driver.
    EXPECT_TRUE(r.code == 2 || r.code == 3) << r.code;
    expect_error(r, r.code, "engine xrt: ");
    EXPECT_FALSE(fs::exists(path("o.pcap")));
}

// ---- SA file --------------------------------------------------------------------

TEST_F(Cli, MissingSaFile) {
    auto in = write_plain("in.pcap", 1);
    expect_error(run({"esp", "encap", "--sa", path("absent.json"), "--in", in, "--out", path("o.pcap")}), 2,
                 "absent.json");
}

TEST_F(Cli, MalformedJson) {
    auto sa = write_file("sa.json", "{\"spi\": \"0x1234abcd\",, }");
    auto in = write_plain("in.pcap", 1);
    expect_error(run({"esp", "encap", "--sa", sa, "--in", in, "--out", path("o.pcap")}), 2, "invalid JSON");
}

TEST_F(Cli, UnknownAlgorithm) {
    auto j = gcm_sa();
    j["enc"] = "chacha20poly1305";
    auto in = write_plain("in.pcap", 1);
    expect_error(run({"esp", "encap", "--sa", write_sa(j), "--in", in, "--out", path("o.pcap")}), 2,
                 "enc: unknown encryption algorithm 'chacha20poly1305'");
}

TEST_F(Cli, WrongKeyLength) {
    auto j = gcm_sa();
    j["enc_key"] = "000102030405060708090a0b0c0d0e0f";
    auto in = write_plain("in.pcap", 1);
    expect_error(run({"esp", "encap", "--sa", write_sa(j), "--in", in, "--out", path("o.pcap")}), 2,
                 "enc_key: aes128gcm16 needs 20 bytes (16 key + 4 salt), got 16");
}

TEST_F(Cli, UnknownField) {
    auto j = gcm_sa();
    j["lifetime"] = 3600;
    auto in = write_plain("in.pcap", 1);
    expect_error(run({"esp", "encap", "--sa", write_sa(j), "--in", in, "--out", path("o.pcap")}), 2,
                 "lifetime: unknown field");
}

// ---- capture files ----------------------------------------------------------------

TEST_F(Cli, MissingCapture) {
    expect_error(run({"esp", "encap", "--sa", write_sa(gcm_sa()), "--in", path("absent.pcap"), "--out",
                      path("o.pcap")}),
                 2, "absent.pcap");
}

TEST_F(Cli, NotACapture) {
    auto sa = write_sa(gcm_sa());
    expect_error(run({"esp", "encap", "--sa", sa, "--in", sa, "--out", path("o.pcap")}), 2,
                 "not a readable capture file");
}

TEST_F(Cli, TruncatedCaptureLeavesNoOutput) {
    auto in = write_plain("in.pcap", 5);
    fs::resize_file(in, fs::file_size(in) - 10);
    auto out = path("o.pcap");
    expect_error(run({"esp", "encap", "--sa", write_sa(gcm_sa()), "--in", in, "--out", out}), 2, "truncated");
    EXPECT_FALSE(fs::exists(out));
}

TEST_F(Cli, ForeignLinkType) {
    // A pcap header declaring LINKTYPE_LINUX_SLL (113).
    std::string hdr = std::string("\xd4\xc3\xb2\xa1\x02\x00\x04\x00", 8) + std::string(8, '\0') +
                      std::string("\xff\xff\x00\x00\x71\x00\x00\x00", 8);
    auto in = write_file("sll.pcap", hdr);
    expect_error(run({"esp", "encap", "--sa", write_sa(gcm_sa()), "--in", in, "--out", path("o.pcap")}), 2,
                 "LINUX_SLL");
}

TEST_F(Cli, UnwritableOutput) {
    auto in = write_plain("in.pcap", 1);
    expect_error(run({"esp", "encap", "--sa", write_sa(gcm_sa()), "--in", in, "--out", path("no/such/dir/o.pcap")}),
                 2, "no/such/dir/o.pcap");
}

TEST_F(Cli, OutputMayNotOverwriteInput) {
    auto in = write_plain("in.pcap", 3);
    auto before = fs::file_size(in);
    expect_error(run({"esp", "encap", "--sa", write_sa(gcm_sa()), "--in", in, "--out", in}), 2, "--out");
    EXPECT_EQ(fs::file_size(in), before);
}

// ---- the real engine ------------------------------------------------------------------

TEST_F(Cli, EncapDecapRoundTripWithJsonSummary) {
    auto sa = write_sa(gcm_sa());
    auto in = write_plain("in.pcap", 40);
    auto enc = path("enc.pcap"), dec = path("dec.pcap");
    auto e = run({"esp", "encap", "--sa", sa, "--in", in, "--out", enc, "--engine", "soft", "--json", "--batch", "16"});
    ASSERT_EQ(e.code, 0) << e.err;
    auto ej = json::parse(e.out);
    EXPECT_EQ(ej["engine"]["driver"], "soft");
    EXPECT_EQ(ej["packets"], 40);
    EXPECT_EQ(ej["ok"], 40);
    EXPECT_EQ(ej["batches"], 3);
    EXPECT_EQ(ej["output"]["packets"], 40);

    auto d = run({"esp", "decap", "--sa", sa, "--in", enc, "--out", dec, "--engine", "soft", "--json"});
    ASSERT_EQ(d.code, 0) << d.err;
    auto dj = json::parse(d.out);
    EXPECT_EQ(dj["status"]["ok"], 40);
    EXPECT_EQ(dj["dropped"], 0);
    EXPECT_EQ(records(dec), records(in));
    auto esp = records(enc);
    ASSERT_EQ(esp.size(), 40u);
    EXPECT_EQ(esp[0][9], 50);  // outer IPv4 protocol: ESP
    EXPECT_EQ(load_be32(esp[0].data() + 20), 0x1234abcdu);
}

TEST_F(Cli, TextSummaryListsEveryStatus) {
    auto sa = write_sa(gcm_sa());
    auto in = write_plain("in.pcap", 3);
    auto enc = path("enc.pcap");
    ASSERT_EQ(run({"esp", "encap", "--sa", sa, "--in", in, "--out", enc}).code, 0);
    auto d = run({"esp", "decap", "--sa", sa, "--in", enc, "--out", path("dec.pcap")});
    ASSERT_EQ(d.code, 0) << d.err;
    for (const char* name : {"ok", "icv-failure", "replay", "before-window", "bad-padding", "unknown-spi",
                             "sa-expired", "malformed", "seq-overflow", "buffer-too-small", "wrong-direction",
                             "unsupported"}) {
        EXPECT_NE(d.out.find(std::string("status   ") + name + " "), std::string::npos) << name << "\n" << d.out;
    }
    EXPECT_NE(d.out.find("status   ok                3"), std::string::npos) << d.out;
}

TEST_F(Cli, DropsAreCountedAndExitOne) {
    auto sa = write_sa(gcm_sa());
    auto in = write_plain("in.pcap", 6);
    auto enc = path("enc.pcap");
    ASSERT_EQ(run({"esp", "encap", "--sa", sa, "--in", in, "--out", enc}).code, 0);
    // Tamper with packet 2, duplicate packet 4 (a replay), keep the rest.
    auto esp = records(enc);
    ASSERT_EQ(esp.size(), 6u);
    esp[1][esp[1].size() - 5] ^= 0x01;
    esp.insert(esp.begin() + 5, esp[3]);
    auto bad = path("bad.pcap");
    {
        auto w = pcap::Writer::create(bad, pcap::LinkType::raw_ip);
        ASSERT_TRUE(w.ok());
        for (const auto& p : esp) ASSERT_TRUE(w->write(p, 1, 0).ok());
        ASSERT_TRUE(w->close().ok());
    }
    auto d = run({"esp", "decap", "--sa", sa, "--in", bad, "--out", path("dec.pcap"), "--json"});
    EXPECT_EQ(d.code, 1) << d.err;
    auto dj = json::parse(d.out);
    EXPECT_EQ(dj["status"]["ok"], 5);
    EXPECT_EQ(dj["status"]["icv-failure"], 1);
    EXPECT_EQ(dj["status"]["replay"], 1);
    EXPECT_EQ(dj["output"]["packets"], 5);
    EXPECT_EQ(records(path("dec.pcap")).size(), 5u);

    // Another SPI: nothing matches.
    auto other = gcm_sa();
    other["spi"] = "0x0badf00d";
    auto u = run({"esp", "decap", "--sa", write_sa(other, "other.json"), "--in", enc, "--out", path("u.pcap"), "--json"});
    EXPECT_EQ(u.code, 1);
    EXPECT_EQ(json::parse(u.out)["status"]["unknown-spi"], 6);
}

TEST_F(Cli, LifetimesStopTrafficAndReportEvents) {
    auto j = gcm_sa();
    j["soft"] = {{"packets", 2}};
    j["hard"] = {{"packets", 3}};
    auto sa = write_sa(j);
    auto in = write_plain("in.pcap", 5);
    auto r = run({"esp", "encap", "--sa", sa, "--in", in, "--out", path("enc.pcap"), "--json", "--batch", "1"});
    EXPECT_EQ(r.code, 1) << r.err;
    auto s = json::parse(r.out);
    EXPECT_EQ(s["status"]["ok"], 3);
    EXPECT_EQ(s["status"]["sa-expired"], 2);
    ASSERT_EQ(s["events"].size(), 2u) << s.dump();
    EXPECT_EQ(s["events"][0]["kind"], "soft-expired");
    EXPECT_EQ(s["events"][0]["by"], "packets");
    EXPECT_EQ(s["events"][1]["kind"], "hard-expired");
    EXPECT_EQ(s["events"][1]["spi"], "0x1234abcd");
    EXPECT_EQ(records(path("enc.pcap")).size(), 3u);
    auto text = run({"esp", "encap", "--sa", sa, "--in", in, "--out", path("enc2.pcap")});
    EXPECT_NE(text.out.find("event    hard-expired on spi 0x1234abcd (packets)"), std::string::npos) << text.out;
}

TEST_F(Cli, EthernetWithNonIpFramesAndIpv6Tunnel) {
    // IPv4 inner packets over an IPv6 tunnel in Ethernet frames, with an ARP
    // frame that must be counted as skipped.
    auto j = gcm_sa();
    j["src"] = "2001:db8::1";
    j["dst"] = "2001:db8::2";
    auto sa = write_sa(j);
    auto plain = records(write_plain("raw.pcap", 4));
    auto in = path("eth.pcap");
    {
        auto w = pcap::Writer::create(in, pcap::LinkType::ethernet);
        ASSERT_TRUE(w.ok());
        Bytes hdr = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
        for (std::size_t i = 0; i < plain.size(); ++i) {
            Bytes f = hdr;
            f.insert(f.end(), plain[i].begin(), plain[i].end());
            ASSERT_TRUE(w->write(f, 1, 0).ok());
            if (i == 1) {
                Bytes arp = hdr;
                arp[12] = 0x08;
                arp[13] = 0x06;
                arp.resize(42, 0);
                ASSERT_TRUE(w->write(arp, 1, 0).ok());
            }
        }
        ASSERT_TRUE(w->close().ok());
    }
    auto e = run({"esp", "encap", "--sa", sa, "--in", in, "--out", path("enc.pcap"), "--json"});
    ASSERT_EQ(e.code, 0) << e.err;
    auto s = json::parse(e.out);
    EXPECT_EQ(s["input"]["frames"], 5);
    EXPECT_EQ(s["input"]["non_ip"], 1);
    EXPECT_EQ(s["input"]["link_type"], "ethernet");
    auto esp = records(path("enc.pcap"));
    ASSERT_EQ(esp.size(), 4u);
    for (const auto& f : esp) {
        EXPECT_EQ(load_be16(f.data() + 12), 0x86dd);  // EtherType follows the outer IPv6 header
        EXPECT_EQ(f[14] >> 4, 6);
        EXPECT_EQ(f[14 + 6], 50);                     // next header ESP
    }
    auto d = run({"esp", "decap", "--sa", sa, "--in", path("enc.pcap"), "--out", path("dec.pcap")});
    ASSERT_EQ(d.code, 0) << d.err;
    auto back = records(path("dec.pcap"));
    ASSERT_EQ(back.size(), 4u);
    for (std::size_t i = 0; i < back.size(); ++i) {
        EXPECT_EQ(load_be16(back[i].data() + 12), 0x0800);
        EXPECT_EQ(Bytes(back[i].begin() + 14, back[i].end()), plain[i]);
    }
}

TEST_F(Cli, GarbageRecordsAreCountedNotFatal) {
    auto bad = path("garbage.pcap");
    {
        auto w = pcap::Writer::create(bad, pcap::LinkType::raw_ip);
        ASSERT_TRUE(w.ok());
        uint32_t x = 12345;
        for (int i = 0; i < 300; ++i) {
            Bytes p(static_cast<std::size_t>(i % 97));
            for (auto& b : p) {
                x = x * 1103515245u + 12345u;
                b = uint8_t(x >> 16);
            }
            if (!p.empty()) p[0] = uint8_t((i % 2 ? 0x40 : 0x60) | (p[0] & 0x0f));
            ASSERT_TRUE(w->write(p, i, 0).ok());
        }
        ASSERT_TRUE(w->close().ok());
    }
    for (const char* cmd : {"decap", "encap"}) {
        auto r = run({"esp", cmd, "--sa", write_sa(gcm_sa()), "--in", bad, "--out", path("o.pcap"), "--json"});
        EXPECT_TRUE(r.code == 0 || r.code == 1) << cmd << ": " << r.err;
        auto j = json::parse(r.out);
        EXPECT_EQ(j["input"]["frames"], 300);
        EXPECT_EQ(j["input"]["non_ip"].get<int>() + j["packets"].get<int>(), 300);
    }
}

}  // namespace
}  // namespace ikeoff
