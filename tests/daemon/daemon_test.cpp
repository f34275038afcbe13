// The daemon assembled in-process, in a private network namespace: real
// sockets on 500/4500, a TUN device, the soft engine and the control socket,
// with a recording IKE core in place of the exchanges.
#include "host/daemon/daemon.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "host/daemon/control_client.hpp"
#include "host/net/udp_socket.hpp"
#include "tests/daemon/netns_thread.hpp"

namespace ikeoff::daemon {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

IpAddress ip(std::string_view s) { return IpAddress::parse(s).value(); }

// Stands in for the IKE engine: records what the daemon hands it, answers
// `up` after 20 ms with a configured outcome, and can send through the
// daemon's transport.
struct RecordingCore final : ike::IkeCore {
    struct Shared {
        std::vector<ike::Datagram> datagrams;
        std::vector<std::string> terminated;
        ike::Transport* transport = nullptr;
        Timers* timers = nullptr;
        std::optional<ike::Outcome> outcome;  // nullopt: never answers
        std::vector<std::pair<ike::ChildSaId, ipsec::SaEventKind>> events;
        bool shut_down = false;
    };
    explicit RecordingCore(std::shared_ptr<Shared> s, const ike::IkeContext& ctx) : s_(std::move(s)), ctx_(ctx) {
        s_->transport = &ctx.transport;
        s_->timers = &ctx.timers;
    }
    void on_datagram(const ike::Datagram& d) override { s_->datagrams.push_back(d); }
    Status initiate(std::string_view conn, ike::Completion done) override {
        IKEOFF_TRY(ctx_.config.lookup(conn));
        if (s_->outcome) {
            auto o = *s_->outcome;
            ctx_.timers.schedule_in(20ms, [done, o] { done(o); });
        } else {
            pending_.push_back(std::move(done));  // kept, never called
        }
        return {};
    }
    Status terminate(std::string_view conn) override {
        IKEOFF_TRY(ctx_.config.lookup(conn));
        s_->terminated.emplace_back(conn);
        return {};
    }
    ike::IkeStatus status() const override {
        ike::IkeStatus st;
        ike::IsakmpSaStatus sa;
        sa.id = 9;
        sa.conn = "home";
        sa.state = "established";
        sa.cookie_i = "0011223344556677";
        st.isakmp.push_back(sa);
        return st;
    }
    void on_child_sa_event(ike::ChildSaId id, ipsec::SaEventKind k) override { s_->events.emplace_back(id, k); }
    void shutdown() override { s_->shut_down = true; }

    std::shared_ptr<Shared> s_;
    ike::IkeContext ctx_;
    std::vector<ike::Completion> pending_;
};

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() /
               ("ikeoffd-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    static int& counter() {
        static int n = 0;
        return n;
    }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name) << text;
        return (path / name).string();
    }
};

constexpr const char* kConfig = R"(conn home
    keyexchange=ikev1
    left=127.0.0.1
    right=127.0.0.2
    leftsubnet=10.1.0.0/24
    rightsubnet=10.2.0.0/24
    authby=secret
    ike=aes128-sha1-modp2048!
    esp=aes128gcm16!
    auto=add
)";
constexpr const char* kSecrets = "127.0.0.1 127.0.0.2 : PSK \"test\"\n";

// Runs the loop on the calling (netns) thread while `client` runs on a
// second thread of the same namespace; returns when the client is done.
void run_with_client(EventLoop& loop, const std::function<void()>& client) {
    std::atomic<bool> done{false};
    std::thread t([&] {
        client();
        done = true;
    });
    while (!done) ASSERT_TRUE(loop.run_once(10).ok());
    t.join();
}

Result<std::unique_ptr<Daemon>> make_daemon(EventLoop& loop, const TempDir& dir,
                                            std::shared_ptr<RecordingCore::Shared> shared, int log_level = 1,
                                            std::string engine = "soft") {
    DaemonOptions o;
    o.config_path = dir.write("ipsec.conf", kConfig);
    o.secrets_path = dir.write("ipsec.secrets", kSecrets);
    o.control_path = (dir.path / "ctl").string();
    o.engine = std::move(engine);
    o.tun_name = "iktest%d";
    o.log_level = log_level;
    o.ike_factory = [shared](const ike::IkeContext& ctx) -> Result<std::unique_ptr<ike::IkeCore>> {
        return std::unique_ptr<ike::IkeCore>(new RecordingCore(shared, ctx));
    };
    return Daemon::create(loop, std::move(o));
}

json status_of(const std::string& ctl) {
    auto r = control_request(ctl, {{"cmd", "status"}}, 2s);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? (*r)["status"] : json();
}

Bytes ike_message(uint8_t tag) {
    Bytes m(28 + 8, tag);  // an ISAKMP-header-sized message; IKE's to judge
    return m;
}

TEST(Daemon, SplitsNatTTrafficAndRepliesFromTheAddressedAddress) {
    IKEOFF_IN_NETNS([] {
        TempDir dir;
        auto loop = EventLoop::create();
        ASSERT_TRUE(loop.ok());
        auto shared = std::make_shared<RecordingCore::Shared>();
        auto d = make_daemon(**loop, dir, shared);
        ASSERT_TRUE(d.ok()) << d.error().message;
        ASSERT_NE((*d)->tun(), nullptr);

        auto client = net::UdpSocket::open(IpAddress::Family::v4, ip("127.0.0.9"), 0);
        ASSERT_TRUE(client.ok());
        net::Endpoint natt{ip("127.0.0.1"), 4500}, ike{ip("127.0.0.1"), 500};

        Bytes keepalive{0xff};
        Bytes marker_ike{0, 0, 0, 0};
        Bytes body = ike_message(0x42);
        marker_ike.insert(marker_ike.end(), body.begin(), body.end());
        Bytes plain_ike = ike_message(0x43);
        Bytes junk(10, 0x99);
        Bytes esp{0x11, 0x22, 0x33, 0x44, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        for (auto* m : {&keepalive, &marker_ike, &esp}) ASSERT_TRUE(client->send({}, natt, *m).ok());
        for (auto* m : {&plain_ike, &junk}) ASSERT_TRUE(client->send({}, ike, *m).ok());
        for (int i = 0; i < 20 && shared->datagrams.size() < 2; ++i) ASSERT_TRUE((*loop)->run_once(20).ok());

        ASSERT_EQ(shared->datagrams.size(), 2u);
        const auto& a = shared->datagrams[0];
        EXPECT_EQ(a.data, body);  // marker stripped
        EXPECT_EQ(a.local, natt);
        EXPECT_EQ(a.remote, client->local());
        const auto& b = shared->datagrams[1];
        EXPECT_EQ(b.data, plain_ike);
        EXPECT_EQ(b.local, ike);

        json st = (*d)->status_json();
        EXPECT_EQ(st["sockets"]["keepalives"], 1);
        EXPECT_EQ(st["sockets"]["malformed"], 1);
        EXPECT_EQ(st["sockets"]["ike_in"], 2);
        EXPECT_EQ(st["datapath"]["esp_in"], 1);
        EXPECT_EQ(st["datapath"]["drops"]["engine_in"]["unknown-spi"], 1);

        // IKE's replies: from 4500 with the marker, from 500 without, and
        // from whichever local address the exchange uses.
        Bytes reply = ike_message(0x55);
        ASSERT_TRUE(shared->transport->send(ike::Datagram{natt, client->local(), reply}).ok());
        ASSERT_TRUE(
            shared->transport->send(ike::Datagram{net::Endpoint{ip("127.0.0.3"), 500}, client->local(), reply}).ok());
        uint8_t buf[256];
        std::vector<net::Received> got;
        for (int i = 0; i < 100 && got.size() < 2; ++i) {
            auto r = client->receive(buf);
            ASSERT_TRUE(r.ok());
            if (!r->has_value()) {
                std::this_thread::sleep_for(5ms);
                continue;
            }
            got.push_back(**r);
            if (got.size() == 1) {
                EXPECT_EQ(Bytes(buf, buf + 4), (Bytes{0, 0, 0, 0}));
                EXPECT_EQ(Bytes(buf + 4, buf + (*r)->size), reply);
            } else {
                EXPECT_EQ(Bytes(buf, buf + (*r)->size), reply);
            }
        }
        ASSERT_EQ(got.size(), 2u);
        EXPECT_EQ(got[0].remote, natt);
        EXPECT_EQ(got[1].remote, (net::Endpoint{ip("127.0.0.3"), 500}));
        EXPECT_EQ(st["daemon"]["engine"], "soft");
    });
}

TEST(Daemon, ControlSocketStatusUpDownAndManualSas) {
    IKEOFF_IN_NETNS([] {
        TempDir dir;
        auto loop = EventLoop::create();
        ASSERT_TRUE(loop.ok());
        auto shared = std::make_shared<RecordingCore::Shared>();
        auto d = make_daemon(**loop, dir, shared);
        ASSERT_TRUE(d.ok()) << d.error().message;
        std::string ctl = (dir.path / "ctl").string();

        run_with_client(**loop, [&] {
            json st = status_of(ctl);
            ASSERT_EQ(st["connections"].size(), 1u);
            EXPECT_EQ(st["connections"][0]["name"], "home");
            EXPECT_EQ(st["connections"][0]["remote_ts"][0], "10.2.0.0/24");
            EXPECT_EQ(st["isakmp_sas"][0]["cookie_i"], "0011223344556677");
            EXPECT_FALSE(st["daemon"]["keys_reported"].get<bool>());

            // up: IKE's verdict is passed through with its reason.
            shared->outcome = ike::Outcome::failure("NO-PROPOSAL-CHOSEN", "peer refused all proposals");
            auto r = control_request(ctl, {{"cmd", "up"}, {"conn", "home"}}, 2s);
            ASSERT_TRUE(r.ok());
            EXPECT_FALSE((*r)["ok"].get<bool>());
            EXPECT_EQ((*r)["reason"], "NO-PROPOSAL-CHOSEN");

            shared->outcome = ike::Outcome::success();
            r = control_request(ctl, {{"cmd", "up"}, {"conn", "home"}}, 2s);
            ASSERT_TRUE(r.ok());
            EXPECT_TRUE((*r)["ok"].get<bool>());

            // No answer from IKE: the daemon's deadline answers "timeout".
            shared->outcome.reset();
            r = control_request(ctl, {{"cmd", "up"}, {"conn", "home"}, {"timeout", 0.2}}, 2s);
            ASSERT_TRUE(r.ok());
            EXPECT_EQ((*r)["reason"], "timeout");

            r = control_request(ctl, {{"cmd", "up"}, {"conn", "nope"}}, 2s);
            ASSERT_TRUE(r.ok());
            EXPECT_EQ((*r)["reason"], "not-found");
            r = control_request(ctl, {{"cmd", "up"}}, 2s);
            EXPECT_FALSE((*r)["ok"].get<bool>());
            r = control_request(ctl, {{"cmd", "up"}, {"conn", "home"}, {"timeout", -1}}, 2s);
            EXPECT_FALSE((*r)["ok"].get<bool>());

            r = control_request(ctl, {{"cmd", "down"}, {"conn", "home"}}, 2s);
            EXPECT_TRUE((*r)["ok"].get<bool>());
            r = control_request(ctl, {{"cmd", "frobnicate"}}, 2s);
            EXPECT_FALSE((*r)["ok"].get<bool>());

            // Manual keys: installed, visible in status, removed.
            json in_sa = {{"spi", "0x0000c001"}, {"src", "192.0.2.2"}, {"dst", "192.0.2.1"},
                          {"enc", "aes128gcm16"}, {"enc_key", std::string(40, 'a')}, {"encap", true}};
            json out_sa = {{"spi", "0x0000c002"}, {"src", "192.0.2.1"}, {"dst", "192.0.2.2"},
                           {"enc", "aes128gcm16"}, {"enc_key", std::string(40, 'b')}, {"encap", true}};
            json add = {{"cmd", "manual-sa-add"}, {"name", "m1"},     {"local_ts", "10.1.0.0/24"},
                        {"remote_ts", "10.2.0.0/24"}, {"inbound", in_sa}, {"outbound", out_sa}};
            r = control_request(ctl, add, 2s);
            ASSERT_TRUE(r.ok());
            ASSERT_TRUE((*r)["ok"].get<bool>()) << r->dump();
            r = control_request(ctl, add, 2s);  // same name twice
            EXPECT_FALSE((*r)["ok"].get<bool>());
            json bad = add;
            bad["name"] = "m2";
            bad["inbound"]["enc_key"] = "00";
            r = control_request(ctl, bad, 2s);
            EXPECT_FALSE((*r)["ok"].get<bool>());
            EXPECT_NE((*r)["error"].get<std::string>().find("inbound.enc_key"), std::string::npos);

            st = status_of(ctl);
            ASSERT_EQ(st["ipsec_sas"].size(), 1u);
            const json& sa = st["ipsec_sas"][0];
            EXPECT_EQ(sa["spi_in"], "0x0000c001");
            EXPECT_EQ(sa["spi_out"], "0x0000c002");
            EXPECT_EQ(sa["enc"], "aes128gcm16");
            EXPECT_TRUE(sa["manual"].get<bool>());
            EXPECT_EQ(sa["encap"]["dport"], 4500);
            EXPECT_EQ(sa["local_ts"], "10.1.0.0/24");
            EXPECT_FALSE(sa.contains("keys"));  // not at log level 1

            r = control_request(ctl, {{"cmd", "manual-sa-del"}, {"name", "m1"}}, 2s);
            EXPECT_TRUE((*r)["ok"].get<bool>());
            EXPECT_EQ(status_of(ctl)["ipsec_sas"].size(), 0u);
        });
        EXPECT_EQ(shared->terminated, std::vector<std::string>{"home"});
        d->reset();
        EXPECT_TRUE(shared->shut_down);
        EXPECT_FALSE(std::filesystem::exists(dir.path / "ctl"));
    });
}

TEST(Daemon, ReportsKeysOnlyAtLogLevelFourAndRoutesInstalledSelectors) {
    IKEOFF_IN_NETNS([] {
        TempDir dir;
        auto loop = EventLoop::create();
        ASSERT_TRUE(loop.ok());
        auto shared = std::make_shared<RecordingCore::Shared>();
        auto d = make_daemon(**loop, dir, shared, /*log_level=*/4);
        ASSERT_TRUE(d.ok()) << d.error().message;
        ike::ChildSaInstall sa;
        sa.conn = "home";
        sa.isakmp_sa = 9;
        sa.selector.local = ipsec::IpPrefix::parse("10.1.0.0/24").value();
        sa.selector.remote = ipsec::IpPrefix::parse("10.2.0.0/24").value();
        for (auto* p : {&sa.inbound, &sa.outbound}) {
            p->enc = ipsec::parse_enc_keyword("aes128").value();
            p->integ = ipsec::IntegAlg::hmac_sha1_96;
            p->enc_key = SecretBytes(Bytes(16, p == &sa.inbound ? 0x11 : 0x22));
            p->integ_key = SecretBytes(Bytes(20, p == &sa.inbound ? 0x33 : 0x44));
            p->encap = ipsec::UdpEncap{};
        }
        sa.inbound.spi = 0xc0000001;
        sa.inbound.direction = ipsec::SaDirection::inbound;
        sa.inbound.src = ip("127.0.0.2");
        sa.inbound.dst = ip("127.0.0.1");
        sa.outbound.spi = 0xc0000002;
        sa.outbound.direction = ipsec::SaDirection::outbound;
        sa.outbound.src = ip("127.0.0.1");
        sa.outbound.dst = ip("127.0.0.2");
        auto id = (*d)->sas().install(std::move(sa));
        ASSERT_TRUE(id.ok()) << id.error().message;

        json st = (*d)->status_json();
        ASSERT_EQ(st["ipsec_sas"].size(), 1u);
        const json& k = st["ipsec_sas"][0]["keys"];
        EXPECT_EQ(k["in"]["enc"], std::string(32, '1'));
        EXPECT_EQ(k["out"]["integ"], to_hex(Bytes(20, 0x44)));
        EXPECT_FALSE(st["ipsec_sas"][0]["manual"].get<bool>());

        // The remote selector is routed into the TUN device.
        auto sock = net::UdpSocket::open(IpAddress::Family::v4, {}, 0);
        ASSERT_TRUE(sock.ok());
        Bytes x{1, 2, 3};
        EXPECT_TRUE(sock->send({}, net::Endpoint{ip("10.2.0.9"), 9}, x).ok());
        for (int i = 0; i < 20; ++i) ASSERT_TRUE((*loop)->run_once(10).ok());
        st = (*d)->status_json();
        EXPECT_GE(st["datapath"]["tun_in"].get<int>(), 1);
        ASSERT_TRUE((*d)->sas().remove(*id).ok());
        // Route gone with the last SA: the kernel has nowhere to send it now.
        EXPECT_FALSE(sock->send({}, net::Endpoint{ip("10.2.0.9"), 9}, x).ok());
    });
}

TEST(Daemon, StartupErrorsAreClear) {
    IKEOFF_IN_NETNS([] {
        TempDir dir;
        auto loop = EventLoop::create();
        ASSERT_TRUE(loop.ok());
        auto shared = std::make_shared<RecordingCore::Shared>();
        auto xrt = make_daemon(**loop, dir, shared, 1, "xrt");
        ASSERT_FALSE(xrt.ok());
        EXPECT_NE(xrt.error().message.find("engine xrt"), std::string::npos) << xrt.error().message;

        DaemonOptions o;
        o.config_path = dir.write("bad.conf", "conn x\n    keyexchange=ikev2\n    right=1.2.3.4\n    auto=add\n");
        o.secrets_path = dir.write("s", kSecrets);
        o.engine = "soft";
        auto bad = Daemon::create(**loop, std::move(o));
        ASSERT_FALSE(bad.ok());
        EXPECT_NE(bad.error().message.find("bad.conf:2"), std::string::npos) << bad.error().message;

        // Port already taken by someone else.
        auto squatter = net::UdpSocket::open(IpAddress::Family::v4, {}, 500);
        ASSERT_TRUE(squatter.ok());
        auto clash = make_daemon(**loop, dir, shared);
        ASSERT_FALSE(clash.ok());
        EXPECT_NE(clash.error().message.find("500"), std::string::npos) << clash.error().message;
    });
}

}  // namespace
}  // namespace ikeoff::daemon
