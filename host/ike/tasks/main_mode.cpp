#include "host/ike/tasks/main_mode.hpp"

#include "host/common/log.hpp"
#include "host/ike/auth/pubkey_encryption.hpp"
#include "host/ike/tasks/messages.hpp"
#include "host/ike/tasks/nat_d.hpp"
#include "host/ike/tasks/vendor_id.hpp"

namespace ikeoff::ike {

using isakmp::NotifyType;
using isakmp::PayloadType;

isakmp::AuthClass auth_class_of(config::AuthMethod m) {
    switch (m) {
        case config::AuthMethod::psk: return isakmp::AuthClass::pre_shared_key;
        case config::AuthMethod::rsa_sig:
        case config::AuthMethod::dss_sig: return isakmp::AuthClass::signature;
        case config::AuthMethod::rsa_enc: return isakmp::AuthClass::public_key;
        case config::AuthMethod::rsa_enc_revised: return isakmp::AuthClass::revised_public_key;
    }
    return isakmp::AuthClass::pre_shared_key;
}

std::unique_ptr<MainMode> MainMode::initiator(IsakmpSa& sa, TaskEnv& env, bool initial_contact) {
    std::unique_ptr<MainMode> mm(new MainMode(sa, env));
    mm->initial_contact_ = initial_contact;
    return mm;
}

std::unique_ptr<MainMode> MainMode::responder(IsakmpSa& sa, TaskEnv& env,
                                              std::vector<const config::Connection*> candidates) {
    std::unique_ptr<MainMode> mm(new MainMode(sa, env));
    mm->candidates_ = std::move(candidates);
    return mm;
}

isakmp::MessageKind MainMode::kind_of(uint8_t number) const {
    isakmp::MessageKind k;
    k.exchange = isakmp::ExchangeType::identity_protection;
    k.sender = number % 2 ? isakmp::Role::initiator : isakmp::Role::responder;
    k.number = number;
    if (sa_.conn) k.auth = auth_class_of(sa_.conn->auth);
    return k;
}

bool MainMode::pke() const {
    const isakmp::AuthClass c = sa_.conn ? auth_class_of(sa_.conn->auth) : isakmp::AuthClass::pre_shared_key;
    return c == isakmp::AuthClass::public_key || c == isakmp::AuthClass::revised_public_key;
}

bool MainMode::revised() const {
    return sa_.conn && sa_.conn->auth == config::AuthMethod::rsa_enc_revised;
}

RevisedCipher MainMode::revised_cipher() const {
    RevisedCipher rc;
    rc.prf = sa_.proposal->prf;
    rc.alg = cipher_alg(sa_.proposal->cipher);
    rc.key_len = sa_.proposal->key_bits / 8;
    rc.allow_weak = sa_.conn->weakalgs;
    return rc;
}

// ---- initiator --------------------------------------------------------------------

Step MainMode::initiate() {
    if (state_ != State::init || !sa_.conn) return Step::fail(NotifyType::none, "Main Mode already started");
    // Credentials first: no point in a key exchange we cannot authenticate.
    if (auto st = p1_.prepare_auth(p1_.remote_lookup_identity()); !st.ok())
        return Step::fail(NotifyType::none, st.error().message);
    p1_.offered = sa_.conn->ike_offer();
    if (p1_.offered.empty()) return Step::fail(NotifyType::none, "no IKE proposal to offer");
    isakmp::SaPayload sa = phase1_offer(p1_.offered);
    auto body = isakmp::encode_body(sa);
    if (!body.ok()) return Step::fail(NotifyType::none, body.error().message);
    p1_.sai_b = std::move(*body);  // RFC 2409 §5: SAi_b is what we send, byte for byte
    std::vector<isakmp::Payload> ps{isakmp::Payload(std::move(sa))};
    for (auto& v : initiator_vendor_ids()) ps.push_back(std::move(v));
    auto out = make_message(std::move(ps), kind_of(1), false);
    if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
    state_ = State::sa_sent;
    return Step::more(std::move(*out));
}

Step MainMode::process(const Received& m) {
    switch (state_) {
        case State::init: return sa_.initiator ? Step::reject(NotifyType::none, "not started") : on_mm1(m);
        case State::sa_sent: return on_mm2(m);
        case State::ke_sent: return on_mm4(m);
        case State::auth_sent: return on_mm6(m);
        case State::sa_answered: return on_mm3(m);
        case State::ke_answered: return on_mm5(m);
        case State::done: break;
    }
    return Step::reject(NotifyType::none, "Main Mode is complete");
}

Result<std::vector<isakmp::Payload>> MainMode::ke_nonce_natd(ByteView nonce, const Endpoint& local,
                                                              const Endpoint& remote) {
    std::vector<isakmp::Payload> ps;
    ByteView ke = sa_.initiator ? ByteView(p1_.gxi) : ByteView(p1_.gxr);
    if (pke()) {
        // RFC 2409 §5.2/§5.3: our identity travels now, encrypted.
        config::Identity me = p1_.local_identity();
        isakmp::IdPayload id = id_payload_of(me);
        IKEOFF_ASSIGN(Bytes id_b, isakmp::encode_body(id));
        (sa_.initiator ? p1_.idii_b : p1_.idir_b) = std::move(id_b);
        sa_.local_id = me;
        ByteView cookie = sa_.initiator ? ByteView(sa_.cky_i) : ByteView(sa_.cky_r);
        IKEOFF_ASSIGN(ps, pke_payloads(p1_.auth(), revised(), revised_cipher(), cookie, nonce, ke, id));
    } else {
        ps.emplace_back(isakmp::KePayload{Bytes(ke.begin(), ke.end())});
        ps.emplace_back(isakmp::NoncePayload{Bytes(nonce.begin(), nonce.end())});
    }
    if (auth_class_of(sa_.conn->auth) == isakmp::AuthClass::signature) {
        for (auto& cr : p1_.auth().cert_requests()) ps.push_back(std::move(cr));
    }
    if (sa_.nat.version != isakmp::NatTVersion::none) {
        IKEOFF_ASSIGN(auto natd, build_nat_d(sa_, sa_.proposal->hash, local, remote, sa_.conn->forceencaps));
        for (auto& p : natd) ps.push_back(std::move(p));
    }
    return ps;
}

Step MainMode::on_mm2(const Received& m) {
    auto msg = parse_received(m, kind_of(2));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    const isakmp::SaPayload* sp = msg->find<isakmp::SaPayload>();
    auto policy = Phase1Policy::from(*sa_.conn, env_.config.setup.prefer_configured_proposals);
    auto choice = check_phase1_reply(policy, p1_.offered, phase1_offer_from(*sp));
    if (!choice.ok()) return Step::fail(NotifyType::no_proposal_chosen, choice.error().message);
    sa_.proposal = choice->transform;
    PeerVendorIds vids = scan_vendor_ids(*msg);
    sa_.nat.version = vids.natt;  // we offered every version; the answer is the one
    sa_.peer_dpd = vids.dpd;
    if (auto st = p1_.create_dh(); !st.ok()) return Step::fail(NotifyType::none, st.error().message);
    auto nonce = p1_.create_nonce();
    if (!nonce.ok()) return Step::fail(NotifyType::none, nonce.error().message);
    auto ps = ke_nonce_natd(*nonce, sa_.local, sa_.remote);
    if (!ps.ok()) return Step::fail(NotifyType::none, ps.error().message);
    auto out = make_message(std::move(*ps), kind_of(3), false);
    if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
    IKEOFF_LOG(1, "ike", sa_.describe() << ": selected " << sa_.proposal->to_string()
                                        << (sa_.nat.version != isakmp::NatTVersion::none ? ", NAT-T" : ""));
    state_ = State::ke_sent;
    return Step::more(std::move(*out));
}

Step MainMode::on_mm4(const Received& m) {
    auto msg = parse_received(m, kind_of(4));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    Bytes peer_ke;
    if (pke()) {
        auto opened = open_pke_payloads(p1_.auth(), revised(), revised_cipher(), sa_.cky_r, *msg);
        if (!opened.ok()) return Step::reject(opened.error().notify, opened.error().message);
        auto peer = p1_.check_peer_id(opened->id);
        if (!peer.ok()) return Step::reject(peer.error().notify, peer.error().message);
        peer_id_ = std::move(*peer);
        p1_.nr = std::move(opened->nonce);
        p1_.idir_b = std::move(opened->id_b);
        peer_ke = std::move(opened->ke);
    } else {
        peer_ke = msg->find<isakmp::KePayload>()->data;
        p1_.nr = msg->find<isakmp::NoncePayload>()->data;
    }
    if (sa_.nat.version != isakmp::NatTVersion::none) {
        if (auto st = check_nat_d(sa_, sa_.proposal->hash, *msg, m.datagram.local, m.datagram.remote); !st.ok())
            return Step::fail(NotifyType::none, st.error().message);
    }
    if (auto st = p1_.derive_keys(peer_ke); !st.ok())
        return Step::reject(NotifyType::invalid_key_information, st.error().message);
    // RFC 3947 §4: "the initiator MUST change ports when sending the ID
    // payload if there is NAT between the hosts".
    if (sa_.nat.version != isakmp::NatTVersion::none && (sa_.nat.detected() || sa_.conn->forceencaps)) {
        sa_.local.port = kNatTPort;
        sa_.remote.port = kNatTPort;
    }
    auto out = auth_message(5);
    if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
    state_ = State::auth_sent;
    return Step::more(std::move(*out));
}

Step MainMode::on_mm6(const Received& m) {
    auto msg = parse_received(m, kind_of(6));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    isakmp::CodecResult<config::Identity> peer = isakmp::CodecError{NotifyType::none, ""};
    if (pke()) {
        peer = *peer_id_;  // decrypted from message 4
    } else {
        const isakmp::Payload* idp = msg->find(PayloadType::id);
        peer = p1_.check_peer_id(*idp->get<isakmp::IdPayload>());
        if (!peer.ok()) return Step::reject(peer.error().notify, peer.error().message);
        p1_.idir_b = idp->raw;
    }
    auto expected = p1_.hash_r();
    if (!expected.ok()) return Step::fail(NotifyType::none, expected.error().message);
    if (auto v = p1_.auth().verify(*msg, *expected, *peer); !v.ok())
        return Step::reject(v.error().notify, v.error().message);
    sa_.remote_id = std::move(*peer);
    state_ = State::done;
    return Step::finished();
}

// Message 5 or 6: our identity and its proof, encrypted.
Result<OutMessage> MainMode::auth_message(uint8_t number) {
    std::vector<isakmp::Payload> ps;
    if (!pke()) {  // public-key encryption sent the ID in message 3/4
        config::Identity me = p1_.local_identity();
        isakmp::IdPayload id = id_payload_of(me);
        IKEOFF_ASSIGN(Bytes id_b, isakmp::encode_body(id));
        (sa_.initiator ? p1_.idii_b : p1_.idir_b) = std::move(id_b);
        sa_.local_id = me;
        ps.emplace_back(std::move(id));
    }
    IKEOFF_ASSIGN(Bytes hash, sa_.initiator ? p1_.hash_i() : p1_.hash_r());
    IKEOFF_ASSIGN(auto proof, p1_.auth().build(hash));
    for (auto& p : proof) ps.push_back(std::move(p));
    if (sa_.initiator && initial_contact_) ps.emplace_back(initial_contact_notify(sa_));
    return make_message(std::move(ps), kind_of(number), true);
}

// ---- responder --------------------------------------------------------------------

Step MainMode::on_mm1(const Received& m) {
    // Parse with the PSK table: messages 1 and 2 are the same for every
    // authentication method.
    auto msg = parse_received(m, kind_of(1));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    const isakmp::SaPayload* sp = msg->find<isakmp::SaPayload>();
    const auto offer = phase1_offer_from(*sp);
    CandidateSearch search(env_.config.setup.prefer_configured_proposals);
    for (const config::Connection* c : candidates_) {
        auto choice = search.select(*c, offer);
        if (!choice) continue;
        sa_.conn = c;
        if (auto st = p1_.prepare_auth(p1_.remote_lookup_identity()); !st.ok()) {
            sa_.conn = nullptr;
            search.reject(*c, st.error().message, NotifyType::authentication_failed);
            continue;
        }
        auto answer = phase1_answer(*sp, choice->index);
        if (!answer.ok()) return Step::fail(NotifyType::none, answer.error().message);
        sa_.proposal = choice->transform;
        p1_.sai_b = msg->find(PayloadType::sa)->raw;
        PeerVendorIds vids = scan_vendor_ids(*msg);
        sa_.nat.version = vids.natt;
        sa_.peer_dpd = vids.dpd;
        std::vector<isakmp::Payload> ps{isakmp::Payload(std::move(*answer))};
        for (auto& v : responder_vendor_ids(sa_.nat.version)) ps.push_back(std::move(v));
        auto out = make_message(std::move(ps), kind_of(2), false);
        if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
        IKEOFF_LOG(1, "ike", sa_.describe() << ": selected " << sa_.proposal->to_string());
        state_ = State::sa_answered;
        return Step::more(std::move(*out));
    }
    return search.failure(candidates_.empty());
}

Step MainMode::on_mm3(const Received& m) {
    auto msg = parse_received(m, kind_of(3));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    Bytes peer_ke;
    if (pke()) {
        auto opened = open_pke_payloads(p1_.auth(), revised(), revised_cipher(), sa_.cky_i, *msg);
        if (!opened.ok()) return Step::reject(opened.error().notify, opened.error().message);
        auto peer = p1_.check_peer_id(opened->id);
        if (!peer.ok()) return Step::reject(peer.error().notify, peer.error().message);
        peer_id_ = std::move(*peer);
        p1_.ni = std::move(opened->nonce);
        p1_.idii_b = std::move(opened->id_b);
        peer_ke = std::move(opened->ke);
    } else {
        peer_ke = msg->find<isakmp::KePayload>()->data;
        p1_.ni = msg->find<isakmp::NoncePayload>()->data;
    }
    if (sa_.nat.version != isakmp::NatTVersion::none) {
        if (auto st = check_nat_d(sa_, sa_.proposal->hash, *msg, m.datagram.local, m.datagram.remote); !st.ok())
            return Step::fail(NotifyType::none, st.error().message);
    }
    if (auto st = p1_.create_dh(); !st.ok()) return Step::fail(NotifyType::none, st.error().message);
    auto our_nonce = p1_.create_nonce();
    if (!our_nonce.ok()) return Step::fail(NotifyType::none, our_nonce.error().message);
    if (auto st = p1_.derive_keys(peer_ke); !st.ok())
        return Step::reject(NotifyType::invalid_key_information, st.error().message);
    auto ps = ke_nonce_natd(*our_nonce, m.datagram.local, m.datagram.remote);
    if (!ps.ok()) return Step::fail(NotifyType::none, ps.error().message);
    auto out = make_message(std::move(*ps), kind_of(4), false);
    if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
    state_ = State::ke_answered;
    return Step::more(std::move(*out));
}

Step MainMode::on_mm5(const Received& m) {
    auto msg = parse_received(m, kind_of(5));
    if (!msg.ok()) {
        // The first encrypted message: garbage after decryption almost
        // always means the peer derived other keys (another pre-shared
        // key). Discard it and say so (RFC 2408 §5 lets us notify).
        Step s = Step::reject(NotifyType::authentication_failed,
                              "message 5 does not parse after decryption (keys differ?): " + msg.error().message);
        s.tell_peer = m.header.encrypted();
        return s;
    }
    isakmp::CodecResult<config::Identity> peer = isakmp::CodecError{NotifyType::none, ""};
    if (pke()) {
        peer = *peer_id_;  // decrypted from message 3
    } else {
        const isakmp::Payload* idp = msg->find(PayloadType::id);
        peer = p1_.check_peer_id(*idp->get<isakmp::IdPayload>());
        if (!peer.ok()) {
            Step s = Step::reject(peer.error().notify, peer.error().message);
            s.tell_peer = true;
            return s;
        }
        p1_.idii_b = idp->raw;
    }
    auto expected = p1_.hash_i();
    if (!expected.ok()) return Step::fail(NotifyType::none, expected.error().message);
    if (auto v = p1_.auth().verify(*msg, *expected, *peer); !v.ok()) {
        // RFC 2408 §5.12: discard the message; we may tell the peer.
        Step s = Step::reject(v.error().notify, v.error().message);
        s.tell_peer = true;
        return s;
    }
    if (auto rejected = take_initial_contact(*msg, sa_)) return std::move(*rejected);
    sa_.remote_id = std::move(*peer);
    auto out = auth_message(6);
    if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
    state_ = State::done;
    return Step::finished(std::move(*out));
}

}  // namespace ikeoff::ike
