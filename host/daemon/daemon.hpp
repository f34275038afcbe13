// ikeoffd as an object: what main.cpp runs and what tests build in-process.
//
// Owns, in construction order (destroyed in reverse, IKE first):
//   configuration and secrets -> ESP engine -> SPD -> UDP sockets ->
//   TUN device + routes -> SaManager (the SaSink) -> DataPath -> IKE core ->
//   control socket.
// Everything runs on the EventLoop passed in; see event_loop.hpp.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "drivers/registry.hpp"
#include "host/common/result.hpp"
#include "host/config/config.hpp"
#include "host/config/secrets.hpp"
#include "host/daemon/control_server.hpp"
#include "host/daemon/datapath.hpp"
#include "host/daemon/event_loop.hpp"
#include "host/daemon/sa_manager.hpp"
#include "host/daemon/sockets.hpp"
#include "host/ike/ike_core.hpp"
#include "host/ipsec/engine.hpp"
#include "host/ipsec/spd.hpp"
#include "host/net/tun.hpp"

namespace ikeoff::daemon {

struct DaemonOptions {
    std::string config_path;
    std::string secrets_path;
    std::string control_path;            // empty: no control socket
    std::string engine = "auto";         // soft | csim | xrt | auto
    drivers::EngineOptions engine_options;  // xclbin, provider, fallback (notice is set by the daemon)
    SocketOptions sockets;
    std::string tun_name = "ikeoff%d";   // empty: no TUN (IKE only, no traffic)
    unsigned tun_mtu = 1400;             // as strongSwan's libipsec: room for ESP-in-UDP in 1500
    int log_level = 1;                   // 4 also reports installed keys in status
    // Overrides for tests; the daemon loads the files otherwise.
    const config::LoadOptions* load_options = nullptr;
    ike::IkeCoreFactory ike_factory;     // empty: ike::create_ike_core
};

class Daemon {
public:
    static Result<std::unique_ptr<Daemon>> create(EventLoop& loop, DaemonOptions options);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Handles one control request (control_protocol.hpp); public so tests
    // can drive the daemon without a socket.
    void handle_request(const nlohmann::json& request, ControlServer::Reply reply);
    // The `status` document (see control_protocol.hpp and ikeoffctl status).
    nlohmann::json status_json() const;

    // Stops IKE cleanly (Deletes out, SAs removed); called before the loop ends.
    void shutdown();

    ipsec::Engine& engine() noexcept { return *engine_; }
    Sockets& sockets() noexcept { return *sockets_; }
    SaManager& sas() noexcept { return *sas_; }
    DataPath& datapath() noexcept { return *datapath_; }
    const net::TunDevice* tun() const noexcept { return tun_ ? &*tun_ : nullptr; }
    ike::IkeCore& ike() noexcept { return *ike_; }

private:
    Daemon(EventLoop& loop, DaemonOptions options) : loop_(loop), options_(std::move(options)) {}

    Status start();
    Status open_tun();
    void on_udp_readable(Sockets::Socket& s);
    void on_raw_readable(net::RawEspSocket& s);
    void on_tun_readable();
    void drain_engine_events();
    void route_hook(const ipsec::TrafficSelector& ts, bool add);

    // Control commands (daemon_control.cpp).
    void cmd_up(const nlohmann::json& req, ControlServer::Reply reply);
    void cmd_down(const nlohmann::json& req, ControlServer::Reply reply);
    void cmd_manual_add(const nlohmann::json& req, ControlServer::Reply reply);
    void cmd_manual_del(const nlohmann::json& req, ControlServer::Reply reply);

    EventLoop& loop_;
    DaemonOptions options_;
    TimePoint started_;
    config::Config config_;
    config::Secrets secrets_;
    std::unique_ptr<ipsec::Engine> engine_;
    ipsec::Spd spd_;
    std::unique_ptr<Sockets> sockets_;
    std::optional<net::TunDevice> tun_;
    std::unique_ptr<SaManager> sas_;
    std::unique_ptr<DataPath> datapath_;
    std::unique_ptr<ike::IkeCore> ike_;
    std::unique_ptr<ControlServer> control_;
    std::vector<std::string> manual_names_;
    std::set<TimerId> up_timers_;  // deadlines of `up` requests in flight
    // Receive buffers: one for IKE/ESP datagrams of a read burst, one for
    // TUN packets. Sized once; nothing is allocated per packet.
    std::vector<uint8_t> rx_arena_;
    bool shut_down_ = false;
};

}  // namespace ikeoff::daemon
