#include "host/net/udp_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <string>

#include "host/net/socket_io.hpp"

namespace ikeoff::net {

namespace {

bool is_wildcard(const IpAddress& a) {
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a.data()[i] != 0) return false;
    }
    return true;
}

}  // namespace

Result<UdpSocket> UdpSocket::open(IpAddress::Family family, const IpAddress& bind_addr, uint16_t port) {
    IKEOFF_ENSURE(family == IpAddress::Family::v4 || family == IpAddress::Family::v6, Errc::invalid_argument,
                  "udp: address family must be IPv4 or IPv6");
    IKEOFF_ENSURE(bind_addr.empty() || bind_addr.family() == family, Errc::invalid_argument,
                  "udp: bind address " + bind_addr.to_string() + " is not of the socket's family");
    int domain = family == IpAddress::Family::v4 ? AF_INET : AF_INET6;
    Fd fd(::socket(domain, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return sys_error("udp: socket");

    if (family == IpAddress::Family::v6) {
        int one = 1;
        if (::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
            return sys_error("udp: IPV6_V6ONLY");
    }
    IKEOFF_TRY(enable_pktinfo(fd.get(), family, "udp"));
    // ESP-in-UDP bursts: see grow_receive_buffer().
    grow_receive_buffer(fd.get());
    grow_send_buffer(fd.get());

    sockaddr_storage ss;
    socklen_t len = to_sockaddr(bind_addr, port, family, ss);
    Endpoint want{bind_addr, port};
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&ss), len) != 0) return sys_error("udp: bind " + want.to_string());

    sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &blen) != 0)
        return sys_error("udp: getsockname");
    return UdpSocket(std::move(fd), family, from_sockaddr(bound));
}

bool UdpSocket::wildcard() const noexcept { return is_wildcard(local_.addr); }

Result<std::optional<Received>> UdpSocket::receive(MutableByteView buf) {
    ReceiveFrame frame(buf);
    ssize_t n = frame.receive(fd_.get());
    if (n < 0) {
        if (would_block(errno)) return std::optional<Received>{};
        return sys_error("udp: recvmsg on " + local_.to_string());
    }
    Received r;
    r.size = static_cast<std::size_t>(n);
    r.truncated = frame.truncated();
    r.remote = from_sockaddr(frame.from());
    r.local.port = local_.port;
    IpAddress to = frame.local_address();
    r.local.addr = to.empty() ? local_.addr : to;
    return std::optional<Received>{r};
}

Status UdpSocket::send(const IpAddress& source, const Endpoint& remote, std::span<const ByteView> parts) {
    IKEOFF_ENSURE(remote.addr.family() == family_, Errc::invalid_argument,
                  "udp: cannot send to " + remote.to_string() + " from " + local_.to_string());
    IKEOFF_ENSURE(source.empty() || source.family() == family_, Errc::invalid_argument,
                  "udp: source " + source.to_string() + " is not of the socket's family");
    IKEOFF_ENSURE(parts.size() <= 8, Errc::invalid_argument, "udp: too many parts");
    sockaddr_storage to;
    socklen_t tolen = to_sockaddr(remote.addr, remote.port, family_, to);
    iovec iov[8];
    for (std::size_t i = 0; i < parts.size(); ++i) {
        iov[i].iov_base = const_cast<uint8_t*>(parts[i].data());  // sendmsg does not write
        iov[i].iov_len = parts[i].size();
    }
    msghdr msg{};
    msg.msg_name = &to;
    msg.msg_namelen = tolen;
    msg.msg_iov = iov;
    msg.msg_iovlen = parts.size();
    SourceControl control;
    if (!source.empty() && !is_wildcard(source)) control.attach(msg, family_, source);
    ssize_t n = ::sendmsg(fd_.get(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) return sys_error("udp: sendmsg " + local_.to_string() + " -> " + remote.to_string());
    return {};
}

}  // namespace ikeoff::net
