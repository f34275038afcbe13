// The daemon's UDP sockets on the IKE port (500) and the NAT-T port (4500),
// for IPv4 and IPv6, and the ike::Transport IKE sends through.
//
// Sending picks the socket by the datagram's local port and the peer's
// address family (and, with several --listen addresses, by the local
// address), prepends the non-ESP marker on the NAT-T port and sets the
// source address to the one the exchange is bound to, so replies leave from
// the address the request came to.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "host/common/result.hpp"
#include "host/ike/transport.hpp"
#include "host/net/raw_esp_socket.hpp"
#include "host/net/udp_socket.hpp"

namespace ikeoff::daemon {

struct SocketOptions {
    // Addresses to bind. Empty: the IPv4 wildcard (required) and the IPv6
    // wildcard (skipped with a warning where IPv6 is unavailable).
    std::vector<IpAddress> listen;
    uint16_t ike_port = ike::kIkePort;
    uint16_t natt_port = ike::kNatTPort;
};

struct SocketCounters {
    uint64_t ike_in = 0;        // IKE messages handed to the IKE engine
    uint64_t ike_out = 0;       // IKE messages sent
    uint64_t ike_send_errors = 0;
    uint64_t keepalives = 0;    // NAT-keepalives received (and ignored)
    uint64_t malformed = 0;     // datagrams that can be neither IKE nor ESP
    uint64_t truncated = 0;     // larger than the receive buffer
};

class Sockets final : public ike::Transport {
public:
    struct Socket {
        net::UdpSocket udp;
        bool natt;  // bound to the NAT-T port: marker/keepalive/ESP framing
    };

    static Result<std::unique_ptr<Sockets>> open(const SocketOptions& options);

    // ike::Transport
    Status send(const ike::Datagram& d) override;
    // RFC 3948 §2.3: the one-octet 0xFF keepalive, from our NAT-T socket.
    Status send_keepalive(const net::Endpoint& local, const net::Endpoint& remote) override;
    // An ESP-in-UDP packet (no marker) from our NAT-T socket, or with both
    // ports 0 an unencapsulated ESP packet (IP protocol 50).
    Status send_esp(const IpAddress& src, uint16_t src_port, const net::Endpoint& dst, ByteView esp);

    std::vector<Socket>& sockets() noexcept { return sockets_; }
    // Raw protocol-50 sockets (one per family that could be opened; none
    // without CAP_NET_RAW, and then only UDP-encapsulated SAs carry traffic).
    std::vector<net::RawEspSocket>& raw_sockets() noexcept { return raw_; }
    std::vector<net::Endpoint> endpoints() const;
    uint16_t ike_port() const noexcept { return ike_port_; }
    uint16_t natt_port() const noexcept { return natt_port_; }
    SocketCounters& counters() noexcept { return counters_; }
    const SocketCounters& counters() const noexcept { return counters_; }

private:
    Socket* pick(uint16_t local_port, const IpAddress& local_addr, IpAddress::Family family);

    std::vector<Socket> sockets_;
    std::vector<net::RawEspSocket> raw_;
    uint16_t ike_port_ = ike::kIkePort;
    uint16_t natt_port_ = ike::kNatTPort;
    SocketCounters counters_;
};

}  // namespace ikeoff::daemon
