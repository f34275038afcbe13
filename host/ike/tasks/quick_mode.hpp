// Quick Mode (RFC 2409 §5.5): one IPsec SA pair per exchange, under the
// protection of an established ISAKMP SA.
//
//     Initiator                          Responder
//    -----------                        -----------
//     HDR*, HASH(1), SA, Ni
//       [, KE ] [, IDci, IDcr ]   -->
//                                 <--    HDR*, HASH(2), SA, Nr
//                                          [, KE ] [, IDci, IDcr ]
//                                          [, N(RESPONDER-LIFETIME) ]
//     HDR*, HASH(3)               -->
//
//   HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ])
//   HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ])
//   HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
//
// Commit bit (RFC 2408 §3.1): the side that sets it sends an Informational
// N(CONNECTED) once its SAs are in place, and the other side installs only
// then. We set it only when tuning.request_commit says so; a peer's is
// honoured in both roles.
//
// KE is there exactly when PFS is configured; UDP-encapsulated modes
// (RFC 3947 §5.1, or the draft values) when NAT-T found a NAT. A finished
// task holds the SA pairs to install (result()); the core installs them.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "host/config/connection.hpp"
#include "host/crypto/dh.hpp"
#include "host/ike/ike_sa.hpp"
#include "host/ike/phase2.hpp"
#include "host/ike/proposal_select.hpp"
#include "host/ike/task.hpp"
#include "host/isakmp/message.hpp"

namespace ikeoff::ike {

struct QuickModeResult {
    const config::Connection* conn = nullptr;
    std::vector<ChildSaInstall> sas;  // one pair per negotiated protocol
    uint16_t pfs_group = 0;
    uint32_t lifetime_s = 0;
    uint64_t lifetime_kb = 0;
    std::string proposal;             // "aes128-sha1" (for logs)
    bool send_connected = false;      // we set the Commit bit: tell the peer CONNECTED once installed
};

class QuickMode final : public Task {
public:
    static std::unique_ptr<QuickMode> initiator(IsakmpSa& sa, TaskEnv& env, const config::Connection& conn,
                                                uint32_t mid);
    // `candidates`: connections this ISAKMP SA may serve, sa.conn first.
    static std::unique_ptr<QuickMode> responder(IsakmpSa& sa, TaskEnv& env, uint32_t mid,
                                                std::vector<const config::Connection*> candidates);

    TaskKind kind() const override { return TaskKind::quick_mode; }
    isakmp::ExchangeType exchange() const override { return isakmp::ExchangeType::quick; }
    bool initiator() const override { return initiator_; }
    Step initiate() override;
    Step process(const Received& m) override;

    uint32_t message_id() const noexcept { return mid_; }
    // RFC 2408 §3.1 Commit bit: the peer set it, so the SAs wait for its
    // CONNECTED notify (the core finishes the task when that arrives).
    bool awaiting_connected() const noexcept { return state_ == State::awaiting_connected; }
    const config::Connection* conn() const noexcept { return conn_; }
    // Set once the exchange is done; the SAs are moved out by the core.
    std::optional<QuickModeResult>& result() { return result_; }

private:
    enum class State : uint8_t { init, qm1_sent, qm2_sent, awaiting_connected, done };

    QuickMode(IsakmpSa& sa, TaskEnv& env, uint32_t mid, bool initiator)
        : sa_(sa), env_(env), mid_(mid), initiator_(initiator) {}

    Phase2Policy policy_for(const config::Connection& c) const;
    bool udp_encap() const;
    Step on_qm1(const Received& m);
    Step on_qm2(const Received& m);
    Step on_qm3(const Received& m);
    isakmp::CodecStatus check_hash(const isakmp::Message& msg, const Result<Bytes>& expected) const;
    Result<isakmp::SaPayload> answer_sa(const isakmp::SaPayload& offered, const Phase2Choice& c) const;
    Status derive_pfs(ByteView peer_ke);
    Status finish_keys();

    IsakmpSa& sa_;
    TaskEnv& env_;
    uint32_t mid_;
    bool initiator_;
    State state_ = State::init;
    bool we_commit_ = false;    // we set the Commit bit (tuning.request_commit, initiator only)
    bool peer_commit_ = false;  // the peer set it in one of its messages
    const config::Connection* conn_ = nullptr;
    std::vector<const config::Connection*> candidates_;

    std::optional<Phase2Choice> choice_;
    std::vector<uint32_t> our_spis_;              // per choice_->protocols (responder) / offer (initiator)
    std::vector<ipsec::Protocol> offered_protocols_;  // initiator: our SPIs' protocols
    Bytes ni_, nr_;
    std::optional<crypto::DhKeyExchange> dh_;
    SecretBytes gxy_;
    std::optional<isakmp::IdPayload> idci_, idcr_;  // as sent / received
    ipsec::TrafficSelector selector_;              // our view
    std::optional<QuickModeResult> result_;
};

}  // namespace ikeoff::ike
