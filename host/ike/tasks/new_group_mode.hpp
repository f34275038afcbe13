// New Group Mode (RFC 2409 §5.6): agreeing on a private Diffie-Hellman
// group under the protection of an established ISAKMP SA.
//
//     Initiator                          Responder
//    -----------                        -----------
//     HDR*, HASH(1), SA           -->
//                                 <--    HDR*, HASH(2), SA
//
//   HASH(1) = prf(SKEYID_a, M-ID | SA)    (SA: the whole payload, header too)
//   HASH(2) = prf(SKEYID_a, M-ID | SA)    (the reply's SA)
//
// The SA carries ISAKMP proposals whose KEY_IKE transforms describe the
// group with the Oakley attributes of RFC 2409 Appendix A:
//   Group Description   a private value, 32768..65535 ("group descriptions
//                       for private groups MUST be greater than or equal
//                       to 2^15")
//   Group Type          MODP (1); EC2N and private ECP groups are refused
//   Group Prime         p, variable length
//   Group Generator One g (variable, or basic when it fits two octets, as
//                       Appendix A allows for variable attributes)
// The responder answers with the one transform it accepts, as received,
// or with ATTRIBUTES-NOT-SUPPORTED when none is acceptable (§5.6).
// Acceptable: a safe prime of at least 2048 bits (768 with weakalgs=yes),
// 1 < g < p-1 (crypto::DhGroup::custom_modp checks both), and a Group
// Description not already bound to another group on this ISAKMP SA.
//
// The result is scoped to the ISAKMP SA that negotiated it
// (IsakmpSa::private_groups): Quick Mode on that SA then uses the group for
// PFS in place of the configured one (pfs_group_on / dh_group_for), with
// its private Group Description in the phase-2 transforms.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "host/config/child_proposal.hpp"
#include "host/crypto/dh.hpp"
#include "host/ike/ike_sa.hpp"
#include "host/ike/task.hpp"
#include "host/isakmp/message.hpp"

namespace ikeoff::ike {

inline constexpr uint16_t kPrivateGroupMin = 32768;  // RFC 2409 §5.6 / Appendix A: 2^15

struct NewGroup {
    uint16_t description = 0;  // private Group Description
    crypto::DhGroup group;
};

// The SA payload offering `g` (one ISAKMP proposal, one KEY_IKE transform).
isakmp::SaPayload new_group_offer(const NewGroup& g);
// A transform describing a private MODP group, decoded and validated.
// ATTRIBUTES-NOT-SUPPORTED (as the notify of the error) when unusable.
isakmp::CodecResult<NewGroup> decode_new_group(const isakmp::Transform& t, bool allow_weak);

class NewGroupMode final : public Task {
public:
    static std::unique_ptr<NewGroupMode> initiator(IsakmpSa& sa, NewGroup group, uint32_t mid);
    // `allow_weak`: accept primes under 2048 bits.
    static std::unique_ptr<NewGroupMode> responder(IsakmpSa& sa, uint32_t mid, bool allow_weak);

    TaskKind kind() const override { return TaskKind::new_group; }
    isakmp::ExchangeType exchange() const override { return isakmp::ExchangeType::new_group; }
    bool initiator() const override { return initiator_; }
    Step initiate() override;
    Step process(const Received& m) override;

    uint32_t message_id() const noexcept { return mid_; }
    // The agreed group, once done.
    const std::optional<NewGroup>& result() const noexcept { return result_; }

private:
    enum class State : uint8_t { init, sent, done };

    NewGroupMode(IsakmpSa& sa, uint32_t mid, bool initiator) : sa_(sa), mid_(mid), initiator_(initiator) {}
    Step on_request(const Received& m);
    Step on_reply(const Received& m);
    isakmp::CodecStatus check_hash(const isakmp::Message& msg) const;

    IsakmpSa& sa_;
    uint32_t mid_;
    bool initiator_;
    bool allow_weak_ = false;
    State state_ = State::init;
    std::optional<NewGroup> offer_;      // initiator
    std::optional<isakmp::Transform> offered_transform_;
    std::optional<NewGroup> result_;
};

// Group lookups for Quick Mode PFS on `sa`.
// The group for a Group Description: a private one this SA negotiated, or
// a well-known one.
Result<crypto::DhGroup> dh_group_for(const IsakmpSa& sa, uint16_t description);
// The PFS group to offer/require on `sa` when the connection's is
// `configured` (0 = no PFS): the latest private group negotiated on this SA
// replaces it; without PFS nothing changes.
uint16_t pfs_group_on(const IsakmpSa& sa, uint16_t configured);
// `t` with its PFS Group Description set to `group`.
inline config::ChildTransform with_pfs_group(config::ChildTransform t, uint16_t group) {
    t.dh_group = group;
    return t;
}

}  // namespace ikeoff::ike
