#include "host/net/udp_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ikeoff::net {

namespace {

Error sys_error(const std::string& what) { return Error{Errc::io_error, what + ": " + std::strerror(errno)}; }

// sockaddr_storage <-> Endpoint, for the two families we use.
socklen_t to_sockaddr(const IpAddress& addr, uint16_t port, IpAddress::Family family, sockaddr_storage& ss) {
    std::memset(&ss, 0, sizeof ss);
    if (family == IpAddress::Family::v4) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        if (!addr.empty()) std::memcpy(&sin->sin_addr, addr.data(), 4);
        return sizeof(sockaddr_in);
    }
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    if (!addr.empty()) std::memcpy(&sin6->sin6_addr, addr.data(), 16);
    return sizeof(sockaddr_in6);
}

Endpoint from_sockaddr(const sockaddr_storage& ss) {
    Endpoint e;
    if (ss.ss_family == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(&ss);
        e.addr = IpAddress::v4(reinterpret_cast<const uint8_t*>(&sin->sin_addr));
        e.port = ntohs(sin->sin_port);
    } else if (ss.ss_family == AF_INET6) {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&ss);
        e.addr = IpAddress::v6(reinterpret_cast<const uint8_t*>(&sin6->sin6_addr));
        e.port = ntohs(sin6->sin6_port);
    }
    return e;
}

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

    int one = 1;
    if (family == IpAddress::Family::v4) {
        if (::setsockopt(fd.get(), IPPROTO_IP, IP_PKTINFO, &one, sizeof one) != 0)
            return sys_error("udp: IP_PKTINFO");
    } else {
        if (::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0)
            return sys_error("udp: IPV6_V6ONLY");
        if (::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) != 0)
            return sys_error("udp: IPV6_RECVPKTINFO");
    }
    // ESP-in-UDP bursts arrive faster than one loop iteration drains them
    // when the engine is busy; a larger buffer turns short bursts into
    // latency instead of loss. Best effort: the kernel caps it at rmem_max.
    int buf = 4 << 20;
    (void)::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    (void)::setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);

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
    sockaddr_storage from;
    iovec iov{buf.data(), buf.size()};
    alignas(cmsghdr) uint8_t control[256];
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;

    ssize_t n = ::recvmsg(fd_.get(), &msg, MSG_DONTWAIT);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return std::optional<Received>{};
        return sys_error("udp: recvmsg on " + local_.to_string());
    }
    Received r;
    r.size = static_cast<std::size_t>(n);
    r.truncated = (msg.msg_flags & MSG_TRUNC) != 0;
    r.remote = from_sockaddr(from);
    r.local.port = local_.port;
    r.local.addr = local_.addr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            r.local.addr = IpAddress::v4(reinterpret_cast<const uint8_t*>(&info.ipi_addr));
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            r.local.addr = IpAddress::v6(reinterpret_cast<const uint8_t*>(&info.ipi6_addr));
        }
    }
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
    alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
    msghdr msg{};
    msg.msg_name = &to;
    msg.msg_namelen = tolen;
    msg.msg_iov = iov;
    msg.msg_iovlen = parts.size();
    if (!source.empty() && !is_wildcard(source)) {
        msg.msg_control = control;
        cmsghdr* c = reinterpret_cast<cmsghdr*>(control);
        if (family_ == IpAddress::Family::v4) {
            in_pktinfo info{};
            std::memcpy(&info.ipi_spec_dst, source.data(), 4);
            c->cmsg_level = IPPROTO_IP;
            c->cmsg_type = IP_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(c), &info, sizeof info);
            msg.msg_controllen = CMSG_SPACE(sizeof info);
        } else {
            in6_pktinfo info{};
            std::memcpy(&info.ipi6_addr, source.data(), 16);
            c->cmsg_level = IPPROTO_IPV6;
            c->cmsg_type = IPV6_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(c), &info, sizeof info);
            msg.msg_controllen = CMSG_SPACE(sizeof info);
        }
    }
    ssize_t n = ::sendmsg(fd_.get(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) return sys_error("udp: sendmsg " + local_.to_string() + " -> " + remote.to_string());
    return {};
}

}  // namespace ikeoff::net
