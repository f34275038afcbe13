// The daemon's SaSink: installs IKE's (and manually keyed) SA pairs into the
// engine and the SPD, and keeps the bookkeeping status needs.
//
// One record per ChildSaId: the inbound and outbound engine handles, the
// SPD policy that ties the selector to them, and which connection owns them.
// A route towards the remote selector (through the TUN device) is held by
// reference count, so rekeyed pairs for the same selectors share it and it
// goes away with the last pair.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "host/ike/ike_core.hpp"
#include "host/ipsec/engine.hpp"
#include "host/ipsec/spd.hpp"

namespace ikeoff::daemon {

// Adds (true) or removes (false) the route for a selector. The daemon
// implements it with net::add_route; tests without a TUN leave it empty.
using RouteHook = std::function<void(const ipsec::TrafficSelector& selector, bool add)>;

class SaManager final : public ike::SaSink {
public:
    struct Record {
        ike::ChildSaId id = ike::kNoChildSa;
        std::string conn;
        uint64_t isakmp_sa = 0;     // 0 = manually keyed
        ipsec::TrafficSelector selector;
        ipsec::SaHandle inbound = ipsec::kNoSa;
        ipsec::SaHandle outbound = ipsec::kNoSa;
        ipsec::PolicyId policy = 0;
        // Copies of the keys, kept only in debug mode (keep_keys), so tests
        // can compare them with the peer's (strongSwan logs its own at chd=4).
        SecretBytes in_enc_key, in_integ_key, out_enc_key, out_integ_key;
    };

    SaManager(ipsec::Engine& engine, ipsec::Spd& spd, RouteHook routes = nullptr)
        : engine_(engine), spd_(spd), routes_(std::move(routes)) {}
    ~SaManager() override;

    Result<uint32_t> allocate_spi(ipsec::Protocol protocol) override;
    Result<ike::ChildSaId> install(ike::ChildSaInstall sa) override;
    Status remove(ike::ChildSaId id) override;
    Result<ike::ChildSaUsage> usage(ike::ChildSaId id) const override;

    // Removes every pair of `conn` (manual SAs are removed by name this way).
    std::size_t remove_conn(const std::string& conn);
    void remove_all();

    const std::map<ike::ChildSaId, Record>& records() const noexcept { return records_; }
    const Record* find(ike::ChildSaId id) const;
    // The pair an engine handle belongs to (engine events name handles).
    std::optional<ike::ChildSaId> owner_of(ipsec::SaHandle h) const;

    // Keep copies of installed keys for debug status output (log level 4).
    void set_keep_keys(bool keep) noexcept { keep_keys_ = keep; }
    bool keep_keys() const noexcept { return keep_keys_; }

private:
    void route(const ipsec::TrafficSelector& ts, bool add);

    ipsec::Engine& engine_;
    ipsec::Spd& spd_;
    RouteHook routes_;
    std::map<ike::ChildSaId, Record> records_;
    // Route reference counts, keyed by the remote prefix's text.
    std::map<std::string, int> route_refs_;
    ike::ChildSaId next_id_ = 1;
    bool keep_keys_ = false;
};

}  // namespace ikeoff::daemon
