// Main Mode (Identity Protection exchange, RFC 2409 §5; RFC 2408 §4.5).
//
//     Initiator                          Responder
//    -----------                        -----------
//     HDR, SA [, VID]            -->
//                                <--    HDR, SA [, VID]
//     HDR, KE, Ni [, NAT-D x2]   -->
//                                <--    HDR, KE, Nr [, NAT-D x2]
//     HDR*, IDii, AUTH [, N(IC)] -->                 (UDP 4500 when NAT)
//                                <--    HDR*, IDir, AUTH
//
// AUTH is HASH_I/HASH_R for pre-shared keys (§5.4) and [CERT,] SIG for
// signatures (§5.1), through auth/authenticator.hpp. NAT-T (RFC 3947): the
// VIDs agree on a version, NAT-D rides along messages 3 and 4, and when a
// NAT shows up the initiator floats to port 4500 for message 5.
//
// A responder is created on message 1 with the connections whose addresses
// fit; it picks the first that accepts one of the offered transforms and
// has credentials for the peer.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "host/config/connection.hpp"
#include "host/ike/auth/pubkey_encryption.hpp"
#include "host/ike/ike_sa.hpp"
#include "host/ike/phase1.hpp"
#include "host/ike/task.hpp"
#include "host/isakmp/message.hpp"
#include "host/isakmp/message_rules.hpp"

namespace ikeoff::ike {

isakmp::AuthClass auth_class_of(config::AuthMethod m);

class MainMode final : public Phase1Exchange {
public:
    static std::unique_ptr<MainMode> initiator(IsakmpSa& sa, TaskEnv& env, bool initial_contact);
    static std::unique_ptr<MainMode> responder(IsakmpSa& sa, TaskEnv& env,
                                               std::vector<const config::Connection*> candidates);

    TaskKind kind() const override { return TaskKind::main_mode; }
    isakmp::ExchangeType exchange() const override { return isakmp::ExchangeType::identity_protection; }
    bool initiator() const override { return sa_.initiator; }
    Step initiate() override;
    Step process(const Received& m) override;

private:
    enum class State : uint8_t {
        init,         // nothing sent or received
        sa_sent,      // I: MM1 out, waiting for MM2
        ke_sent,      // I: MM3 out, waiting for MM4
        auth_sent,    // I: MM5 out, waiting for MM6
        sa_answered,  // R: MM2 out, waiting for MM3
        ke_answered,  // R: MM4 out, waiting for MM5
        done,
    };

    MainMode(IsakmpSa& sa, TaskEnv& env) : sa_(sa), env_(env), p1_(sa, env) {}

    isakmp::MessageKind kind_of(uint8_t number) const;
    Step on_mm1(const Received& m);
    Step on_mm2(const Received& m);
    Step on_mm3(const Received& m);
    Step on_mm4(const Received& m);
    Step on_mm5(const Received& m);
    Step on_mm6(const Received& m);
    Result<std::vector<isakmp::Payload>> ke_nonce_natd(ByteView nonce, const Endpoint& local,
                                                       const Endpoint& remote);
    Result<OutMessage> auth_message(uint8_t number);
    // RFC 2409 §5.2/§5.3: public-key encryption (normal or revised).
    bool pke() const;
    bool revised() const;
    RevisedCipher revised_cipher() const;

    IsakmpSa& sa_;
    TaskEnv& env_;
    Phase1 p1_;
    State state_ = State::init;
    bool initial_contact_ = false;
    std::vector<const config::Connection*> candidates_;
    std::optional<config::Identity> peer_id_;  // public-key encryption: decrypted in message 3/4
};

}  // namespace ikeoff::ike
