// SA bookkeeping shared by every driver: handle allocation, the inbound
// (protocol, SPI) index, SPI reservation and the SaInfo view. A driver keeps
// its own per-SA data in `State` (crypto contexts for soft, a device table
// slot for csim/xrt); the table itself is not locked, the driver's mutex
// covers it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include <openssl/rand.h>

#include "host/ipsec/engine.hpp"

namespace ikeoff::ipsec {

template <typename State>
class SaTable {
public:
    struct Entry {
        SaHandle handle = kNoSa;
        SaParams params;
        State state;
    };

    // Validates, checks for a clashing inbound SPI and stores the SA. The
    // caller builds `state` (which may fail) before calling insert().
    Status check_insertable(const SaParams& p) const {
        IKEOFF_TRY(validate(p));
        if (p.direction != SaDirection::outbound) {
            IKEOFF_ENSURE(!inbound_.contains(key(p.protocol, p.spi)), Errc::already_exists,
                          "spi: an inbound " + std::string(to_string(p.protocol)) + " SA with SPI 0x" +
                              hex32(p.spi) + " already exists");
        }
        return {};
    }

    Entry& insert(SaParams p, State state) {
        SaHandle h = next_handle_++;
        if (p.direction != SaDirection::outbound) {
            inbound_[key(p.protocol, p.spi)] = h;
            reserved_.erase(key(p.protocol, p.spi));
        }
        auto [it, inserted] = entries_.emplace(h, Entry{h, std::move(p), std::move(state)});
        (void)inserted;
        return it->second;
    }

    Entry* find(SaHandle h) {
        auto it = entries_.find(h);
        return it == entries_.end() ? nullptr : &it->second;
    }
    const Entry* find(SaHandle h) const {
        auto it = entries_.find(h);
        return it == entries_.end() ? nullptr : &it->second;
    }

    SaHandle find_inbound(Protocol proto, uint32_t spi) const {
        auto it = inbound_.find(key(proto, spi));
        return it == inbound_.end() ? kNoSa : it->second;
    }

    // The SA an inbound packet with (proto, spi) belongs to: `given` if the
    // caller named one and its SPI and protocol match, else the inbound
    // index; null if none. `hint`, when set, is an entry of this table tried
    // before the maps (inbound (protocol, SPI) is unique, so a matching
    // inbound-capable hint is the one).
    Entry* resolve_inbound(SaHandle given, Protocol proto, uint32_t spi, Entry* hint = nullptr) {
        auto matches = [&](const Entry* e) { return e->params.spi == spi && e->params.protocol == proto; };
        if (given != kNoSa) {
            Entry* e = hint && hint->handle == given ? hint : find(given);
            return e && matches(e) ? e : nullptr;
        }
        if (hint && matches(hint) && hint->params.direction != SaDirection::outbound) return hint;
        SaHandle h = find_inbound(proto, spi);
        return h == kNoSa ? nullptr : find(h);
    }

    bool erase(SaHandle h) {
        auto it = entries_.find(h);
        if (it == entries_.end()) return false;
        const SaParams& p = it->second.params;
        if (p.direction != SaDirection::outbound) inbound_.erase(key(p.protocol, p.spi));
        entries_.erase(it);  // SaParams wipes its keys on destruction
        return true;
    }

    // Random SPI in 0x100..0xffffffff, not used or reserved by any inbound SA.
    Result<uint32_t> allocate_spi(Protocol proto) {
        for (int attempt = 0; attempt < 64; ++attempt) {
            uint32_t spi = 0;
            if (RAND_bytes(reinterpret_cast<unsigned char*>(&spi), sizeof spi) != 1)
                return Error{Errc::crypto_error, "RAND_bytes failed while allocating an SPI"};
            if (spi < 0x100) continue;
            auto k = key(proto, spi);
            if (inbound_.contains(k) || reserved_.contains(k)) continue;
            reserved_.insert(k);
            return spi;
        }
        return Error{Errc::internal, "could not find a free SPI"};
    }

    std::vector<SaHandle> handles() const {
        std::vector<SaHandle> out;
        out.reserve(entries_.size());
        for (const auto& [h, e] : entries_) out.push_back(h);
        return out;
    }
    std::size_t size() const { return entries_.size(); }

    // The parameter part of SaInfo; the driver fills counters and dynamic state.
    static SaInfo describe(const Entry& e) {
        SaInfo i;
        const SaParams& p = e.params;
        i.handle = e.handle;
        i.spi = p.spi;
        i.protocol = p.protocol;
        i.mode = p.mode;
        i.direction = p.direction;
        i.src = p.src;
        i.dst = p.dst;
        i.enc = p.enc;
        i.integ = p.integ;
        i.esn = p.esn;
        i.replay_window = p.replay_window;
        i.soft = p.soft;
        i.hard = p.hard;
        i.encap = p.encap;
        return i;
    }

    static void apply(SaParams& p, const SaUpdate& u) {
        if (u.soft) p.soft = *u.soft;
        if (u.hard) p.hard = *u.hard;
        if (u.encap) p.encap = *u.encap;
        if (u.src) p.src = *u.src;
        if (u.dst) p.dst = *u.dst;
    }

private:
    static uint64_t key(Protocol proto, uint32_t spi) { return uint64_t(proto) << 32 | spi; }
    static std::string hex32(uint32_t v) {
        static constexpr char d[] = "0123456789abcdef";
        std::string s(8, '0');
        for (int i = 7; i >= 0; --i, v >>= 4) s[std::size_t(i)] = d[v & 0xf];
        return s;
    }

    SaHandle next_handle_ = 1;
    std::map<SaHandle, Entry> entries_;
    std::map<uint64_t, SaHandle> inbound_;
    std::set<uint64_t> reserved_;
};

}  // namespace ikeoff::ipsec
