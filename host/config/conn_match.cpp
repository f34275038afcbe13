#include "host/config/conn_match.hpp"

#include <algorithm>

namespace ikeoff::config {

namespace {

// 2 exact address, 1 wildcard of a compatible family, 0 no match.
int host_score(const Endpoint& ep, const IpAddress& a) {
    switch (ep.host_kind) {
        case HostKind::address: return ep.address == a ? 2 : 0;
        case HostKind::any:
            if (ep.any_family != IpAddress::Family::none && ep.any_family != a.family()) return 0;
            return 1;
        case HostKind::defaultroute: return 1;   // resolved by the daemon; any local address will do here
    }
    return 0;
}

bool ports_contain(const ipsec::PortRange& outer, const ipsec::PortRange& inner) {
    return outer.low <= inner.low && inner.high <= outer.high;
}

}  // namespace

std::vector<const Connection*> candidates_for_peer(const Config& cfg, const IpAddress& local, const IpAddress& remote) {
    struct Scored {
        int score;
        const Connection* conn;
    };
    std::vector<Scored> scored;
    for (const auto& c : cfg.connections) {
        int r = host_score(c.remote, remote);
        int l = host_score(c.local, local);
        if (r == 0 || l == 0) continue;
        scored.push_back({r * 4 + l, &c});
    }
    std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
    std::vector<const Connection*> out;
    for (const auto& s : scored) out.push_back(s.conn);
    return out;
}

const Connection* select_by_identity(const std::vector<const Connection*>& candidates, const Identity& remote_id,
                                     AuthMethod auth) {
    const Connection* best = nullptr;
    int best_score = 0;
    for (const Connection* c : candidates) {
        if (c->auth != auth) continue;
        int s = c->remote.id.is_any() ? 1 : c->remote.id.same_as(remote_id) ? 2 : 0;
        if (s > best_score) {
            best = c;
            best_score = s;
        }
    }
    return best;
}

bool prefix_contains(const ipsec::IpPrefix& outer, const ipsec::IpPrefix& inner) {
    return outer.addr.family() == inner.addr.family() && outer.length <= inner.length && outer.contains(inner.addr);
}

Result<ipsec::TrafficSelector> match_quick_mode_ids(const Connection& conn, const IpAddress& local_addr,
                                                    const IpAddress& remote_addr, const ipsec::TrafficSelector& proposed) {
    auto ours = conn.traffic_selectors(local_addr, remote_addr);
    for (const auto& ts : ours) {
        if (!prefix_contains(ts.local, proposed.local) || !prefix_contains(ts.remote, proposed.remote)) continue;
        if (ts.protocol != 0 && ts.protocol != proposed.protocol) continue;
        if (!ports_contain(ts.local_ports, proposed.local_ports) || !ports_contain(ts.remote_ports, proposed.remote_ports)) {
            continue;
        }
        return proposed;
    }
    std::string have;
    for (const auto& ts : ours) have += (have.empty() ? "" : ", ") + ts.to_string();
    return Error{Errc::not_found, "conn '" + conn.name + "': peer's identities " + proposed.to_string() +
                                      " are not within " + (have.empty() ? std::string("any selector") : have)};
}

}  // namespace ikeoff::config
