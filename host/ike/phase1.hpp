// What Main Mode and Aggressive Mode share (RFC 2409 §5): the phase-1 SA
// payload, Diffie-Hellman and nonces, identities, key derivation and the
// HASH_I/HASH_R inputs. Like strongSwan's phase1.c: the exchanges decide
// when, this file knows how.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/config/connection.hpp"
#include "host/config/identity.hpp"
#include "host/crypto/cipher.hpp"
#include "host/crypto/dh.hpp"
#include "host/ike/auth/authenticator.hpp"
#include "host/ike/ike_sa.hpp"
#include "host/ike/proposal_select.hpp"
#include "host/ike/task.hpp"
#include "host/isakmp/payloads.hpp"

namespace ikeoff::ike {

crypto::CipherAlg cipher_alg(config::IkeCipher c);

// One ISAKMP transform with the Oakley attributes of RFC 2409 Appendix A,
// in the order strongSwan uses (cipher, key length, hash, group, auth,
// life type, life duration).
isakmp::Transform encode_phase1_transform(const config::IkeTransform& t, uint8_t number);
// The initiator's SA: one ISAKMP proposal with every transform we offer.
isakmp::SaPayload phase1_offer(const std::vector<config::IkeTransform>& offer);
// The responder's SA: the proposal holding transform `flat_index` (as
// phase1_offer_from() numbers them), with only that transform, echoed as
// received (RFC 2408 §4.2).
Result<isakmp::SaPayload> phase1_answer(const isakmp::SaPayload& offered, std::size_t flat_index);

// The identity as an ID payload body. Phase 1 IDs carry protocol and port
// zero (RFC 2407 §4.6.2 allows zero or UDP/500).
isakmp::IdPayload id_payload_of(const config::Identity& id);

// RFC 2407 §4.6.3.3: the INITIAL-CONTACT notify an initiator sends in its
// last authenticated message; its SPI is the cookie pair of `sa`.
isakmp::NotifyPayload initial_contact_notify(const IsakmpSa& sa);

// Main and Aggressive Mode tasks, as the core sees them.
class Phase1Exchange : public Task {
public:
    // The peer sent INITIAL-CONTACT (RFC 2407 §4.6.3.3).
    bool initial_contact_received() const noexcept { return initial_contact_received_; }

protected:
    // Notes an INITIAL-CONTACT in the peer's authenticated message. It names
    // this SA by its cookies; one naming other cookies is an INVALID-SPI
    // reject. The notify is not covered by HASH_I, so this is also the only
    // check that catches a change to it (which would desynchronise the CBC
    // IVs).
    std::optional<Step> take_initial_contact(const isakmp::Message& msg, const IsakmpSa& sa);

    bool initial_contact_received_ = false;
};

// A responder picks the connection for message 1 from several candidates
// (same peer address, different proposals or authentication), trying them
// in order. This collects why each one was passed over, so the failure
// names them all, and the notify to answer with.
class CandidateSearch {
public:
    explicit CandidateSearch(bool prefer_configured_proposals) : prefer_(prefer_configured_proposals) {}

    // The transform `c`'s policy selects from `offer`, or nothing (and the
    // reason noted; a malformed offer makes it BAD-PROPOSAL-SYNTAX).
    std::optional<Phase1Choice> select(const config::Connection& c, const std::vector<OfferedTransform>& offer);
    // `c` was passed over for `why`; the second form also sets the notify.
    void reject(const config::Connection& c, const std::string& why);
    void reject(const config::Connection& c, const std::string& why, isakmp::NotifyType reason);

    // The failure once no candidate fit; `none_tried`: there was none.
    Step failure(bool none_tried) const;

private:
    bool prefer_;
    std::string why_;
    isakmp::NotifyType reason_ = isakmp::NotifyType::no_proposal_chosen;
};

class Phase1 {
public:
    Phase1(IsakmpSa& sa, TaskEnv& env) : sa_(sa), env_(env) {}

    // Our identity: leftid=, else our address.
    config::Identity local_identity() const;
    // Who we require the peer to be: rightid= (%any accepts anyone whom
    // the authentication method vouches for).
    config::Identity required_remote() const;
    // The peer's identity to look secrets up with before its ID payload
    // arrived (Main Mode responder): rightid= if set, else its address.
    config::Identity remote_lookup_identity() const;

    // The authenticator for sa.conn (PSK lookup etc.).
    Status prepare_auth(const config::Identity& remote);
    Authenticator& auth() { return *auth_; }
    bool has_auth() const noexcept { return auth_ != nullptr; }

    // Our KE value for sa.proposal's group (or `group`: Aggressive Mode
    // sends KE before a proposal is chosen), and a fresh nonce (RFC 2409 §5).
    Status create_dh();
    Status create_dh(uint16_t group);
    Result<Bytes> create_nonce();

    // g^xy from the peer's KE, then SKEYID, SKEYID_d/a/e and Ka (keymat_v1),
    // and the phase-1 cipher with its first IV; stored in the SA.
    // Needs ni, nr, gxi, gxr, cookies and (for PSK) the authenticator.
    Status derive_keys(ByteView peer_ke);

    // HASH_I / HASH_R over what was exchanged (RFC 2409 §5).
    Result<Bytes> hash_i() const;
    Result<Bytes> hash_r() const;

    // The peer's ID payload as an identity, if rightid= allows it (the
    // caller records it once authentication succeeded).
    isakmp::CodecResult<config::Identity> check_peer_id(const isakmp::IdPayload& id) const;

    // Exchanged values, kept for the hashes (public, like the payloads).
    Bytes sai_b;           // the initiator's SA payload body
    Bytes ni, nr;          // nonce bodies
    Bytes gxi, gxr;        // KE bodies
    Bytes idii_b, idir_b;  // ID payload bodies
    std::vector<config::IkeTransform> offered;  // initiator: what we proposed

private:
    IsakmpSa& sa_;
    TaskEnv& env_;
    std::optional<crypto::DhKeyExchange> dh_;
    std::unique_ptr<Authenticator> auth_;
};

}  // namespace ikeoff::ike
