#include "host/daemon/control_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host/net/fd.hpp"

namespace ikeoff::daemon {

Result<nlohmann::json> control_request(const std::string& path, const nlohmann::json& request,
                                       std::chrono::milliseconds timeout) {
    using Clock = std::chrono::steady_clock;
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    IKEOFF_ENSURE(!path.empty() && path.size() < sizeof sun.sun_path, Errc::invalid_argument,
                  "control socket path too long: " + path);
    std::memcpy(sun.sun_path, path.data(), path.size());

    net::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return Error{Errc::io_error, std::string("socket: ") + std::strerror(errno)};
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
        return Error{Errc::io_error, "cannot connect to ikeoffd at " + path + ": " + std::strerror(errno) +
                                         " (is ikeoffd running? see --control)"};
    }
    std::string line = request.dump() + "\n";
    std::size_t off = 0;
    while (off < line.size()) {
        ssize_t n = ::send(fd.get(), line.data() + off, line.size() - off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return Error{Errc::io_error, std::string("control socket: send: ") + std::strerror(errno)};
        }
        off += static_cast<std::size_t>(n);
    }

    auto deadline = Clock::now() + timeout;
    std::string in;
    char buf[4096];
    for (;;) {
        auto nl = in.find('\n');
        if (nl != std::string::npos) {
            nlohmann::json reply = nlohmann::json::parse(in.substr(0, nl), nullptr, false);
            IKEOFF_ENSURE(!reply.is_discarded() && reply.is_object(), Errc::parse_error,
                          "ikeoffd sent a reply that is not a JSON object");
            return reply;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return Error{Errc::timeout, "no reply from ikeoffd within the deadline"};
        pollfd p{fd.get(), POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(left));
        if (r < 0 && errno != EINTR) return Error{Errc::io_error, std::string("poll: ") + std::strerror(errno)};
        if (r <= 0) continue;
        ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n == 0) return Error{Errc::io_error, "ikeoffd closed the control connection without a reply"};
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return Error{Errc::io_error, std::string("control socket: recv: ") + std::strerror(errno)};
        }
        in.append(buf, static_cast<std::size_t>(n));
        IKEOFF_ENSURE(in.size() <= (16u << 20), Errc::parse_error, "reply from ikeoffd is too large");
    }
}

}  // namespace ikeoff::daemon
