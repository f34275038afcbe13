// RekeyOps (rekey_ops.hpp): lifetimes, reauthentication, DPD and New Group
// Mode, reaching into the IKEv1 core as its friend.
#include "host/common/log.hpp"
#include "host/crypto/rng.hpp"
#include "host/ike/rekey_ops.hpp"
#include "host/ike/tasks/aggressive_mode.hpp"
#include "host/ike/tasks/informational.hpp"
#include "host/ike/tasks/main_mode.hpp"
#include "host/ike/tasks/quick_mode.hpp"

namespace ikeoff::ike {

namespace {

uint64_t random64() {
    uint8_t b[8] = {};
    if (!crypto::rng::public_fill(b).ok()) return 0;
    uint64_t v = 0;
    for (uint8_t x : b) v = v << 8 | x;
    return v;
}

// Rekey fuzz needs spread, not secrecy (when a rekey starts is visible on
// the wire anyway): splitmix64 seeded once per core from the public RNG
// spares a DRBG call per SA.
uint64_t fuzz_random(RekeyState& st) {
    if (st.fuzz_state == 0) st.fuzz_state = random64() | 1;
    uint64_t z = (st.fuzz_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// Runs `done` from a timer of the core, never from inside the caller.
void finish_later(Ikev1Core& core, Completion done, Outcome o, Timers& timers, std::set<TimerId>& owned) {
    auto id = std::make_shared<TimerId>(kNoTimer);
    std::set<TimerId>* own = &owned;
    *id = timers.schedule_in(Duration{}, [own, id, done = std::move(done), o] {
        own->erase(*id);
        done(o);
    });
    owned.insert(*id);
    (void)core;
}

}  // namespace

Status Ikev1Core::new_group(std::string_view conn, uint16_t description, crypto::DhGroup group, Completion done) {
    return RekeyOps::new_group(*this, conn, NewGroup{description, std::move(group)}, std::move(done));
}

RekeyState& RekeyOps::state(Ikev1Core& core) {
    if (!core.rekey_) {
        Ikev1Core* cp = &core;
        ChildLifetimes::Actions a;
        a.rekey = [cp](ChildSaId id) { rekey_child(*cp, id); };
        a.remove = [cp](ChildSaId id) { remove_child(*cp, id); };
        core.rekey_ = std::make_unique<RekeyState>(core.ctx_.timers, std::move(a));
    }
    return *core.rekey_;
}

Ikev1Core::Entry* RekeyOps::newest_established(Ikev1Core& core, const config::Connection& c, const IpAddress* peer) {
    Ikev1Core::Entry* best = nullptr;
    for (auto& [id, e] : core.sas_) {
        if (e.doomed || e.sa->conn != &c || e.sa->state != SaState::established || !e.sa->has_keys()) continue;
        if (peer && e.sa->remote.addr != *peer) continue;
        best = &e;  // ids grow: the last match is the newest
    }
    return best;
}

// ---- IPsec SAs ------------------------------------------------------------------------

void RekeyOps::child_added(Ikev1Core& core, IsakmpSa& sa, const Ikev1Core::Child& ch, const QuickMode& qm) {
    if (!ch.conn) return;
    const config::Connection& c = *ch.conn;
    ChildFacts f;
    f.id = ch.id;
    f.family = c.name + " " + ch.selector.to_string();
    f.batch = sa.id << 32 | qm.message_id();
    f.ours = qm.initiator();
    // Our Quick Mode asks for the first selector pair of the connection;
    // a pair the peer negotiated for other subnets is the peer's to rekey.
    const auto tss = c.traffic_selectors(sa.local.addr, sa.remote.addr);
    f.can_rekey = c.rekey && !tss.empty() && tss.front() == ch.selector;
    f.spi_in = ch.spi_in;
    f.spi_out = ch.spi_out;
    f.life = std::chrono::seconds(ch.lifetime_s);
    f.margin = c.rekeymargin;
    f.fuzz_percent = c.rekeyfuzz_percent;
    f.keyingtries = c.keyingtries;
    RekeyState& st = state(core);
    // The fuzz needs a random value only when there is something to fuzz
    // (drawing one costs a DRBG call per pair).
    const bool fuzzed = f.can_rekey && f.life > Duration::zero() && f.fuzz_percent != 0;
    st.children.added(f, fuzzed ? fuzz_random(st) : 0);
    if (auto d = st.dpd.find(sa.id); d != st.dpd.end()) d->second->on_activity();
}

void RekeyOps::child_removed(Ikev1Core& core, ChildSaId id) {
    if (core.rekey_) core.rekey_->children.removed(id);
}

void RekeyOps::child_event(Ikev1Core& core, ChildSaId id, ipsec::SaEventKind kind) {
    // The engine's soft byte/packet limit; hard limits are the core's.
    if (kind == ipsec::SaEventKind::soft_expired) state(core).children.soft_limit(id);
}

void RekeyOps::rekey_child(Ikev1Core& core, ChildSaId id) {
    auto it = core.children_.find(id);
    if (it == core.children_.end() || !it->second.conn) return;
    const config::Connection& c = *it->second.conn;
    const IpAddress peer = it->second.peer;
    Ikev1Core* cp = &core;
    // The Quick Mode's outcome arrives like an `up`'s.
    core.pending_[c.name].push_back([cp, id](const Outcome& o) {
        if (!o.established && cp->rekey_) cp->rekey_->children.rekey_failed(id);
    });
    if (Ikev1Core::Entry* e = newest_established(core, c, &peer)) {
        IKEOFF_LOG(1, "ike", e->sa->describe() << ": rekeying IPsec SA #" << id << " of " << c.name);
        core.start_quick_mode(*e, c);
    } else {
        bool connecting = false;
        for (const auto& [sid, e] : core.sas_)
            connecting |= !e.doomed && e.sa->conn == &c && e.sa->initiator && e.sa->state == SaState::connecting;
        IKEOFF_LOG(1, "ike", "rekeying IPsec SA #" << id << " of " << c.name << ": no ISAKMP SA, "
                                                  << (connecting ? "waiting for phase 1" : "starting phase 1"));
        // Not the first contact: the peer must keep the SAs being rekeyed.
        if (!connecting) core.start_phase1(c);
    }
    core.reap();
}

void RekeyOps::remove_child(Ikev1Core& core, ChildSaId id) {
    core.remove_child(id, true);
    core.reap();
}

void RekeyOps::annotate(const Ikev1Core& core, IpsecSaStatus& st) {
    if (!core.rekey_) return;
    auto v = core.rekey_->children.view(st.id);
    if (!v) return;
    st.state = to_string(v->state);
    if (v->rekey_in)
        st.rekey_in_s = std::chrono::duration_cast<std::chrono::seconds>(std::max(*v->rekey_in, Duration{})).count();
}

// ---- ISAKMP SAs ---------------------------------------------------------------------------

void RekeyOps::phase1_up(Ikev1Core& core, IsakmpSa& sa, bool initial_contact) {
    RekeyState& st = state(core);
    const uint64_t id = sa.id;
    const auto replaces = st.reauth_of.find(id);
    const uint64_t replaced = replaces == st.reauth_of.end() ? 0 : replaces->second;
    if (replaces != st.reauth_of.end()) st.reauth_of.erase(replaces);

    if (!initial_contact && sa.conn) {
        // Reauthentication (ours, or the peer's: a new phase 1 for the same
        // connection, peer and identity without INITIAL-CONTACT): the new
        // SA takes over the IPsec SAs, no Quick Mode needed.
        std::set<uint64_t> old;
        for (auto& [oid, o] : core.sas_) {
            if (oid == id || o.doomed || o.sa->conn != sa.conn || o.sa->remote.addr != sa.remote.addr) continue;
            if (o.sa->state != SaState::established || !o.sa->remote_id.same_as(sa.remote_id)) continue;
            old.insert(oid);
        }
        std::size_t n = 0;
        for (auto& [cid, ch] : core.children_) {
            if (ch.isakmp_sa == id || ch.conn != sa.conn || ch.peer != sa.remote.addr) continue;
            // Also orphans whose ISAKMP SA expired meanwhile.
            if (!old.count(ch.isakmp_sa) && core.entry(ch.isakmp_sa) != nullptr) continue;
            ch.isakmp_sa = id;
            ++n;
        }
        st.counters.adopted += n;
        if (!old.empty() || n != 0) {
            std::string ids;
            for (uint64_t oid : old) ids += (ids.empty() ? "#" : ", #") + std::to_string(oid);
            IKEOFF_LOG(1, "ike", sa.describe() << ": reauthentication" << (ids.empty() ? "" : " of ISAKMP SA " + ids)
                                               << ", adopting " << n << " IPsec SA(s)");
        }
        for (uint64_t oid : old) {
            // Its duties (DPD, reauthentication) pass to the new SA.
            st.dpd.erase(oid);
            if (auto t = st.reauth_timers.find(oid); t != st.reauth_timers.end()) {
                core.ctx_.timers.cancel(t->second);
                st.reauth_timers.erase(t);
            }
            // We reauthenticated: the old SA goes now. When the peer did,
            // it deletes the old one itself (strongSwan: "later").
            if (oid == replaced) {
                if (Ikev1Core::Entry* e = core.entry(oid)) core.drop_isakmp(*e, true);
            }
        }
    }

    const config::Connection* c = sa.conn;
    if (c && c->rekey && sa.proposal && sa.proposal->lifetime_s != 0) {
        const Duration after = rekey_delay(std::chrono::seconds(sa.proposal->lifetime_s), c->rekeymargin,
                                           c->rekeyfuzz_percent, sa.initiator,
                                           c->rekeyfuzz_percent != 0 ? fuzz_random(st) : 0);
        Ikev1Core* cp = &core;
        st.reauth_timers[id] = core.ctx_.timers.schedule_in(after, [cp, id] { reauthenticate(*cp, id); });
    }
    start_dpd(core, sa);
}

void RekeyOps::isakmp_gone(Ikev1Core& core, uint64_t id) {
    if (!core.rekey_) return;
    RekeyState& st = *core.rekey_;
    if (auto t = st.reauth_timers.find(id); t != st.reauth_timers.end()) {
        core.ctx_.timers.cancel(t->second);
        st.reauth_timers.erase(t);
    }
    st.dpd.erase(id);
    if (auto r = st.reauth_of.find(id); r != st.reauth_of.end()) {
        // A reauthentication that failed: try again while the old SA lives.
        const uint64_t old = r->second;
        st.reauth_of.erase(r);
        Ikev1Core::Entry* e = core.entry(old);
        if (e && e->sa->state == SaState::established && !st.reauth_timers.count(old)) {
            Ikev1Core* cp = &core;
            st.reauth_timers[old] =
                core.ctx_.timers.schedule_in(std::chrono::seconds(10), [cp, old] { reauthenticate(*cp, old); });
        }
    }
    for (auto it = st.reauth_of.begin(); it != st.reauth_of.end();) {
        it = it->second == id ? st.reauth_of.erase(it) : std::next(it);
    }
}

void RekeyOps::reauthenticate(Ikev1Core& core, uint64_t id) {
    RekeyState& st = state(core);
    st.reauth_timers.erase(id);
    Ikev1Core::Entry* old = core.entry(id);
    if (!old || old->sa->state != SaState::established || !old->sa->conn) return;
    const config::Connection& c = *old->sa->conn;
    if (newest_established(core, c, &old->sa->remote.addr) != old) return;  // already replaced
    auto cookie = random_cookie();
    if (!cookie.ok()) return;
    auto sa = std::make_unique<IsakmpSa>();
    sa->id = core.next_id_++;
    sa->conn = &c;
    sa->initiator = true;
    sa->cky_i = *cookie;
    // From the ports in use: straight to 4500 after floating, as strongSwan
    // reauthenticates (RFC 3947 allows starting there).
    sa->local = old->sa->local;
    sa->remote = old->sa->remote;
    sa->created = core.ctx_.timers.now();
    Ikev1Core::Entry* e = core.add_entry(std::move(sa));
    st.reauth_of[e->sa->id] = id;
    ++st.counters.reauth_started;
    IKEOFF_LOG(1, "ike", e->sa->describe() << ": reauthenticating ISAKMP SA #" << id);
    // The same exchange as the first time; no INITIAL-CONTACT: the peer
    // must keep the IPsec SAs we keep.
    std::unique_ptr<Task> task;
    if (c.aggressive) {
        task = AggressiveMode::initiator(*e->sa, core.env_, false);
    } else {
        task = MainMode::initiator(*e->sa, core.env_, false);
    }
    (void)e->tm->start(std::move(task), 0);
    core.reap();
}

// ---- DPD --------------------------------------------------------------------------------

void RekeyOps::start_dpd(Ikev1Core& core, IsakmpSa& sa) {
    RekeyState& st = state(core);
    DpdSettings s;
    if (sa.conn) {
        s.delay = sa.conn->dpddelay;
        s.timeout = sa.conn->dpdtimeout;
        // RFC 3706 §5.3: only to peers that announced DPD; dpdaction=none
        // (strongSwan's default) means answering only.
        s.active = sa.conn->dpdaction != config::DpdAction::none && sa.peer_dpd;
    }
    Ikev1Core* cp = &core;
    const uint64_t id = sa.id;
    DeadPeerDetector::Hooks h;
    h.send = [cp, id](isakmp::NotifyType type, uint32_t seq) {
        if (Ikev1Core::Entry* e = cp->entry(id)) cp->send_informational(*e, {dpd_notify(*e->sa, type, seq)});
    };
    h.inbound_packets = [cp, id] {
        uint64_t n = 0;
        for (const auto& [cid, ch] : cp->children_) {
            if (ch.isakmp_sa != id) continue;
            auto u = cp->ctx_.sas.usage(cid);
            if (u.ok()) n += u->inbound.packets;
        }
        return n;
    };
    h.dead = [cp, id] { peer_dead(*cp, id); };
    // RFC 3706 §5.5 / §7: start from a random sequence number (only a
    // detector that asks ever uses its own numbers).
    const auto first = s.active ? static_cast<uint32_t>(random64() & 0x7fffffff) : 0u;
    auto d = std::make_unique<DeadPeerDetector>(core.ctx_.timers, s, std::move(h), first);
    d->start();
    st.dpd[id] = std::move(d);
}

bool RekeyOps::notify(Ikev1Core& core, IsakmpSa& sa, const isakmp::NotifyPayload& n) {
    if (n.type == isakmp::NotifyType::attributes_not_supported) {
        // RFC 2409 §5.6: the responder refused our new group.
        if (!core.rekey_) return false;
        RekeyState& st = *core.rekey_;
        Ikev1Core::Entry* e = core.entry(sa.id);
        for (Task* t : e ? e->tm->active() : std::vector<Task*>{}) {
            auto w = st.ngm_waiting.find(t);
            if (t->kind() != TaskKind::new_group || w == st.ngm_waiting.end()) continue;
            Completion done = std::move(w->second);
            st.ngm_waiting.erase(w);
            finish_later(core, std::move(done),
                         Outcome::failure(isakmp::to_string(n.type), "the peer refused the private group"),
                         core.ctx_.timers, core.timers_);
        }
        return false;
    }
    if (!is_dpd_notify(n.type)) return false;
    RekeyState& st = state(core);
    auto msg = parse_dpd_notify(sa, n);
    if (!msg.ok()) {
        ++st.counters.dpd_dropped;
        IKEOFF_LOG(1, "ike", sa.describe() << ": dropping " << isakmp::to_string(n.type) << ": "
                                           << msg.error().message);
        return true;
    }
    auto it = st.dpd.find(sa.id);
    if (it == st.dpd.end()) {
        // An SA without a detector (replaced by a reauthentication) still
        // answers: the peer may not have switched yet.
        if (!msg->ack) {
            if (Ikev1Core::Entry* e = core.entry(sa.id))
                core.send_informational(*e, {dpd_notify(sa, isakmp::NotifyType::dpd_r_u_there_ack, msg->seq)});
        } else {
            ++st.counters.dpd_dropped;
        }
        return true;
    }
    if (msg->ack) {
        if (!it->second->on_ack(msg->seq)) ++st.counters.dpd_dropped;
    } else if (!it->second->on_r_u_there(msg->seq)) {
        ++st.counters.dpd_dropped;
    }
    return true;
}

void RekeyOps::peer_dead(Ikev1Core& core, uint64_t id) {
    Ikev1Core::Entry* e = core.entry(id);
    if (!e) return;
    const config::Connection* c = e->sa->conn;
    const IpAddress peer = e->sa->remote.addr;
    ++state(core).counters.dpd_dead;
    IKEOFF_LOG(1, "ike", e->sa->describe() << ": DPD: peer " << peer.to_string() << " is dead, dpdaction="
                                           << (c ? config::to_string(c->dpdaction) : "none"));
    std::vector<ChildSaId> gone;
    for (const auto& [cid, ch] : core.children_) {
        if (ch.peer == peer && (ch.conn == c || ch.isakmp_sa == id)) gone.push_back(cid);
    }
    // No Deletes: a dead peer reads nothing.
    for (ChildSaId cid : gone) core.remove_child(cid, false);
    for (auto& [oid, o] : core.sas_) {
        if (o.doomed || o.sa->remote.addr != peer || (oid != id && o.sa->conn != c)) continue;
        o.sa->state = SaState::deleting;
        core.doom(oid);
    }
    if (c && c->dpdaction == config::DpdAction::restart) {
        const std::string name = c->name;
        auto st = core.initiate(name, [name](const Outcome& o) {
            IKEOFF_LOG(1, "ike", "dpdaction=restart " << name << ": "
                                                      << (o.established ? "re-established" : o.reason + " " + o.detail));
        });
        if (!st.ok()) IKEOFF_LOG(1, "ike", "dpdaction=restart " << name << ": " << st.error().message);
    }
    core.reap();
}

// ---- New Group Mode -------------------------------------------------------------------------

Status RekeyOps::new_group(Ikev1Core& core, std::string_view conn, NewGroup group, Completion done) {
    IKEOFF_ASSIGN(const config::Connection* c, core.ctx_.config.lookup(conn));
    // RFC 2409 §5.6: "New Group Mode MUST NOT be used prior to
    // establishment of an ISAKMP SA".
    Ikev1Core::Entry* e = newest_established(core, *c);
    IKEOFF_ENSURE(e != nullptr, Errc::state_error, "connection '" + c->name + "' has no established ISAKMP SA");
    IKEOFF_ENSURE(group.description >= kPrivateGroupMin, Errc::invalid_argument,
                  "a private Group Description is 32768..65535 (RFC 2409 §5.6)");
    IKEOFF_ASSIGN(uint32_t mid, e->tm->fresh_message_id());
    auto task = NewGroupMode::initiator(*e->sa, std::move(group), mid);
    RekeyState& st = state(core);
    st.ngm_waiting[task.get()] = std::move(done);
    (void)e->tm->start(std::move(task), mid);  // a failure reaches new_group_failed
    core.reap();
    return {};
}

std::unique_ptr<Task> RekeyOps::new_group_responder(Ikev1Core&, IsakmpSa& sa, const isakmp::Header& h) {
    return NewGroupMode::responder(sa, h.message_id, sa.conn && sa.conn->weakalgs);
}

void RekeyOps::new_group_done(Ikev1Core& core, IsakmpSa& sa, Task& task) {
    auto& ngm = static_cast<NewGroupMode&>(task);
    if (ngm.result()) {
        const NewGroup& g = *ngm.result();
        auto& groups = sa.private_groups;
        for (auto it = groups.begin(); it != groups.end();) {
            it = it->first == g.description ? groups.erase(it) : std::next(it);
        }
        groups.emplace_back(g.description, g.group);
    }
    RekeyState& st = state(core);
    if (auto w = st.ngm_waiting.find(&task); w != st.ngm_waiting.end()) {
        Completion done = std::move(w->second);
        st.ngm_waiting.erase(w);
        finish_later(core, std::move(done), Outcome::success(), core.ctx_.timers, core.timers_);
    }
}

void RekeyOps::new_group_failed(Ikev1Core& core, IsakmpSa&, Task& task, const std::string& reason,
                                const std::string& detail) {
    RekeyState& st = state(core);
    if (auto w = st.ngm_waiting.find(&task); w != st.ngm_waiting.end()) {
        Completion done = std::move(w->second);
        st.ngm_waiting.erase(w);
        finish_later(core, std::move(done), Outcome::failure(reason, detail), core.ctx_.timers, core.timers_);
    }
}

}  // namespace ikeoff::ike
