#include "host/daemon/sa_manager.hpp"

#include "host/common/log.hpp"

namespace ikeoff::daemon {

SaManager::~SaManager() { remove_all(); }

Result<uint32_t> SaManager::allocate_spi(ipsec::Protocol protocol) { return engine_.allocate_spi(protocol); }

Result<ike::ChildSaId> SaManager::install(ike::ChildSaInstall sa) {
    IKEOFF_ENSURE(sa.inbound.direction == ipsec::SaDirection::inbound, Errc::invalid_argument,
                  "install: the inbound SA must have direction inbound");
    IKEOFF_ENSURE(sa.outbound.direction == ipsec::SaDirection::outbound, Errc::invalid_argument,
                  "install: the outbound SA must have direction outbound");
    Record rec;
    rec.conn = sa.conn;
    rec.isakmp_sa = sa.isakmp_sa;
    rec.selector = sa.selector;
    if (keep_keys_) {
        rec.in_enc_key = sa.inbound.enc_key.clone();
        rec.in_integ_key = sa.inbound.integ_key.clone();
        rec.out_enc_key = sa.outbound.enc_key.clone();
        rec.out_integ_key = sa.outbound.integ_key.clone();
    }
    uint32_t spi_in = sa.inbound.spi, spi_out = sa.outbound.spi;

    auto in = engine_.add_sa(std::move(sa.inbound));
    if (!in.ok()) return Error{in.error().code, "inbound SA: " + in.error().message};
    auto out = engine_.add_sa(std::move(sa.outbound));
    if (!out.ok()) {
        (void)engine_.del_sa(*in);  // all or nothing
        return Error{out.error().code, "outbound SA: " + out.error().message};
    }
    rec.inbound = *in;
    rec.outbound = *out;
    rec.policy = spd_.add(ipsec::Policy{rec.selector, rec.outbound, {rec.inbound}, rec.conn});
    rec.id = next_id_++;
    route(rec.selector, true);
    IKEOFF_LOG(1, "sa", "installed " << rec.conn << " #" << rec.id << " " << rec.selector.to_string()
                                     << " in 0x" << std::hex << spi_in << " out 0x" << spi_out << std::dec);
    ike::ChildSaId id = rec.id;
    records_.emplace(id, std::move(rec));
    return id;
}

Status SaManager::remove(ike::ChildSaId id) {
    auto it = records_.find(id);
    IKEOFF_ENSURE(it != records_.end(), Errc::not_found, "no IPsec SA pair #" + std::to_string(id));
    Record& r = it->second;
    spd_.remove(r.policy);
    // Deleting can only fail for an unknown handle, which would be our bug;
    // the record goes either way so a retry cannot loop.
    auto a = engine_.del_sa(r.inbound);
    auto b = engine_.del_sa(r.outbound);
    route(r.selector, false);
    IKEOFF_LOG(1, "sa", "removed " << r.conn << " #" << id);
    records_.erase(it);
    if (!a.ok()) return a;
    return b;
}

Result<ike::ChildSaUsage> SaManager::usage(ike::ChildSaId id) const {
    const Record* r = find(id);
    IKEOFF_ENSURE(r != nullptr, Errc::not_found, "no IPsec SA pair #" + std::to_string(id));
    IKEOFF_ASSIGN(auto in, engine_.query_sa(r->inbound));
    IKEOFF_ASSIGN(auto out, engine_.query_sa(r->outbound));
    return ike::ChildSaUsage{in.counters, out.counters};
}

std::size_t SaManager::remove_conn(const std::string& conn) {
    std::vector<ike::ChildSaId> ids;
    for (const auto& [id, r] : records_) {
        if (r.conn == conn) ids.push_back(id);
    }
    for (auto id : ids) (void)remove(id);
    return ids.size();
}

void SaManager::remove_all() {
    while (!records_.empty()) (void)remove(records_.begin()->first);
}

const SaManager::Record* SaManager::find(ike::ChildSaId id) const {
    auto it = records_.find(id);
    return it == records_.end() ? nullptr : &it->second;
}

std::optional<ike::ChildSaId> SaManager::owner_of(ipsec::SaHandle h) const {
    for (const auto& [id, r] : records_) {
        if (r.inbound == h || r.outbound == h) return id;
    }
    return std::nullopt;
}

void SaManager::route(const ipsec::TrafficSelector& ts, bool add) {
    if (!routes_) return;
    std::string key = ts.remote.to_string() + " " + ts.local.to_string();
    int& refs = route_refs_[key];
    if (add) {
        if (refs++ == 0) routes_(ts, true);
    } else {
        if (--refs <= 0) {
            route_refs_.erase(key);
            routes_(ts, false);
        }
    }
}

}  // namespace ikeoff::daemon
