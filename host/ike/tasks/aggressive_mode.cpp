#include "host/ike/tasks/aggressive_mode.hpp"

#include "host/common/log.hpp"
#include "host/ike/tasks/main_mode.hpp"
#include "host/ike/tasks/messages.hpp"
#include "host/ike/tasks/nat_d.hpp"
#include "host/ike/tasks/vendor_id.hpp"

namespace ikeoff::ike {

using isakmp::NotifyType;
using isakmp::PayloadType;

std::unique_ptr<AggressiveMode> AggressiveMode::initiator(IsakmpSa& sa, TaskEnv& env, bool initial_contact) {
    std::unique_ptr<AggressiveMode> am(new AggressiveMode(sa, env));
    am->initial_contact_ = initial_contact;
    sa.aggressive = true;
    return am;
}

std::unique_ptr<AggressiveMode> AggressiveMode::responder(IsakmpSa& sa, TaskEnv& env,
                                                          std::vector<const config::Connection*> candidates) {
    std::unique_ptr<AggressiveMode> am(new AggressiveMode(sa, env));
    am->candidates_ = std::move(candidates);
    sa.aggressive = true;
    return am;
}

isakmp::MessageKind AggressiveMode::kind_of(uint8_t number, isakmp::AuthClass auth) const {
    isakmp::MessageKind k;
    k.exchange = isakmp::ExchangeType::aggressive;
    k.sender = number == 2 ? isakmp::Role::responder : isakmp::Role::initiator;
    k.number = number;
    k.auth = auth;
    return k;
}

Step AggressiveMode::process(const Received& m) {
    switch (state_) {
        case State::init: return sa_.initiator ? Step::reject(NotifyType::none, "not started") : on_am1(m);
        case State::am1_sent: return on_am2(m);
        case State::am2_sent: return on_am3(m);
        case State::done: break;
    }
    return Step::reject(NotifyType::none, "Aggressive Mode is complete");
}

// ---- initiator --------------------------------------------------------------------

Step AggressiveMode::initiate() {
    if (state_ != State::init || !sa_.conn) return Step::fail(NotifyType::none, "Aggressive Mode already started");
    const isakmp::AuthClass cls = auth_class_of(sa_.conn->auth);
    if (cls == isakmp::AuthClass::public_key || cls == isakmp::AuthClass::revised_public_key)
        return Step::fail(NotifyType::none, "Aggressive Mode with public-key encryption is not implemented");
    if (auto st = p1_.prepare_auth(p1_.remote_lookup_identity()); !st.ok())
        return Step::fail(NotifyType::none, st.error().message);
    auto offer = sa_.conn->ike_offer();
    if (offer.empty()) return Step::fail(NotifyType::none, "no IKE proposal to offer");
    // One KE in message 1: only transforms of that group can be chosen.
    group_ = offer.front().dh_group;
    for (const auto& t : offer) {
        if (t.dh_group == group_) p1_.offered.push_back(t);
    }
    isakmp::SaPayload sa = phase1_offer(p1_.offered);
    auto body = isakmp::encode_body(sa);
    if (!body.ok()) return Step::fail(NotifyType::none, body.error().message);
    p1_.sai_b = std::move(*body);
    if (auto st = p1_.create_dh(group_); !st.ok()) return Step::fail(NotifyType::none, st.error().message);
    auto nonce = p1_.create_nonce();
    if (!nonce.ok()) return Step::fail(NotifyType::none, nonce.error().message);
    config::Identity me = p1_.local_identity();
    isakmp::IdPayload id = id_payload_of(me);
    auto id_b = isakmp::encode_body(id);
    if (!id_b.ok()) return Step::fail(NotifyType::none, id_b.error().message);
    p1_.idii_b = std::move(*id_b);
    sa_.local_id = me;

    std::vector<isakmp::Payload> ps;
    ps.emplace_back(std::move(sa));
    ps.emplace_back(isakmp::KePayload{p1_.gxi});
    ps.emplace_back(isakmp::NoncePayload{*nonce});
    ps.emplace_back(std::move(id));
    const isakmp::AuthClass ac = auth_class_of(sa_.conn->auth);
    if (ac == isakmp::AuthClass::signature) {
        for (auto& cr : p1_.auth().cert_requests()) ps.push_back(std::move(cr));
    }
    for (auto& v : initiator_vendor_ids()) ps.push_back(std::move(v));
    auto out = make_message(std::move(ps), kind_of(1, ac), false);
    if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
    state_ = State::am1_sent;
    return Step::more(std::move(*out));
}

Step AggressiveMode::on_am2(const Received& m) {
    const isakmp::AuthClass ac = auth_class_of(sa_.conn->auth);
    auto msg = parse_received(m, kind_of(2, ac));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    const isakmp::SaPayload* sp = msg->find<isakmp::SaPayload>();
    auto policy = Phase1Policy::from(*sa_.conn, env_.config.setup.prefer_configured_proposals);
    auto choice = check_phase1_reply(policy, p1_.offered, phase1_offer_from(*sp));
    if (!choice.ok()) return Step::fail(NotifyType::no_proposal_chosen, choice.error().message);
    const isakmp::Payload* idp = msg->find(PayloadType::id);
    auto peer = p1_.check_peer_id(*idp->get<isakmp::IdPayload>());
    if (!peer.ok()) return Step::fail(peer.error().notify, peer.error().message);

    sa_.proposal = choice->transform;
    p1_.nr = msg->find<isakmp::NoncePayload>()->data;
    p1_.idir_b = idp->raw;
    PeerVendorIds vids = scan_vendor_ids(*msg);
    sa_.nat.version = vids.natt;
    sa_.peer_dpd = vids.dpd;
    if (auto st = p1_.derive_keys(msg->find<isakmp::KePayload>()->data); !st.ok())
        return Step::reject(NotifyType::invalid_key_information, st.error().message);
    auto expected = p1_.hash_r();
    if (!expected.ok()) return Step::fail(NotifyType::none, expected.error().message);
    if (auto v = p1_.auth().verify(*msg, *expected, *peer); !v.ok()) {
        // Keys were derived from a message that does not authenticate:
        // forget them so a genuine answer starts from scratch.
        sa_.keymat.reset();
        sa_.crypto.reset();
        return Step::reject(v.error().notify, v.error().message);
    }
    sa_.remote_id = std::move(*peer);
    if (sa_.nat.version != isakmp::NatTVersion::none) {
        if (auto st = check_nat_d(sa_, sa_.proposal->hash, *msg, m.datagram.local, m.datagram.remote); !st.ok())
            return Step::fail(NotifyType::none, st.error().message);
        // RFC 3947 §4: float before sending the last Aggressive Mode message.
        if (sa_.nat.detected() || sa_.conn->forceencaps) {
            sa_.local.port = kNatTPort;
            sa_.remote.port = kNatTPort;
        }
    }

    auto hash = p1_.hash_i();
    if (!hash.ok()) return Step::fail(NotifyType::none, hash.error().message);
    auto proof = p1_.auth().build(*hash);
    if (!proof.ok()) return Step::fail(NotifyType::none, proof.error().message);
    std::vector<isakmp::Payload> ps = std::move(*proof);
    if (sa_.nat.version != isakmp::NatTVersion::none) {
        auto natd = build_nat_d(sa_, sa_.proposal->hash, sa_.local, sa_.remote, sa_.conn->forceencaps);
        if (!natd.ok()) return Step::fail(NotifyType::none, natd.error().message);
        for (auto& p : *natd) ps.push_back(std::move(p));
    }
    if (initial_contact_) ps.emplace_back(initial_contact_notify(sa_));
    auto out = make_message(std::move(ps), kind_of(3, ac), true);
    if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
    IKEOFF_LOG(1, "ike", sa_.describe() << ": selected " << sa_.proposal->to_string() << " (Aggressive Mode)");
    state_ = State::done;
    return Step::finished(std::move(*out));
}

// ---- responder --------------------------------------------------------------------

Step AggressiveMode::on_am1(const Received& m) {
    // Parse with the signature table (a superset of the PSK one: it also
    // allows CR); the chosen connection's table is applied below.
    auto msg = parse_received(m, kind_of(1, isakmp::AuthClass::signature));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    const isakmp::SaPayload* sp = msg->find<isakmp::SaPayload>();
    const isakmp::KePayload* ke = msg->find<isakmp::KePayload>();
    const isakmp::Payload* idp = msg->find(PayloadType::id);
    const auto offer = phase1_offer_from(*sp);
    CandidateSearch search(env_.config.setup.prefer_configured_proposals);
    for (const config::Connection* c : candidates_) {
        auto choice = search.select(*c, offer);
        if (!choice) continue;
        sa_.conn = c;
        if (!isakmp::validate(*msg, kind_of(1, auth_class_of(c->auth))).ok()) {
            search.reject(*c, "payloads do not fit its authentication");
            sa_.conn = nullptr;
            continue;
        }
        auto peer = p1_.check_peer_id(*idp->get<isakmp::IdPayload>());
        if (!peer.ok()) {
            search.reject(*c, peer.error().message, NotifyType::invalid_id_information);
            sa_.conn = nullptr;
            continue;
        }
        // In Aggressive Mode the peer's identity is known before any key
        // exists, so secrets are looked up by it.
        if (auto st = p1_.prepare_auth(*peer); !st.ok()) {
            search.reject(*c, st.error().message, NotifyType::authentication_failed);
            sa_.conn = nullptr;
            continue;
        }
        auto answer = phase1_answer(*sp, choice->index);
        if (!answer.ok()) return Step::fail(NotifyType::none, answer.error().message);
        sa_.proposal = choice->transform;
        sa_.remote_id = *peer;  // authenticated by message 3
        p1_.sai_b = msg->find(PayloadType::sa)->raw;
        p1_.ni = msg->find<isakmp::NoncePayload>()->data;
        p1_.idii_b = idp->raw;
        PeerVendorIds vids = scan_vendor_ids(*msg);
        sa_.nat.version = vids.natt;
        sa_.peer_dpd = vids.dpd;

        if (auto st = p1_.create_dh(); !st.ok()) return Step::fail(NotifyType::none, st.error().message);
        auto nonce = p1_.create_nonce();
        if (!nonce.ok()) return Step::fail(NotifyType::none, nonce.error().message);
        if (auto st = p1_.derive_keys(ke->data); !st.ok())
            return Step::fail(NotifyType::invalid_key_information, st.error().message, true);
        config::Identity me = p1_.local_identity();
        isakmp::IdPayload id = id_payload_of(me);
        auto id_b = isakmp::encode_body(id);
        if (!id_b.ok()) return Step::fail(NotifyType::none, id_b.error().message);
        p1_.idir_b = std::move(*id_b);
        sa_.local_id = me;
        auto hash = p1_.hash_r();
        if (!hash.ok()) return Step::fail(NotifyType::none, hash.error().message);
        auto proof = p1_.auth().build(*hash);
        if (!proof.ok()) return Step::fail(NotifyType::none, proof.error().message);

        std::vector<isakmp::Payload> ps;
        ps.emplace_back(std::move(*answer));
        ps.emplace_back(isakmp::KePayload{p1_.gxr});
        ps.emplace_back(isakmp::NoncePayload{*nonce});
        ps.emplace_back(std::move(id));
        for (auto& v : responder_vendor_ids(sa_.nat.version)) ps.push_back(std::move(v));
        if (sa_.nat.version != isakmp::NatTVersion::none) {
            auto natd = build_nat_d(sa_, sa_.proposal->hash, m.datagram.local, m.datagram.remote, c->forceencaps);
            if (!natd.ok()) return Step::fail(NotifyType::none, natd.error().message);
            for (auto& p : *natd) ps.push_back(std::move(p));
        }
        if (auth_class_of(c->auth) == isakmp::AuthClass::signature) {
            for (auto& cr : p1_.auth().cert_requests()) ps.push_back(std::move(cr));
        }
        for (auto& p : *proof) ps.push_back(std::move(p));
        auto out = make_message(std::move(ps), kind_of(2, auth_class_of(c->auth)), false);
        if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
        IKEOFF_LOG(1, "ike", sa_.describe() << ": selected " << sa_.proposal->to_string() << " (Aggressive Mode)");
        state_ = State::am2_sent;
        return Step::more(std::move(*out));
    }
    return search.failure(candidates_.empty());
}

Step AggressiveMode::on_am3(const Received& m) {
    auto msg = parse_received(m, kind_of(3, auth_class_of(sa_.conn->auth)));
    if (!msg.ok()) {
        Step s = Step::reject(m.header.encrypted() ? NotifyType::authentication_failed : msg.error().notify,
                              "message 3: " + msg.error().message);
        s.tell_peer = m.header.encrypted();
        return s;
    }
    auto expected = p1_.hash_i();
    if (!expected.ok()) return Step::fail(NotifyType::none, expected.error().message);
    if (auto v = p1_.auth().verify(*msg, *expected, sa_.remote_id); !v.ok()) {
        Step s = Step::reject(v.error().notify, v.error().message);
        s.tell_peer = true;
        return s;
    }
    if (sa_.nat.version != isakmp::NatTVersion::none) {
        if (auto st = check_nat_d(sa_, sa_.proposal->hash, *msg, m.datagram.local, m.datagram.remote); !st.ok())
            return Step::fail(NotifyType::none, st.error().message);
    }
    if (auto rejected = take_initial_contact(*msg, sa_)) return std::move(*rejected);
    state_ = State::done;
    return Step::finished();
}

}  // namespace ikeoff::ike
