#include "host/daemon/sockets.hpp"

#include <algorithm>

#include "host/common/log.hpp"
#include "host/net/nat_t.hpp"

namespace ikeoff::daemon {

Result<std::unique_ptr<Sockets>> Sockets::open(const SocketOptions& options) {
    auto s = std::make_unique<Sockets>();
    s->ike_port_ = options.ike_port;
    s->natt_port_ = options.natt_port;
    auto bind_pair = [&](IpAddress::Family family, const IpAddress& addr) -> Status {
        for (uint16_t port : {options.ike_port, options.natt_port}) {
            IKEOFF_ASSIGN(auto udp, net::UdpSocket::open(family, addr, port));
            bool natt = port == options.natt_port;
            s->sockets_.push_back(Socket{std::move(udp), natt});
        }
        return {};
    };
    if (options.listen.empty()) {
        IKEOFF_TRY(bind_pair(IpAddress::Family::v4, {}));
        auto v6 = bind_pair(IpAddress::Family::v6, {});
        if (!v6.ok()) {
            IKEOFF_LOG(1, "net", "IPv6 not available, listening on IPv4 only (" << v6.error().message << ")");
            std::erase_if(s->sockets_, [](const Socket& k) { return k.udp.family() == IpAddress::Family::v6; });
        }
    } else {
        for (const auto& a : options.listen) IKEOFF_TRY(bind_pair(a.family(), a));
    }
    for (auto family : {IpAddress::Family::v4, IpAddress::Family::v6}) {
        bool wanted = std::any_of(s->sockets_.begin(), s->sockets_.end(),
                                  [&](const Socket& k) { return k.udp.family() == family; });
        if (!wanted) continue;
        auto raw = net::RawEspSocket::open(family);
        if (raw.ok()) {
            s->raw_.push_back(std::move(*raw));
        } else {
            IKEOFF_LOG(1, "net", raw.error().message << ": only UDP-encapsulated ESP will carry traffic");
        }
    }
    return s;
}

std::vector<net::Endpoint> Sockets::endpoints() const {
    std::vector<net::Endpoint> v;
    for (const auto& k : sockets_) v.push_back(k.udp.local());
    return v;
}

Sockets::Socket* Sockets::pick(uint16_t local_port, const IpAddress& local_addr, IpAddress::Family family) {
    Socket* wildcard = nullptr;
    for (auto& k : sockets_) {
        if (k.udp.local().port != local_port || k.udp.family() != family) continue;
        if (k.udp.wildcard()) {
            wildcard = &k;
        } else if (local_addr.empty() || k.udp.local().addr == local_addr) {
            return &k;
        }
    }
    return wildcard;
}

Status Sockets::send(const ike::Datagram& d) {
    Socket* k = pick(d.local.port, d.local.addr, d.remote.addr.family());
    if (k == nullptr) {
        ++counters_.ike_send_errors;
        return Error{Errc::not_found, "no socket for " + d.local.to_string() + " -> " + d.remote.to_string()};
    }
    Status st;
    if (k->natt) {
        // RFC 3948 §2.2: IKE on the NAT-T port starts with the non-ESP marker.
        ByteView parts[2] = {net::non_esp_marker(), d.data};
        st = k->udp.send(d.local.addr, d.remote, parts);
    } else {
        st = k->udp.send(d.local.addr, d.remote, d.data);
    }
    if (st.ok()) {
        ++counters_.ike_out;
    } else {
        ++counters_.ike_send_errors;
    }
    return st;
}

Status Sockets::send_keepalive(const net::Endpoint& local, const net::Endpoint& remote) {
    Socket* k = pick(local.port, local.addr, remote.addr.family());
    if (k == nullptr || !k->natt) return Error{Errc::not_found, "no NAT-T socket for " + local.to_string()};
    const uint8_t keepalive[1] = {net::kNatKeepalive};
    return k->udp.send(local.addr, remote, ByteView(keepalive));
}

Status Sockets::send_esp(const IpAddress& src, uint16_t src_port, const net::Endpoint& dst, ByteView esp) {
    if (src_port == 0 && dst.port == 0) {
        for (auto& r : raw_) {
            if (r.family() == dst.addr.family()) return r.send(src, dst.addr, esp);
        }
        return Error{Errc::unsupported, "no raw ESP socket for " + dst.addr.to_string()};
    }
    Socket* k = pick(src_port, src, dst.addr.family());
    if (k == nullptr || !k->natt) {
        net::Endpoint from{src, src_port};
        return Error{Errc::not_found, "no NAT-T socket for " + from.to_string()};
    }
    return k->udp.send(src, dst, esp);
}

}  // namespace ikeoff::daemon
