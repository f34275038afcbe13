// Aggressive Mode (RFC 2409 §5; RFC 2408 §4.7): phase 1 in three messages,
// identities in the clear.
//
//     Initiator                             Responder
//    -----------                           -----------
//     HDR, SA, KE, Ni, IDii [, VID]   -->
//                                     <--   HDR, SA, KE, Nr, IDir [, VID]
//                                             [, NAT-D x2], AUTH_R
//     HDR*, AUTH_I [, NAT-D x2]       -->   (UDP 4500 when NAT)
//
// AUTH is HASH_I/HASH_R (pre-shared key) or [CERT,] SIG. KE travels in the
// first message, so every transform the initiator offers must use the
// same group (we offer only those with the first configured group). The
// third message is encrypted, as strongSwan sends and expects it; an
// unencrypted one is accepted too (RFC 2409 shows it in the clear).
// strongSwan sends Quick Mode #1 right behind message 3; the core handles
// it once this task is done (messages are processed in order).
#pragma once

#include <memory>
#include <vector>

#include "host/config/connection.hpp"
#include "host/ike/ike_sa.hpp"
#include "host/ike/phase1.hpp"
#include "host/ike/task.hpp"
#include "host/isakmp/message.hpp"
#include "host/isakmp/message_rules.hpp"

namespace ikeoff::ike {

class AggressiveMode final : public Phase1Exchange {
public:
    static std::unique_ptr<AggressiveMode> initiator(IsakmpSa& sa, TaskEnv& env, bool initial_contact);
    static std::unique_ptr<AggressiveMode> responder(IsakmpSa& sa, TaskEnv& env,
                                                     std::vector<const config::Connection*> candidates);

    TaskKind kind() const override { return TaskKind::aggressive_mode; }
    isakmp::ExchangeType exchange() const override { return isakmp::ExchangeType::aggressive; }
    bool initiator() const override { return sa_.initiator; }
    Step initiate() override;
    Step process(const Received& m) override;

private:
    enum class State : uint8_t { init, am1_sent, am2_sent, done };

    AggressiveMode(IsakmpSa& sa, TaskEnv& env) : sa_(sa), env_(env), p1_(sa, env) {}

    isakmp::MessageKind kind_of(uint8_t number, isakmp::AuthClass auth) const;
    Step on_am1(const Received& m);
    Step on_am2(const Received& m);
    Step on_am3(const Received& m);

    IsakmpSa& sa_;
    TaskEnv& env_;
    Phase1 p1_;
    State state_ = State::init;
    bool initial_contact_ = false;
    uint16_t group_ = 0;  // initiator: the group of our KE
    std::vector<const config::Connection*> candidates_;
};

}  // namespace ikeoff::ike
