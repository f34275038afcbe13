#include "host/net/socket_io.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cstring>

namespace ikeoff::net {

Error sys_error(const std::string& what) { return Error{Errc::io_error, what + ": " + std::strerror(errno)}; }

bool would_block(int err) noexcept { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }

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

Status enable_pktinfo(int fd, IpAddress::Family family, std::string_view who) {
    int one = 1;
    if (family == IpAddress::Family::v4) {
        if (::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) != 0)
            return sys_error(std::string(who) + ": IP_PKTINFO");
    } else {
        if (::setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) != 0)
            return sys_error(std::string(who) + ": IPV6_RECVPKTINFO");
    }
    return {};
}

namespace {
constexpr int kSocketBuffer = 4 << 20;
}  // namespace

void grow_receive_buffer(int fd) noexcept {
    int buf = kSocketBuffer;
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
}

void grow_send_buffer(int fd) noexcept {
    int buf = kSocketBuffer;
    (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
}

// ---- ReceiveFrame -------------------------------------------------------------------

ReceiveFrame::ReceiveFrame(MutableByteView buf) noexcept : iov_{buf.data(), buf.size()} {
    msg_.msg_name = &from_;
    msg_.msg_namelen = sizeof from_;
    msg_.msg_iov = &iov_;
    msg_.msg_iovlen = 1;
    msg_.msg_control = control_;
    msg_.msg_controllen = sizeof control_;
}

ssize_t ReceiveFrame::receive(int fd) noexcept { return ::recvmsg(fd, &msg_, MSG_DONTWAIT); }

IpAddress ReceiveFrame::local_address() {
    IpAddress local;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg_); c != nullptr; c = CMSG_NXTHDR(&msg_, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            local = IpAddress::v4(reinterpret_cast<const uint8_t*>(&info.ipi_addr));
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            local = IpAddress::v6(reinterpret_cast<const uint8_t*>(&info.ipi6_addr));
        }
    }
    return local;
}

// ---- SourceControl ------------------------------------------------------------------

namespace {

// One packet-info control message (`info` of level/type) as all of `msg`'s control data.
template <typename Info>
void put_control(msghdr& msg, uint8_t* control, int level, int type, const Info& info) noexcept {
    cmsghdr* c = reinterpret_cast<cmsghdr*>(control);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(sizeof info);
    std::memcpy(CMSG_DATA(c), &info, sizeof info);
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof info);
}

}  // namespace

void SourceControl::attach(msghdr& msg, IpAddress::Family family, const IpAddress& source) noexcept {
    if (family == IpAddress::Family::v4) {
        in_pktinfo info{};
        std::memcpy(&info.ipi_spec_dst, source.data(), 4);
        put_control(msg, control_, IPPROTO_IP, IP_PKTINFO, info);
    } else {
        in6_pktinfo info{};
        std::memcpy(&info.ipi6_addr, source.data(), 16);
        put_control(msg, control_, IPPROTO_IPV6, IPV6_PKTINFO, info);
    }
}

}  // namespace ikeoff::net
