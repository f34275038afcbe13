#include "host/isakmp/natt.hpp"

#include "host/wire/writer.hpp"

namespace ikeoff::isakmp {

Bytes natd_hash_input(const Cookie& icky, const Cookie& rcky, const IpAddress& addr,
                      uint16_t port) {
    wire::Writer w(8 + 8 + 16 + 2);
    w.bytes(icky);
    w.bytes(rcky);
    w.bytes(ByteView(addr.data(), addr.size()));
    w.u16(port);
    return std::move(w).take();
}

PayloadType natd_payload_type(NatTVersion v) {
    return v == NatTVersion::draft ? PayloadType::nat_d_draft : PayloadType::nat_d;
}

PayloadType natoa_payload_type(NatTVersion v) {
    return v == NatTVersion::draft ? PayloadType::nat_oa_draft : PayloadType::nat_oa;
}

EncapsulationMode encapsulation_mode(bool tunnel, bool udp, NatTVersion v) {
    if (!udp || v == NatTVersion::none)
        return tunnel ? EncapsulationMode::tunnel : EncapsulationMode::transport;
    if (v == NatTVersion::draft)
        return tunnel ? EncapsulationMode::udp_tunnel_draft : EncapsulationMode::udp_transport_draft;
    return tunnel ? EncapsulationMode::udp_tunnel : EncapsulationMode::udp_transport;
}

std::optional<EncapsulationInfo> decode_encapsulation(uint64_t mode) {
    switch (mode) {
        case uint16_t(EncapsulationMode::tunnel): return EncapsulationInfo{true, false};
        case uint16_t(EncapsulationMode::transport): return EncapsulationInfo{false, false};
        case uint16_t(EncapsulationMode::udp_tunnel):
        case uint16_t(EncapsulationMode::udp_tunnel_draft): return EncapsulationInfo{true, true};
        case uint16_t(EncapsulationMode::udp_transport):
        case uint16_t(EncapsulationMode::udp_transport_draft): return EncapsulationInfo{false, true};
        default: return std::nullopt;
    }
}

}  // namespace ikeoff::isakmp
