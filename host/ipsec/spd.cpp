#include "host/ipsec/spd.hpp"

#include <algorithm>
#include <charconv>

namespace ikeoff::ipsec {

namespace {

unsigned family_bits(const IpAddress& a) { return a.is_v4() ? 32 : a.is_v6() ? 128 : 0; }

bool prefix_match(const uint8_t* a, const uint8_t* b, unsigned bits) {
    unsigned full = bits / 8;
    for (unsigned i = 0; i < full; ++i) {
        if (a[i] != b[i]) return false;
    }
    unsigned rest = bits % 8;
    if (rest == 0) return true;
    uint8_t mask = uint8_t(0xff << (8 - rest));
    return (a[full] & mask) == (b[full] & mask);
}

std::string_view protocol_name(uint8_t p) {
    switch (p) {
        case 1: return "icmp";
        case 6: return "tcp";
        case 17: return "udp";
        case 58: return "ipv6-icmp";
        case 132: return "sctp";
        default: return {};
    }
}

bool has_ports(uint8_t proto) { return proto == 6 || proto == 17 || proto == 132 || proto == 136; }

// Specificity of a selector: the total number of fixed prefix bits, with
// protocol and ports as tie-breakers. Bigger is more specific.
unsigned specificity(const TrafficSelector& s) {
    unsigned v = (s.local.length + s.remote.length) * 4u;
    if (s.protocol != 0) v += 2;
    if (!s.local_ports.any() || !s.remote_ports.any()) v += 1;
    return v;
}

bool matches(const TrafficSelector& s, const IpAddress& local, const IpAddress& remote, uint8_t proto,
             uint16_t local_port, uint16_t remote_port) {
    if (!s.local.contains(local) || !s.remote.contains(remote)) return false;
    if (s.protocol != 0 && s.protocol != proto) return false;
    if (!s.local_ports.any() && !s.local_ports.contains(local_port)) return false;
    if (!s.remote_ports.any() && !s.remote_ports.contains(remote_port)) return false;
    return true;
}

}  // namespace

// ---- IpPrefix --------------------------------------------------------------

Result<IpPrefix> IpPrefix::make(const IpAddress& addr, unsigned length) {
    unsigned width = family_bits(addr);
    IKEOFF_ENSURE(width != 0, Errc::invalid_argument, "prefix: no address");
    IKEOFF_ENSURE(length <= width, Errc::invalid_argument,
                  "prefix: /" + std::to_string(length) + " is longer than the address (" +
                      std::to_string(width) + " bits)");
    uint8_t bytes[16] = {};
    for (std::size_t i = 0; i < addr.size(); ++i) bytes[i] = addr.data()[i];
    for (unsigned bit = length; bit < width; ++bit) bytes[bit / 8] &= uint8_t(~(0x80u >> (bit % 8)));
    IpPrefix p;
    p.addr = addr.is_v4() ? IpAddress::v4(bytes) : IpAddress::v6(bytes);
    p.length = static_cast<uint8_t>(length);
    return p;
}

IpPrefix IpPrefix::host(const IpAddress& addr) {
    IpPrefix p;
    p.addr = addr;
    p.length = static_cast<uint8_t>(family_bits(addr));
    return p;
}

Result<IpPrefix> IpPrefix::parse(std::string_view text) {
    auto slash = text.find('/');
    IKEOFF_ASSIGN(IpAddress addr, IpAddress::parse(text.substr(0, slash)));
    if (slash == std::string_view::npos) return host(addr);
    std::string_view len_text = text.substr(slash + 1);
    unsigned len = 0;
    auto [ptr, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
    IKEOFF_ENSURE(ec == std::errc() && ptr == len_text.data() + len_text.size() && !len_text.empty(),
                  Errc::parse_error, "prefix: bad length in '" + std::string(text) + "'");
    return make(addr, len);
}

bool IpPrefix::contains(const IpAddress& a) const {
    if (a.family() != addr.family() || addr.empty()) return false;
    return prefix_match(a.data(), addr.data(), length);
}

std::string IpPrefix::to_string() const { return addr.to_string() + "/" + std::to_string(length); }

// ---- TrafficSelector -------------------------------------------------------

std::string TrafficSelector::to_string() const {
    std::string s = local.to_string() + " === " + remote.to_string();
    if (protocol != 0 || !local_ports.any() || !remote_ports.any()) {
        auto name = protocol_name(protocol);
        s += " [";
        s += name.empty() ? std::to_string(protocol) : std::string(name);
        auto ports = [](const PortRange& r) {
            if (r.any()) return std::string("any");
            if (r.low == r.high) return std::to_string(r.low);
            return std::to_string(r.low) + "-" + std::to_string(r.high);
        };
        s += " " + ports(local_ports) + " -> " + ports(remote_ports) + "]";
    }
    return s;
}

// ---- PacketKey -------------------------------------------------------------

Result<PacketKey> PacketKey::from_packet(ByteView p) {
    IKEOFF_ENSURE(!p.empty(), Errc::parse_error, "packet: empty");
    PacketKey k;
    std::size_t l4 = 0;
    bool first_fragment = true;
    unsigned version = p[0] >> 4;
    if (version == 4) {
        IKEOFF_ENSURE(p.size() >= 20, Errc::parse_error, "packet: IPv4 header truncated");
        std::size_t ihl = std::size_t(p[0] & 0x0f) * 4;
        std::size_t total = load_be16(&p[2]);
        IKEOFF_ENSURE(ihl >= 20 && total >= ihl && total <= p.size(), Errc::parse_error,
                      "packet: IPv4 length fields do not fit the packet");
        k.src = IpAddress::v4(&p[12]);
        k.dst = IpAddress::v4(&p[16]);
        k.protocol = p[9];
        first_fragment = (load_be16(&p[6]) & 0x1fff) == 0;
        l4 = ihl;
        p = p.first(total);
    } else if (version == 6) {
        IKEOFF_ENSURE(p.size() >= 40, Errc::parse_error, "packet: IPv6 header truncated");
        std::size_t total = 40 + std::size_t(load_be16(&p[4]));
        IKEOFF_ENSURE(total <= p.size(), Errc::parse_error, "packet: IPv6 payload length beyond the packet");
        p = p.first(total);
        k.src = IpAddress::v6(&p[8]);
        k.dst = IpAddress::v6(&p[24]);
        uint8_t next = p[6];
        std::size_t off = 40;
        // Walk the extension headers RFC 4301 §4.4.1.1 says to skip to find
        // the upper-layer protocol (Hop-by-Hop, Routing, Fragment, Dest. Opts).
        for (int guard = 0; guard < 16; ++guard) {
            if (next == 0 || next == 43 || next == 60) {
                IKEOFF_ENSURE(off + 8 <= p.size(), Errc::parse_error, "packet: IPv6 extension header truncated");
                uint8_t nh = p[off];
                off += (std::size_t(p[off + 1]) + 1) * 8;
                next = nh;
            } else if (next == 44) {
                IKEOFF_ENSURE(off + 8 <= p.size(), Errc::parse_error, "packet: IPv6 fragment header truncated");
                first_fragment = (load_be16(&p[off + 2]) & 0xfff8) == 0;
                next = p[off];
                off += 8;
            } else {
                break;
            }
        }
        IKEOFF_ENSURE(off <= p.size(), Errc::parse_error, "packet: IPv6 extension headers beyond the packet");
        k.protocol = next;
        l4 = off;
    } else {
        return Error{Errc::parse_error, "packet: IP version " + std::to_string(version)};
    }
    // Ports exist only in the first fragment; later ones match "any port"
    // selectors only (RFC 4301 §7 allows treating them as OPAQUE).
    if (first_fragment && has_ports(k.protocol) && l4 + 4 <= p.size()) {
        k.src_port = load_be16(&p[l4]);
        k.dst_port = load_be16(&p[l4 + 2]);
    }
    return k;
}

// ---- Spd -------------------------------------------------------------------

PolicyId Spd::add(Policy p) {
    PolicyId id = next_id_++;
    unsigned spec = specificity(p.selector);
    // Insert before the first entry that is strictly less specific or equally
    // specific (newer wins among equals).
    auto pos = std::find_if(entries_.begin(), entries_.end(),
                            [&](const Entry& e) { return specificity(e.policy.selector) <= spec; });
    entries_.insert(pos, Entry{id, std::move(p)});
    return id;
}

bool Spd::remove(PolicyId id) {
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == id; });
    if (it == entries_.end()) return false;
    entries_.erase(it);
    return true;
}

std::size_t Spd::remove_owner(std::string_view owner) {
    auto before = entries_.size();
    std::erase_if(entries_, [&](const Entry& e) { return e.policy.owner == owner; });
    return before - entries_.size();
}

const Policy* Spd::find(PolicyId id) const {
    for (const auto& e : entries_) {
        if (e.id == id) return &e.policy;
    }
    return nullptr;
}

std::optional<SaHandle> Spd::lookup_outbound(const PacketKey& k) const {
    for (const auto& e : entries_) {
        if (e.policy.outbound == kNoSa) continue;
        if (matches(e.policy.selector, k.src, k.dst, k.protocol, k.src_port, k.dst_port)) return e.policy.outbound;
    }
    return std::nullopt;
}

bool Spd::check_inbound(SaHandle sa, const PacketKey& k) const {
    for (const auto& e : entries_) {
        const auto& in = e.policy.inbound;
        if (std::find(in.begin(), in.end(), sa) == in.end()) continue;
        if (matches(e.policy.selector, k.dst, k.src, k.protocol, k.dst_port, k.src_port)) return true;
    }
    return false;
}

}  // namespace ikeoff::ipsec
