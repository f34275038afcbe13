#include "host/common/timers.hpp"

#include <limits>

namespace ikeoff {

// ---- TimerQueue ------------------------------------------------------------

TimerId TimerQueue::add(TimePoint when, std::function<void()> fn) {
    TimerId id = next_id_++;
    by_time_.emplace(std::make_pair(when, id), std::move(fn));
    deadline_of_.emplace(id, when);
    return id;
}

bool TimerQueue::remove(TimerId id) {
    auto it = deadline_of_.find(id);
    if (it == deadline_of_.end()) return false;
    by_time_.erase(std::make_pair(it->second, id));
    deadline_of_.erase(it);
    return true;
}

std::optional<TimePoint> TimerQueue::next_deadline() const {
    if (by_time_.empty()) return std::nullopt;
    return by_time_.begin()->first.first;
}

std::optional<std::pair<TimePoint, std::function<void()>>> TimerQueue::pop_due(TimePoint now) {
    if (by_time_.empty()) return std::nullopt;
    auto it = by_time_.begin();
    if (it->first.first > now) return std::nullopt;
    TimePoint when = it->first.first;
    std::function<void()> fn = std::move(it->second);
    deadline_of_.erase(it->first.second);
    by_time_.erase(it);
    return std::make_pair(when, std::move(fn));
}

// ---- SystemTimers ----------------------------------------------------------

TimerId SystemTimers::schedule(TimePoint when, std::function<void()> fn) {
    return queue_.add(when, std::move(fn));
}

int SystemTimers::poll_timeout_ms() const {
    auto next = queue_.next_deadline();
    if (!next) return -1;
    auto now = SteadyClock::now();
    if (*next <= now) return 0;
    auto wait = *next - now;
    // Round up: waking 0.4 ms early would mean a zero-timeout spin until due.
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
    if (ms > std::numeric_limits<int>::max()) return std::numeric_limits<int>::max();
    return static_cast<int>(ms);
}

std::size_t SystemTimers::run_due() {
    std::size_t ran = 0;
    // Read the clock once: a callback that schedules "now + 0" runs in the
    // next pass of the loop rather than starving I/O in this one.
    TimePoint now = SteadyClock::now();
    while (auto due = queue_.pop_due(now)) {
        due->second();
        ++ran;
    }
    return ran;
}

// ---- ManualTimers ----------------------------------------------------------

ManualTimers::ManualTimers() : now_(TimePoint{} + std::chrono::hours(24)) {}

TimerId ManualTimers::schedule(TimePoint when, std::function<void()> fn) {
    return queue_.add(when, std::move(fn));
}

std::size_t ManualTimers::advance(Duration d) { return advance_to(now_ + d); }

std::size_t ManualTimers::advance_to(TimePoint target) {
    std::size_t ran = 0;
    while (auto due = queue_.pop_due(target)) {
        // Time never runs backwards: a timer scheduled in the past fires "now".
        if (due->first > now_) now_ = due->first;
        due->second();
        ++ran;
    }
    if (target > now_) now_ = target;
    return ran;
}

bool ManualTimers::run_next() {
    auto next = queue_.next_deadline();
    if (!next) return false;
    auto due = queue_.pop_due(*next);
    if (due->first > now_) now_ = due->first;
    due->second();
    return true;
}

bool ManualTimers::run_until(const std::function<bool()>& done, Duration limit) {
    TimePoint stop = now_ + limit;
    while (!done()) {
        auto next = queue_.next_deadline();
        if (!next || *next > stop) {
            if (stop > now_) now_ = stop;
            return done();
        }
        run_next();
    }
    return true;
}

}  // namespace ikeoff
