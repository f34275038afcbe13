// Timers: ordering, cancellation, re-entrancy and virtual time.
#include "host/common/timers.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace ikeoff {
namespace {

using namespace std::chrono_literals;

TEST(ManualTimers, FiresInDeadlineOrderWithNowAtEachDeadline) {
    ManualTimers t;
    TimePoint start = t.now();
    std::vector<std::pair<int, Duration>> fired;
    t.schedule_in(3s, [&] { fired.emplace_back(3, t.now() - start); });
    t.schedule_in(1s, [&] { fired.emplace_back(1, t.now() - start); });
    t.schedule_in(2s, [&] { fired.emplace_back(2, t.now() - start); });

    EXPECT_EQ(t.advance(2500ms), 2u);
    ASSERT_EQ(fired.size(), 2u);
    EXPECT_EQ(fired[0], std::make_pair(1, Duration(1s)));
    EXPECT_EQ(fired[1], std::make_pair(2, Duration(2s)));
    EXPECT_EQ(t.now() - start, Duration(2500ms));
    EXPECT_EQ(t.pending(), 1u);

    EXPECT_EQ(t.advance(1s), 1u);
    EXPECT_EQ(fired.back(), std::make_pair(3, Duration(3s)));
}

TEST(ManualTimers, EqualDeadlinesKeepSchedulingOrder) {
    ManualTimers t;
    std::string order;
    for (char c : std::string("abcdef")) t.schedule_in(1s, [&order, c] { order += c; });
    t.advance(1s);
    EXPECT_EQ(order, "abcdef");
}

TEST(ManualTimers, CancelPreventsFiringAndIdsAreNotReused) {
    ManualTimers t;
    int a = 0, b = 0;
    TimerId ia = t.schedule_in(1s, [&] { ++a; });
    TimerId ib = t.schedule_in(1s, [&] { ++b; });
    EXPECT_NE(ia, ib);
    EXPECT_TRUE(t.cancel(ia));
    EXPECT_FALSE(t.cancel(ia));  // second cancel: nothing pending any more
    t.advance(2s);
    EXPECT_EQ(a, 0);
    EXPECT_EQ(b, 1);
    EXPECT_FALSE(t.cancel(ib));  // already fired
    TimerId ic = t.schedule_in(1s, [] {});
    EXPECT_NE(ic, ia);
    EXPECT_NE(ic, ib);
    EXPECT_FALSE(t.cancel(kNoTimer));
}

TEST(ManualTimers, CallbacksMayScheduleInsideTheWindow) {
    // A retransmission schedule: 1 s, then doubling. Each timer schedules the
    // next; advance() must fire those that fall inside its window too.
    ManualTimers t;
    TimePoint start = t.now();
    std::vector<Duration> sends;
    std::function<void(Duration)> arm = [&](Duration backoff) {
        t.schedule_in(backoff, [&, backoff] {
            sends.push_back(t.now() - start);
            if (sends.size() < 5) arm(backoff * 2);
        });
    };
    arm(1s);
    EXPECT_EQ(t.advance(20s), 4u);  // 1, 3, 7, 15; the 5th (31 s) is later
    ASSERT_EQ(sends.size(), 4u);
    EXPECT_EQ(sends[3], Duration(15s));
    t.advance(20s);
    ASSERT_EQ(sends.size(), 5u);
    EXPECT_EQ(sends[4], Duration(31s));
    EXPECT_EQ(t.pending(), 0u);
}

TEST(ManualTimers, CallbackMayCancelAnotherDueTimer) {
    ManualTimers t;
    int second = 0;
    TimerId id2 = kNoTimer;
    t.schedule_in(1s, [&] { EXPECT_TRUE(t.cancel(id2)); });
    id2 = t.schedule_in(1s, [&] { ++second; });
    t.advance(5s);
    EXPECT_EQ(second, 0);
}

TEST(ManualTimers, PastDeadlineFiresWithoutMovingTimeBackwards) {
    ManualTimers t;
    t.advance(10s);
    TimePoint now = t.now();
    TimePoint seen{};
    t.schedule(now - 5s, [&] { seen = t.now(); });
    EXPECT_EQ(t.advance(0s), 1u);
    EXPECT_EQ(seen, now);
}

TEST(ManualTimers, RunUntilStopsAtConditionOrLimit) {
    ManualTimers t;
    TimePoint start = t.now();
    bool done = false;
    t.schedule_in(7s, [&] { done = true; });
    EXPECT_TRUE(t.run_until([&] { return done; }, 60s));
    EXPECT_EQ(t.now() - start, Duration(7s));

    bool never = false;
    t.schedule_in(100s, [&] { never = true; });
    EXPECT_FALSE(t.run_until([&] { return never; }, 30s));
    EXPECT_EQ(t.now() - start, Duration(37s));
    EXPECT_FALSE(never);
}

TEST(ManualTimers, RunNextJumpsToNextDeadline) {
    ManualTimers t;
    TimePoint start = t.now();
    EXPECT_FALSE(t.run_next());
    int n = 0;
    t.schedule_in(42s, [&] { ++n; });
    EXPECT_TRUE(t.run_next());
    EXPECT_EQ(n, 1);
    EXPECT_EQ(t.now() - start, Duration(42s));
}

TEST(SystemTimers, PollTimeoutReflectsNextDeadline) {
    SystemTimers t;
    EXPECT_EQ(t.poll_timeout_ms(), -1);
    TimerId far = t.schedule_in(10s, [] {});
    int ms = t.poll_timeout_ms();
    EXPECT_GT(ms, 9000);
    EXPECT_LE(ms, 10000);
    t.schedule(t.now() - 1s, [] {});
    EXPECT_EQ(t.poll_timeout_ms(), 0);
    EXPECT_EQ(t.run_due(), 1u);  // only the overdue one
    EXPECT_TRUE(t.cancel(far));
    EXPECT_EQ(t.poll_timeout_ms(), -1);
}

TEST(SystemTimers, RunDueFiresOnlyWhatIsDue) {
    SystemTimers t;
    int fired = 0;
    t.schedule_in(5ms, [&] { ++fired; });
    t.schedule_in(1h, [&] { ++fired; });
    EXPECT_EQ(t.run_due(), 0u);
    std::this_thread::sleep_for(std::chrono::milliseconds(t.poll_timeout_ms()));
    EXPECT_EQ(t.run_due(), 1u);
    EXPECT_EQ(fired, 1);
    EXPECT_EQ(t.pending(), 1u);
}

}  // namespace
}  // namespace ikeoff
