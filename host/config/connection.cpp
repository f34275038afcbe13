#include "host/config/connection.hpp"

namespace ikeoff::config {

std::string Endpoint::host_string() const {
    switch (host_kind) {
        case HostKind::address: return address.to_string();
        case HostKind::defaultroute: return "%defaultroute";
        case HostKind::any:
            return any_family == IpAddress::Family::v4 ? "%any4" : any_family == IpAddress::Family::v6 ? "%any6" : "%any";
    }
    return "?";
}

std::vector<IkeTransform> Connection::ike_offer() const {
    return config::ike_offer(ike, auth, static_cast<uint32_t>(ikelifetime.count()));
}

uint16_t Connection::pfs_group_for(uint16_t phase1_group) const {
    switch (pfs) {
        case PfsMode::none: return 0;
        case PfsMode::fixed: return pfs_group;
        case PfsMode::phase1: return phase1_group;
    }
    return 0;
}

std::vector<ChildTransform> Connection::esp_offer(uint16_t phase1_group) const {
    if (!esp) return {};
    return child_offer(*esp, pfs_group_for(phase1_group));
}

std::vector<ChildTransform> Connection::ah_offer(uint16_t phase1_group) const {
    if (!ah) return {};
    return child_offer(*ah, pfs_group_for(phase1_group));
}

std::vector<ipsec::TrafficSelector> Connection::traffic_selectors(const IpAddress& local_addr,
                                                                  const IpAddress& remote_addr) const {
    std::vector<ipsec::IpPrefix> ls = local.subnets, rs = remote.subnets;
    if (ls.empty() && !local_addr.empty()) ls.push_back(ipsec::IpPrefix::host(local_addr));
    if (rs.empty() && !remote_addr.empty()) rs.push_back(ipsec::IpPrefix::host(remote_addr));
    std::vector<ipsec::TrafficSelector> out;
    for (const auto& l : ls) {
        for (const auto& r : rs) {
            if (l.addr.family() != r.addr.family()) continue;
            ipsec::TrafficSelector ts;
            ts.local = l;
            ts.remote = r;
            // Each side's protoport names the protocol of its own traffic; IKEv1
            // carries one protocol per ID payload, and the pair must agree.
            ts.protocol = local.protoport.protocol != 0 ? local.protoport.protocol : remote.protoport.protocol;
            if (local.protoport.port != 0) ts.local_ports = {local.protoport.port, local.protoport.port};
            if (remote.protoport.port != 0) ts.remote_ports = {remote.protoport.port, remote.protoport.port};
            out.push_back(ts);
        }
    }
    return out;
}

ipsec::Lifetime Connection::hard_limits() const { return {lifebytes, lifepackets}; }

ipsec::Lifetime Connection::soft_limits() const {
    ipsec::Lifetime l;
    if (lifebytes != 0) l.bytes = lifebytes - marginbytes;
    if (lifepackets != 0) l.packets = lifepackets - marginpackets;
    return l;
}

std::string_view to_string(AuthMethod m) {
    switch (m) {
        case AuthMethod::psk: return "secret";
        case AuthMethod::rsa_sig: return "rsasig";
        case AuthMethod::dss_sig: return "dsssig";
        case AuthMethod::rsa_enc: return "rsaencryption";
        case AuthMethod::rsa_enc_revised: return "rsaencryption-revised";
    }
    return "?";
}

std::string_view to_string(DpdAction a) {
    switch (a) {
        case DpdAction::none: return "none";
        case DpdAction::clear: return "clear";
        case DpdAction::hold: return "hold";
        case DpdAction::restart: return "restart";
    }
    return "?";
}

std::string_view to_string(AutoAction a) {
    switch (a) {
        case AutoAction::ignore: return "ignore";
        case AutoAction::add: return "add";
        case AutoAction::start: return "start";
    }
    return "?";
}

}  // namespace ikeoff::config
