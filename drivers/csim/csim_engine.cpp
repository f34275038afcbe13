#include "drivers/csim/csim_engine.hpp"

#include <cstring>
#include <string>

#include "drivers/fpga/fpga_engine.hpp"
#include "ipsec_hls/kernels.hpp"
#include "ipsec_hls/perf_model.hpp"

namespace ikeoff::drivers::csim {

namespace contract = ipsec_hls::contract;
namespace model = ipsec_hls::model;

namespace {

// "Device memory" for the SA table: a contiguous row array, as the kernels
// index it. Grows by doubling; old storage is wiped before release because
// rows hold key schedules.
class RowStore {
public:
    ~RowStore() { release(); }
    uint32_t size() const { return size_; }
    contract::SaRow* data() { return rows_.get(); }
    contract::SaRow& at(uint32_t i) { return rows_[i]; }

    void ensure(uint32_t n) {
        if (n <= size_) return;
        uint32_t cap = size_ ? size_ : 16;
        while (cap < n) cap *= 2;
        auto next = std::make_unique<contract::SaRow[]>(cap);
        std::memset(static_cast<void*>(next.get()), 0, sizeof(contract::SaRow) * cap);
        if (size_) std::memcpy(static_cast<void*>(next.get()), rows_.get(), sizeof(contract::SaRow) * size_);
        release();
        rows_ = std::move(next);
        size_ = cap;
    }

private:
    void release() {
        if (rows_) secure_zero(rows_.get(), sizeof(contract::SaRow) * size_);
        rows_.reset();
        size_ = 0;
    }
    std::unique_ptr<contract::SaRow[]> rows_;
    uint32_t size_ = 0;
};

class CsimBackend final : public fpga::KernelBackend {
public:
    std::string_view name() const override { return "csim"; }
    std::string description() const override {
        return "csim (HLS kernels in C simulation, contract ABI " + std::to_string(contract::kContractAbi) +
               "; performance MODEL: " + std::to_string(model::kLanes) + " lanes at " +
               std::to_string(model::kClockMHz) + " MHz, modeled not measured)";
    }
    uint32_t sa_capacity() const override { return contract::kMaxSaSlots; }

    Status write_row(uint32_t slot, const contract::SaRow& row) override {
        IKEOFF_ENSURE(slot < contract::kMaxSaSlots, Errc::internal, "csim: SA slot out of range");
        rows_.ensure(slot + 1);
        std::memcpy(&rows_.at(slot), &row, sizeof row);
        return {};
    }
    Status read_row(uint32_t slot, contract::SaRow& row) override {
        IKEOFF_ENSURE(slot < rows_.size(), Errc::internal, "csim: SA slot out of range");
        std::memcpy(&row, &rows_.at(slot), sizeof row);
        return {};
    }

    Status run(const fpga::KernelCall& call) override {
        IKEOFF_ENSURE(call.num_sa <= rows_.size(), Errc::internal, "csim: num_sa beyond the table");
        const auto n = uint32_t(call.desc.size());
        switch (call.kernel) {
            case contract::kKernelEspEncap:
                ikeoff_esp_encap(call.pkt_in.data(), call.pkt_out.data(), call.desc.data(), rows_.data(), n,
                                 call.num_sa);
                break;
            case contract::kKernelEspDecap:
                ikeoff_esp_decap(call.pkt_in.data(), call.pkt_out.data(), call.desc.data(), rows_.data(), n,
                                 call.num_sa);
                break;
            case contract::kKernelAh:
                ikeoff_ah(call.pkt_in.data(), call.pkt_out.data(), call.desc.data(), rows_.data(), n, call.num_sa,
                          call.direction);
                break;
            default: return Error{Errc::internal, "csim: unknown kernel index"};
        }
        account_model(call);
        return {};
    }

    ModelStats stats;

private:
    // Round-robin lanes; CBC-encrypt and hash cores are shared by the packets
    // of a lane, so count those first.
    void account_model(const fpga::KernelCall& call) {
        const std::size_t n = call.desc.size();
        uint32_t cbc[model::kLanes] = {}, hash[model::kLanes] = {};
        uint64_t lane_cycles[model::kLanes] = {};
        auto shape = [&](std::size_t j, uint32_t prev_slot) {
            const contract::PacketDesc& d = call.desc[j];
            model::PacketShape p{};
            const bool known = d.sa_slot < call.num_sa;
            const contract::SaConfig* c = known ? &rows_.at(d.sa_slot).cfg : nullptr;
            p.protocol = c ? c->protocol : contract::kProtoEsp;
            p.enc_alg = c ? c->enc_alg : contract::kEncNull;
            p.integ_alg = c ? c->integ_alg : contract::kIntegNone;
            p.outbound = d.op == contract::kOpEspEncap || d.op == contract::kOpAhEncap;
            p.in_len = d.in_len;
            p.out_len = d.status == contract::kStOk ? d.out_len : 0;
            p.sa_switch = d.sa_slot != prev_slot;
            return p;
        };
        uint32_t prev = 0xffffffffu;
        for (std::size_t j = 0; j < n; ++j) {
            model::PacketShape p = shape(j, prev);
            prev = call.desc[j].sa_slot;
            if (model::serial_cipher(p)) ++cbc[j % model::kLanes];
            if (model::uses_hash(p)) ++hash[j % model::kLanes];
        }
        prev = 0xffffffffu;
        for (std::size_t j = 0; j < n; ++j) {
            model::PacketShape p = shape(j, prev);
            prev = call.desc[j].sa_slot;
            const std::size_t lane = j % model::kLanes;
            lane_cycles[lane] += model::packet_cycles(p, cbc[lane], hash[lane]);
            stats.bytes_in += p.in_len;
            stats.bytes_out += p.out_len;
        }
        uint64_t worst = 0;
        for (uint64_t c : lane_cycles) worst = c > worst ? c : worst;
        stats.cycles += model::kBatchStartCycles + worst;
        stats.packets += n;
        stats.kernel_calls += 1;
    }

    RowStore rows_;
};

class CsimEngine final : public fpga::FpgaEngine {
public:
    CsimEngine() : FpgaEngine(std::make_unique<CsimBackend>()) {}

    ModelStats model_stats() const {
        std::lock_guard lock(mutex());
        ModelStats s = static_cast<const CsimBackend&>(backend()).stats;
        s.clock_mhz = model::kClockMHz;
        s.lanes = model::kLanes;
        return s;
    }
    void reset_model() {
        std::lock_guard lock(mutex());
        static_cast<CsimBackend&>(backend()).stats = ModelStats{};
    }
};

}  // namespace

Result<std::unique_ptr<ipsec::Engine>> make_csim_engine(const EngineOptions& options) {
    (void)options;  // nothing to configure: the kernels are linked in
    return std::unique_ptr<ipsec::Engine>(std::make_unique<CsimEngine>());
}

std::optional<ModelStats> csim_model_stats(const ipsec::Engine& engine) {
    const auto* e = dynamic_cast<const CsimEngine*>(&engine);
    if (!e) return std::nullopt;
    return e->model_stats();
}

void csim_reset_model(ipsec::Engine& engine) {
    if (auto* e = dynamic_cast<CsimEngine*>(&engine)) e->reset_model();
}

}  // namespace ikeoff::drivers::csim
