#include "host/net/raw_esp_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace ikeoff::net {

namespace {
constexpr int kEspProtocol = 50;
Error sys_error(const std::string& what) { return Error{Errc::io_error, what + ": " + std::strerror(errno)}; }
}  // namespace

Result<RawEspSocket> RawEspSocket::open(IpAddress::Family family) {
    IKEOFF_ENSURE(family == IpAddress::Family::v4 || family == IpAddress::Family::v6, Errc::invalid_argument,
                  "raw ESP: address family must be IPv4 or IPv6");
    bool v4 = family == IpAddress::Family::v4;
    Fd fd(::socket(v4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, kEspProtocol));
    if (!fd.valid()) return sys_error(std::string("raw ESP socket (") + (v4 ? "IPv4" : "IPv6") + ")");
    int one = 1;
    if (v4) {
        if (::setsockopt(fd.get(), IPPROTO_IP, IP_PKTINFO, &one, sizeof one) != 0) return sys_error("raw ESP: IP_PKTINFO");
    } else {
        if (::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) != 0)
            return sys_error("raw ESP: IPV6_RECVPKTINFO");
    }
    int buf = 4 << 20;
    (void)::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    return RawEspSocket(std::move(fd), family);
}

Result<std::optional<RawReceived>> RawEspSocket::receive(MutableByteView buf) {
    sockaddr_storage from{};
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
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return std::optional<RawReceived>{};
        return sys_error("raw ESP: recvmsg");
    }
    if (msg.msg_flags & MSG_TRUNC) return std::optional<RawReceived>{RawReceived{}};  // empty esp: caller drops
    ByteView got(buf.data(), static_cast<std::size_t>(n));
    RawReceived r;
    if (family_ == IpAddress::Family::v4) {
        // The IPv4 header comes with the packet.
        if (got.size() < 20 || got[0] >> 4 != 4) return std::optional<RawReceived>{RawReceived{}};
        std::size_t ihl = std::size_t(got[0] & 0x0f) * 4;
        if (ihl < 20 || ihl > got.size()) return std::optional<RawReceived>{RawReceived{}};
        r.remote = IpAddress::v4(&got[12]);
        r.local = IpAddress::v4(&got[16]);
        r.esp = got.subspan(ihl);
    } else {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&from);
        r.remote = IpAddress::v6(reinterpret_cast<const uint8_t*>(&sin6->sin6_addr));
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
                in6_pktinfo info;
                std::memcpy(&info, CMSG_DATA(c), sizeof info);
                r.local = IpAddress::v6(reinterpret_cast<const uint8_t*>(&info.ipi6_addr));
            }
        }
        r.esp = got;
    }
    return std::optional<RawReceived>{r};
}

Status RawEspSocket::send(const IpAddress& source, const IpAddress& dst, ByteView esp) {
    IKEOFF_ENSURE(dst.family() == family_, Errc::invalid_argument, "raw ESP: destination of the wrong family");
    sockaddr_storage to{};
    socklen_t tolen;
    alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
    msghdr msg{};
    iovec iov{const_cast<uint8_t*>(esp.data()), esp.size()};  // sendmsg does not write
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    cmsghdr* c = reinterpret_cast<cmsghdr*>(control);
    bool with_source = !source.empty();
    if (family_ == IpAddress::Family::v4) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&to);
        sin->sin_family = AF_INET;
        std::memcpy(&sin->sin_addr, dst.data(), 4);
        tolen = sizeof(sockaddr_in);
        if (with_source) {
            in_pktinfo info{};
            std::memcpy(&info.ipi_spec_dst, source.data(), 4);
            c->cmsg_level = IPPROTO_IP;
            c->cmsg_type = IP_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(c), &info, sizeof info);
            msg.msg_controllen = CMSG_SPACE(sizeof info);
        }
    } else {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&to);
        sin6->sin6_family = AF_INET6;
        std::memcpy(&sin6->sin6_addr, dst.data(), 16);
        tolen = sizeof(sockaddr_in6);
        if (with_source) {
            in6_pktinfo info{};
            std::memcpy(&info.ipi6_addr, source.data(), 16);
            c->cmsg_level = IPPROTO_IPV6;
            c->cmsg_type = IPV6_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof info);
            std::memcpy(CMSG_DATA(c), &info, sizeof info);
            msg.msg_controllen = CMSG_SPACE(sizeof info);
        }
    }
    msg.msg_name = &to;
    msg.msg_namelen = tolen;
    if (with_source) msg.msg_control = control;
    if (::sendmsg(fd_.get(), &msg, MSG_DONTWAIT) < 0) return sys_error("raw ESP: sendmsg to " + dst.to_string());
    return {};
}

}  // namespace ikeoff::net
