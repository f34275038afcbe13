#include "host/net/nat_t.hpp"

namespace ikeoff::net {

namespace {
constexpr uint8_t kMarker[kNonEspMarkerSize] = {0, 0, 0, 0};
}

std::string_view to_string(NatTKind k) {
    switch (k) {
        case NatTKind::ike: return "ike";
        case NatTKind::keepalive: return "keepalive";
        case NatTKind::esp: return "esp";
        case NatTKind::malformed: return "malformed";
    }
    return "malformed";
}

ByteView non_esp_marker() { return ByteView(kMarker, sizeof kMarker); }

NatTPayload classify_nat_t(ByteView p) {
    // RFC 3948 §2.3: "a one-octet NAT-keepalive packet ... 0xFF".
    if (p.size() == 1 && p[0] == kNatKeepalive) return {NatTKind::keepalive, {}};
    if (p.size() < kNonEspMarkerSize) return {NatTKind::malformed, p};
    bool marker = p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0;
    if (marker) {
        ByteView ike = p.subspan(kNonEspMarkerSize);
        if (ike.size() < kIsakmpHeaderSize) return {NatTKind::malformed, p};
        return {NatTKind::ike, ike};
    }
    if (p.size() < kEspHeaderSize) return {NatTKind::malformed, p};
    return {NatTKind::esp, p};
}

}  // namespace ikeoff::net
