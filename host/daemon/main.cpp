// ikeoffd: the IKEv1 daemon.
//
//   ikeoffd --config FILE --secrets FILE [--control SOCKET]
//           [--engine soft|csim|xrt|auto] [--listen ADDR]... [--log-level N]
//
// Stays in the foreground and logs to stderr (run it under systemd or a
// supervisor for anything else). SIGINT/SIGTERM: Delete notifications go out,
// SAs are removed, the process exits 0.
// Exit statuses: 0 clean stop, 1 could not start (configuration, engine,
// sockets) or the event loop failed, 2 usage error.
#include <boost/program_options.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "host/common/log.hpp"
#include "host/daemon/control_protocol.hpp"
#include "host/daemon/daemon.hpp"
#include "host/daemon/event_loop.hpp"

namespace po = boost::program_options;
using namespace ikeoff;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int fail(int code, const std::string& msg) {
    std::string line = "ikeoffd: ";
    for (char c : msg) line += (c == '\n') ? ' ' : c;
    std::fprintf(stderr, "%s\n", line.c_str());
    return code;
}

int run(int argc, char** argv) {
    std::string config, secrets, control, engine;
    std::vector<std::string> listen;
    int log_level = 1;
    po::options_description opts("ikeoffd options");
    opts.add_options()
        ("help,h", "show this help and exit")
        ("config", po::value(&config)->value_name("FILE"), "connections (ipsec.conf syntax), required")
        ("secrets", po::value(&secrets)->value_name("FILE"), "pre-shared keys and private keys (ipsec.secrets syntax), required")
        ("control", po::value(&control)->value_name("SOCKET")->default_value(daemon::kDefaultControlSocket),
         "control socket for ikeoffctl")
        ("engine", po::value(&engine)->value_name("NAME")->default_value("auto"),
         "ESP engine: soft, csim, xrt or auto (a card if present, else soft)")
        ("listen", po::value(&listen)->value_name("ADDR"),
         "address to bind UDP 500/4500 on (repeatable; default: all IPv4 and IPv6 addresses)")
        ("log-level", po::value(&log_level)->value_name("N")->default_value(1),
         "0 quiet, 1 events, 2 control flow, 3 raw messages, 4 key material (and keys in status)");
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(opts).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        return fail(kExitUsage, std::string(e.what()) + " (see --help)");
    }
    if (vm.count("help")) {
        std::cout << "usage: ikeoffd --config FILE --secrets FILE [--control SOCKET] [--engine soft|csim|xrt|auto]\n"
                     "               [--listen ADDR] [--log-level N]\n\n"
                  << opts;
        return kExitOk;
    }
    if (config.empty()) return fail(kExitUsage, "--config FILE is required");
    if (secrets.empty()) return fail(kExitUsage, "--secrets FILE is required");
    if (log_level < 0 || log_level > 4) return fail(kExitUsage, "--log-level must be 0..4");
    if (engine != "soft" && engine != "csim" && engine != "xrt" && engine != "auto") {
        return fail(kExitUsage, "--engine must be soft, csim, xrt or auto, not '" + engine + "'");
    }
    log::set_level(log_level);

    daemon::DaemonOptions options;
    options.config_path = config;
    options.secrets_path = secrets;
    options.control_path = control;
    options.engine = engine;
    options.log_level = log_level;
    for (const auto& a : listen) {
        auto addr = IpAddress::parse(a);
        if (!addr.ok()) return fail(kExitUsage, "--listen: " + addr.error().message);
        options.sockets.listen.push_back(*addr);
    }

    auto loop = daemon::EventLoop::create();
    if (!loop.ok()) return fail(kExitFailure, loop.error().message);
    auto signals = (*loop)->handle_signals(
        [](int signo) { IKEOFF_LOG(1, "daemon", "signal " << signo << ", shutting down"); });
    if (!signals.ok()) return fail(kExitFailure, signals.error().message);

    auto d = daemon::Daemon::create(**loop, std::move(options));
    if (!d.ok()) return fail(kExitFailure, d.error().message);
    IKEOFF_LOG(1, "daemon", "ikeoffd running");

    auto ran = (*loop)->run();
    (*d)->shutdown();
    d->reset();
    if (!ran.ok()) return fail(kExitFailure, ran.error().message);
    IKEOFF_LOG(1, "daemon", "stopped");
    return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    // A peer closing a control connection must not kill the daemon.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        return fail(kExitFailure, std::string("internal error: ") + e.what());
    }
}
