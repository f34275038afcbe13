// A non-blocking UDP socket that knows which local address each datagram
// arrived on and can choose the source address of each reply.
//
// A daemon bound to the wildcard address of a multi-homed host must answer
// from the address the peer sent to: the peer matches replies (and the
// NAT-D hashes of RFC 3947) on it. IP_PKTINFO / IPV6_RECVPKTINFO report the
// destination address of every received datagram, and the same control
// message on sendmsg() sets the source address of a reply.
//
// IPv6 sockets are IPV6_V6ONLY, so the daemon opens one IPv4 and one IPv6
// socket per port instead of relying on v4-mapped addresses.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "host/common/bytes.hpp"
#include "host/common/ip_address.hpp"
#include "host/common/result.hpp"
#include "host/net/endpoint.hpp"
#include "host/net/fd.hpp"

namespace ikeoff::net {

struct Received {
    Endpoint local;    // the address and port the datagram was sent to
    Endpoint remote;   // who sent it
    std::size_t size = 0;
    bool truncated = false;  // the datagram was larger than the buffer (and is dropped)
};

class UdpSocket {
public:
    // Binds `bind_addr`:`port`. An empty bind_addr means the wildcard of
    // `family`; otherwise the families must agree. Port 0 picks a free port
    // (tests); local() tells which.
    static Result<UdpSocket> open(IpAddress::Family family, const IpAddress& bind_addr, uint16_t port);

    int fd() const noexcept { return fd_.get(); }
    IpAddress::Family family() const noexcept { return family_; }
    // The bound address and port; 0.0.0.0 / :: for a wildcard socket.
    const Endpoint& local() const noexcept { return local_; }
    bool wildcard() const noexcept;

    // One datagram, or nullopt when none is waiting (EAGAIN).
    Result<std::optional<Received>> receive(MutableByteView buf);

    // Sends the concatenation of `parts` to `remote`. A non-empty `source`
    // fixes the source address (it must be one of ours); empty lets the
    // routing table choose.
    Status send(const IpAddress& source, const Endpoint& remote, std::span<const ByteView> parts);
    Status send(const IpAddress& source, const Endpoint& remote, ByteView data) {
        ByteView one[1] = {data};
        return send(source, remote, one);
    }

private:
    UdpSocket(Fd fd, IpAddress::Family family, Endpoint local)
        : fd_(std::move(fd)), family_(family), local_(std::move(local)) {}

    Fd fd_;
    IpAddress::Family family_ = IpAddress::Family::none;
    Endpoint local_;
};

}  // namespace ikeoff::net
