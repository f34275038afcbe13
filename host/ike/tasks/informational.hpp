// Informational exchanges (RFC 2409 §5.7): one message, no reply.
//
//   protected (keys exist):   HDR*, HASH(1), N/D
//        HASH(1) = prf(SKEYID_a, M-ID | N/D)
//   unprotected (before):     HDR, N          (e.g. NO-PROPOSAL-CHOSEN
//                                              in answer to Main Mode #1)
//
// Sending: Informational::sender() with Delete (RFC 2408 §3.15) and/or
// Notify payloads; the task finishes as soon as the message is out (IKEv1
// does not acknowledge informationals). Receiving: Informational::receiver()
// verifies HASH(1) and hands the payloads to the core.
#pragma once

#include <memory>
#include <vector>

#include "host/ike/ike_sa.hpp"
#include "host/ike/task.hpp"
#include "host/isakmp/payloads.hpp"

namespace ikeoff::ike {

class Informational final : public Task {
public:
    static std::unique_ptr<Informational> sender(IsakmpSa& sa, std::vector<isakmp::Payload> payloads);
    static std::unique_ptr<Informational> receiver(IsakmpSa& sa, uint32_t mid);

    TaskKind kind() const override { return TaskKind::informational; }
    isakmp::ExchangeType exchange() const override { return isakmp::ExchangeType::informational; }
    bool initiator() const override { return sending_; }
    Step initiate() override;
    Step process(const Received& m) override;

    void set_message_id(uint32_t mid) { mid_ = mid; }
    // What a received message carried (valid once done).
    const std::vector<isakmp::DeletePayload>& deletes() const noexcept { return deletes_; }
    const std::vector<isakmp::NotifyPayload>& notifies() const noexcept { return notifies_; }

private:
    Informational(IsakmpSa& sa, bool sending) : sa_(sa), sending_(sending) {}

    IsakmpSa& sa_;
    bool sending_;
    uint32_t mid_ = 0;
    std::vector<isakmp::Payload> out_;
    std::vector<isakmp::DeletePayload> deletes_;
    std::vector<isakmp::NotifyPayload> notifies_;
};

// Payload helpers.
isakmp::Payload delete_isakmp(const IsakmpSa& sa);
isakmp::Payload delete_ipsec(ipsec::Protocol protocol, uint32_t spi);
isakmp::Payload notify_payload(const IsakmpSa& sa, isakmp::NotifyType type);

// A complete unprotected Informational carrying one notify (no HASH: the
// keys do not exist yet, or the peer could not use ours).
Result<Bytes> unprotected_notify(const IsakmpSa& sa, isakmp::NotifyType type);

}  // namespace ikeoff::ike
