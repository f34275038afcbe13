// Reading the MemoryLink wire log in the rekey, DPD and New Group Mode
// tests: which exchanges ran, who started them, on which ports.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <vector>

#include "host/ike/transport.hpp"
#include "host/isakmp/header.hpp"

namespace ikeoff::ike::test {

struct WireExchange {
    isakmp::ExchangeType type = isakmp::ExchangeType::none;
    isakmp::Cookie cky_i{};
    uint32_t mid = 0;
    MemoryLink::Side started_by = MemoryLink::Side::a;
    std::size_t messages = 0;
    std::size_t first_record = 0;  // index in the log
    uint16_t first_local_port = 0; // port the first message left from
};

// Exchanges in log order from record `from` on (phase 1 keyed by its
// initiator cookie, the others by cookie and Message ID; retransmissions
// count as messages).
inline std::vector<WireExchange> wire_exchanges(const MemoryLink& link, std::size_t from = 0) {
    std::vector<WireExchange> out;
    std::map<std::pair<isakmp::Cookie, uint32_t>, std::size_t> index;
    const auto& log = link.log();
    for (std::size_t i = from; i < log.size(); ++i) {
        auto h = isakmp::parse_header(log[i].datagram.data);
        if (!h.ok()) continue;
        const auto key = std::make_pair(h->initiator_cookie, h->message_id);
        auto it = index.find(key);
        if (it == index.end()) {
            WireExchange w;
            w.type = h->exchange;
            w.cky_i = h->initiator_cookie;
            w.mid = h->message_id;
            w.started_by = log[i].from;
            w.first_record = i;
            w.first_local_port = log[i].datagram.local.port;
            it = index.emplace(key, out.size()).first;
            out.push_back(w);
        }
        ++out[it->second].messages;
    }
    return out;
}

inline std::size_t count_exchanges(const std::vector<WireExchange>& xs, isakmp::ExchangeType t,
                                   std::optional<MemoryLink::Side> by = std::nullopt) {
    std::size_t n = 0;
    for (const auto& x : xs) n += x.type == t && (!by || x.started_by == *by);
    return n;
}

}  // namespace ikeoff::ike::test
