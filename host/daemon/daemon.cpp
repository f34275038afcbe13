#include "host/daemon/daemon.hpp"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "drivers/registry.hpp"
#include "host/common/log.hpp"
#include "host/net/nat_t.hpp"
#include "host/net/route.hpp"

namespace ikeoff::daemon {

namespace {

// Receive-burst limits: after this many datagrams/packets from one source
// the loop moves on, so one busy socket cannot starve the others or timers.
constexpr std::size_t kUdpBurst = DataPath::kBatch;
constexpr std::size_t kUdpSlot = 65536;  // any UDP payload fits
constexpr std::size_t kTunBurst = DataPath::kBatch;

// A local address inside `prefix`, to use as the source of routed traffic
// (the peer's policy only accepts sources inside our selector).
IpAddress local_address_in(const ipsec::IpPrefix& prefix) {
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) return {};
    IpAddress found;
    for (ifaddrs* a = list; a != nullptr && found.empty(); a = a->ifa_next) {
        if (a->ifa_addr == nullptr) continue;
        IpAddress addr;
        if (a->ifa_addr->sa_family == AF_INET) {
            addr = IpAddress::v4(reinterpret_cast<const uint8_t*>(&reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr));
        } else if (a->ifa_addr->sa_family == AF_INET6) {
            addr = IpAddress::v6(
                reinterpret_cast<const uint8_t*>(&reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr));
        } else {
            continue;
        }
        if (prefix.contains(addr)) found = addr;
    }
    ::freeifaddrs(list);
    return found;
}

}  // namespace

Result<std::unique_ptr<Daemon>> Daemon::create(EventLoop& loop, DaemonOptions options) {
    std::unique_ptr<Daemon> d(new Daemon(loop, std::move(options)));
    IKEOFF_TRY(d->start());
    return d;
}

Status Daemon::start() {
    started_ = loop_.timers().now();

    // Configuration first: a bad file should fail before anything binds.
    config::LoadOptions default_load;
    const config::LoadOptions& load = options_.load_options ? *options_.load_options : default_load;
    IKEOFF_ASSIGN(config_, config::load_config(options_.config_path, load));
    for (const auto& w : config_.warnings) IKEOFF_LOG(1, "cfg", w);
    IKEOFF_ASSIGN(secrets_, config::Secrets::load(options_.secrets_path));
    for (const auto& w : secrets_.warnings()) IKEOFF_LOG(1, "cfg", w);
    IKEOFF_LOG(1, "cfg", "loaded " << config_.connections.size() << " connection(s) from " << options_.config_path);

    drivers::EngineOptions eo = options_.engine_options;
    eo.notice = [](std::string_view msg) { IKEOFF_LOG(1, "engine", msg); };
    auto engine = drivers::create_engine(options_.engine, eo);
    if (!engine.ok()) return Error{engine.error().code, "engine " + options_.engine + ": " + engine.error().message};
    engine_ = std::move(*engine);
    IKEOFF_LOG(1, "engine", "using " << engine_->description());

    IKEOFF_ASSIGN(sockets_, Sockets::open(options_.sockets));
    for (const auto& e : sockets_->endpoints()) IKEOFF_LOG(1, "net", "listening on UDP " << e.to_string());

    if (!options_.tun_name.empty()) {
        auto t = open_tun();
        if (!t.ok()) {
            IKEOFF_LOG(1, "net", "no TUN device (" << t.error().message
                                                   << "): SAs will be negotiated but carry no traffic");
        }
    }

    RouteHook hook;
    if (tun_) hook = [this](const ipsec::TrafficSelector& ts, bool add) { route_hook(ts, add); };
    sas_ = std::make_unique<SaManager>(*engine_, spd_, std::move(hook));
    sas_->set_keep_keys(options_.log_level >= log::kSecret);

    datapath_ = std::make_unique<DataPath>(
        *engine_, spd_,
        [this](const IpAddress& src, uint16_t sport, const net::Endpoint& dst, ByteView esp) {
            return sockets_->send_esp(src, sport, dst, esp);
        },
        [this](ByteView packet) -> Status {
            if (!tun_) return Error{Errc::unsupported, "no TUN device"};
            return tun_->write(packet);
        });

    rx_arena_.resize(std::max(kUdpBurst * kUdpSlot, kTunBurst * DataPath::kSlot));

    ike::IkeContext ctx{*sockets_, loop_.timers(), *sas_, config_, secrets_, sockets_->endpoints()};
    auto factory = options_.ike_factory ? options_.ike_factory : ike::IkeCoreFactory(ike::create_ike_core);
    IKEOFF_ASSIGN(ike_, factory(ctx));

    for (auto& s : sockets_->sockets()) {
        Sockets::Socket* sp = &s;
        IKEOFF_TRY(loop_.watch(s.udp.fd(), [this, sp] { on_udp_readable(*sp); }));
    }
    for (auto& r : sockets_->raw_sockets()) {
        net::RawEspSocket* rp = &r;
        IKEOFF_TRY(loop_.watch(r.fd(), [this, rp] { on_raw_readable(*rp); }));
    }
    if (tun_) IKEOFF_TRY(loop_.watch(tun_->fd(), [this] { on_tun_readable(); }));

    if (!options_.control_path.empty()) {
        IKEOFF_ASSIGN(control_, ControlServer::create(loop_, options_.control_path,
                                                      [this](const nlohmann::json& req, ControlServer::Reply reply) {
                                                          handle_request(req, std::move(reply));
                                                      }));
        IKEOFF_LOG(1, "ctl", "control socket " << options_.control_path);
    }
    return {};
}

Status Daemon::open_tun() {
    IKEOFF_ASSIGN(auto t, net::TunDevice::create(options_.tun_name, options_.tun_mtu));
    IKEOFF_LOG(1, "net", "TUN device " << t.name() << " (MTU " << t.mtu() << ")");
    tun_.emplace(std::move(t));
    return {};
}

Daemon::~Daemon() {
    shutdown();
    for (TimerId t : up_timers_) loop_.timers().cancel(t);
    control_.reset();
    ike_.reset();
    if (tun_) loop_.unwatch(tun_->fd());
    if (sockets_) {
        for (auto& s : sockets_->sockets()) loop_.unwatch(s.udp.fd());
        for (auto& r : sockets_->raw_sockets()) loop_.unwatch(r.fd());
    }
    datapath_.reset();
    sas_.reset();  // removes SAs and their routes while the TUN still exists
}

void Daemon::shutdown() {
    if (shut_down_) return;
    shut_down_ = true;
    if (ike_) ike_->shutdown();
    if (sas_) sas_->remove_all();
}

void Daemon::on_udp_readable(Sockets::Socket& s) {
    auto& counters = sockets_->counters();
    EspDatagram esp[kUdpBurst];
    std::size_t n_esp = 0;
    for (std::size_t i = 0; i < kUdpBurst; ++i) {
        MutableByteView slot(rx_arena_.data() + i * kUdpSlot, kUdpSlot);
        auto r = s.udp.receive(slot);
        if (!r.ok()) {
            IKEOFF_LOG(1, "net", r.error().message);
            break;
        }
        if (!r->has_value()) break;
        const net::Received& got = **r;
        if (got.truncated) {
            ++counters.truncated;
            continue;
        }
        ByteView data = slot.first(got.size);
        ByteView ike_msg = data;
        if (s.natt) {
            auto c = net::classify_nat_t(data);
            switch (c.kind) {
                case net::NatTKind::keepalive:
                    // RFC 3948 §2.3: keepalives only refresh NAT state; ignore.
                    ++counters.keepalives;
                    continue;
                case net::NatTKind::esp:
                    esp[n_esp++] = EspDatagram{got.local, got.remote, c.data};
                    continue;
                case net::NatTKind::malformed:
                    ++counters.malformed;
                    continue;
                case net::NatTKind::ike:
                    ike_msg = c.data;
                    break;
            }
        } else if (data.size() < net::kIsakmpHeaderSize) {
            ++counters.malformed;
            continue;
        }
        ++counters.ike_in;
        ike_->on_datagram(ike::Datagram{got.local, got.remote, Bytes(ike_msg.begin(), ike_msg.end())});
    }
    if (n_esp > 0) {
        datapath_->inbound(std::span<const EspDatagram>(esp, n_esp));
        drain_engine_events();
    }
}

void Daemon::on_raw_readable(net::RawEspSocket& s) {
    EspDatagram esp[kUdpBurst];
    std::size_t n = 0;
    for (std::size_t i = 0; i < kUdpBurst; ++i) {
        MutableByteView slot(rx_arena_.data() + i * kUdpSlot, kUdpSlot);
        auto r = s.receive(slot);
        if (!r.ok()) {
            IKEOFF_LOG(1, "net", r.error().message);
            break;
        }
        if (!r->has_value()) break;
        const net::RawReceived& got = **r;
        if (got.esp.size() < net::kEspHeaderSize) {
            ++sockets_->counters().malformed;
            continue;
        }
        // Ports 0: the data path rebuilds an IP header with protocol 50.
        esp[n++] = EspDatagram{net::Endpoint{got.local, 0}, net::Endpoint{got.remote, 0}, got.esp};
    }
    if (n > 0) {
        datapath_->inbound(std::span<const EspDatagram>(esp, n));
        drain_engine_events();
    }
}

void Daemon::on_tun_readable() {
    ByteView packets[kTunBurst];
    std::size_t n = 0;
    while (n < kTunBurst) {
        MutableByteView slot(rx_arena_.data() + n * DataPath::kSlot, DataPath::kSlot);
        auto r = tun_->read(slot);
        if (!r.ok()) {
            IKEOFF_LOG(1, "net", r.error().message);
            break;
        }
        if (!r->has_value()) break;
        packets[n] = slot.first(**r);
        ++n;
    }
    if (n == 0) return;
    datapath_->outbound(std::span<const ByteView>(packets, n));
    drain_engine_events();
}

void Daemon::drain_engine_events() {
    for (const auto& e : engine_->take_events()) {
        auto owner = sas_->owner_of(e.sa);
        IKEOFF_LOG(2, "sa", "engine event " << ipsec::to_string(e.kind) << " for SPI 0x" << std::hex << e.spi
                                             << std::dec);
        if (!owner) continue;
        const auto* rec = sas_->find(*owner);
        if (rec && rec->isakmp_sa == 0) {
            // Manually keyed: nobody can rekey it; the engine refuses its
            // packets once hard-expired, and the operator sees it in status.
            continue;
        }
        ike_->on_child_sa_event(*owner, e.kind);
    }
}

void Daemon::route_hook(const ipsec::TrafficSelector& ts, bool add) {
    net::RouteSpec r;
    r.dst = ts.remote.addr;
    r.prefix_len = ts.remote.length;
    r.ifindex = tun_->ifindex();
    r.preferred_src = local_address_in(ts.local);
    auto st = add ? net::add_route(r) : net::del_route(r);
    if (!st.ok()) {
        IKEOFF_LOG(1, "net", st.error().message);
    } else {
        IKEOFF_LOG(2, "net", (add ? "route " : "removed route ")
                                 << ts.remote.to_string() << " dev " << tun_->name()
                                 << (r.preferred_src.empty() ? "" : " src " + r.preferred_src.to_string()));
    }
}

}  // namespace ikeoff::daemon
