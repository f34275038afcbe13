#include "host/ike/task_manager.hpp"

#include <algorithm>

#include "host/common/log.hpp"

namespace ikeoff::ike {

namespace {

bool same_bytes(ByteView a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

std::string mid_hex(uint32_t mid) {
    uint8_t b[4];
    store_be32(b, mid);
    return to_hex(b);
}

}  // namespace

const char* to_string(TaskKind k) {
    switch (k) {
        case TaskKind::main_mode: return "Main Mode";
        case TaskKind::aggressive_mode: return "Aggressive Mode";
        case TaskKind::quick_mode: return "Quick Mode";
        case TaskKind::informational: return "Informational";
        case TaskKind::new_group: return "New Group Mode";
    }
    return "?";
}

TaskManager::TaskManager(IsakmpSa& sa, Transport& transport, Timers& timers, const IkeTuning& tuning, Hooks& hooks)
    : sa_(sa), transport_(transport), timers_(timers), tuning_(tuning), hooks_(hooks) {}

TaskManager::~TaskManager() { abort_all(); }

void TaskManager::abort_all() {
    for (auto& [mid, ex] : active_) {
        if (ex.retransmit != kNoTimer) timers_.cancel(ex.retransmit);
        ex.retransmit = kNoTimer;
    }
    active_.clear();
}

TaskManager::Exchange* TaskManager::find_active(uint32_t mid) {
    auto it = active_.find(mid);
    return it == active_.end() ? nullptr : &it->second;
}

TaskManager::Exchange* TaskManager::find_finished(uint32_t mid) {
    for (auto it = finished_.rbegin(); it != finished_.rend(); ++it) {
        if (it->mid == mid) return &*it;
    }
    return nullptr;
}

bool TaskManager::message_id_used(uint32_t mid) const {
    if (active_.count(mid)) return true;
    return std::find(used_mids_.begin(), used_mids_.end(), mid) != used_mids_.end();
}

void TaskManager::remember_mid(uint32_t mid) {
    if (mid == 0 || std::find(used_mids_.begin(), used_mids_.end(), mid) != used_mids_.end()) return;
    used_mids_.push_back(mid);
    while (used_mids_.size() > tuning_.remembered_message_ids) used_mids_.pop_front();
}

Result<uint32_t> TaskManager::fresh_message_id() const {
    for (int i = 0; i < 64; ++i) {
        IKEOFF_ASSIGN(uint32_t mid, random_message_id());
        if (!message_id_used(mid)) return mid;
    }
    return Error{Errc::internal, "no unused Message ID found"};
}

std::vector<Task*> TaskManager::active() const {
    std::vector<Task*> out;
    for (const auto& [mid, ex] : active_) {
        if (ex.task) out.push_back(ex.task.get());
    }
    return out;
}

// The peer repeated the message our stored reply answers: send it again
// (never re-process: that would re-run the exchange and move the IVs).
void TaskManager::answer_repeat(Exchange& ex) {
    ++counters_.duplicates;
    const TimePoint now = timers_.now();
    if (now - ex.out_at < tuning_.duplicate_holdoff) return;
    ex.out_at = now;
    IKEOFF_LOG(2, "ike", sa_.describe() << ": peer repeated mid " << mid_hex(ex.mid) << ", resending reply");
    (void)transport_.send(Datagram{ex.out_local, ex.out_remote, ex.last_out});
}

bool TaskManager::has_received(uint32_t mid) const {
    auto it = active_.find(mid);
    if (it != active_.end()) return !it->second.last_in.empty();
    for (const auto& ex : finished_) {
        if (ex.mid == mid) return !ex.last_in.empty();
    }
    return false;
}

bool TaskManager::busy(TaskKind kind) const {
    for (const auto& [mid, ex] : active_) {
        if (ex.task && ex.task->kind() == kind) return true;
    }
    return false;
}

Status TaskManager::send(Exchange& ex, const OutMessage& m, bool expect_reply) {
    isakmp::Header h;
    h.initiator_cookie = sa_.cky_i;
    h.responder_cookie = sa_.cky_r;
    h.exchange = ex.task->exchange();
    h.message_id = ex.mid;
    h.flags = m.flags;
    h.next_payload = m.body.first;
    Bytes wire;
    if (m.encrypt) {
        IKEOFF_ENSURE(sa_.crypto.has_value(), Errc::internal, "encrypted message before phase-1 keys exist");
        IKEOFF_ASSIGN(wire, sa_.crypto->seal(h, m.body.bytes));
    } else {
        IKEOFF_ASSIGN(wire, isakmp::encode_header(h, m.body.bytes.size()));
        wire.insert(wire.end(), m.body.bytes.begin(), m.body.bytes.end());
    }
    ex.last_out = std::move(wire);
    ex.out_local = sa_.local;
    ex.out_remote = sa_.remote;
    ex.out_at = timers_.now();
    if (expect_reply) {
        ex.tries = 0;
        ex.wait = Duration{};
    }
    ++counters_.sent;
    remember_mid(ex.mid);
    IKEOFF_LOG(2, "ike", sa_.describe() << ": sending " << isakmp::to_string(h.exchange) << " mid " << mid_hex(ex.mid)
                                        << " (" << ex.last_out.size() << " bytes) to " << sa_.remote.to_string());
    auto st = transport_.send(Datagram{ex.out_local, ex.out_remote, ex.last_out});
    if (!st.ok()) IKEOFF_LOG(1, "ike", sa_.describe() << ": send failed: " << st.error().message);
    return {};  // a lost datagram is what retransmission is for
}

void TaskManager::arm(Exchange& ex) {
    if (ex.retransmit != kNoTimer) timers_.cancel(ex.retransmit);
    if (ex.wait == Duration{}) ex.wait = tuning_.retransmit_initial;
    const uint32_t mid = ex.mid;
    ex.retransmit = timers_.schedule_in(ex.wait, [this, mid] { on_retransmit(mid); });
}

void TaskManager::on_retransmit(uint32_t mid) {
    Exchange* ex = find_active(mid);
    if (!ex) return;
    ex->retransmit = kNoTimer;
    if (ex->tries < tuning_.retransmit_tries && !ex->last_out.empty()) {
        ++ex->tries;
        ++counters_.retransmitted;
        ex->out_at = timers_.now();
        IKEOFF_LOG(2, "ike", sa_.describe() << ": retransmit " << ex->tries << " of mid " << mid_hex(mid));
        auto st = transport_.send(Datagram{ex->out_local, ex->out_remote, ex->last_out});
        if (!st.ok()) IKEOFF_LOG(1, "ike", sa_.describe() << ": send failed: " << st.error().message);
        ex->wait = std::min(ex->wait * tuning_.retransmit_factor, tuning_.retransmit_max);
        arm(*ex);
        return;
    }
    // Out of tries. If the peer did answer, but with messages we refused,
    // that refusal is the better explanation than silence.
    std::unique_ptr<Task> task = std::move(ex->task);
    isakmp::NotifyType why = ex->last_rejection;
    std::string detail = ex->last_rejection_detail.empty()
                             ? "no answer after " + std::to_string(ex->tries) + " retransmissions"
                             : ex->last_rejection_detail;
    active_.erase(mid);
    IKEOFF_LOG(1, "ike", sa_.describe() << ": " << to_string(task->kind()) << " gave up: " << detail);
    hooks_.task_failed(sa_, *task, why, detail, why == isakmp::NotifyType::none);
}

Status TaskManager::start(std::unique_ptr<Task> task, uint32_t mid, bool initiate) {
    IKEOFF_ENSURE(task != nullptr, Errc::invalid_argument, "no task");
    IKEOFF_ENSURE(!active_.count(mid), Errc::already_exists, "an exchange with this Message ID is running");
    Exchange e;
    e.mid = mid;
    e.task = std::move(task);
    Exchange& ex = active_.emplace(mid, std::move(e)).first->second;
    remember_mid(mid);
    if (!initiate) return {};
    Step step = ex.task->initiate();
    if (step.status == TaskStatus::failed || step.status == TaskStatus::rejected || !step.reply) {
        std::unique_ptr<Task> t = std::move(ex.task);
        active_.erase(mid);
        std::string why = step.detail.empty() ? "could not build the first message" : step.detail;
        hooks_.task_failed(sa_, *t, step.notify, why, false);
        return Error{Errc::state_error, why};
    }
    const bool more = step.status == TaskStatus::need_more;
    auto st = send(ex, *step.reply, more);
    if (!st.ok()) {
        std::unique_ptr<Task> t = std::move(ex.task);
        active_.erase(mid);
        hooks_.task_failed(sa_, *t, isakmp::NotifyType::none, st.error().message, false);
        return st;
    }
    if (more) {
        arm(ex);
    } else {
        finish(mid, true);
    }
    return {};
}

bool TaskManager::finish_external(uint32_t mid) {
    if (!active_.count(mid)) return false;
    finish(mid, true);
    return true;
}

// Moves a finished exchange to the remembered list and tells the core.
void TaskManager::finish(uint32_t mid, bool done) {
    auto it = active_.find(mid);
    if (it == active_.end()) return;
    Exchange ex = std::move(it->second);
    active_.erase(it);
    if (ex.retransmit != kNoTimer) timers_.cancel(ex.retransmit);
    ex.retransmit = kNoTimer;
    std::unique_ptr<Task> task = std::move(ex.task);
    finished_.push_back(std::move(ex));
    while (finished_.size() > tuning_.remembered_exchanges) finished_.pop_front();
    if (done && task) hooks_.task_done(sa_, *task);
}

void TaskManager::on_message(const Datagram& d, const isakmp::Framed& f) {
    const isakmp::Header& h = f.header;
    if (h.exchange == isakmp::ExchangeType::informational && !h.encrypted()) {
        hooks_.unprotected_informational(sa_, d);
        return;
    }
    const uint32_t mid = h.message_id;
    Exchange* ex = find_active(mid);
    bool fresh = false;
    if (!ex) {
        if (Exchange* old = find_finished(mid)) {
            if (same_bytes(d.data, old->last_in) && old->out_answers_in && !old->last_out.empty()) {
                answer_repeat(*old);
            } else {
                ++counters_.dropped;
                IKEOFF_LOG(2, "ike", sa_.describe() << ": dropping message for finished exchange " << mid_hex(mid));
            }
            return;
        }
        if (mid == 0 || message_id_used(mid)) {
            ++counters_.dropped;
            IKEOFF_LOG(2, "ike", sa_.describe() << ": dropping " << isakmp::to_string(h.exchange) << " with "
                                                << (mid == 0 ? "Message ID 0" : "a used Message ID"));
            return;
        }
        std::unique_ptr<Task> task = hooks_.responder_for(sa_, h);
        if (!task) {
            ++counters_.dropped;
            return;
        }
        Exchange e;
        e.mid = mid;
        e.task = std::move(task);
        ex = &active_.emplace(mid, std::move(e)).first->second;
        fresh = true;
    } else if (same_bytes(d.data, ex->last_in)) {
        if (ex->out_answers_in && !ex->last_out.empty()) {
            answer_repeat(*ex);
        } else {
            ++counters_.duplicates;
        }
        return;
    }

    auto refuse = [&](isakmp::NotifyType n, const std::string& why, bool count_rejected) {
        if (count_rejected) {
            ++counters_.rejected;
        } else {
            ++counters_.dropped;
        }
        IKEOFF_LOG(1, "ike", sa_.describe() << ": refused " << isakmp::to_string(h.exchange) << " mid "
                                            << mid_hex(mid) << ": " << isakmp::to_string(n) << ": " << why);
        if (fresh) {
            active_.erase(mid);
        } else {
            ex->last_rejection = n;
            ex->last_rejection_detail = why;
        }
    };

    if (h.exchange != ex->task->exchange()) {
        refuse(isakmp::NotifyType::invalid_exchange_type,
               isakmp::to_string(h.exchange) + " inside a " + isakmp::to_string(ex->task->exchange()) + " exchange",
               false);
        return;
    }
    Bytes plain;
    ByteView body = f.body;
    if (h.encrypted()) {
        if (!sa_.crypto) {
            refuse(isakmp::NotifyType::invalid_flags, "encrypted message before keys exist", false);
            return;
        }
        auto p = sa_.crypto->open(mid, f.body);
        if (!p.ok()) {
            refuse(isakmp::NotifyType::payload_malformed, p.error().message, false);
            return;
        }
        plain = std::move(*p);
        body = plain;
    }
    Step step = ex->task->process(Received{h, body, d});
    if (!plain.empty()) secure_zero(plain.data(), plain.size());
    if (step.status == TaskStatus::rejected) {
        refuse(step.notify, step.detail, true);
        // RFC 2408 §5.12 etc.: the refused message is discarded; a notify
        // MAY tell the peer why (e.g. AUTHENTICATION-FAILED).
        if (step.tell_peer) hooks_.notify_peer(sa_, step.notify);
        return;
    }

    // Accepted: the message is authentic as far as this exchange can tell.
    if (h.encrypted()) {
        auto st = sa_.crypto->commit_inbound(mid, f.body);
        if (!st.ok()) IKEOFF_LOG(1, "ike", sa_.describe() << ": IV commit: " << st.error().message);
        // RFC 3947 §4: follow the peer to the address/port its (now
        // authenticated) messages come from, e.g. after floating to 4500.
        sa_.local = d.local;
        sa_.remote = d.remote;
    }
    ex->last_in = d.data;
    ex->out_answers_in = step.reply.has_value();
    ex->last_rejection = isakmp::NotifyType::none;
    ex->last_rejection_detail.clear();
    remember_mid(mid);
    if (ex->retransmit != kNoTimer) {
        timers_.cancel(ex->retransmit);
        ex->retransmit = kNoTimer;
    }

    switch (step.status) {
        case TaskStatus::need_more:
            if (step.reply) {
                auto st = send(*ex, *step.reply, true);
                if (st.ok()) {
                    arm(*ex);
                } else {
                    IKEOFF_LOG(1, "ike", sa_.describe() << ": cannot send: " << st.error().message);
                }
            }
            return;
        case TaskStatus::done:
            if (step.reply) {
                auto st = send(*ex, *step.reply, false);
                if (!st.ok()) IKEOFF_LOG(1, "ike", sa_.describe() << ": cannot send: " << st.error().message);
            }
            finish(mid, true);
            return;
        case TaskStatus::failed: {
            std::unique_ptr<Task> task = std::move(ex->task);
            finish(mid, false);
            IKEOFF_LOG(1, "ike", sa_.describe() << ": " << to_string(task->kind()) << " failed: "
                                                << isakmp::to_string(step.notify) << ": " << step.detail);
            if (step.tell_peer) hooks_.notify_peer(sa_, step.notify);
            hooks_.task_failed(sa_, *task, step.notify, step.detail, false);
            return;
        }
        case TaskStatus::rejected:
            return;  // handled above
    }
}

}  // namespace ikeoff::ike
