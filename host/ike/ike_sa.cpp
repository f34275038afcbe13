#include "host/ike/ike_sa.hpp"

#include "host/crypto/rng.hpp"

namespace ikeoff::ike {

const char* to_string(SaState s) {
    switch (s) {
        case SaState::connecting: return "connecting";
        case SaState::established: return "established";
        case SaState::deleting: return "deleting";
    }
    return "?";
}

const std::string& IsakmpSa::conn_name() const {
    static const std::string none = "(none)";
    return conn ? conn->name : none;
}

Bytes IsakmpSa::spi() const {
    Bytes s(cky_i.begin(), cky_i.end());
    s.insert(s.end(), cky_r.begin(), cky_r.end());
    return s;
}

std::string IsakmpSa::describe() const {
    return "#" + std::to_string(id) + " conn '" + conn_name() + "' (" + (initiator ? "initiator" : "responder") +
           ", " + local.to_string() + " <-> " + remote.to_string() + ")";
}

Result<isakmp::Cookie> random_cookie() {
    isakmp::Cookie c{};
    do {
        IKEOFF_TRY(crypto::rng::public_fill(c));
    } while (isakmp::is_zero(c));
    return c;
}

Result<uint32_t> random_message_id() {
    uint8_t b[4] = {};
    uint32_t mid = 0;
    do {
        IKEOFF_TRY(crypto::rng::public_fill(b));
        mid = load_be32(b);
    } while (mid == 0);
    return mid;
}

}  // namespace ikeoff::ike
