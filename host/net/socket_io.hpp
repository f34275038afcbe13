// What the UDP socket and the raw ESP socket share: errno as an Error,
// sockaddr conversions, the packet-info options that report which local
// address a packet arrived on and choose the source address of a reply,
// and one recvmsg()/sendmsg() control-message frame for them.
//
// IP_PKTINFO (IPv4) and IPV6_RECVPKTINFO / IPV6_PKTINFO (RFC 3542 §6) are
// the same mechanism for both sockets: enabled once, read as a control
// message on receive, written as one on send.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/common/ip_address.hpp"
#include "host/common/result.hpp"
#include "host/net/endpoint.hpp"

namespace ikeoff::net {

// Errc::io_error, "<what>: <strerror(errno)>".
Error sys_error(const std::string& what);

// errno values after which a non-blocking read simply found nothing yet.
bool would_block(int err) noexcept;

// `addr` (empty: the wildcard) and `port` as a sockaddr of `family`;
// returns its length.
socklen_t to_sockaddr(const IpAddress& addr, uint16_t port, IpAddress::Family family, sockaddr_storage& ss);
// Address and port of an AF_INET / AF_INET6 sockaddr; empty otherwise.
Endpoint from_sockaddr(const sockaddr_storage& ss);

// Asks for the destination address of every received packet (IP_PKTINFO,
// IPV6_RECVPKTINFO). Errors are "<who>: IP_PKTINFO: ...".
Status enable_pktinfo(int fd, IpAddress::Family family, std::string_view who);

// Bursts arrive faster than one loop iteration drains them when the engine
// is busy; larger buffers turn short bursts into latency instead of loss.
// Best effort: the kernel caps them at rmem_max / wmem_max.
void grow_receive_buffer(int fd) noexcept;
void grow_send_buffer(int fd) noexcept;

// One non-blocking recvmsg() into the caller's buffer, with room for the
// packet-info control message. Not copyable: msghdr points into it.
class ReceiveFrame {
public:
    explicit ReceiveFrame(MutableByteView buf) noexcept;
    ReceiveFrame(const ReceiveFrame&) = delete;
    ReceiveFrame& operator=(const ReceiveFrame&) = delete;

    // Bytes received, or -1 with errno set.
    ssize_t receive(int fd) noexcept;

    // The datagram was larger than the buffer.
    bool truncated() const noexcept { return (msg_.msg_flags & MSG_TRUNC) != 0; }
    const sockaddr_storage& from() const noexcept { return from_; }
    // The packet's destination address from IP_PKTINFO / IPV6_PKTINFO; empty
    // when no such control message came with it. (Not const: the CMSG
    // macros walk a non-const msghdr.)
    IpAddress local_address();

private:
    sockaddr_storage from_{};
    iovec iov_{};
    alignas(cmsghdr) uint8_t control_[256];
    msghdr msg_{};
};

// The control message that fixes the source address of one sendmsg().
// Not copyable: the msghdr it is attached to points into it.
class SourceControl {
public:
    SourceControl() = default;
    SourceControl(const SourceControl&) = delete;
    SourceControl& operator=(const SourceControl&) = delete;

    // Makes `msg` send from `source`, an address of `family` (the socket's).
    void attach(msghdr& msg, IpAddress::Family family, const IpAddress& source) noexcept;

private:
    alignas(cmsghdr) uint8_t control_[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
};

}  // namespace ikeoff::net
