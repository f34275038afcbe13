// An injectable clock and one-shot timer queue.
//
// Everything in the daemon that waits (IKE retransmission, lifetimes, DPD,
// `ikeoffctl up` timeouts, half-open SA expiry) goes through a Timers&, never
// through std::chrono::steady_clock or sleep directly. The daemon passes a
// SystemTimers that its event loop drives; tests pass a ManualTimers and move
// virtual time with advance(), so a 30-second retransmission schedule runs in
// microseconds and always in the same order.
//
// Rules shared by both implementations:
//  * a callback never runs from inside schedule() or cancel(), only from the
//    driver (SystemTimers::run_due, ManualTimers::advance/run_next);
//  * timers due at the same instant fire in the order they were scheduled;
//  * a callback may schedule and cancel timers, itself included (cancelling a
//    timer that is currently running is a harmless no-op);
//  * ids are never reused, so cancelling a stale id never hits a newer timer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

namespace ikeoff {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using Duration = SteadyClock::duration;

using TimerId = uint64_t;
inline constexpr TimerId kNoTimer = 0;

class Timers {
public:
    virtual ~Timers() = default;

    virtual TimePoint now() const = 0;
    // Runs `fn` once, at or after `when` (a time in the past means "as soon
    // as the driver next runs"). Returns an id for cancel().
    virtual TimerId schedule(TimePoint when, std::function<void()> fn) = 0;
    // True when the timer was pending and will now never run.
    virtual bool cancel(TimerId id) = 0;

    TimerId schedule_in(Duration delay, std::function<void()> fn) {
        return schedule(now() + delay, std::move(fn));
    }
};

// The ordered set of pending timers both implementations share.
class TimerQueue {
public:
    TimerId add(TimePoint when, std::function<void()> fn);
    bool remove(TimerId id);
    std::optional<TimePoint> next_deadline() const;
    std::size_t size() const noexcept { return by_time_.size(); }
    bool empty() const noexcept { return by_time_.empty(); }
    // Removes and returns the earliest timer if it is due at or before `now`.
    std::optional<std::pair<TimePoint, std::function<void()>>> pop_due(TimePoint now);

private:
    // Keyed by (deadline, id): ids grow monotonically, so equal deadlines
    // keep their scheduling order.
    std::map<std::pair<TimePoint, TimerId>, std::function<void()>> by_time_;
    std::unordered_map<TimerId, TimePoint> deadline_of_;
    TimerId next_id_ = 1;
};

// Real time from steady_clock. The event loop asks next_deadline() (its poll
// timeout) and calls run_due() after every wake-up.
class SystemTimers final : public Timers {
public:
    TimePoint now() const override { return SteadyClock::now(); }
    TimerId schedule(TimePoint when, std::function<void()> fn) override;
    bool cancel(TimerId id) override { return queue_.remove(id); }

    std::optional<TimePoint> next_deadline() const { return queue_.next_deadline(); }
    // Milliseconds until the next deadline for poll()/epoll_wait(): -1 when
    // nothing is pending, 0 when something is already due, rounded up so the
    // loop never wakes a little early and spins.
    int poll_timeout_ms() const;
    // Fires every timer due now (including ones that become due while
    // firing, as long as they are not in the future). Returns how many ran.
    std::size_t run_due();
    std::size_t pending() const noexcept { return queue_.size(); }

private:
    TimerQueue queue_;
};

// Virtual time for tests. Starts at an arbitrary non-zero instant so code
// that treats TimePoint{} as "never" still works.
class ManualTimers final : public Timers {
public:
    ManualTimers();

    TimePoint now() const override { return now_; }
    TimerId schedule(TimePoint when, std::function<void()> fn) override;
    bool cancel(TimerId id) override { return queue_.remove(id); }

    // Moves time forward by `d`, firing every timer whose deadline falls in
    // the window, each with now() equal to its own deadline (timers created
    // by callbacks inside the window fire too). Returns how many ran.
    std::size_t advance(Duration d);
    std::size_t advance_to(TimePoint t);
    // Jumps to the next deadline and fires that one timer; false if none.
    bool run_next();
    // Fires timers one by one until `done()` is true or `limit` of virtual
    // time has passed; true if `done()` became true. The standard way to say
    // "run the negotiation until it finishes, but at most 60 s".
    bool run_until(const std::function<bool()>& done, Duration limit);

    std::size_t pending() const noexcept { return queue_.size(); }
    std::optional<TimePoint> next_deadline() const { return queue_.next_deadline(); }

private:
    TimerQueue queue_;
    TimePoint now_;
};

// Seconds as a double, for logs and status output.
inline double to_seconds(Duration d) {
    return std::chrono::duration_cast<std::chrono::duration<double>>(d).count();
}

}  // namespace ikeoff
