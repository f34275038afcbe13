#include "drivers/fpga/fpga_engine.hpp"

#include <algorithm>
#include <cstring>

#include "drivers/fpga/sa_row.hpp"
#include "host/common/log.hpp"
#include "host/ipsec/ip_packet.hpp"
#include "ipsec_hls/sa_state.hpp"

namespace ikeoff::drivers::fpga {

using ipsec::PacketStatus;

FpgaEngine::FpgaEngine(std::unique_ptr<KernelBackend> backend) : backend_(std::move(backend)) {}

FpgaEngine::~FpgaEngine() {
    // Keys leave device memory with the engine.
    contract::SaRow blank;
    wipe_row(blank);
    for (ipsec::SaHandle h : table_.handles()) {
        if (const Entry* e = table_.find(h)) (void)backend_->write_row(e->state.slot, blank);
    }
}

Status FpgaEngine::supports(const ipsec::SaParams& params) const {
    IKEOFF_TRY(validate(params));
    return backend_->supports(params);
}

Result<ipsec::SaHandle> FpgaEngine::add_sa(ipsec::SaParams params) {
    std::lock_guard lock(mu_);
    IKEOFF_TRY(table_.check_insertable(params));
    IKEOFF_TRY(backend_->supports(params));
    uint32_t slot = 0;
    if (!free_slots_.empty()) {
        slot = free_slots_.back();
    } else {
        IKEOFF_ENSURE(slots_used_ < backend_->sa_capacity(), Errc::unsupported,
                      std::string(backend_->name()) + ": SA table full (" +
                          std::to_string(backend_->sa_capacity()) + " rows)");
        slot = slots_used_;
    }
    std::array<uint8_t, 16> iv_key{};
    IKEOFF_TRY(cbc_iv_key(params, iv_key));
    auto row = std::make_unique<contract::SaRow>();
    build_sa_row(params, iv_key, *row);
    secure_zero(iv_key.data(), iv_key.size());
    Status w = backend_->write_row(slot, *row);
    wipe_row(*row);
    IKEOFF_TRY(w);
    if (!free_slots_.empty()) free_slots_.pop_back();
    else ++slots_used_;
    FpgaSa st;
    st.slot = slot;
    return table_.insert(std::move(params), st).handle;
}

Status FpgaEngine::update_sa(ipsec::SaHandle sa, const ipsec::SaUpdate& update) {
    std::lock_guard lock(mu_);
    IKEOFF_ASSIGN(Entry* e, sa_entry(sa));
    IKEOFF_ASSIGN(ipsec::SaParams next, updated_params(*e, update));
    auto row = std::make_unique<contract::SaRow>();
    IKEOFF_TRY(backend_->read_row(e->state.slot, *row));
    refresh_sa_config(next, *row);
    // New limits may already be reached by what the SA has carried.
    const uint8_t ev = ipsec_hls::sa_check_limits(*row);
    Status w = backend_->write_row(e->state.slot, *row);
    wipe_row(*row);
    IKEOFF_TRY(w);
    e->params = std::move(next);
    push_events(*e, ev);
    return {};
}

Result<ipsec::SaInfo> FpgaEngine::query_sa(ipsec::SaHandle sa) const {
    std::lock_guard lock(mu_);
    IKEOFF_ASSIGN(const Entry* e, sa_entry(sa));
    auto row = std::make_unique<contract::SaRow>();
    IKEOFF_TRY(backend_->read_row(e->state.slot, *row));
    ipsec::SaInfo info = Table::describe(*e);
    describe_dynamic(*row, info);
    wipe_row(*row);
    for (std::size_t i = 0; i < ipsec::kPacketStatusCount; ++i) info.counters.drops[i] += e->state.host_drops[i];
    return info;
}

Status FpgaEngine::del_sa(ipsec::SaHandle sa) {
    std::lock_guard lock(mu_);
    IKEOFF_ASSIGN(const Entry* e, sa_entry(sa));
    auto blank = std::make_unique<contract::SaRow>();
    wipe_row(*blank);  // magic 0: the kernels treat the slot as empty
    IKEOFF_TRY(backend_->write_row(e->state.slot, *blank));
    free_slots_.push_back(e->state.slot);
    table_.erase(sa);
    return {};
}

void FpgaEngine::push_events(const Entry& e, uint8_t bits) {
    for_each_event(bits, [&](ipsec::SaEventKind kind, bool by_bytes) { push_event(e, kind, by_bytes); });
}

void FpgaEngine::stage(ipsec::Direction dir, std::span<ipsec::Packet> batch, std::size_t i) {
    ipsec::Packet& pkt = batch[i];
    Staged& st = staged_[i];
    const bool out = dir == ipsec::Direction::outbound;
    Entry* e = nullptr;
    if (out) {
        e = table_.find(pkt.sa);
        if (!e) {
            pkt.status = PacketStatus::unknown_spi;
            return;
        }
    } else {
        // The same parse and lookup as every driver, so malformed and
        // unknown_spi are decided identically.
        ipsec::IpHeader ip;
        ipsec::IpsecLocation loc;
        pkt.status = classify_inbound(pkt, ip, loc, e);
        if (pkt.status != PacketStatus::ok) return;
    }
    const ipsec::Protocol proto = e->params.protocol;
    st.sa = e;
    if (pkt.in.size() > (out ? contract::kMaxPacketBytes : contract::kMaxOutBytes)) {
        pkt.status = PacketStatus::unsupported;  // larger than the kernels' jumbo-frame buffers
        st.host = true;
        return;
    }
    // The device region for the result: as much as the caller offers, but
    // never more than the packet can grow to (so soft's "out too small"
    // verdict and the kernel's agree).
    const std::size_t grow = out ? pkt.in.size() + contract::kMaxOverheadBytes : pkt.in.size();
    const uint32_t cap = uint32_t(std::min(pkt.out.size(), grow));
    uint32_t kernel = 0;
    uint8_t op = 0;
    if (proto == ipsec::Protocol::esp) {
        kernel = out ? contract::kKernelEspEncap : contract::kKernelEspDecap;
        op = out ? contract::kOpEspEncap : contract::kOpEspDecap;
    } else {
        kernel = contract::kKernelAh;
        op = out ? contract::kOpAhEncap : contract::kOpAhDecap;
    }
    calls_[kernel].add(pkt.in, cap, e->state.slot, op, uint32_t(i));
    if (calls_[kernel].size() == contract::kMaxBatch) flush(kernel, dir, batch);
}

void FpgaEngine::flush(uint32_t kernel, ipsec::Direction dir, std::span<ipsec::Packet> batch) {
    KernelBatch& kb = calls_[kernel];
    if (kb.empty()) return;
    kb.finish();
    KernelCall call;
    call.kernel = kernel;
    call.pkt_in = kb.pkt_in();
    call.pkt_out = kb.pkt_out();
    call.desc = kb.desc();
    call.num_sa = slots_used_;
    call.direction = dir == ipsec::Direction::outbound ? 0 : 1;
    Status run = backend_->run(call);
    if (!run.ok()) IKEOFF_LOG(1, backend_->name(), "kernel run failed: " << run.error().message);
    for (std::size_t j = 0; j < kb.size(); ++j) {
        ipsec::Packet& pkt = batch[kb.index(j)];
        const contract::PacketDesc& d = kb.desc()[j];
        if (!run.ok() || d.status >= contract::kStatusCount || d.out_len > d.out_cap) {
            pkt.status = PacketStatus::unsupported;
            staged_[kb.index(j)].host = true;
            continue;
        }
        pkt.status = PacketStatus(d.status);
        pkt.seq = d.seq;
        staged_[kb.index(j)].events = d.events;
        if (pkt.status == PacketStatus::ok) {
            ByteView o = kb.output(j);
            std::memcpy(pkt.out.data(), o.data(), o.size());
            pkt.out_len = uint32_t(o.size());
        }
    }
    kb.clear();
}

void FpgaEngine::process(ipsec::Direction dir, std::span<ipsec::Packet> batch) {
    std::lock_guard lock(mu_);
    counters_.batches += 1;
    staged_.assign(batch.size(), Staged{});
    for (auto& c : calls_) c.clear();
    for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i].out_len = 0;
        batch[i].seq = 0;
        batch[i].status = PacketStatus::ok;
        stage(dir, batch, i);
    }
    for (uint32_t k = 0; k < contract::kKernelCount; ++k) flush(k, dir, batch);

    // Events, counters and host-side drops in packet order, as a serial
    // engine would produce them.
    for (std::size_t i = 0; i < batch.size(); ++i) {
        ipsec::Packet& pkt = batch[i];
        const Staged& st = staged_[i];
        if (st.sa) push_events(*st.sa, st.events);
        // The card counted its own drops in the SA row; the host counts
        // what it refused itself.
        if (!count_packet(pkt) && st.sa && st.host) st.sa->state.host_drops[std::size_t(pkt.status)] += 1;
    }
}

}  // namespace ikeoff::drivers::fpga
