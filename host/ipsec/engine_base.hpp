// The SA-management shell every driver shares: the lock, the SaTable, the
// engine counters and the event queue, the Engine methods that are nothing
// but bookkeeping, and engine.hpp's first inbound checks (outer header ->
// malformed, (protocol, SPI) -> unknown_spi). A driver derives from
// EngineBase<State> and adds only what is its own: the per-SA `State`, how an
// SA is installed, updated, described and deleted there, and the data path.
// Keeping this in one place is what makes the drivers agree on lookups,
// error messages and counter rules without a differential test having to
// catch it.
#pragma once

#include <cstring>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include <openssl/rand.h>

#include "host/ipsec/engine.hpp"
#include "host/ipsec/ip_packet.hpp"
#include "host/ipsec/sa_table.hpp"

namespace ikeoff::ipsec {

template <typename State>
class EngineBase : public Engine {
public:
    Result<uint32_t> allocate_spi(Protocol protocol) override {
        std::lock_guard lock(mu_);
        return table_.allocate_spi(protocol);
    }

    std::vector<SaHandle> list_sas() const override {
        std::lock_guard lock(mu_);
        return table_.handles();
    }

    Result<SaHandle> find_inbound(Protocol protocol, uint32_t spi) const override {
        std::lock_guard lock(mu_);
        SaHandle h = table_.find_inbound(protocol, spi);
        IKEOFF_ENSURE(h != kNoSa, Errc::not_found, "no inbound SA for this SPI");
        return h;
    }

    EngineCounters counters() const override {
        std::lock_guard lock(mu_);
        return counters_;
    }

    std::vector<SaEvent> take_events() override {
        std::lock_guard lock(mu_);
        std::vector<SaEvent> out;
        out.swap(events_);
        return out;
    }

protected:
    using Table = SaTable<State>;
    using Entry = typename Table::Entry;

    std::mutex& mutex() const { return mu_; }

    // The SA with handle `h`, or not_found naming it. Caller holds the lock.
    Result<Entry*> sa_entry(SaHandle h) {
        Entry* e = table_.find(h);
        IKEOFF_ENSURE(e, Errc::not_found, "no SA with handle " + std::to_string(h));
        return e;
    }
    Result<const Entry*> sa_entry(SaHandle h) const {
        const Entry* e = table_.find(h);
        IKEOFF_ENSURE(e, Errc::not_found, "no SA with handle " + std::to_string(h));
        return e;
    }

    // update_sa(): `e`'s parameters with `u` applied, validated; the driver
    // stores them once its own state has taken the change.
    static Result<SaParams> updated_params(const Entry& e, const SaUpdate& u) {
        SaParams next = e.params.clone();
        Table::apply(next, u);
        IKEOFF_TRY(validate(next));
        return next;
    }

    // sa.hpp: the CBC IV key is iv_seed, or 16 fresh random octets.
    static Status cbc_iv_key(const SaParams& p, std::span<uint8_t, 16> out) {
        if (p.iv_seed) {
            std::memcpy(out.data(), p.iv_seed->data(), out.size());
        } else if (RAND_bytes(out.data(), int(out.size())) != 1) {
            return Error{Errc::crypto_error, "RAND_bytes failed while drawing the CBC IV key"};
        }
        return {};
    }

    void push_event(const Entry& e, SaEventKind kind, bool by_bytes) {
        events_.push_back({e.handle, e.params.spi, kind, by_bytes});
    }

    // Engine counters for one packet whose status is final (every packet lands
    // in exactly one by_status bucket); a failed packet's out_len is cleared.
    // True when the packet succeeded; the driver attributes failures to SAs.
    bool count_packet(Packet& pkt) {
        counters_.packets += 1;
        counters_.bytes_in += pkt.in.size();
        counters_.by_status[std::size_t(pkt.status)] += 1;
        if (pkt.status == PacketStatus::ok) {
            counters_.bytes_out += pkt.out_len;
            return true;
        }
        pkt.out_len = 0;
        return false;
    }

    // engine.hpp's first inbound checks, identical for every driver: the outer
    // header must parse and carry ESP, AH or UDP-4500 ESP (else malformed);
    // then (protocol, SPI) names the SA: the one in pkt.sa if it matches, else
    // the inbound index (else unknown_spi). On ok `e` is that SA and pkt.sa
    // its handle. `hint` (a recently used SA) may save the map lookups.
    PacketStatus classify_inbound(Packet& pkt, IpHeader& ip, IpsecLocation& loc, Entry*& e,
                                  Entry* hint = nullptr) {
        e = nullptr;
        if (!parse_ip_header(pkt.in, false, ip) || !locate_ipsec(pkt.in, ip, loc)) return PacketStatus::malformed;
        const Protocol proto = loc.protocol == kProtoEsp ? Protocol::esp : Protocol::ah;
        // locate_ipsec() checked there is room for the SPI: ESP's first word,
        // AH's second (RFC 4303 §2, RFC 4302 §2).
        const uint8_t* sec = pkt.in.data() + loc.offset;
        const uint32_t spi = load_be32(proto == Protocol::esp ? sec : sec + 4);
        e = table_.resolve_inbound(pkt.sa, proto, spi, hint);
        if (!e) return PacketStatus::unknown_spi;
        pkt.sa = e->handle;
        return PacketStatus::ok;
    }

    mutable std::mutex mu_;
    Table table_;
    EngineCounters counters_;
    std::vector<SaEvent> events_;
};

}  // namespace ikeoff::ipsec
