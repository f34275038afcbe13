// Internals of the soft engine, shared by soft_engine.cpp (SA management,
// batching, counters), soft_outbound.cpp and soft_inbound.cpp (framing).
//
// A batch runs under the engine's lock, each packet in three steps:
//   1. prepare: every check that needs no crypto, the outbound sequence
//      number and lifetime accounting, the framing; the packet's
//      cryptographic work becomes one CryptoOp.
//   2. crypto: the provider runs the op.
//   3. finish: inbound packets are re-checked against the state left by the
//      packets before them (lifetime, replay window, ESN high bits), then
//      ICV verdict, window commit, trailer checks and accounting.
// Packets whose crypto gains nothing from batching (GCM, and all of
// OpenSSL) go through the three steps one after the other, in one reused
// Work slot and with no second pass over the batch. From the first packet
// whose SA fills multi-buffer lanes (intel-ipsec-mb CBC/HMAC) on, ops are
// queued, run together, and the finish steps follow in order. Either way the
// result is exactly what processing the packets one at a time gives.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "drivers/registry.hpp"
#include "drivers/soft/crypto_provider.hpp"
#include "host/ipsec/engine_base.hpp"
#include "host/ipsec/esp_format.hpp"
#include "host/ipsec/ip_packet.hpp"
#include "host/ipsec/replay.hpp"

namespace ikeoff::drivers::soft {

struct SoftSa {
    CryptoProvider* provider = nullptr;
    std::unique_ptr<SaCrypto> crypto;
    bool batched = false;  // the provider wants this SA's ops in batches
    ipsec::EspSizes esp;
    std::array<uint8_t, 4> salt{};  // GCM/GMAC nonce prefix (RFC 4106 §4)

    uint64_t next_seq = 1;
    bool seq_exhausted = false;     // an ESN counter that passed 2^64-1
    bool overflow_reported = false;
    ipsec::ReplayWindow window;

    // Tunnel mode: the outer IPv4/IPv6 header (and RFC 3948 UDP header)
    // with every field that is the same for all packets filled in, and for
    // IPv4 the ones'-complement sum of those fields, so a packet only adds
    // its own (build_outer_template(), refreshed by update_sa()).
    std::array<uint8_t, 48> outer{};
    uint32_t outer_sum = 0;

    uint64_t packets = 0;
    uint64_t bytes = 0;
    bool limited = false;  // any soft/hard limit set
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
    bool queued = false;          // op built
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
    std::array<uint8_t, 32> trailer{};  // outbound GCM: padding, pad length, next header
};

// SA bookkeeping, lookups, counters and events: ipsec::EngineBase.
class SoftEngine final : public ipsec::EngineBase<SoftSa> {
public:
    static Result<std::unique_ptr<ipsec::Engine>> create(const EngineOptions& options);

    std::string_view driver_name() const override { return "soft"; }
    std::string description() const override;
    Status supports(const ipsec::SaParams& params) const override;
    Result<ipsec::SaHandle> add_sa(ipsec::SaParams params) override;
    Status update_sa(ipsec::SaHandle sa, const ipsec::SaUpdate& update) override;
    Result<ipsec::SaInfo> query_sa(ipsec::SaHandle sa) const override;
    Status del_sa(ipsec::SaHandle sa) override;
    void process(ipsec::Direction dir, std::span<ipsec::Packet> batch) override;

private:
    enum class ProviderMode { automatic, openssl, ipsecmb };

    CryptoProvider* pick_provider(const ipsec::SaParams& p) const;
    SaEntry* lookup(ipsec::SaHandle h) {
        if (cached_ && cached_->handle == h) return cached_;
        SaEntry* e = table_.find(h);
        if (e) cached_ = e;
        return e;
    }

    // soft_outbound.cpp
    ipsec::PacketStatus prepare_outbound(ipsec::Packet& pkt, Work& w);
    void frame_esp(const ipsec::Packet& pkt, Work& w);
    void frame_ah(const ipsec::Packet& pkt, Work& w);
    void write_front(const ipsec::Packet& pkt, const Work& w);
    ipsec::PacketStatus finish_outbound(ipsec::Packet& pkt, Work& w) {
        // A provider refusing a valid seal is a library failure, not a
        // packet error.
        if (!w.op.ok) return ipsec::PacketStatus::unsupported;
        if (w.sa->params.protocol == ipsec::Protocol::ah) write_front(pkt, w);  // the real mutable fields
        pkt.out_len = uint32_t(w.total);
        pkt.seq = w.seq;
        return ipsec::PacketStatus::ok;
    }

    // soft_inbound.cpp
    ipsec::PacketStatus prepare_inbound(ipsec::Packet& pkt, Work& w);
    ipsec::PacketStatus check_inbound(const ipsec::Packet& pkt, Work& w, const ipsec::IpHeader& ip,
                                      const ipsec::IpsecLocation& loc);
    void build_inbound_op(const ipsec::Packet& pkt, Work& w);
    ipsec::PacketStatus finish_inbound(ipsec::Packet& pkt, Work& w);

    // Per-packet engine and SA counters once a status is final.
    void count(ipsec::Packet& pkt, const Work& w) {
        if (!count_packet(pkt) && w.sa) w.sa->state.drops[std::size_t(pkt.status)] += 1;
    }
    // Lifetime accounting after a successful packet (engine.hpp rules).
    void account(SaEntry& e, std::size_t inner_bytes) {
        e.state.packets += 1;
        e.state.bytes += inner_bytes;
        if (e.state.limited) check_limits(e);
    }
    static void build_outer_template(SaEntry& e);
    void check_limits(SaEntry& e);

    ProviderMode mode_ = ProviderMode::automatic;
    std::unique_ptr<CryptoProvider> openssl_;
    std::unique_ptr<CryptoProvider> ipsecmb_;
    std::string ipsecmb_note_;  // why intel-ipsec-mb is not in use, if it is not
    SaEntry* cached_ = nullptr;  // last SA looked up by handle (batches are mostly one SA)
    std::vector<Work> work_;
    static constexpr uint32_t kDone = 0xffffffff;
    std::vector<uint32_t> slot_;  // per packet of a batch: its Work slot while it waits, else kDone
    std::vector<CryptoOp*> queue_[2];  // per provider: 0 = openssl, 1 = ipsec-mb
};

}  // namespace ikeoff::drivers::soft
