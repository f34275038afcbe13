// Rekeying with real engines: each peer installs its SAs into a soft engine
// and an SPD through the daemon's SaManager, and packets cross the tunnel
// through the daemon's DataPath every second of virtual time. Traffic must
// not notice the rekeys, the old SAs must leave the engines, and the
// engine's byte-lifetime events must drive rekeying (soft) and deletion
// (hard).
#include <gtest/gtest.h>

#include <set>

#include "drivers/registry.hpp"
#include "host/daemon/datapath.hpp"
#include "host/daemon/sa_manager.hpp"
#include "host/ike/rekey_ops.hpp"
#include "peers.hpp"
#include "wire_count.hpp"

namespace ikeoff::ike::test {
namespace {

using namespace std::chrono_literals;
using Side = MemoryLink::Side;

IpAddress ip(std::string_view s) { return IpAddress::parse(s).value(); }

Bytes ping(std::string_view src, std::string_view dst, uint16_t seq, std::size_t payload) {
    Bytes p(28 + payload, 0);
    p[0] = 0x45;
    store_be16(&p[2], static_cast<uint16_t>(p.size()));
    p[8] = 64;
    p[9] = 1;
    auto s = ip(src), d = ip(dst);
    std::copy(s.data(), s.data() + 4, &p[12]);
    std::copy(d.data(), d.data() + 4, &p[16]);
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += load_be16(&p[i]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    store_be16(&p[10], static_cast<uint16_t>(~sum));
    p[20] = 8;
    store_be16(&p[26], seq);
    return p;
}

struct Wire {
    IpAddress src;
    uint16_t sport;
    net::Endpoint dst;
    Bytes esp;
};

struct EnginePeer {
    std::string name;
    IpAddress addr;
    config::Config config;
    config::Secrets secrets;
    std::unique_ptr<ipsec::Engine> engine;
    ipsec::Spd spd;
    std::unique_ptr<daemon::SaManager> sas;
    std::unique_ptr<daemon::DataPath> dp;
    std::unique_ptr<Ikev1Core> core;
    std::vector<Wire> out;
    std::vector<Bytes> delivered;
    std::set<uint32_t> spis_used;  // outbound SPIs seen on the wire

    ~EnginePeer() {
        core.reset();
        dp.reset();
        sas.reset();
    }
};

class EnginePeers {
public:
    EnginePeers(const std::string& conf_a, const std::string& conf_b) {
        link_ = std::make_unique<MemoryLink>(timers_, 1ms);
        make(a_, "a", TwoPeers::kAddrA, conf_a, Side::a);
        make(b_, "b", TwoPeers::kAddrB, conf_b, Side::b);
    }
    ~EnginePeers() {
        a_.core.reset();
        b_.core.reset();
    }

    EnginePeer& a() { return a_; }
    EnginePeer& b() { return b_; }
    ManualTimers& timers() { return timers_; }
    MemoryLink& link() { return *link_; }

    bool up() {
        bool done = false, ok = false;
        auto st = a_.core->initiate("test", [&](const Outcome& o) {
            done = true;
            ok = o.established;
        });
        if (!st.ok()) return false;
        timers_.run_until([&] { return done; }, 60s);
        timers_.advance(10ms);
        return ok;
    }

    // One second of virtual time with `n` packets each way of `size` bytes;
    // returns how many of the 2n arrived.
    std::size_t second(int n, std::size_t size) {
        std::size_t before = a_.delivered.size() + b_.delivered.size();
        for (int i = 0; i < n; ++i) {
            Bytes x = ping("10.1.0.5", "10.2.0.7", static_cast<uint16_t>(seq_), size);
            Bytes y = ping("10.2.0.7", "10.1.0.5", static_cast<uint16_t>(seq_), size);
            ++seq_;
            ByteView px[] = {x};
            ByteView py[] = {y};
            a_.dp->outbound(px);
            b_.dp->outbound(py);
            carry(a_, b_);
            carry(b_, a_);
            drain_events(a_);
            drain_events(b_);
        }
        timers_.advance(1s);
        return a_.delivered.size() + b_.delivered.size() - before;
    }

private:
    void make(EnginePeer& p, const char* name, const char* addr, const std::string& conf, Side side) {
        p.name = name;
        p.addr = ip(addr);
        config::LoadOptions lo;
        const IpAddress me = p.addr;
        lo.is_local_address = [me](const IpAddress& x) { return x == me; };
        lo.check_files = false;
        p.config = config::parse_config(conf, p.name + ".conf", lo).value();
        p.secrets = config::Secrets::parse(psk_secrets(), p.name + ".secrets", {}).value();
        auto engine = drivers::create_engine("soft");
        ASSERT_TRUE(engine.ok()) << engine.error().message;
        p.engine = std::move(*engine);
        p.sas = std::make_unique<daemon::SaManager>(*p.engine, p.spd);
        EnginePeer* self = &p;
        p.dp = std::make_unique<daemon::DataPath>(
            *p.engine, p.spd,
            [self](const IpAddress& src, uint16_t sport, const net::Endpoint& dst, ByteView esp) {
                if (esp.size() >= 4) self->spis_used.insert(load_be32(esp.data()));
                self->out.push_back(Wire{src, sport, dst, Bytes(esp.begin(), esp.end())});
                return Status{};
            },
            [self](ByteView pkt) {
                self->delivered.emplace_back(pkt.begin(), pkt.end());
                return Status{};
            });
        IkeContext ctx{link_->transport(side), timers_, *p.sas, p.config, p.secrets,
                       {Endpoint{p.addr, kIkePort}, Endpoint{p.addr, kNatTPort}}};
        p.core = std::make_unique<Ikev1Core>(ctx);
        Ikev1Core* core = p.core.get();
        link_->set_receiver(side, [core](const Datagram& d) { core->on_datagram(d); });
    }

    static void carry(EnginePeer& from, EnginePeer& to) {
        std::vector<Wire> w = std::move(from.out);
        from.out.clear();
        std::vector<daemon::EspDatagram> in;
        for (const Wire& x : w) in.push_back(daemon::EspDatagram{x.dst, net::Endpoint{x.src, x.sport}, x.esp});
        to.dp->inbound(in);
    }

    // What the daemon's loop does with engine events.
    static void drain_events(EnginePeer& p) {
        for (const ipsec::SaEvent& ev : p.engine->take_events()) {
            if (auto id = p.sas->owner_of(ev.sa)) p.core->on_child_sa_event(*id, ev.kind);
        }
    }

    ManualTimers timers_;
    std::unique_ptr<MemoryLink> link_;
    EnginePeer a_, b_;
    int seq_ = 1;
};

std::string conf(bool a_side, const std::vector<std::string>& extra) {
    return a_side ? conn_text(TwoPeers::kAddrA, TwoPeers::kAddrB, "10.1.0.0/24", "10.2.0.0/24", extra)
                  : conn_text(TwoPeers::kAddrB, TwoPeers::kAddrA, "10.2.0.0/24", "10.1.0.0/24", extra);
}

TEST(RekeyTraffic, TimeBasedRekeysLoseNoPacket) {
    const std::vector<std::string> x = {"lifetime=60s", "rekeymargin=20s", "rekeyfuzz=0%", "forceencaps=yes"};
    EnginePeers p(conf(true, x), conf(false, x));
    ASSERT_TRUE(p.up());
    std::size_t arrived = 0, most_sas = 0;
    const int seconds = 200;
    for (int s = 0; s < seconds; ++s) {
        arrived += p.second(3, 100);
        most_sas = std::max(most_sas, p.a().engine->list_sas().size());
    }
    EXPECT_EQ(arrived, static_cast<std::size_t>(seconds) * 6) << "every packet crossed, rekeys included";
    // A new outbound SA every 40 s on each side; the engines never held more
    // than the old and the new pair.
    EXPECT_GE(p.a().spis_used.size(), 5u);
    EXPECT_GE(p.b().spis_used.size(), 5u);
    EXPECT_LE(most_sas, 4u);
    p.timers().advance(10s);
    EXPECT_EQ(p.a().engine->list_sas().size(), 2u) << "old SAs left the engine";
    EXPECT_EQ(p.b().engine->list_sas().size(), 2u);
    EXPECT_EQ(p.a().sas->records().size(), 1u);
    EXPECT_EQ(p.a().engine->counters().by_status[static_cast<std::size_t>(ipsec::PacketStatus::unknown_spi)], 0u);
}

TEST(RekeyTraffic, SoftByteLimitRekeysBeforeTheHardLimitStopsTraffic) {
    // 40 packets of ~1 kB a second; soft limit after ~120 kB, hard at 200 kB.
    const std::vector<std::string> x = {"lifebytes=200k", "marginbytes=80k", "forceencaps=yes"};
    EnginePeers p(conf(true, x), conf(false, x));
    ASSERT_TRUE(p.up());
    std::size_t arrived = 0;
    for (int s = 0; s < 30; ++s) arrived += p.second(40, 1000);
    EXPECT_EQ(arrived, 30u * 80u);
    auto xs = wire_exchanges(p.link());
    EXPECT_GE(count_exchanges(xs, isakmp::ExchangeType::quick), 6u) << "about one rekey every 3 s";
    EXPECT_EQ(p.a().engine->counters().by_status[static_cast<std::size_t>(ipsec::PacketStatus::sa_expired)], 0u);
}

TEST(RekeyTraffic, HardByteLimitWithoutRekeyDeletesOnBothSides) {
    const std::vector<std::string> x = {"lifebytes=50k", "rekey=no", "forceencaps=yes"};
    EnginePeers p(conf(true, x), conf(false, x));
    ASSERT_TRUE(p.up());
    for (int s = 0; s < 3; ++s) p.second(40, 1000);
    p.timers().advance(1s);
    EXPECT_TRUE(p.a().engine->list_sas().empty());
    EXPECT_TRUE(p.b().engine->list_sas().empty());
    EXPECT_TRUE(p.a().core->status().ipsec.empty());
    EXPECT_TRUE(p.b().core->status().ipsec.empty());
}

TEST(RekeyTraffic, DpdSeesEspTrafficThroughTheEngineCounters) {
    const std::vector<std::string> x = {"dpdaction=clear", "dpddelay=5s", "dpdtimeout=20s", "forceencaps=yes"};
    EnginePeers p(conf(true, x), conf(false, x));
    ASSERT_TRUE(p.up());
    for (int s = 0; s < 30; ++s) p.second(1, 50);
    auto xs = wire_exchanges(p.link());
    EXPECT_EQ(count_exchanges(xs, isakmp::ExchangeType::informational), 0u) << "traffic: no R-U-THERE";
    for (int s = 0; s < 12; ++s) p.timers().advance(1s);
    xs = wire_exchanges(p.link());
    EXPECT_GE(count_exchanges(xs, isakmp::ExchangeType::informational, Side::a), 1u);
    EXPECT_GE(count_exchanges(xs, isakmp::ExchangeType::informational, Side::b), 1u);
    EXPECT_EQ(p.a().engine->list_sas().size(), 2u) << "the peer answered: nothing cleared";
}

}  // namespace
}  // namespace ikeoff::ike::test
