// The daemon's control commands (control_protocol.hpp).
#include <algorithm>
#include <memory>

#include "host/common/log.hpp"
#include "host/daemon/daemon.hpp"
#include "host/ipsec/sa_json.hpp"

namespace ikeoff::daemon {

namespace {

using nlohmann::json;

json failure(std::string error, std::string reason = {}) {
    json j{{"ok", false}, {"error", std::move(error)}};
    if (!reason.empty()) j["reason"] = std::move(reason);
    return j;
}

// Errc -> the kebab-case reason `ikeoffctl up` prints when IKE refused to
// even start (as opposed to a negotiation that failed).
std::string reason_of(Errc c) {
    std::string s = errc_name(c);
    for (auto& ch : s) {
        if (ch == '_' || ch == ' ') ch = '-';
    }
    return s;
}

// A required string field, or an error naming it.
Result<std::string> string_field(const json& req, const char* name) {
    auto it = req.find(name);
    IKEOFF_ENSURE(it != req.end() && it->is_string() && !it->get<std::string>().empty(), Errc::invalid_argument,
                  std::string("missing string field '") + name + "'");
    return it->get<std::string>();
}

constexpr double kDefaultUpTimeout = 30.0;
constexpr double kMaxUpTimeout = 3600.0;

}  // namespace

void Daemon::handle_request(const json& req, ControlServer::Reply reply) {
    std::string cmd = req.value("cmd", std::string());
    IKEOFF_LOG(2, "ctl", "request " << (cmd.empty() ? "(none)" : cmd));
    if (cmd == "status") {
        reply({{"ok", true}, {"status", status_json()}});
    } else if (cmd == "up") {
        cmd_up(req, std::move(reply));
    } else if (cmd == "down") {
        cmd_down(req, std::move(reply));
    } else if (cmd == "manual-sa-add") {
        cmd_manual_add(req, std::move(reply));
    } else if (cmd == "manual-sa-del") {
        cmd_manual_del(req, std::move(reply));
    } else if (cmd == "version") {
        reply({{"ok", true}, {"version", "ikeoffd 0.1"}, {"engine", std::string(engine_->driver_name())}});
    } else {
        reply(failure(cmd.empty() ? "request has no 'cmd'" : "unknown command '" + cmd + "'"));
    }
}

void Daemon::cmd_up(const json& req, ControlServer::Reply reply) {
    auto conn = string_field(req, "conn");
    if (!conn.ok()) return reply(failure(conn.error().message));
    double timeout = kDefaultUpTimeout;
    if (auto it = req.find("timeout"); it != req.end()) {
        if (!it->is_number() || it->get<double>() <= 0 || it->get<double>() > kMaxUpTimeout) {
            return reply(failure("'timeout' must be a number of seconds in (0, 3600]"));
        }
        timeout = it->get<double>();
    }

    // Whichever comes first, IKE's verdict or the deadline, answers; the
    // other finds `state->done` set and does nothing.
    struct Pending {
        ControlServer::Reply reply;
        TimerId timer = kNoTimer;
        bool done = false;
    };
    auto state = std::make_shared<Pending>();
    state->reply = std::move(reply);
    std::string name = *conn;
    Timers& timers = loop_.timers();

    auto started = ike_->initiate(name, [this, state, &timers, name](const ike::Outcome& o) {
        if (state->done) return;
        state->done = true;
        timers.cancel(state->timer);
        up_timers_.erase(state->timer);
        if (o.established) {
            IKEOFF_LOG(1, "ctl", "up " << name << ": established");
            state->reply({{"ok", true}, {"conn", name}});
        } else {
            IKEOFF_LOG(1, "ctl", "up " << name << ": failed: " << o.reason << " " << o.detail);
            json f = failure(o.detail.empty() ? o.reason : o.detail, o.reason.empty() ? "failed" : o.reason);
            f["conn"] = name;
            state->reply(f);
        }
    });
    if (!started.ok()) {
        state->done = true;
        return state->reply(failure(started.error().message, reason_of(started.error().code)));
    }
    if (state->done) return;  // IKE answered synchronously
    auto deadline = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(timeout));
    state->timer = timers.schedule_in(deadline, [this, state, name, timeout] {
        up_timers_.erase(state->timer);
        if (state->done) return;
        state->done = true;
        IKEOFF_LOG(1, "ctl", "up " << name << ": no result within " << timeout << " s");
        json f = failure("not established within " + std::to_string(static_cast<int>(timeout)) + " s", "timeout");
        f["conn"] = name;
        state->reply(f);
    });
    up_timers_.insert(state->timer);
}

void Daemon::cmd_down(const json& req, ControlServer::Reply reply) {
    auto conn = string_field(req, "conn");
    if (!conn.ok()) return reply(failure(conn.error().message));
    auto st = ike_->terminate(*conn);
    if (!st.ok()) return reply(failure(st.error().message, reason_of(st.error().code)));
    reply({{"ok", true}, {"conn", *conn}});
}

// RFC 4301 §4.5 manual keying: an SA pair and its selectors, no IKE.
void Daemon::cmd_manual_add(const json& req, ControlServer::Reply reply) {
    auto name = string_field(req, "name");
    if (!name.ok()) return reply(failure(name.error().message));
    if (std::find(manual_names_.begin(), manual_names_.end(), *name) != manual_names_.end()) {
        return reply(failure("manual SA '" + *name + "' already exists"));
    }
    if (config_.find(*name) != nullptr) {
        return reply(failure("'" + *name + "' is a configured connection; pick another name"));
    }
    auto local = string_field(req, "local_ts");
    auto remote = string_field(req, "remote_ts");
    if (!local.ok()) return reply(failure(local.error().message));
    if (!remote.ok()) return reply(failure(remote.error().message));
    ike::ChildSaInstall sa;
    sa.conn = *name;
    auto lp = ipsec::IpPrefix::parse(*local);
    auto rp = ipsec::IpPrefix::parse(*remote);
    if (!lp.ok()) return reply(failure("local_ts: " + lp.error().message));
    if (!rp.ok()) return reply(failure("remote_ts: " + rp.error().message));
    sa.selector.local = *lp;
    sa.selector.remote = *rp;
    for (const char* dir : {"inbound", "outbound"}) {
        auto it = req.find(dir);
        if (it == req.end() || !it->is_object()) return reply(failure(std::string("missing object '") + dir + "'"));
        auto params = ipsec::sa_from_json(*it);
        if (!params.ok()) return reply(failure(std::string(dir) + "." + params.error().message));
        bool in = std::string_view(dir) == "inbound";
        params->direction = in ? ipsec::SaDirection::inbound : ipsec::SaDirection::outbound;
        (in ? sa.inbound : sa.outbound) = std::move(*params);
    }
    auto id = sas_->install(std::move(sa));
    if (!id.ok()) return reply(failure(id.error().message));
    manual_names_.push_back(*name);
    reply({{"ok", true}, {"id", *id}});
}

void Daemon::cmd_manual_del(const json& req, ControlServer::Reply reply) {
    auto name = string_field(req, "name");
    if (!name.ok()) return reply(failure(name.error().message));
    auto it = std::find(manual_names_.begin(), manual_names_.end(), *name);
    if (it == manual_names_.end()) return reply(failure("no manual SA '" + *name + "'"));
    manual_names_.erase(it);
    sas_->remove_conn(*name);
    reply({{"ok", true}});
}

}  // namespace ikeoff::daemon
