// The daemon's single-threaded event loop: epoll over file descriptors plus
// the SystemTimers queue.
//
// Everything the daemon does (IKE, the data path, control requests) runs as
// a callback on this one thread, so IKE state needs no locks and a timer can
// never race a datagram. Callbacks must not block; long work belongs in a
// batch that returns to the loop.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <unordered_map>

#include "host/common/result.hpp"
#include "host/common/timers.hpp"
#include "host/net/fd.hpp"

namespace ikeoff::daemon {

class EventLoop {
public:
    static Result<std::unique_ptr<EventLoop>> create();

    SystemTimers& timers() noexcept { return timers_; }

    // Calls `on_readable` whenever `fd` is readable (level-triggered: the
    // callback should drain what it can, and is called again otherwise).
    // The loop does not own `fd`.
    Status watch(int fd, std::function<void()> on_readable);
    // Safe to call from inside any callback, including the fd's own.
    void unwatch(int fd);

    // Runs until stop() (or a SIGINT/SIGTERM when handle_signals() was
    // called). Returns the reason it stopped, or an error if epoll failed.
    Status run();
    // One round: wait at most `max_wait_ms` (or until the next timer),
    // dispatch what is ready, fire due timers. For tests that step the loop.
    Status run_once(int max_wait_ms);
    // The one method that may be called from another thread.
    void stop() noexcept { stopping_ = true; }
    bool stopping() const noexcept { return stopping_; }

    // Blocks SIGINT and SIGTERM and turns them into a clean stop() through a
    // signalfd; `on_signal` runs first (e.g. to log which signal).
    Status handle_signals(std::function<void(int signo)> on_signal = nullptr);

private:
    EventLoop(net::Fd epfd) : epfd_(std::move(epfd)) {}

    net::Fd epfd_;
    net::Fd sigfd_;
    SystemTimers timers_;
    // shared_ptr so a callback that unwatches itself keeps running safely.
    std::unordered_map<int, std::shared_ptr<std::function<void()>>> watchers_;
    std::atomic<bool> stopping_{false};  // stop() may come from another thread (tests)
};

}  // namespace ikeoff::daemon
