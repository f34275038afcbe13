// Ikev1Core: what the daemon asks for (up, down, status, shutdown) and the
// bookkeeping of installed IPsec SA pairs.
#include "host/common/log.hpp"
#include "host/ike/ikev1_core.hpp"
#include "host/ike/tasks/aggressive_mode.hpp"
#include "host/ike/tasks/informational.hpp"
#include "host/ike/tasks/main_mode.hpp"
#include "host/ike/tasks/quick_mode.hpp"
#include "host/ike/rekey_ops.hpp"

namespace ikeoff::ike {

namespace {

std::string cookie_hex(const isakmp::Cookie& c) { return to_hex(c); }

int64_t seconds_between(TimePoint from, TimePoint to) {
    return std::chrono::duration_cast<std::chrono::seconds>(to - from).count();
}

std::string auth_keyword(config::AuthMethod m) {
    switch (m) {
        case config::AuthMethod::psk: return "psk";
        case config::AuthMethod::rsa_sig: return "rsasig";
        case config::AuthMethod::dss_sig: return "dsssig";
        case config::AuthMethod::rsa_enc: return "rsaenc";
        case config::AuthMethod::rsa_enc_revised: return "rsaencrev";
    }
    return "?";
}

}  // namespace

// ---- starting exchanges ------------------------------------------------------------

Ikev1Core::Entry* Ikev1Core::established_for(const config::Connection& c) {
    // The newest (ids grow): after a reauthentication the old ISAKMP SA may
    // linger until the peer deletes it (strongSwan's over_time), and new
    // exchanges belong on the new one.
    Entry* newest = nullptr;
    for (auto& [id, e] : sas_) {
        if (!e.doomed && e.sa->conn == &c && e.sa->state == SaState::established) newest = &e;
    }
    return newest;
}

bool Ikev1Core::quick_mode_running(const Entry& e, const config::Connection& c) const {
    for (Task* t : e.tm->active()) {
        if (t->kind() == TaskKind::quick_mode && t->initiator() && static_cast<QuickMode*>(t)->conn() == &c) return true;
    }
    return false;
}

void Ikev1Core::start_phase1(const config::Connection& c) {
    if (c.remote.host_kind != config::HostKind::address) {
        complete(c.name, Outcome::failure("config", "right=" + c.remote.host_string() + " is not an address to "
                                                        "initiate to"));
        return;
    }
    auto cookie = random_cookie();
    if (!cookie.ok()) {
        complete(c.name, Outcome::failure("internal", cookie.error().message));
        return;
    }
    auto sa = std::make_unique<IsakmpSa>();
    sa->id = next_id_++;
    sa->conn = &c;
    sa->initiator = true;
    sa->cky_i = *cookie;
    sa->local = Endpoint{c.local.host_kind == config::HostKind::address ? c.local.address : IpAddress{},
                         c.local.ikeport};
    sa->remote = Endpoint{c.remote.address, c.remote.ikeport};
    sa->created = ctx_.timers.now();
    // RFC 2407 §4.6.3.3: INITIAL-CONTACT when we hold nothing with this peer.
    bool first_contact = true;
    for (const auto& [id, e] : sas_) first_contact &= e.doomed || e.sa->remote.addr != sa->remote.addr;
    for (const auto& [id, ch] : children_) first_contact &= ch.peer != sa->remote.addr;
    Entry* e = add_entry(std::move(sa));
    IKEOFF_LOG(1, "ike", e->sa->describe() << ": initiating " << (c.aggressive ? "Aggressive" : "Main") << " Mode");
    std::unique_ptr<Task> task;
    if (c.aggressive) {
        task = AggressiveMode::initiator(*e->sa, env_, first_contact);
    } else {
        task = MainMode::initiator(*e->sa, env_, first_contact);
    }
    (void)e->tm->start(std::move(task), 0);
}

void Ikev1Core::start_quick_mode(Entry& e, const config::Connection& c) {
    if (quick_mode_running(e, c)) return;
    auto mid = e.tm->fresh_message_id();
    if (!mid.ok()) {
        complete(c.name, Outcome::failure("internal", mid.error().message));
        return;
    }
    IKEOFF_LOG(2, "ike", e.sa->describe() << ": starting Quick Mode for " << c.name);
    (void)e.tm->start(QuickMode::initiator(*e.sa, env_, c, *mid), *mid);
}

void Ikev1Core::send_informational(Entry& e, std::vector<isakmp::Payload> payloads) {
    if (!e.sa->has_keys()) return;
    auto mid = e.tm->fresh_message_id();
    if (!mid.ok()) return;
    auto task = Informational::sender(*e.sa, std::move(payloads));
    task->set_message_id(*mid);
    (void)e.tm->start(std::move(task), *mid);
}

// Runs the waiting completions of `conn` (once each, from a timer so the
// caller never re-enters the daemon from inside IKE).
void Ikev1Core::complete(const std::string& conn, const Outcome& o) {
    auto it = pending_.find(conn);
    if (it == pending_.end() || it->second.empty()) return;
    auto waiting = std::make_shared<std::vector<Completion>>(std::move(it->second));
    pending_.erase(it);
    if (shutting_down_) {
        for (auto& done : *waiting) done(o);
        return;
    }
    auto id = std::make_shared<TimerId>(kNoTimer);
    *id = ctx_.timers.schedule_in(Duration{}, [this, waiting, o, id] {
        timers_.erase(*id);
        for (auto& done : *waiting) done(o);
    });
    timers_.insert(*id);
}

// ---- the daemon's requests ----------------------------------------------------------

Status Ikev1Core::initiate(std::string_view name, Completion done) {
    IKEOFF_ASSIGN(const config::Connection* c, ctx_.config.lookup(name));
    pending_[c->name].push_back(std::move(done));
    for (const auto& [id, ch] : children_) {
        if (ch.conn == c) {
            complete(c->name, Outcome::success());
            return {};
        }
    }
    if (Entry* e = established_for(*c)) {
        start_quick_mode(*e, *c);
        reap();
        return {};
    }
    for (const auto& [id, e] : sas_) {
        if (!e.doomed && e.sa->conn == c && e.sa->initiator && e.sa->state == SaState::connecting) return {};
    }
    start_phase1(*c);
    reap();
    return {};
}

void Ikev1Core::remove_child(ChildSaId id, bool send_delete) {
    auto it = children_.find(id);
    if (it == children_.end()) return;
    Child ch = it->second;
    children_.erase(it);
    RekeyOps::child_removed(*this, id);
    ctx_.timers.cancel(ch.expiry);
    if (send_delete) {
        // RFC 2408 §3.15: we delete the SA we receive on, naming our SPI.
        Entry* e = entry(ch.isakmp_sa);
        if (!e || e->sa->state != SaState::established) e = ch.conn ? established_for(*ch.conn) : nullptr;
        if (e) send_informational(*e, {delete_ipsec(ch.protocol, ch.spi_in)});
    }
    auto st = ctx_.sas.remove(id);
    if (!st.ok()) IKEOFF_LOG(1, "ike", "removing IPsec SA #" << id << ": " << st.error().message);
}

void Ikev1Core::drop_isakmp(Entry& e, bool send_delete) {
    if (send_delete && e.sa->state == SaState::established) send_informational(e, {delete_isakmp(*e.sa)});
    e.sa->state = SaState::deleting;
    doom(e.sa->id);
}

void Ikev1Core::expire_isakmp(uint64_t id) {
    Entry* e = entry(id);
    if (!e) return;
    e->sa->expiry_timer = kNoTimer;
    IKEOFF_LOG(1, "ike", e->sa->describe() << ": lifetime over, deleting");
    drop_isakmp(*e, true);
    reap();
}

Status Ikev1Core::terminate(std::string_view name) {
    IKEOFF_ASSIGN(const config::Connection* c, ctx_.config.lookup(name));
    std::vector<ChildSaId> mine;
    for (const auto& [id, ch] : children_) {
        if (ch.conn == c) mine.push_back(id);
    }
    for (ChildSaId id : mine) remove_child(id, true);
    for (auto& [id, e] : sas_) {
        if (!e.doomed && e.sa->conn == c) drop_isakmp(e, true);
    }
    complete(c->name, Outcome::failure("deleted", "connection taken down"));
    reap();
    return {};
}

void Ikev1Core::on_child_sa_event(ChildSaId id, ipsec::SaEventKind kind) {
    if (!children_.count(id)) return;
    switch (kind) {
        case ipsec::SaEventKind::soft_expired:
            IKEOFF_LOG(1, "ike", "IPsec SA #" << id << " reached its soft volume limit");
            RekeyOps::child_event(*this, id, kind);  // rekey
            break;
        case ipsec::SaEventKind::hard_expired:
        case ipsec::SaEventKind::seq_overflow:
            IKEOFF_LOG(1, "ike", "IPsec SA #" << id << " is used up, deleting");
            remove_child(id, true);
            break;
    }
    reap();
}

void Ikev1Core::shutdown() {
    if (shutting_down_) return;
    std::vector<ChildSaId> all;
    for (const auto& [id, ch] : children_) all.push_back(id);
    for (ChildSaId id : all) remove_child(id, true);
    for (auto& [id, e] : sas_) {
        if (!e.doomed) drop_isakmp(e, true);
    }
    shutting_down_ = true;
    std::vector<std::string> names;
    for (const auto& [name, v] : pending_) names.push_back(name);
    for (const auto& n : names) complete(n, Outcome::failure("deleted", "daemon stopping"));
    reap();
}

IkeStatus Ikev1Core::status() const {
    IkeStatus s;
    const TimePoint now = ctx_.timers.now();
    for (const auto& [id, e] : sas_) {
        if (e.doomed) continue;
        const IsakmpSa& sa = *e.sa;
        IsakmpSaStatus st;
        st.id = sa.id;
        st.conn = sa.conn ? sa.conn->name : "";
        st.state = to_string(sa.state);
        st.initiator = sa.initiator;
        st.exchange = sa.aggressive ? "aggressive" : "main";
        st.auth = sa.conn ? auth_keyword(sa.conn->auth) : "";
        st.local = sa.local;
        st.remote = sa.remote;
        st.local_id = sa.local_id.to_string();
        st.remote_id = sa.remote_id.to_string();
        st.cookie_i = cookie_hex(sa.cky_i);
        st.cookie_r = cookie_hex(sa.cky_r);
        if (sa.state != SaState::connecting && sa.proposal) st.proposal = sa.proposal->to_string();
        st.nat_local = sa.nat.local_behind;
        st.nat_remote = sa.nat.remote_behind;
        const bool up = sa.state != SaState::connecting;
        st.lifetime_s = up && sa.proposal ? sa.proposal->lifetime_s : 0;
        st.age_s = seconds_between(up ? sa.established_at : sa.created, now);
        st.expires_in_s = up && st.lifetime_s ? st.lifetime_s - st.age_s : -1;
        s.isakmp.push_back(std::move(st));
    }
    for (const auto& [id, ch] : children_) {
        IpsecSaStatus st;
        st.id = ch.id;
        st.isakmp_sa = ch.isakmp_sa;
        st.conn = ch.conn ? ch.conn->name : "";
        st.state = "installed";
        st.pfs_group = ch.pfs_group;
        st.lifetime_s = ch.lifetime_s;
        st.lifetime_kb = ch.lifetime_kb;
        st.age_s = seconds_between(ch.installed, now);
        st.expires_in_s = ch.lifetime_s ? ch.lifetime_s - st.age_s : -1;
        RekeyOps::annotate(*this, st);  // state, rekey_in_s
        s.ipsec.push_back(std::move(st));
    }
    return s;
}

}  // namespace ikeoff::ike
