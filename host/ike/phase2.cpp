#include "host/ike/phase2.hpp"

#include "host/common/log.hpp"
#include "host/ipsec/algorithms.hpp"
#include "host/isakmp/attributes.hpp"
#include "host/isakmp/codec.hpp"

namespace ikeoff::ike {

using isakmp::Attribute;
using isakmp::IpsecAttr;

isakmp::ProtocolId protocol_id_of(ipsec::Protocol p) {
    return p == ipsec::Protocol::ah ? isakmp::ProtocolId::ah : isakmp::ProtocolId::esp;
}

namespace {

bool has_key_length(ipsec::EncAlg a) {
    return a == ipsec::EncAlg::aes_cbc || a == ipsec::EncAlg::aes_gcm16 || a == ipsec::EncAlg::aes_gmac;
}

unsigned prefix_len_of_mask(const IpAddress& mask, bool& contiguous) {
    unsigned n = 0;
    bool zero_seen = false;
    contiguous = true;
    for (std::size_t i = 0; i < mask.size(); ++i) {
        for (int b = 7; b >= 0; --b) {
            bool one = (mask.data()[i] >> b) & 1;
            if (one && zero_seen) contiguous = false;
            if (one) ++n;
            else zero_seen = true;
        }
    }
    return n;
}

}  // namespace

isakmp::Transform encode_phase2_transform(const config::ChildTransform& t, uint8_t number, uint16_t encap_mode,
                                          uint32_t life_s, uint64_t life_kb) {
    isakmp::Transform tr;
    tr.number = number;
    const bool esp = t.protocol == ipsec::Protocol::esp;
    tr.id = esp ? ipsec::esp_transform_id(t.enc.alg) : ipsec::ah_transform_id(t.integ);
    auto basic = [&tr](IpsecAttr a, uint16_t v) { tr.attributes.push_back(Attribute::basic(uint16_t(a), v)); };
    if (life_s != 0) {
        basic(IpsecAttr::sa_life_type, uint16_t(isakmp::LifeType::seconds));
        tr.attributes.push_back(Attribute::number(uint16_t(IpsecAttr::sa_life_duration), life_s));
    }
    if (life_kb != 0) {
        basic(IpsecAttr::sa_life_type, uint16_t(isakmp::LifeType::kilobytes));
        tr.attributes.push_back(Attribute::number(uint16_t(IpsecAttr::sa_life_duration), life_kb));
    }
    if (t.dh_group != 0) basic(IpsecAttr::group_description, t.dh_group);
    if (encap_mode != 0) basic(IpsecAttr::encapsulation_mode, encap_mode);
    if (t.integ != ipsec::IntegAlg::none) basic(IpsecAttr::authentication_algorithm, ipsec::auth_attribute_value(t.integ));
    if (esp && has_key_length(t.enc.alg)) basic(IpsecAttr::key_length, t.enc.key_bits);
    if (t.esn) basic(IpsecAttr::extended_sequence_number, 1);
    return tr;
}

Result<isakmp::IdPayload> id_payload_for(const ipsec::IpPrefix& prefix, uint8_t protocol,
                                         const ipsec::PortRange& ports) {
    const uint16_t port = ports.low == ports.high ? ports.low : 0;
    const unsigned full = prefix.addr.is_v4() ? 32 : 128;
    if (prefix.length == full) return isakmp::IdPayload::address(prefix.addr, protocol, port);
    return isakmp::IdPayload::subnet(prefix.addr, prefix.length, protocol, port);
}

Result<IdSelector> selector_side_of(const isakmp::IdPayload& id) {
    IdSelector s;
    s.protocol = id.protocol;
    if (id.port != 0) s.ports = ipsec::PortRange{id.port, id.port};
    const IpAddress a = id.first_address();
    switch (id.type) {
        case isakmp::IdType::ipv4_addr:
        case isakmp::IdType::ipv6_addr:
            if (a.empty()) break;
            s.prefix = ipsec::IpPrefix::host(a);
            return s;
        case isakmp::IdType::ipv4_addr_subnet:
        case isakmp::IdType::ipv6_addr_subnet: {
            const IpAddress mask = id.second_address();
            if (a.empty() || mask.empty()) break;
            bool contiguous = false;
            unsigned len = prefix_len_of_mask(mask, contiguous);
            if (!contiguous) return Error{Errc::parse_error, "non-contiguous subnet mask " + mask.to_string()};
            IKEOFF_ASSIGN(s.prefix, ipsec::IpPrefix::make(a, len));
            return s;
        }
        case isakmp::IdType::ipv4_addr_range:
        case isakmp::IdType::ipv6_addr_range:
            // Only a one-address range maps onto our prefix selectors.
            if (!a.empty() && a == id.second_address()) {
                s.prefix = ipsec::IpPrefix::host(a);
                return s;
            }
            return Error{Errc::unsupported, "address range " + id.to_string() + " is not a prefix"};
        default:
            break;
    }
    return Error{Errc::parse_error, "ID " + id.to_string() + " does not name addresses"};
}

bool covers(const ipsec::TrafficSelector& outer, const ipsec::TrafficSelector& inner) {
    auto prefix_in = [](const ipsec::IpPrefix& o, const ipsec::IpPrefix& i) {
        return o.addr.family() == i.addr.family() && o.length <= i.length && o.contains(i.addr);
    };
    auto ports_in = [](const ipsec::PortRange& o, const ipsec::PortRange& i) {
        return o.low <= i.low && i.high <= o.high;
    };
    return prefix_in(outer.local, inner.local) && prefix_in(outer.remote, inner.remote) &&
           (outer.protocol == 0 || outer.protocol == inner.protocol) && ports_in(outer.local_ports, inner.local_ports) &&
           ports_in(outer.remote_ports, inner.remote_ports);
}

Result<Bytes> responder_lifetime_data(std::optional<uint32_t> seconds, std::optional<uint64_t> kilobytes) {
    std::vector<Attribute> attrs;
    if (seconds) {
        attrs.push_back(Attribute::basic(uint16_t(IpsecAttr::sa_life_type), uint16_t(isakmp::LifeType::seconds)));
        attrs.push_back(Attribute::number(uint16_t(IpsecAttr::sa_life_duration), *seconds));
    }
    if (kilobytes) {
        attrs.push_back(Attribute::basic(uint16_t(IpsecAttr::sa_life_type), uint16_t(isakmp::LifeType::kilobytes)));
        attrs.push_back(Attribute::number(uint16_t(IpsecAttr::sa_life_duration), *kilobytes));
    }
    return isakmp::encode_attributes(attrs);
}

Result<Lifetimes> parse_responder_lifetime(ByteView data) {
    auto attrs = isakmp::parse_attributes(data);
    if (!attrs.ok()) return attrs.error().to_error();
    Lifetimes out;
    std::optional<uint64_t> type;
    for (const Attribute& a : *attrs) {
        auto v = a.as_uint();
        if (!v) return Error{Errc::parse_error, "RESPONDER-LIFETIME attribute without a numeric value"};
        if (a.type == uint16_t(IpsecAttr::sa_life_type)) {
            type = *v;
        } else if (a.type == uint16_t(IpsecAttr::sa_life_duration)) {
            if (!type) return Error{Errc::parse_error, "RESPONDER-LIFETIME duration without a type"};
            (*type == uint16_t(isakmp::LifeType::seconds) ? out.seconds : out.kilobytes) = *v;
            type.reset();
        }
    }
    return out;
}

Result<std::vector<ChildSaInstall>> build_child_sas(const Phase2Keys& k) {
    IKEOFF_ENSURE(k.sa && k.conn && k.choice && k.sa->keymat, Errc::internal, "Quick Mode keys incomplete");
    IKEOFF_ENSURE(k.our_spis.size() == k.choice->protocols.size(), Errc::internal, "SPI count mismatch");
    const IsakmpSa& sa = *k.sa;
    const config::Connection& conn = *k.conn;
    const Phase2Choice& c = *k.choice;

    ipsec::Lifetime hard = conn.hard_limits();
    ipsec::Lifetime soft = conn.soft_limits();
    if (c.lifetime_kb != 0) {
        const uint64_t b = c.lifetime_kb * 1024;
        if (hard.bytes == 0 || b < hard.bytes) hard.bytes = b;
        if (soft.bytes == 0 || soft.bytes > hard.bytes) soft.bytes = hard.bytes - hard.bytes / 10;
    }

    std::vector<ChildSaInstall> out;
    for (std::size_t i = 0; i < c.protocols.size(); ++i) {
        const Phase2ProtocolChoice& pc = c.protocols[i];
        const config::ChildTransform& t = pc.transform;
        IKEOFF_ENSURE(pc.peer_spi.size() == 4, Errc::invalid_argument, "peer SPI must be 4 octets");
        const uint32_t peer_spi = load_be32(pc.peer_spi.data());
        const uint32_t our_spi = k.our_spis[i];
        const bool esp = pc.protocol == ipsec::Protocol::esp;
        const std::size_t enc_len = esp ? ipsec::keymat_enc_bytes(t.enc) : 0;
        const std::size_t len = enc_len + ipsec::integ_key_bytes(t.integ);
        const auto proto = static_cast<Protocol>(protocol_id_of(pc.protocol));

        auto make = [&](uint32_t spi, bool inbound) -> Result<ipsec::SaParams> {
            // RFC 2409 §5.5: each direction is keyed by the SPI its receiver
            // chose: ours for inbound, the peer's for outbound.
            IKEOFF_ASSIGN(SecretBytes km, sa.keymat->keymat(k.gxy, proto, spi, k.ni_b, k.nr_b, len));
            ipsec::SaParams p;
            p.spi = spi;
            p.protocol = pc.protocol;
            p.mode = c.mode;
            p.direction = inbound ? ipsec::SaDirection::inbound : ipsec::SaDirection::outbound;
            p.src = inbound ? sa.remote.addr : sa.local.addr;
            p.dst = inbound ? sa.local.addr : sa.remote.addr;
            if (esp) p.enc = t.enc;
            p.integ = t.integ;
            // RFC 2407 / common practice: cipher key (with any GCM salt) first.
            p.enc_key = SecretBytes(km.view().first(enc_len));
            p.integ_key = SecretBytes(km.view().subspan(enc_len));
            p.esn = t.esn;
            p.replay_window = conn.replay_window;
            p.hard = hard;
            p.soft = soft;
            p.allow_weak = conn.weakalgs;
            if (c.udp_encap) {
                // RFC 3948: ESP in UDP between the ports IKE floated to.
                p.encap = inbound ? ipsec::UdpEncap{sa.remote.port, sa.local.port}
                                  : ipsec::UdpEncap{sa.local.port, sa.remote.port};
            }
            return p;
        };
        ChildSaInstall ins;
        ins.conn = conn.name;
        ins.isakmp_sa = sa.id;
        ins.selector = k.selector;
        IKEOFF_ASSIGN(ins.inbound, make(our_spi, true));
        IKEOFF_ASSIGN(ins.outbound, make(peer_spi, false));
        out.push_back(std::move(ins));
    }
    return out;
}

}  // namespace ikeoff::ike
