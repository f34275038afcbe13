#include "host/ike/lifetimes.hpp"

#include <algorithm>
#include <vector>

#include "host/common/log.hpp"

namespace ikeoff::ike {

Duration rekey_delay(Duration life, Duration margin, unsigned fuzz_percent, bool initiator, uint64_t random) {
    if (life <= Duration::zero()) return Duration::zero();
    if (margin < Duration::zero()) margin = Duration::zero();
    // pluto: the side that did not initiate waits longer, so the initiator
    // normally rekeys first and nobody collides.
    if (!initiator) margin /= 2;
    if (margin >= life) margin = life / 2;
    // The fuzz never eats more than half of what is left before the margin,
    // so the rekey always lands after half of that time.
    const Duration left = life - margin;
    Duration fuzz = margin * std::min(fuzz_percent, 10000u) / 100;
    fuzz = std::min(fuzz, left / 2);
    const Duration jitter = fuzz > Duration::zero()
                                ? Duration(static_cast<Duration::rep>(random % (static_cast<uint64_t>(fuzz.count()) + 1)))
                                : Duration::zero();
    return left - jitter;
}

const char* to_string(ChildLifeState s) {
    switch (s) {
        case ChildLifeState::installed: return "installed";
        case ChildLifeState::rekeying: return "rekeying";
        case ChildLifeState::rekeyed: return "rekeyed";
    }
    return "?";
}

ChildLifetimes::ChildLifetimes(Timers& timers, Actions actions, LifetimeTuning tuning)
    : timers_(timers), actions_(std::move(actions)), tuning_(tuning) {}

ChildLifetimes::~ChildLifetimes() {
    for (auto& [id, c] : children_) {
        timers_.cancel(c.rekey_timer);
        timers_.cancel(c.delete_timer);
    }
}

uint32_t ChildLifetimes::low_spi(const Child& c) { return std::min(c.facts.spi_in, c.facts.spi_out); }

void ChildLifetimes::schedule_rekey(Child& c, Duration after) {
    timers_.cancel(c.rekey_timer);
    const ChildSaId id = c.facts.id;
    c.rekey_at = timers_.now() + after;
    c.rekey_timer = timers_.schedule_in(after, [this, id] {
        auto it = children_.find(id);
        if (it == children_.end()) return;
        it->second.rekey_timer = kNoTimer;
        IKEOFF_LOG(1, "ike", "IPsec SA #" << id << ": rekey time");
        start_rekey(id);
    });
}

void ChildLifetimes::mark_rekeyed(Child& c) {
    c.state = ChildLifeState::rekeyed;
    timers_.cancel(c.rekey_timer);
    c.rekey_timer = kNoTimer;
}

void ChildLifetimes::delete_later(Child& c, Duration after) {
    if (c.delete_timer != kNoTimer) return;
    const ChildSaId id = c.facts.id;
    c.delete_timer = timers_.schedule_in(after, [this, id] {
        auto it = children_.find(id);
        if (it == children_.end()) return;
        it->second.delete_timer = kNoTimer;
        IKEOFF_LOG(1, "ike", "IPsec SA #" << id << ": deleting the replaced SA");
        if (actions_.remove) actions_.remove(id);
    });
}

void ChildLifetimes::start_rekey(ChildSaId id) {
    auto it = children_.find(id);
    if (it == children_.end()) return;
    Child& c = it->second;
    if (c.state != ChildLifeState::installed || !c.facts.can_rekey) return;
    const TimePoint now = timers_.now();
    // The whole bundle goes with one Quick Mode.
    for (auto& [sid, s] : children_) {
        if (s.facts.batch != c.facts.batch || s.state != ChildLifeState::installed) continue;
        timers_.cancel(s.rekey_timer);
        s.rekey_timer = kNoTimer;
        s.state = ChildLifeState::rekeying;
        s.rekey_started = now;
    }
    // Watchdog: no result in time counts as a failure.
    c.rekey_timer = timers_.schedule_in(tuning_.rekey_timeout, [this, id] {
        auto w = children_.find(id);
        if (w == children_.end()) return;
        w->second.rekey_timer = kNoTimer;
        IKEOFF_LOG(1, "ike", "IPsec SA #" << id << ": rekey produced nothing in time");
        rekey_failed(id);
    });
    ++counters_.rekeys_started;
    if (actions_.rekey) actions_.rekey(id);
}

void ChildLifetimes::lose_batch(uint64_t batch) {
    const TimePoint now = timers_.now();
    lost_batches_[batch] = now;
    for (auto it = lost_batches_.begin(); it != lost_batches_.end();) {
        it = now - it->second > tuning_.collision_window ? lost_batches_.erase(it) : std::next(it);
    }
    for (auto& [id, c] : children_) {
        if (c.facts.batch != batch) continue;
        mark_rekeyed(c);
        if (c.facts.ours) {
            ++counters_.redundant_deleted;
            delete_later(c, tuning_.rekeyed_delete_delay);
        }
    }
}

// Two new pairs replaced the same one. Both peers compute the same loser
// from the four SPIs; its creator deletes it (with the rest of its batch).
void ChildLifetimes::collide(Child& ours, Child& theirs) {
    ++counters_.collisions;
    Child& loser = low_spi(ours) < low_spi(theirs) ? ours : theirs;
    IKEOFF_LOG(1, "ike", "IPsec SA #" << ours.facts.id << " and #" << theirs.facts.id
                                      << " were both made by simultaneous rekeys; #" << loser.facts.id
                                      << " is redundant");
    lose_batch(loser.facts.batch);
}

void ChildLifetimes::added(const ChildFacts& f, uint64_t random) {
    if (f.id == kNoChildSa || children_.count(f.id)) return;
    const TimePoint now = timers_.now();
    std::vector<ChildSaId> current;   // other batches' pairs still current
    std::vector<ChildSaId> replaced;  // ours being rekeyed
    for (const auto& [id, c] : children_) {
        if (c.facts.family != f.family || c.facts.batch == f.batch) continue;
        if (c.state == ChildLifeState::installed) current.push_back(id);
        if (c.state == ChildLifeState::rekeying) replaced.push_back(id);
    }
    Child& me = children_[f.id];
    me.facts = f;
    me.installed = now;

    if (lost_batches_.count(f.batch)) {
        // The rest of a bundle that already lost a collision.
        mark_rekeyed(me);
        if (f.ours) {
            ++counters_.redundant_deleted;
            delete_later(me, tuning_.rekeyed_delete_delay);
        }
        return;
    }
    if (f.ours) {
        for (const auto& [id, c] : children_) me.replaced_one |= id != f.id && c.facts.batch == f.batch && c.replaced_one;
        if (!replaced.empty()) {
            TimePoint started = now;
            for (ChildSaId r : replaced) {
                Child& old = children_.at(r);
                started = std::min(started, old.rekey_started);
                mark_rekeyed(old);
                delete_later(old, tuning_.rekeyed_delete_delay);
            }
            me.replaced_one = true;
            ++counters_.rekeyed_by_us;
            // A pair the peer made while our rekey ran replaced the same one.
            for (ChildSaId o : current) {
                Child& other = children_.at(o);
                if (!other.facts.ours && other.installed >= started && other.state == ChildLifeState::installed &&
                    me.state == ChildLifeState::installed)
                    collide(me, other);
            }
        }
    } else {
        bool rekeyed_by_peer = false;
        for (ChildSaId o : current) {
            Child& other = children_.at(o);
            if (other.state != ChildLifeState::installed) continue;  // lost a collision just now
            if (other.facts.ours && other.replaced_one && now - other.installed <= tuning_.collision_window) {
                if (me.state == ChildLifeState::installed) collide(other, me);
                continue;
            }
            // RFC 2409 leaves it open; strongSwan and pluto treat a new
            // Quick Mode for the same selectors as the peer's rekey.
            rekeyed_by_peer = true;
            mark_rekeyed(other);
        }
        counters_.rekeyed_by_peer += rekeyed_by_peer;
    }
    if (me.state == ChildLifeState::installed && f.can_rekey && f.life > Duration::zero()) {
        // A bundle shares one rekey time: the first pair's.
        for (const auto& [id, c] : children_) {
            if (id != f.id && c.facts.batch == f.batch && c.rekey_timer != kNoTimer) {
                schedule_rekey(me, c.rekey_at - now);
                return;
            }
        }
        schedule_rekey(me, rekey_delay(f.life, f.margin, f.fuzz_percent, f.ours, random));
    }
}

void ChildLifetimes::removed(ChildSaId id) {
    auto it = children_.find(id);
    if (it == children_.end()) return;
    timers_.cancel(it->second.rekey_timer);
    timers_.cancel(it->second.delete_timer);
    children_.erase(it);
}

void ChildLifetimes::soft_limit(ChildSaId id) {
    auto it = children_.find(id);
    if (it == children_.end() || it->second.state != ChildLifeState::installed) return;
    start_rekey(id);
}

void ChildLifetimes::rekey_failed(ChildSaId id) {
    auto it = children_.find(id);
    if (it == children_.end() || it->second.state != ChildLifeState::rekeying) return;
    const uint64_t batch = it->second.facts.batch;
    const std::string family = it->second.facts.family;
    const TimePoint started = it->second.rekey_started;
    // Replaced meanwhile by the peer's rekey: nothing left to do.
    bool superseded = false;
    for (const auto& [oid, o] : children_) {
        superseded |= o.facts.batch != batch && o.facts.family == family && o.state == ChildLifeState::installed &&
                      o.installed >= started;
    }
    const TimePoint now = timers_.now();
    bool retry_scheduled = false;
    for (auto& [sid, c] : children_) {
        if (c.facts.batch != batch || c.state != ChildLifeState::rekeying) continue;
        timers_.cancel(c.rekey_timer);
        c.rekey_timer = kNoTimer;
        if (superseded) {
            mark_rekeyed(c);
            continue;
        }
        c.state = ChildLifeState::installed;
        ++c.attempts;
        const bool expires = c.facts.life > Duration::zero();
        const bool tries_left = c.facts.keyingtries == 0 || c.attempts < c.facts.keyingtries;
        if (!tries_left) {
            IKEOFF_LOG(1, "ike", "IPsec SA #" << sid << ": rekey failed " << c.attempts
                                              << " times (keyingtries), leaving it to expire");
            continue;
        }
        if (!retry_scheduled && (!expires || c.installed + c.facts.life > now + tuning_.retry_delay)) {
            IKEOFF_LOG(1, "ike", "IPsec SA #" << sid << ": rekey failed, retrying in "
                                              << to_seconds(tuning_.retry_delay) << " s");
            schedule_rekey(c, tuning_.retry_delay);
            retry_scheduled = true;
        }
    }
}

std::optional<ChildLifetimes::View> ChildLifetimes::view(ChildSaId id) const {
    auto it = children_.find(id);
    if (it == children_.end()) return std::nullopt;
    View v;
    v.state = it->second.state;
    if (v.state == ChildLifeState::installed && it->second.rekey_timer != kNoTimer)
        v.rekey_in = it->second.rekey_at - timers_.now();
    return v;
}

}  // namespace ikeoff::ike
