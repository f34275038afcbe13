// Internals of the soft engine, shared by soft_engine.cpp (SA management,
// batching, counters), soft_outbound.cpp and soft_inbound.cpp (framing).
//
// A batch runs in three stages under the engine's lock:
//   1. prepare, packet by packet in order: every check that needs no crypto,
//      the outbound sequence number and lifetime accounting, the framing;
//      the packet's cryptographic work becomes one CryptoOp.
//   2. the providers run all queued ops (intel-ipsec-mb fills its lanes).
//   3. finish, in order: inbound packets are re-checked against the state
//      left by the packets before them (lifetime, replay window, ESN high
//      bits), then ICV verdict, window commit, trailer checks and accounting.
// The result is exactly what processing the packets one at a time gives.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "drivers/registry.hpp"
#include "drivers/soft/crypto_provider.hpp"
#include "host/ipsec/engine.hpp"
#include "host/ipsec/esp_format.hpp"
#include "host/ipsec/ip_packet.hpp"
#include "host/ipsec/replay.hpp"
#include "host/ipsec/sa_table.hpp"

namespace ikeoff::drivers::soft {

struct SoftSa {
    CryptoProvider* provider = nullptr;
    std::unique_ptr<SaCrypto> crypto;
    ipsec::EspSizes esp;
    std::array<uint8_t, 4> salt{};  // GCM/GMAC nonce prefix (RFC 4106 §4)

    uint64_t next_seq = 1;
    bool seq_exhausted = false;     // an ESN counter that passed 2^64-1
    bool overflow_reported = false;
    ipsec::ReplayWindow window;

    uint64_t packets = 0;
    uint64_t bytes = 0;
    bool soft_expired = false;
    bool hard_expired = false;
    ipsec::StatusCounts drops{};

    SoftSa() = default;
    SoftSa(SoftSa&&) noexcept = default;
    SoftSa& operator=(SoftSa&&) noexcept = default;
    ~SoftSa() { secure_zero(salt.data(), salt.size()); }
};

using SaEntry = ipsec::SaTable<SoftSa>::Entry;

// Per-packet scratch of one batch; the CryptoOp points into it.
struct Work {
    SaEntry* sa = nullptr;
    bool queued = false;          // op goes to the provider
    // Inbound: a verdict reached in prepare that an earlier packet of the
    // batch could still turn into sa_expired (lengths, buffer, window);
    // finish_inbound() decides in order.
    ipsec::PacketStatus deferred = ipsec::PacketStatus::ok;
    CryptoOp op;
    uint64_t seq = 0;
    uint8_t version = 0;          // of the packet whose header is kept/written
    std::size_t front = 0;        // octets before ESP/UDP/AH (transport) or the outer header (tunnel)
    std::size_t nh_offset = 0;    // next-header octet inside `front`
    std::size_t sec_offset = 0;   // ESP/AH header offset (in `in` for inbound, `out` for outbound)
    std::size_t body = 0;         // inbound ESP: ciphertext octets; AH: header length
    std::size_t total = 0;        // output length (outbound) / IP length (inbound)
    std::size_t payload_at = 0;   // outbound: where the protected data starts in `in`
    uint8_t next_header = 0;      // outbound: ESP trailer / AH next header
    uint8_t proto = 0;            // outbound: protocol octet naming what follows `front`
    uint8_t inner_tos = 0;        // outbound tunnel: copied into the outer header
    bool inner_df = false;
    alignas(16) std::array<uint8_t, 16> nonce{};
    std::array<uint8_t, 16> aad{};
    std::array<uint8_t, 4> seq_hi{};
    std::array<uint8_t, 32> trailer{};
};

class SoftEngine final : public ipsec::Engine {
public:
    static Result<std::unique_ptr<ipsec::Engine>> create(const EngineOptions& options);

    std::string_view driver_name() const override { return "soft"; }
    std::string description() const override;
    Status supports(const ipsec::SaParams& params) const override;
    Result<uint32_t> allocate_spi(ipsec::Protocol protocol) override;
    Result<ipsec::SaHandle> add_sa(ipsec::SaParams params) override;
    Status update_sa(ipsec::SaHandle sa, const ipsec::SaUpdate& update) override;
    Result<ipsec::SaInfo> query_sa(ipsec::SaHandle sa) const override;
    Status del_sa(ipsec::SaHandle sa) override;
    std::vector<ipsec::SaHandle> list_sas() const override;
    Result<ipsec::SaHandle> find_inbound(ipsec::Protocol protocol, uint32_t spi) const override;
    void process(ipsec::Direction dir, std::span<ipsec::Packet> batch) override;
    ipsec::EngineCounters counters() const override;
    std::vector<ipsec::SaEvent> take_events() override;

private:
    enum class ProviderMode { automatic, openssl, ipsecmb };

    CryptoProvider* pick_provider(const ipsec::SaParams& p) const;
    SaEntry* lookup(ipsec::SaHandle h);

    // soft_outbound.cpp
    ipsec::PacketStatus prepare_outbound(ipsec::Packet& pkt, Work& w);
    void frame_esp(const ipsec::Packet& pkt, Work& w);
    void frame_ah(const ipsec::Packet& pkt, Work& w);
    void write_front(const ipsec::Packet& pkt, const Work& w);
    ipsec::PacketStatus finish_outbound(ipsec::Packet& pkt, Work& w);

    // soft_inbound.cpp
    ipsec::PacketStatus prepare_inbound(ipsec::Packet& pkt, Work& w);
    ipsec::PacketStatus check_inbound(const ipsec::Packet& pkt, Work& w, const ipsec::IpHeader& ip,
                                      const ipsec::IpsecLocation& loc);
    void build_inbound_op(const ipsec::Packet& pkt, Work& w);
    ipsec::PacketStatus finish_inbound(ipsec::Packet& pkt, Work& w);

    // Lifetime accounting after a successful packet (engine.hpp rules).
    void account(SaEntry& e, std::size_t inner_bytes);
    void check_limits(SaEntry& e);
    void push_event(const SaEntry& e, ipsec::SaEventKind kind, bool by_bytes);

    mutable std::mutex mu_;
    ProviderMode mode_ = ProviderMode::automatic;
    std::unique_ptr<CryptoProvider> openssl_;
    std::unique_ptr<CryptoProvider> ipsecmb_;
    std::string ipsecmb_note_;  // why intel-ipsec-mb is not in use, if it is not
    ipsec::SaTable<SoftSa> table_;
    SaEntry* cached_ = nullptr;  // last SA looked up by handle (batches are mostly one SA)
    ipsec::EngineCounters counters_;
    std::vector<ipsec::SaEvent> events_;
    std::vector<Work> work_;
    std::vector<CryptoOp*> queue_[2];  // per provider: 0 = openssl, 1 = ipsec-mb
};

}  // namespace ikeoff::drivers::soft
