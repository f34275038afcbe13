// The Engine both FPGA drivers share. It keeps the host side of the SA
// table (handles, SPI index, slot allocation), lays batches out as the card
// takes them (batch_layout.hpp), classifies inbound packets to find their
// SA slot, runs the kernels through a KernelBackend and turns descriptor
// results back into Packet results, SA events and counters.
//
// Work split (what the host does, what "the card" does):
//   host:  outbound - SA handle lookup (unknown_spi), size limit;
//          inbound  - outer header parse/locate (malformed) and (protocol,
//                     SPI) lookup (unknown_spi), size limit;
//   card:  everything else in engine.hpp's order - direction, lifetime,
//          packet checks, sequence numbers, ESN, replay window, crypto,
//          padding, lifetime accounting, per-SA drop counters.
// Outbound packets larger than contract::kMaxPacketBytes (9216) and inbound
// ones larger than contract::kMaxOutBytes (9344) are refused with
// `unsupported` before reaching the card.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "drivers/fpga/backend.hpp"
#include "drivers/fpga/batch_layout.hpp"
#include "host/ipsec/engine_base.hpp"

namespace ikeoff::drivers::fpga {

struct FpgaSa {
    uint32_t slot = 0;
    ipsec::StatusCounts host_drops{};  // failures decided on the host (size limit)
};

// SA bookkeeping, lookups, counters and events: ipsec::EngineBase.
class FpgaEngine : public ipsec::EngineBase<FpgaSa> {
public:
    explicit FpgaEngine(std::unique_ptr<KernelBackend> backend);
    ~FpgaEngine() override;

    std::string_view driver_name() const override { return backend_->name(); }
    std::string description() const override { return backend_->description(); }
    Status supports(const ipsec::SaParams& params) const override;
    Result<ipsec::SaHandle> add_sa(ipsec::SaParams params) override;
    Status update_sa(ipsec::SaHandle sa, const ipsec::SaUpdate& update) override;
    Result<ipsec::SaInfo> query_sa(ipsec::SaHandle sa) const override;
    Status del_sa(ipsec::SaHandle sa) override;
    void process(ipsec::Direction dir, std::span<ipsec::Packet> batch) override;

protected:
    KernelBackend& backend() { return *backend_; }
    const KernelBackend& backend() const { return *backend_; }

private:
    struct Staged {
        Entry* sa = nullptr;
        uint8_t events = 0;      // contract::kEv* bits the card reported
        bool host = false;       // the status was decided on the host (not counted in the SA row)
    };

    // Decides what the host decides (see above) and queues the rest on the
    // kernel call for its protocol; a full call is run right away.
    void stage(ipsec::Direction dir, std::span<ipsec::Packet> batch, std::size_t i);
    // Runs the queued call of one kernel and copies results into the packets.
    void flush(uint32_t kernel, ipsec::Direction dir, std::span<ipsec::Packet> batch);
    void push_events(const Entry& e, uint8_t bits);

    std::unique_ptr<KernelBackend> backend_;
    std::vector<uint32_t> free_slots_;
    uint32_t slots_used_ = 0;  // high-water mark: the kernels' num_sa
    KernelBatch calls_[ipsec_hls::contract::kKernelCount];  // per kernel: the call being built
    std::vector<Staged> staged_;
};

}  // namespace ikeoff::drivers::fpga
