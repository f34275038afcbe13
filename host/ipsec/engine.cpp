#include "host/ipsec/engine.hpp"

namespace ikeoff::ipsec {

std::string_view to_string(PacketStatus s) {
    switch (s) {
        case PacketStatus::ok: return "ok";
        case PacketStatus::icv_failure: return "icv-failure";
        case PacketStatus::replay: return "replay";
        case PacketStatus::before_window: return "before-window";
        case PacketStatus::bad_padding: return "bad-padding";
        case PacketStatus::unknown_spi: return "unknown-spi";
        case PacketStatus::sa_expired: return "sa-expired";
        case PacketStatus::malformed: return "malformed";
        case PacketStatus::seq_overflow: return "seq-overflow";
        case PacketStatus::buffer_too_small: return "buffer-too-small";
        case PacketStatus::wrong_direction: return "wrong-direction";
        case PacketStatus::unsupported: return "unsupported";
    }
    return "?";
}

std::string_view to_string(SaEventKind k) {
    switch (k) {
        case SaEventKind::soft_expired: return "soft-expired";
        case SaEventKind::hard_expired: return "hard-expired";
        case SaEventKind::seq_overflow: return "seq-overflow";
    }
    return "?";
}

}  // namespace ikeoff::ipsec
