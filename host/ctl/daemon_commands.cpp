#include "host/ctl/daemon_commands.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

#include "host/ctl/status_text.hpp"
#include "host/daemon/control_client.hpp"
#include "host/daemon/control_protocol.hpp"

namespace ikeoff::ctl {

namespace po = boost::program_options;
using nlohmann::json;

namespace {

std::string& control_socket() {
    static std::string path = daemon::kDefaultControlSocket;
    return path;
}

struct Parsed {
    po::variables_map vm;
    int exit = -1;  // >= 0: stop with this status
};

// Common option handling: --control, --help, one positional CONN if wanted.
Parsed parse(const Args& args, const char* usage, po::options_description extra, bool want_conn) {
    Parsed p;
    po::options_description opts;
    opts.add_options()("help,h", "show this help")(
        "control", po::value<std::string>()->value_name("SOCKET"), "ikeoffd's control socket");
    opts.add(extra);
    po::options_description hidden;
    hidden.add_options()("conn", po::value<std::string>(), "connection");
    po::options_description all;
    all.add(opts).add(hidden);
    po::positional_options_description pos;
    if (want_conn) pos.add("conn", 1);
    try {
        po::store(po::command_line_parser(args).options(all).positional(pos).run(), p.vm);
        po::notify(p.vm);
    } catch (const po::error& e) {
        p.exit = fail(kExitUsage, std::string(e.what()) + " (usage: " + usage + ")");
        return p;
    }
    if (p.vm.count("help")) {
        std::cout << "usage: " << usage << "\n" << opts;
        p.exit = kExitOk;
        return p;
    }
    if (p.vm.count("control")) control_socket() = p.vm["control"].as<std::string>();
    if (want_conn && !p.vm.count("conn")) p.exit = fail(kExitUsage, std::string("missing CONN (usage: ") + usage + ")");
    return p;
}

// Sends the request; prints the one-line error and returns its exit status
// when the daemon cannot be asked.
int ask(const json& request, double timeout_s, json& reply) {
    auto r = daemon::control_request(control_socket(), request,
                                     std::chrono::milliseconds(static_cast<long long>(timeout_s * 1000)));
    if (!r.ok()) return fail(kExitFailure, r.error().message);
    reply = std::move(*r);
    return -1;
}

std::string describe_failure(const json& reply) {
    std::string reason = reply.value("reason", std::string());
    std::string error = reply.value("error", std::string());
    if (reason.empty()) return error;
    if (error.empty() || error == reason) return reason;
    return reason + " (" + error + ")";
}

}  // namespace

void set_control_socket(std::string path) { control_socket() = std::move(path); }

int run_up(const Args& args) {
    po::options_description extra;
    extra.add_options()("timeout", po::value<double>()->value_name("SECONDS")->default_value(30.0),
                        "give up waiting after this long (reason: timeout)");
    const char* usage = "ikeoffctl [--control SOCKET] up CONN [--timeout SECONDS]";
    auto p = parse(args, usage, extra, true);
    if (p.exit >= 0) return p.exit;
    std::string conn = p.vm["conn"].as<std::string>();
    double timeout = p.vm["timeout"].as<double>();
    if (!(timeout > 0 && timeout <= 3600)) return fail(kExitUsage, "--timeout must be in (0, 3600] seconds");
    json reply;
    // The daemon enforces the timeout; wait a little longer for its answer.
    if (int e = ask({{"cmd", "up"}, {"conn", conn}, {"timeout", timeout}}, timeout + 5, reply); e >= 0) return e;
    if (reply.value("ok", false)) {
        std::printf("%s: established\n", conn.c_str());
        return kExitOk;
    }
    // Exit 1 with the reason first, so scripts can match on it.
    return fail(kExitDropped, "up " + conn + " failed: " + describe_failure(reply));
}

int run_down(const Args& args) {
    const char* usage = "ikeoffctl [--control SOCKET] down CONN";
    auto p = parse(args, usage, po::options_description(), true);
    if (p.exit >= 0) return p.exit;
    std::string conn = p.vm["conn"].as<std::string>();
    json reply;
    if (int e = ask({{"cmd", "down"}, {"conn", conn}}, 10, reply); e >= 0) return e;
    if (!reply.value("ok", false)) return fail(kExitDropped, "down " + conn + " failed: " + describe_failure(reply));
    std::printf("%s: down\n", conn.c_str());
    return kExitOk;
}

int run_status(const Args& args) {
    po::options_description extra;
    extra.add_options()("json", "print the status as one JSON document");
    const char* usage = "ikeoffctl [--control SOCKET] status [--json]";
    auto p = parse(args, usage, extra, false);
    if (p.exit >= 0) return p.exit;
    json reply;
    if (int e = ask({{"cmd", "status"}}, 10, reply); e >= 0) return e;
    if (!reply.value("ok", false) || !reply.contains("status")) {
        return fail(kExitFailure, "status failed: " + describe_failure(reply));
    }
    if (p.vm.count("json")) {
        std::cout << reply["status"].dump(2) << "\n";
    } else {
        std::cout << render_status_text(reply["status"]);
    }
    return kExitOk;
}

}  // namespace ikeoff::ctl
