#include "host/net/raw_esp_socket.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <string>

#include "host/net/socket_io.hpp"

namespace ikeoff::net {

namespace {
constexpr int kEspProtocol = 50;
}  // namespace

Result<RawEspSocket> RawEspSocket::open(IpAddress::Family family) {
    IKEOFF_ENSURE(family == IpAddress::Family::v4 || family == IpAddress::Family::v6, Errc::invalid_argument,
                  "raw ESP: address family must be IPv4 or IPv6");
    bool v4 = family == IpAddress::Family::v4;
    Fd fd(::socket(v4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, kEspProtocol));
    if (!fd.valid()) return sys_error(std::string("raw ESP socket (") + (v4 ? "IPv4" : "IPv6") + ")");
    IKEOFF_TRY(enable_pktinfo(fd.get(), family, "raw ESP"));
    grow_receive_buffer(fd.get());
    return RawEspSocket(std::move(fd), family);
}

Result<std::optional<RawReceived>> RawEspSocket::receive(MutableByteView buf) {
    ReceiveFrame frame(buf);
    ssize_t n = frame.receive(fd_.get());
    if (n < 0) {
        if (would_block(errno)) return std::optional<RawReceived>{};
        return sys_error("raw ESP: recvmsg");
    }
    if (frame.truncated()) return std::optional<RawReceived>{RawReceived{}};  // empty esp: caller drops
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
        r.remote = from_sockaddr(frame.from()).addr;
        r.local = frame.local_address();
        r.esp = got;
    }
    return std::optional<RawReceived>{r};
}

Status RawEspSocket::send(const IpAddress& source, const IpAddress& dst, ByteView esp) {
    IKEOFF_ENSURE(dst.family() == family_, Errc::invalid_argument, "raw ESP: destination of the wrong family");
    sockaddr_storage to;
    socklen_t tolen = to_sockaddr(dst, 0, family_, to);  // the port field of a raw socket's address is unused
    iovec iov{const_cast<uint8_t*>(esp.data()), esp.size()};  // sendmsg does not write
    msghdr msg{};
    msg.msg_name = &to;
    msg.msg_namelen = tolen;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    SourceControl control;
    if (!source.empty()) control.attach(msg, family_, source);
    if (::sendmsg(fd_.get(), &msg, MSG_DONTWAIT) < 0) return sys_error("raw ESP: sendmsg to " + dst.to_string());
    return {};
}

}  // namespace ikeoff::net
