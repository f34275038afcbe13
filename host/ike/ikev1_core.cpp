#include "host/ike/ikev1_core.hpp"

#include "host/common/log.hpp"
#include "host/ike/tasks/aggressive_mode.hpp"
#include "host/ike/tasks/informational.hpp"
#include "host/ike/tasks/main_mode.hpp"
#include "host/ike/tasks/quick_mode.hpp"
#include "host/ike/phase2.hpp"
#include "host/ike/rekey_ops.hpp"
#include "host/isakmp/message.hpp"
#include "host/isakmp/message_rules.hpp"

namespace ikeoff::ike {

using isakmp::ExchangeType;
using isakmp::NotifyType;

Ikev1Core::Ikev1Core(const IkeContext& ctx, IkeTuning tuning)
    : ctx_(ctx), tuning_(tuning), env_{ctx_.config, ctx_.secrets, ctx_.sas, ctx_.timers, tuning_} {
    // auto=start connections come up on their own, once the loop runs.
    TimerId t = ctx_.timers.schedule_in(Duration{}, [this] {
        for (const config::Connection& c : ctx_.config.connections) {
            if (c.auto_action != config::AutoAction::start) continue;
            auto st = initiate(c.name, [name = c.name](const Outcome& o) {
                if (!o.established) IKEOFF_LOG(1, "ike", "auto=start " << name << ": " << o.reason << " " << o.detail);
            });
            if (!st.ok()) IKEOFF_LOG(1, "ike", "auto=start " << c.name << ": " << st.error().message);
        }
    });
    timers_.insert(t);
}

Ikev1Core::~Ikev1Core() {
    for (TimerId t : timers_) ctx_.timers.cancel(t);
    for (auto& [id, c] : children_) ctx_.timers.cancel(c.expiry);
    for (auto& [id, e] : sas_) {
        ctx_.timers.cancel(e.keepalive);
        ctx_.timers.cancel(e.sa->expiry_timer);
        ctx_.timers.cancel(e.sa->half_open_timer);
        e.tm->abort_all();
    }
}

// ---- lookup and creation ----------------------------------------------------------

Ikev1Core::Entry* Ikev1Core::entry(uint64_t id) {
    auto it = sas_.find(id);
    return it == sas_.end() || it->second.doomed ? nullptr : &it->second;
}

Ikev1Core::Entry* Ikev1Core::lookup(const isakmp::Header& h, const Datagram& d, bool& tentative_cookie) {
    tentative_cookie = false;
    if (auto it = by_cookies_.find({h.initiator_cookie, h.responder_cookie}); it != by_cookies_.end())
        return entry(it->second);
    auto [lo, hi] = by_icookie_.equal_range(h.initiator_cookie);
    for (auto it = lo; it != hi; ++it) {
        Entry* e = entry(it->second);
        if (!e) continue;
        IsakmpSa& sa = *e->sa;
        if (isakmp::is_zero(h.responder_cookie)) {
            // A repeated first message (responder), or a notify in answer
            // to ours sent before the peer picked its cookie (initiator).
            if (sa.remote.addr == d.remote.addr) return e;
            continue;
        }
        const bool phase1 = h.exchange == ExchangeType::identity_protection || h.exchange == ExchangeType::aggressive ||
                            h.exchange == ExchangeType::informational;
        if (sa.initiator && isakmp::is_zero(sa.cky_r) && phase1 && sa.remote.addr == d.remote.addr) {
            // The peer's first answer names its cookie. Taken tentatively:
            // if the message is refused, the cookie is forgotten again.
            sa.cky_r = h.responder_cookie;
            tentative_cookie = true;
            return e;
        }
    }
    return nullptr;
}

void Ikev1Core::rekey_cookies(Entry& e) {
    for (auto it = by_cookies_.begin(); it != by_cookies_.end();) {
        it = it->second == e.sa->id ? by_cookies_.erase(it) : std::next(it);
    }
    by_cookies_[{e.sa->cky_i, e.sa->cky_r}] = e.sa->id;
}

Ikev1Core::Entry* Ikev1Core::add_entry(std::unique_ptr<IsakmpSa> sa) {
    const uint64_t id = sa->id;
    Entry e;
    TaskManager::Hooks& hooks = *this;
    e.tm = std::make_unique<TaskManager>(*sa, ctx_.transport, ctx_.timers, tuning_, hooks);
    e.sa = std::move(sa);
    Entry& ref = sas_.emplace(id, std::move(e)).first->second;
    by_icookie_.emplace(ref.sa->cky_i, id);
    by_cookies_[{ref.sa->cky_i, ref.sa->cky_r}] = id;
    return &ref;
}

std::vector<const config::Connection*> Ikev1Core::connections_for(const IpAddress& local,
                                                                  const IpAddress& remote) const {
    auto fits = [](const config::Endpoint& ep, const IpAddress& a) {
        switch (ep.host_kind) {
            case config::HostKind::address: return ep.address == a;
            case config::HostKind::defaultroute: return true;
            case config::HostKind::any:
                return ep.any_family == IpAddress::Family::none || ep.any_family == a.family();
        }
        return false;
    };
    std::vector<const config::Connection*> exact, wildcard;
    for (const config::Connection& c : ctx_.config.connections) {
        if (!fits(c.local, local) || !fits(c.remote, remote)) continue;
        (c.remote.host_kind == config::HostKind::address ? exact : wildcard).push_back(&c);
    }
    exact.insert(exact.end(), wildcard.begin(), wildcard.end());
    return exact;
}

std::vector<const config::Connection*> Ikev1Core::quick_mode_candidates(const IsakmpSa& sa) const {
    std::vector<const config::Connection*> out;
    if (sa.conn) out.push_back(sa.conn);
    for (const config::Connection* c : connections_for(sa.local.addr, sa.remote.addr)) {
        if (c == sa.conn || !sa.conn || c->auth != sa.conn->auth) continue;
        if (!c->remote.id.matches(sa.remote_id)) continue;
        out.push_back(c);
    }
    return out;
}

std::size_t Ikev1Core::half_open() const {
    std::size_t n = 0;
    for (const auto& [id, e] : sas_) n += !e.doomed && !e.sa->initiator && e.sa->state == SaState::connecting;
    return n;
}

void Ikev1Core::new_responder(const Datagram& d, const isakmp::Framed& f) {
    if (half_open() >= tuning_.max_half_open) {
        ++counters_.half_open_refused;
        IKEOFF_LOG(1, "ike", "too many half-open ISAKMP SAs: dropping a first message from " << d.remote.to_string());
        return;
    }
    auto candidates = connections_for(d.local.addr, d.remote.addr);
    if (candidates.empty()) {
        ++counters_.no_connection;
        IKEOFF_LOG(1, "ike", "no connection for " << d.remote.to_string() << " -> " << d.local.to_string());
        return;
    }
    auto cookie = random_cookie();
    if (!cookie.ok()) return;
    auto sa = std::make_unique<IsakmpSa>();
    sa->id = next_id_++;
    sa->initiator = false;
    sa->cky_i = f.header.initiator_cookie;
    sa->cky_r = *cookie;
    // Reply from where it came in, to where it came from: 500, or 4500
    // for a Main Mode that starts directly on the NAT-T port.
    sa->local = d.local;
    sa->remote = d.remote;
    sa->created = ctx_.timers.now();
    Entry* e = add_entry(std::move(sa));
    const uint64_t id = e->sa->id;
    e->sa->half_open_timer = ctx_.timers.schedule_in(tuning_.half_open_timeout, [this, id] {
        Entry* x = entry(id);
        if (!x) return;
        x->sa->half_open_timer = kNoTimer;
        if (x->sa->state != SaState::connecting) return;
        IKEOFF_LOG(1, "ike", x->sa->describe() << ": not authenticated in time, dropped");
        doom(id);
        reap();
    });
    std::unique_ptr<Task> task;
    if (f.header.exchange == ExchangeType::aggressive) {
        task = AggressiveMode::responder(*e->sa, env_, std::move(candidates));
    } else {
        task = MainMode::responder(*e->sa, env_, std::move(candidates));
    }
    (void)e->tm->start(std::move(task), 0, false);
    e->tm->on_message(d, f);
    if (!e->tm->has_received(0)) {
        // The very first message was refused: keep nothing.
        ++counters_.refused_first;
        doom(id);
    }
}

void Ikev1Core::on_datagram(const Datagram& d) {
    if (shutting_down_) return;
    auto f = isakmp::frame(d.data);
    if (!f.ok()) {
        ++counters_.malformed;
        IKEOFF_LOG(2, "ike", "dropping datagram from " << d.remote.to_string() << ": " << f.error().to_string());
        return;
    }
    bool tentative = false;
    Entry* e = lookup(f->header, d, tentative);
    if (e == nullptr) {
        const bool first = isakmp::is_zero(f->header.responder_cookie) &&
                           (f->header.exchange == ExchangeType::identity_protection ||
                            f->header.exchange == ExchangeType::aggressive);
        if (first) {
            new_responder(d, *f);
        } else {
            ++counters_.unknown_sa;
            IKEOFF_LOG(2, "ike", "dropping " << isakmp::to_string(f->header.exchange) << " from "
                                             << d.remote.to_string() << ": unknown cookies");
        }
        reap();
        return;
    }
    const uint64_t id = e->sa->id;
    e->tm->on_message(d, *f);
    if (tentative) {
        Entry* again = entry(id);
        if (again && !again->tm->has_received(0)) {
            again->sa->cky_r = isakmp::Cookie{};  // refused: the cookie was not the peer's after all
        } else if (again) {
            rekey_cookies(*again);
        }
    }
    reap();
}

// ---- hooks ------------------------------------------------------------------------------

std::unique_ptr<Task> Ikev1Core::responder_for(IsakmpSa& sa, const isakmp::Header& h) {
    if (sa.state != SaState::established || !sa.has_keys()) return nullptr;
    switch (h.exchange) {
        case ExchangeType::quick:
            return QuickMode::responder(sa, env_, h.message_id, quick_mode_candidates(sa));
        case ExchangeType::informational:
            return Informational::receiver(sa, h.message_id);
        case ExchangeType::new_group:
            return RekeyOps::new_group_responder(*this, sa, h);
        default:
            return nullptr;
    }
}

void Ikev1Core::task_done(IsakmpSa& sa, Task& task) {
    switch (task.kind()) {
        case TaskKind::main_mode:
        case TaskKind::aggressive_mode: {
            auto& p1 = static_cast<Phase1Exchange&>(task);
            phase1_established(sa, p1.initial_contact_received());
            break;
        }
        case TaskKind::quick_mode:
            quick_mode_done(sa, static_cast<QuickMode&>(task));
            break;
        case TaskKind::informational:
            if (!task.initiator()) informational_done(sa, task);
            break;
        case TaskKind::new_group:
            RekeyOps::new_group_done(*this, sa, task);
            break;
    }
}

void Ikev1Core::phase1_established(IsakmpSa& sa, bool initial_contact) {
    sa.state = SaState::established;
    sa.established_at = ctx_.timers.now();
    ctx_.timers.cancel(sa.half_open_timer);
    sa.half_open_timer = kNoTimer;
    IKEOFF_LOG(1, "ike", sa.describe() << ": ISAKMP SA established " << sa.local_id.to_string() << " <-> "
                                       << sa.remote_id.to_string() << " (" << sa.proposal->to_string() << ")");
    if (sa.proposal->lifetime_s != 0) {
        const uint64_t id = sa.id;
        sa.expiry_timer =
            ctx_.timers.schedule_in(std::chrono::seconds(sa.proposal->lifetime_s), [this, id] { expire_isakmp(id); });
    }
    if (initial_contact) {
        // RFC 2407 §4.6.3.3: the peer has rebooted or lost its state, so
        // every other SA we hold with it is dead.
        for (auto& [oid, other] : sas_) {
            if (oid == sa.id || other.doomed || other.sa->remote.addr != sa.remote.addr) continue;
            if (!other.sa->remote_id.same_as(sa.remote_id)) continue;
            IKEOFF_LOG(1, "ike", other.sa->describe() << ": replaced after INITIAL-CONTACT");
            doom(oid);
        }
        std::vector<ChildSaId> stale;
        for (const auto& [cid, ch] : children_) {
            if (ch.isakmp_sa != sa.id && ch.peer == sa.remote.addr && ch.conn == sa.conn) stale.push_back(cid);
        }
        for (ChildSaId cid : stale) remove_child(cid, false);
    }
    // RFC 3948 §4: the NATed side (really, or as forceencaps pretends) keeps
    // its mapping for port 4500 open.
    const bool natted = sa.nat.local_behind || (sa.conn && sa.conn->forceencaps);
    if (sa.nat.version != isakmp::NatTVersion::none && natted && sa.local.port == kNatTPort &&
        tuning_.keepalive_interval > Duration{})
        schedule_keepalive(sa.id);
    // Quick Modes waiting for this phase 1 (we initiated it for `up`).
    if (sa.conn && pending_.count(sa.conn->name)) {
        if (Entry* e = entry(sa.id)) start_quick_mode(*e, *sa.conn);
    }
    RekeyOps::phase1_up(*this, sa, initial_contact);  // reauthentication, DPD
}

void Ikev1Core::schedule_keepalive(uint64_t id) {
    Entry* e = entry(id);
    if (!e || e->keepalive != kNoTimer) return;
    e->keepalive = ctx_.timers.schedule_in(tuning_.keepalive_interval, [this, id] {
        Entry* x = entry(id);
        if (!x) return;
        x->keepalive = kNoTimer;
        if (x->sa->state != SaState::established) return;
        auto st = ctx_.transport.send_keepalive(x->sa->local, x->sa->remote);
        if (!st.ok()) IKEOFF_LOG(2, "ike", x->sa->describe() << ": NAT-keepalive: " << st.error().message);
        schedule_keepalive(id);
    });
}

void Ikev1Core::quick_mode_done(IsakmpSa& sa, QuickMode& qm) {
    auto& result = qm.result();
    if (!result || !result->conn) return;
    const config::Connection& c = *result->conn;
    bool any = false;
    std::string failure;
    for (ChildSaInstall& ins : result->sas) {
        Child ch;
        ch.isakmp_sa = sa.id;
        ch.conn = &c;
        ch.protocol = ins.inbound.protocol;
        ch.spi_in = ins.inbound.spi;
        ch.spi_out = ins.outbound.spi;
        ch.peer = sa.remote.addr;
        ch.pfs_group = result->pfs_group;
        ch.lifetime_s = result->lifetime_s;
        ch.lifetime_kb = result->lifetime_kb;
        ch.selector = ins.selector;
        ch.installed = ctx_.timers.now();
        auto id = ctx_.sas.install(std::move(ins));
        if (!id.ok()) {
            ++counters_.install_failures;
            failure = id.error().message;
            IKEOFF_LOG(1, "ike", sa.describe() << ": installing the IPsec SAs failed: " << failure);
            // The peer installed its side; tell it to drop them.
            if (Entry* e = entry(sa.id)) send_informational(*e, {delete_ipsec(ch.protocol, ch.spi_in)});
            continue;
        }
        ++counters_.installed;
        any = true;
        ch.id = *id;
        if (ch.lifetime_s != 0) {
            const ChildSaId cid = ch.id;
            ch.expiry = ctx_.timers.schedule_in(std::chrono::seconds(ch.lifetime_s), [this, cid] {
                auto it = children_.find(cid);
                if (it == children_.end()) return;
                it->second.expiry = kNoTimer;
                IKEOFF_LOG(1, "ike", "IPsec SA #" << cid << " of " << it->second.conn->name << " expired");
                remove_child(cid, true);
                reap();
            });
        }
        IKEOFF_LOG(1, "ike", sa.describe() << ": IPsec SA #" << ch.id << " installed for " << c.name << " ("
                                           << result->proposal << ")");
        children_.emplace(ch.id, ch);
        RekeyOps::child_added(*this, sa, ch, qm);  // rekey schedule
    }
    complete(c.name, any ? Outcome::success() : Outcome::failure("install", failure));
    if (any && result->send_connected) {
        // RFC 2408 §3.1: we set the Commit bit; our SAs are in place now.
        const Child* first = nullptr;
        for (const auto& [cid, ch] : children_) {
            if (ch.isakmp_sa == sa.id) first = &ch;
        }
        if (first) {
            isakmp::NotifyPayload n;
            n.protocol = protocol_id_of(first->protocol);
            n.type = NotifyType::connected;
            n.spi.resize(4);
            store_be32(n.spi.data(), first->spi_in);
            if (Entry* e = entry(sa.id)) send_informational(*e, {isakmp::Payload(std::move(n))});
        }
    }
}

void Ikev1Core::informational_done(IsakmpSa& sa, Task& task) {
    auto& info = static_cast<Informational&>(task);
    for (const isakmp::DeletePayload& d : info.deletes()) {
        if (d.protocol == isakmp::ProtocolId::isakmp) {
            const Bytes mine = sa.spi();
            for (const Bytes& spi : d.spis) {
                if (spi != mine) continue;
                IKEOFF_LOG(1, "ike", sa.describe() << ": peer deleted the ISAKMP SA");
                if (Entry* e = entry(sa.id)) drop_isakmp(*e, false);
            }
            continue;
        }
        const auto proto = d.protocol == isakmp::ProtocolId::ah ? ipsec::Protocol::ah : ipsec::Protocol::esp;
        for (const Bytes& spi : d.spis) {
            if (spi.size() != 4) continue;
            const uint32_t v = load_be32(spi.data());
            // The peer names the SPI it receives on (our outbound); accept
            // our own inbound SPI as well, as some implementations send it.
            std::vector<ChildSaId> hit;
            for (const auto& [cid, ch] : children_) {
                if (ch.protocol == proto && ch.peer == sa.remote.addr && (ch.spi_out == v || ch.spi_in == v))
                    hit.push_back(cid);
            }
            for (ChildSaId cid : hit) {
                IKEOFF_LOG(1, "ike", sa.describe() << ": peer deleted IPsec SA #" << cid);
                remove_child(cid, false);
            }
        }
    }
    for (const isakmp::NotifyPayload& n : info.notifies()) {
        if (n.type == NotifyType::connected) {
            // RFC 2408 §3.1: the peer committed; install what waited for it.
            Entry* e = entry(sa.id);
            if (!e) continue;
            std::vector<uint32_t> waiting;
            for (Task* t : e->tm->active()) {
                if (t->kind() == TaskKind::quick_mode && static_cast<QuickMode*>(t)->awaiting_connected())
                    waiting.push_back(static_cast<QuickMode*>(t)->message_id());
            }
            for (uint32_t mid : waiting) e->tm->finish_external(mid);
            continue;
        }
        if (RekeyOps::notify(*this, sa, n)) continue;  // DPD
        IKEOFF_LOG(1, "ike", sa.describe() << ": peer notifies " << isakmp::to_string(n.type));
        if (isakmp::is_error(n.type) && sa.conn && pending_.count(sa.conn->name))
            complete(sa.conn->name, Outcome::failure(isakmp::to_string(n.type), "the peer refused the Quick Mode"));
    }
}

void Ikev1Core::task_failed(IsakmpSa& sa, Task& task, NotifyType notify, const std::string& detail, bool timeout) {
    std::string reason = timeout ? "timeout" : notify != NotifyType::none ? isakmp::to_string(notify) : "config";
    switch (task.kind()) {
        case TaskKind::main_mode:
        case TaskKind::aggressive_mode:
            if (sa.conn && sa.initiator) complete(sa.conn->name, Outcome::failure(reason, detail));
            doom(sa.id);
            break;
        case TaskKind::quick_mode: {
            auto& qm = static_cast<QuickMode&>(task);
            if (qm.initiator() && qm.conn()) complete(qm.conn()->name, Outcome::failure(reason, detail));
            break;
        }
        case TaskKind::informational:
            break;
        case TaskKind::new_group:
            RekeyOps::new_group_failed(*this, sa, task, reason, detail);
            break;
    }
}

void Ikev1Core::notify_peer(IsakmpSa& sa, NotifyType notify) {
    if (notify == NotifyType::none) return;
    if (sa.state == SaState::established && sa.has_keys()) {
        if (Entry* e = entry(sa.id)) send_informational(*e, {notify_payload(sa, notify)});
        return;
    }
    // Before phase 1 is authenticated the peer may not share our keys:
    // the notify goes out in the clear (RFC 2409 §5.7 allows it).
    auto wire = unprotected_notify(sa, notify);
    if (!wire.ok()) return;
    IKEOFF_LOG(1, "ike", sa.describe() << ": sending " << isakmp::to_string(notify));
    (void)ctx_.transport.send(Datagram{sa.local, sa.remote, std::move(*wire)});
}

void Ikev1Core::unprotected_informational(IsakmpSa& sa, const Datagram& d) {
    ++counters_.unprotected_notifies;
    isakmp::MessageKind k;
    k.exchange = ExchangeType::informational;
    k.encrypted = false;
    auto msg = isakmp::parse_message(d.data);
    if (!msg.ok() || !isakmp::validate(*msg, k).ok()) return;
    const isakmp::NotifyPayload* n = msg->find<isakmp::NotifyPayload>();
    if (!n) return;
    IKEOFF_LOG(1, "ike", sa.describe() << ": unprotected notify " << isakmp::to_string(n->type));
    // Only a negotiation we started and that is not authenticated yet is
    // ended by an (unauthenticated) error notify: afterwards such a notify
    // could be anyone's.
    if (!sa.initiator || sa.state != SaState::connecting || !isakmp::is_error(n->type)) return;
    if (sa.conn) complete(sa.conn->name, Outcome::failure(isakmp::to_string(n->type), "refused by the peer"));
    doom(sa.id);
}

// ---- destruction ------------------------------------------------------------------------

void Ikev1Core::doom(uint64_t id) {
    auto it = sas_.find(id);
    if (it == sas_.end() || it->second.doomed) return;
    it->second.doomed = true;
    if (reap_timer_ == kNoTimer) {
        reap_timer_ = ctx_.timers.schedule_in(Duration{}, [this] {
            timers_.erase(reap_timer_);
            reap_timer_ = kNoTimer;
            reap();
        });
        timers_.insert(reap_timer_);
    }
}

void Ikev1Core::reap() {
    for (auto it = sas_.begin(); it != sas_.end();) {
        if (!it->second.doomed) {
            ++it;
            continue;
        }
        IsakmpSa& sa = *it->second.sa;
        ctx_.timers.cancel(it->second.keepalive);
        ctx_.timers.cancel(sa.expiry_timer);
        ctx_.timers.cancel(sa.half_open_timer);
        it->second.tm->abort_all();
        for (auto c = by_cookies_.begin(); c != by_cookies_.end();) c = c->second == sa.id ? by_cookies_.erase(c) : std::next(c);
        for (auto c = by_icookie_.begin(); c != by_icookie_.end();) c = c->second == sa.id ? by_icookie_.erase(c) : std::next(c);
        IKEOFF_LOG(2, "ike", sa.describe() << ": removed");
        RekeyOps::isakmp_gone(*this, sa.id);
        it = sas_.erase(it);
    }
}

std::vector<const IsakmpSa*> Ikev1Core::isakmp_sas() const {
    std::vector<const IsakmpSa*> out;
    for (const auto& [id, e] : sas_) {
        if (!e.doomed) out.push_back(e.sa.get());
    }
    return out;
}

const TaskManager* Ikev1Core::task_manager(uint64_t sa_id) const {
    auto it = sas_.find(sa_id);
    return it == sas_.end() ? nullptr : it->second.tm.get();
}

}  // namespace ikeoff::ike
