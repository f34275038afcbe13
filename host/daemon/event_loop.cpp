#include "host/daemon/event_loop.hpp"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace ikeoff::daemon {

namespace {
Error sys_error(const std::string& what) { return Error{Errc::io_error, what + ": " + std::strerror(errno)}; }
}  // namespace

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
    net::Fd ep(::epoll_create1(EPOLL_CLOEXEC));
    if (!ep.valid()) return sys_error("event loop: epoll_create1");
    return std::unique_ptr<EventLoop>(new EventLoop(std::move(ep)));
}

Status EventLoop::watch(int fd, std::function<void()> on_readable) {
    IKEOFF_ENSURE(fd >= 0, Errc::invalid_argument, "event loop: bad file descriptor");
    IKEOFF_ENSURE(!watchers_.contains(fd), Errc::already_exists,
                  "event loop: fd " + std::to_string(fd) + " is already watched");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (::epoll_ctl(epfd_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) return sys_error("event loop: epoll_ctl add");
    watchers_[fd] = std::make_shared<std::function<void()>>(std::move(on_readable));
    return {};
}

void EventLoop::unwatch(int fd) {
    if (watchers_.erase(fd) == 0) return;
    (void)::epoll_ctl(epfd_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

Status EventLoop::run_once(int max_wait_ms) {
    int timeout = timers_.poll_timeout_ms();
    if (timeout < 0 || (max_wait_ms >= 0 && max_wait_ms < timeout)) timeout = max_wait_ms;
    epoll_event events[64];
    int n = ::epoll_wait(epfd_.get(), events, 64, timeout);
    if (n < 0) {
        if (errno != EINTR) return sys_error("event loop: epoll_wait");
        n = 0;
    }
    for (int i = 0; i < n && !stopping_; ++i) {
        auto it = watchers_.find(events[i].data.fd);
        if (it == watchers_.end()) continue;  // unwatched by an earlier callback this round
        auto fn = it->second;
        (*fn)();
    }
    if (!stopping_) timers_.run_due();
    return {};
}

Status EventLoop::run() {
    while (!stopping_) IKEOFF_TRY(run_once(-1));
    return {};
}

Status EventLoop::handle_signals(std::function<void(int)> on_signal) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    // Blocked in this thread (the daemon is single-threaded), so the signals
    // queue up on the signalfd instead of killing the process mid-update.
    if (::pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0) return sys_error("event loop: sigmask");
    net::Fd sfd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!sfd.valid()) return sys_error("event loop: signalfd");
    int fd = sfd.get();
    sigfd_ = std::move(sfd);
    return watch(fd, [this, fd, on_signal = std::move(on_signal)] {
        signalfd_siginfo info;
        while (::read(fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
            if (on_signal) on_signal(static_cast<int>(info.ssi_signo));
            stop();
        }
    });
}

}  // namespace ikeoff::daemon
