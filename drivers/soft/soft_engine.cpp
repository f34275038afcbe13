#include "drivers/soft/soft_engine.hpp"

#include <cstring>

#include "drivers/soft/soft_engine_impl.hpp"
#include "host/common/log.hpp"

namespace ikeoff::drivers::soft {

using ipsec::PacketStatus;

Result<std::unique_ptr<ipsec::Engine>> make_soft_engine(const EngineOptions& options) {
    return SoftEngine::create(options);
}

Result<std::unique_ptr<ipsec::Engine>> SoftEngine::create(const EngineOptions& options) {
    auto e = std::unique_ptr<SoftEngine>(new SoftEngine());
    const std::string& want = options.soft_provider;
    if (want == "auto" || want.empty()) e->mode_ = ProviderMode::automatic;
    else if (want == "openssl") e->mode_ = ProviderMode::openssl;
    else if (want == "ipsec-mb") e->mode_ = ProviderMode::ipsecmb;
    else
        return Error{Errc::invalid_argument,
                     "soft_provider: expected auto, openssl or ipsec-mb, got '" + want + "'"};

    IKEOFF_ASSIGN(e->openssl_, make_openssl_provider());
    if (e->mode_ != ProviderMode::openssl) {
        auto mb = make_ipsecmb_provider();
        if (mb.ok()) {
            e->ipsecmb_ = std::move(mb).value();
        } else if (e->mode_ == ProviderMode::ipsecmb) {
            return Error{Errc::unsupported, "soft_provider ipsec-mb: " + mb.error().message};
        } else {
            e->ipsecmb_note_ = mb.error().message;
            IKEOFF_LOG(2, "soft", "intel-ipsec-mb not used: " << e->ipsecmb_note_);
        }
    }
    return std::unique_ptr<ipsec::Engine>(std::move(e));
}

std::string SoftEngine::description() const {
    std::string ossl(openssl_->description());
    if (mode_ == ProviderMode::openssl) return "soft (" + ossl + ")";
    if (!ipsecmb_) return "soft (" + ossl + "; intel-ipsec-mb unavailable: " + ipsecmb_note_ + ")";
    // intel-ipsec-mb covers every ESP/AH transform the engine offers.
    return "soft (" + ipsecmb_->description() + " for all algorithms; " + ossl + " for key setup)";
}

CryptoProvider* SoftEngine::pick_provider(const ipsec::SaParams& p) const {
    if (mode_ == ProviderMode::openssl || !ipsecmb_) return openssl_.get();
    if (ipsecmb_->supports(p.enc.alg, p.integ)) return ipsecmb_.get();
    return mode_ == ProviderMode::automatic ? openssl_.get() : nullptr;
}

Status SoftEngine::supports(const ipsec::SaParams& params) const {
    IKEOFF_TRY(validate(params));
    std::lock_guard lock(mu_);
    IKEOFF_ENSURE(pick_provider(params) != nullptr, Errc::unsupported,
                  "soft (ipsec-mb): intel-ipsec-mb cannot run " + std::string(enc_keyword(params.enc)) + "/" +
                      std::string(integ_keyword(params.integ)));
    return {};
}

Result<ipsec::SaHandle> SoftEngine::add_sa(ipsec::SaParams params) {
    std::lock_guard lock(mu_);
    IKEOFF_TRY(table_.check_insertable(params));
    SoftSa st;
    st.provider = pick_provider(params);
    IKEOFF_ENSURE(st.provider, Errc::unsupported, "soft (ipsec-mb): algorithm not supported by intel-ipsec-mb");

    SecretBytes iv_key(16);
    IKEOFF_TRY(cbc_iv_key(params, std::span<uint8_t, 16>(iv_key.data(), 16)));
    std::size_t key_len = ipsec::enc_key_bytes(params.enc);
    KeySpec keys;
    keys.enc = params.enc.alg;
    keys.enc_key = params.enc_key.view().first(key_len);
    keys.integ = params.integ;
    keys.integ_key = params.integ_key.view();
    keys.iv_key = iv_key.view();
    keys.encrypt = params.direction != ipsec::SaDirection::inbound;
    keys.decrypt = params.direction != ipsec::SaDirection::outbound;
    IKEOFF_ASSIGN(st.crypto, st.provider->make_sa(keys));
    st.batched = st.provider->batches(*st.crypto);

    if (ipsec::salt_bytes(params.enc.alg) != 0) std::memcpy(st.salt.data(), params.enc_key.data() + key_len, 4);
    st.esp = ipsec::esp_sizes(params.enc.alg, params.integ);
    st.next_seq = params.seq;
    // engine.hpp: an inbound SA starts with seq - 1 as the top of its window.
    st.window.reset(params.replay_window, params.seq - 1);
    SaEntry& e = table_.insert(std::move(params), std::move(st));
    build_outer_template(e);
    return e.handle;
}

Status SoftEngine::update_sa(ipsec::SaHandle sa, const ipsec::SaUpdate& update) {
    std::lock_guard lock(mu_);
    IKEOFF_ASSIGN(SaEntry* e, sa_entry(sa));
    IKEOFF_ASSIGN(e->params, updated_params(*e, update));
    build_outer_template(*e);
    // New limits may already be reached by what the SA has carried.
    check_limits(*e);
    return {};
}

Result<ipsec::SaInfo> SoftEngine::query_sa(ipsec::SaHandle sa) const {
    std::lock_guard lock(mu_);
    IKEOFF_ASSIGN(const SaEntry* e, sa_entry(sa));
    ipsec::SaInfo i = Table::describe(*e);
    i.next_seq = e->state.seq_exhausted ? 0 : e->state.next_seq;
    i.replay_top = e->state.window.top();
    i.soft_expired = e->state.soft_expired;
    i.hard_expired = e->state.hard_expired;
    i.counters.packets = e->state.packets;
    i.counters.bytes = e->state.bytes;
    i.counters.drops = e->state.drops;
    return i;
}

Status SoftEngine::del_sa(ipsec::SaHandle sa) {
    std::lock_guard lock(mu_);
    IKEOFF_ASSIGN(const SaEntry* e, sa_entry(sa));
    if (cached_ == e) cached_ = nullptr;
    table_.erase(sa);
    return {};
}

void SoftEngine::check_limits(SaEntry& e) {
    SoftSa& s = e.state;
    // Packets are checked before bytes, so a packet reaching both limits
    // reports by_bytes = false.
    auto reached = [&](const ipsec::Lifetime& l, bool& by_bytes) {
        if (l.packets && s.packets >= l.packets) {
            by_bytes = false;
            return true;
        }
        if (l.bytes && s.bytes >= l.bytes) {
            by_bytes = true;
            return true;
        }
        return false;
    };
    bool by_bytes = false;
    if (!s.soft_expired && reached(e.params.soft, by_bytes)) {
        s.soft_expired = true;
        push_event(e, ipsec::SaEventKind::soft_expired, by_bytes);
    }
    if (!s.hard_expired && reached(e.params.hard, by_bytes)) {
        s.hard_expired = true;
        push_event(e, ipsec::SaEventKind::hard_expired, by_bytes);
    }
}

void SoftEngine::build_outer_template(SaEntry& e) {
    const ipsec::SaParams& p = e.params;
    SoftSa& s = e.state;
    s.limited = p.soft != ipsec::Lifetime{} || p.hard != ipsec::Lifetime{};
    s.outer.fill(0);
    s.outer_sum = 0;
    if (p.mode != ipsec::Mode::tunnel || p.dst.empty()) return;
    uint8_t proto = p.protocol == ipsec::Protocol::ah ? ipsec::kProtoAh
                  : p.encap ? ipsec::kProtoUdp : ipsec::kProtoEsp;
    uint8_t* o = s.outer.data();
    std::size_t hdr = 0;
    if (p.dst.is_v4()) {
        // TOS, length, ID, DF and checksum are written per packet; the
        // checksum over the rest (all zero there) is computed once here.
        ipsec::write_ipv4_header(o, 0, 0, 0, false, ipsec::kDefaultTtl, proto, p.src, p.dst);
        store_be16(o + 10, 0);
        for (std::size_t i = 0; i < ipsec::kIpv4HeaderLen; i += 2) s.outer_sum += load_be16(o + i);
        hdr = ipsec::kIpv4HeaderLen;
    } else {
        ipsec::write_ipv6_header(o, 0, 0, proto, ipsec::kDefaultTtl, p.src, p.dst);
        hdr = ipsec::kIpv6HeaderLen;
    }
    if (p.encap) {
        store_be16(o + hdr, p.encap->src_port);
        store_be16(o + hdr + 2, p.encap->dst_port);
    }
}

namespace {

// Pulls a packet towards L1 while the one before it is being processed: its
// header is parsed first thing, and sealing copies or reads all of it.
// (Prefetching `out` for writing as well measured slower.)
void prefetch(const ipsec::Packet& p) {
    // Every line: not every core pairs lines on its own (on an AVX-512 AMD
    // EPYC, every other line left GCM encap 1-2% slower).
    const std::size_t n = p.in.size();
    for (std::size_t off = 0; off < n; off += 64) __builtin_prefetch(p.in.data() + off);
}

}  // namespace

void SoftEngine::process(ipsec::Direction dir, std::span<ipsec::Packet> batch) {
    std::lock_guard lock(mu_);
    counters_.batches += 1;
    if (work_.size() < batch.size()) work_.resize(batch.size());
    if (slot_.size() < batch.size()) slot_.resize(batch.size());
    queue_[0].clear();
    queue_[1].clear();

    const bool out = dir == ipsec::Direction::outbound;
    // Until a packet waits for queued crypto, every packet is finished on the
    // spot in work_[0], which therefore stays in L1; after that each packet
    // keeps its own slot until the queued crypto has run.
    bool in_order = true;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        ipsec::Packet& pkt = batch[i];
        if (i + 1 < batch.size()) prefetch(batch[i + 1]);
        const uint32_t slot = in_order ? 0 : uint32_t(i);
        Work& w = work_[slot];
        slot_[i] = kDone;
        w.sa = nullptr;
        w.queued = false;
        w.deferred = PacketStatus::ok;
        pkt.out_len = 0;
        pkt.seq = 0;
        pkt.status = out ? prepare_outbound(pkt, w) : prepare_inbound(pkt, w);
        if (pkt.status == PacketStatus::ok) {
            SoftSa& s = w.sa->state;
            if (w.queued && (s.batched || !in_order)) {
                // Finished after the queued crypto has run, in order.
                in_order = false;
                queue_[s.provider == openssl_.get() ? 0 : 1].push_back(&w.op);
                slot_[i] = slot;
                continue;
            }
            if (!in_order) {
                slot_[i] = slot;  // an inbound verdict that waits for its turn
                continue;
            }
            if (w.queued) s.provider->run_one(w.op);
            pkt.status = out ? finish_outbound(pkt, w) : finish_inbound(pkt, w);
        }
        count(pkt, w);
    }
    if (in_order) return;

    if (!queue_[0].empty()) openssl_->run(queue_[0]);
    if (!queue_[1].empty()) ipsecmb_->run(queue_[1]);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        ipsec::Packet& pkt = batch[i];
        if (slot_[i] == kDone) continue;
        Work& w = work_[slot_[i]];
        pkt.status = out ? finish_outbound(pkt, w) : finish_inbound(pkt, w);
        count(pkt, w);
    }
}

}  // namespace ikeoff::drivers::soft
