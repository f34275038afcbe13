// Run a test body on a thread that lives in a fresh network namespace.
//
// unshare(CLONE_NEWNET) changes the namespace of the calling thread only, so
// a helper thread can create TUN devices, routes and sockets without touching
// the host's network or the other tests. Needs CAP_NET_ADMIN (root in CI);
// without it the test is skipped with a message saying so.
#pragma once

#include <sched.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ikeoff::testing {

// Returns "" when `body` ran, or why the namespace could not be created.
inline std::string run_in_new_netns(const std::function<void()>& body) {
    std::string why;
    std::thread t([&] {
        if (::unshare(CLONE_NEWNET) != 0) {
            why = std::string("network namespaces unavailable (unshare: ") + std::strerror(errno) + ")";
            return;
        }
        // Bring up loopback: a new namespace starts with it down.
        int s = ::socket(AF_INET, SOCK_DGRAM, 0);
        ifreq ifr{};
        std::strcpy(ifr.ifr_name, "lo");
        if (s >= 0 && ::ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
            ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
            (void)::ioctl(s, SIOCSIFFLAGS, &ifr);
        }
        if (s >= 0) ::close(s);
        body();
    });
    t.join();
    return why;
}

}  // namespace ikeoff::testing

// Use at the top of a test: runs the rest of the body in a fresh netns.
#define IKEOFF_IN_NETNS(...)                                                    \
    do {                                                                        \
        std::string ikeoff_netns_why_ = ::ikeoff::testing::run_in_new_netns(__VA_ARGS__); \
        if (!ikeoff_netns_why_.empty()) GTEST_SKIP() << ikeoff_netns_why_;      \
    } while (0)
