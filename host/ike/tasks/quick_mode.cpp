#include "host/ike/tasks/quick_mode.hpp"

#include "host/common/log.hpp"
#include "host/crypto/rng.hpp"
#include "host/ike/tasks/messages.hpp"
#include "host/ike/tasks/new_group_mode.hpp"
#include "host/isakmp/natt.hpp"

namespace ikeoff::ike {

using isakmp::NotifyType;
using isakmp::PayloadType;

namespace {

Bytes be32_bytes(uint32_t v) {
    Bytes b(4);
    store_be32(b.data(), v);
    return b;
}

isakmp::MessageKind qm_kind(uint8_t number) {
    isakmp::MessageKind k;
    k.exchange = isakmp::ExchangeType::quick;
    k.sender = number == 2 ? isakmp::Role::responder : isakmp::Role::initiator;
    k.number = number;
    return k;
}

void add_nat_oa(std::vector<isakmp::Payload>& ps, isakmp::NatTVersion v, const IpAddress& oai,
                const IpAddress& oar) {
    const isakmp::PayloadType t = isakmp::natoa_payload_type(v);
    if (oai.empty() || oar.empty()) return;
    ps.emplace_back(t, isakmp::NatOaPayload::of(oai));
    ps.emplace_back(t, isakmp::NatOaPayload::of(oar));
}

std::string choice_text(const Phase2Choice& c) {
    std::string s;
    for (const auto& p : c.protocols) s += (s.empty() ? "" : "+") + p.transform.to_string();
    return s;
}

}  // namespace

std::unique_ptr<QuickMode> QuickMode::initiator(IsakmpSa& sa, TaskEnv& env, const config::Connection& conn,
                                                uint32_t mid) {
    std::unique_ptr<QuickMode> qm(new QuickMode(sa, env, mid, true));
    qm->conn_ = &conn;
    return qm;
}

std::unique_ptr<QuickMode> QuickMode::responder(IsakmpSa& sa, TaskEnv& env, uint32_t mid,
                                                std::vector<const config::Connection*> candidates) {
    std::unique_ptr<QuickMode> qm(new QuickMode(sa, env, mid, false));
    qm->candidates_ = std::move(candidates);
    return qm;
}

bool QuickMode::udp_encap() const {
    const bool forced = sa_.conn && sa_.conn->forceencaps;
    return sa_.nat.version != isakmp::NatTVersion::none && (sa_.nat.detected() || forced);
}

Phase2Policy QuickMode::policy_for(const config::Connection& c) const {
    Phase2Policy p = Phase2Policy::from(c, sa_.proposal ? sa_.proposal->dh_group : 0, udp_encap(),
                                        env_.config.setup.prefer_configured_proposals);
    // A private group agreed by New Group Mode on this SA replaces the
    // configured PFS group (tasks/new_group_mode.hpp).
    p.pfs_group = pfs_group_on(sa_, p.pfs_group);
    return p;
}

isakmp::CodecStatus QuickMode::check_hash(const isakmp::Message& msg, const Result<Bytes>& expected) const {
    ISAKMP_ENSURE(expected.ok(), NotifyType::none, expected.ok() ? std::string() : expected.error().message);
    const isakmp::HashPayload* h = msg.find<isakmp::HashPayload>();
    ISAKMP_ENSURE(h != nullptr, NotifyType::payload_malformed, "no HASH payload");
    // RFC 2408 §5.12: a HASH that does not verify means the message is
    // discarded (INVALID-HASH-INFORMATION); compared in constant time.
    ISAKMP_ENSURE(h->data.size() == expected->size() && ct_equal(h->data, *expected),
                  NotifyType::invalid_hash_information, "Quick Mode HASH does not verify");
    return {};
}

Status QuickMode::derive_pfs(ByteView peer_ke) {
    IKEOFF_ENSURE(dh_.has_value(), Errc::internal, "PFS without a DH key");
    IKEOFF_ASSIGN(gxy_, dh_->derive(peer_ke));
    dh_.reset();
    return {};
}

Status QuickMode::finish_keys() {
    const Phase2Choice& c = *choice_;
    Phase2Keys k;
    k.sa = &sa_;
    k.conn = conn_;
    k.choice = &c;
    for (std::size_t i = 0; i < c.protocols.size(); ++i) {
        if (initiator_) {
            // Our SPIs follow the protocols we offered.
            std::size_t at = 0;
            while (at < offered_protocols_.size() && offered_protocols_[at] != c.protocols[i].protocol) ++at;
            IKEOFF_ENSURE(at < our_spis_.size(), Errc::internal, "no SPI for the chosen protocol");
            k.our_spis.push_back(our_spis_[at]);
        } else {
            k.our_spis.push_back(our_spis_[i]);
        }
    }
    if (!gxy_.empty()) k.gxy = ByteView(gxy_);
    k.ni_b = ni_;
    k.nr_b = nr_;
    k.selector = selector_;
    IKEOFF_ASSIGN(auto sas, build_child_sas(k));
    QuickModeResult r;
    r.conn = conn_;
    r.sas = std::move(sas);
    r.pfs_group = c.pfs_group;
    r.lifetime_s = c.lifetime_s;
    r.lifetime_kb = c.lifetime_kb;
    r.proposal = choice_text(c);
    result_.emplace(std::move(r));
    gxy_.clear();
    return {};
}

Step QuickMode::process(const Received& m) {
    switch (state_) {
        case State::init:
            if (!initiator_) return on_qm1(m);
            break;
        case State::qm1_sent: return on_qm2(m);
        case State::qm2_sent: return on_qm3(m);
        case State::awaiting_connected:  // CONNECTED comes in an Informational
        case State::done: break;
    }
    return Step::reject(NotifyType::none, "unexpected Quick Mode message");
}

// ---- initiator --------------------------------------------------------------------

Step QuickMode::initiate() {
    if (state_ != State::init || !conn_ || !sa_.has_keys() || !sa_.proposal)
        return Step::fail(NotifyType::none, "Quick Mode needs an established ISAKMP SA");
    const config::Connection& c = *conn_;
    const uint16_t g1 = sa_.proposal->dh_group;
    const Phase2Policy pol = policy_for(c);
    const auto encap = static_cast<uint16_t>(
        isakmp::encapsulation_mode(c.mode == ipsec::Mode::tunnel, pol.udp_encap, sa_.nat.version));

    isakmp::SaPayload sa;
    auto add = [&](ipsec::Protocol p, const std::vector<config::ChildTransform>& ts) -> Status {
        if (ts.empty()) return {};
        IKEOFF_ASSIGN(uint32_t spi, env_.sas.allocate_spi(p));
        isakmp::Proposal pr;
        pr.number = 1;  // ESP and AH share the number: one AND-bundle (RFC 2408 §4.2)
        pr.protocol = protocol_id_of(p);
        pr.spi = be32_bytes(spi);
        for (std::size_t i = 0; i < ts.size() && i < 255; ++i)
            pr.transforms.push_back(
                encode_phase2_transform(with_pfs_group(ts[i], pol.pfs_group), static_cast<uint8_t>(i + 1), encap,
                                        pol.lifetime_s, pol.lifetime_kb));
        our_spis_.push_back(spi);
        offered_protocols_.push_back(p);
        sa.proposals.push_back(std::move(pr));
        return {};
    };
    if (auto st = add(ipsec::Protocol::esp, c.esp_offer(g1)); !st.ok()) return Step::fail(NotifyType::none, st.error().message);
    if (auto st = add(ipsec::Protocol::ah, c.ah_offer(g1)); !st.ok()) return Step::fail(NotifyType::none, st.error().message);
    if (sa.proposals.empty()) return Step::fail(NotifyType::none, "no ESP or AH proposal to offer");

    auto nonce = crypto::rng::public_bytes(env_.tuning.nonce_size);
    if (!nonce.ok()) return Step::fail(NotifyType::none, nonce.error().message);
    ni_ = std::move(*nonce);

    std::vector<isakmp::Payload> ps;
    ps.emplace_back(std::move(sa));
    ps.emplace_back(isakmp::NoncePayload{ni_});
    if (const uint16_t pfs = pol.pfs_group; pfs != 0) {
        auto g = dh_group_for(sa_, pfs);
        if (!g.ok()) return Step::fail(NotifyType::none, g.error().message);
        auto dh = crypto::DhKeyExchange::generate(*g);
        if (!dh.ok()) return Step::fail(NotifyType::none, dh.error().message);
        dh_.emplace(std::move(*dh));
        ps.emplace_back(isakmp::KePayload{Bytes(dh_->public_value().begin(), dh_->public_value().end())});
    }
    auto tss = c.traffic_selectors(sa_.local.addr, sa_.remote.addr);
    if (tss.empty()) return Step::fail(NotifyType::none, "no traffic selector for these addresses");
    selector_ = tss.front();
    auto ci = id_payload_for(selector_.local, selector_.protocol, selector_.local_ports);
    auto cr = id_payload_for(selector_.remote, selector_.protocol, selector_.remote_ports);
    if (!ci.ok() || !cr.ok()) return Step::fail(NotifyType::none, "cannot express the traffic selector as IDs");
    idci_ = *ci;
    idcr_ = *cr;
    ps.emplace_back(*ci);
    ps.emplace_back(*cr);
    // RFC 3947 §5.2: UDP-encapsulated transport mode carries the original
    // addresses (ours, then the peer's as we know it) for checksum fixups.
    if (c.mode == ipsec::Mode::transport && pol.udp_encap) add_nat_oa(ps, sa_.nat.version, sa_.local.addr, sa_.remote.addr);

    const std::size_t hsize = crypto::hash_size(sa_.keymat->prf());
    auto out = make_hashed_message(std::move(ps), qm_kind(1), hsize,
                                   [this](ByteView rest) { return sa_.keymat->qm_hash1(mid_, rest); });
    if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
    if (env_.tuning.request_commit) {
        we_commit_ = true;
        out->flags |= isakmp::kFlagCommit;
    }
    state_ = State::qm1_sent;
    return Step::more(std::move(*out));
}

Step QuickMode::on_qm2(const Received& m) {
    auto msg = parse_received(m, qm_kind(2));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    if (auto h = check_hash(*msg, sa_.keymat->qm_hash2(mid_, ni_, msg->after(0))); !h.ok())
        return Step::reject(h.error().notify, h.error().message);

    const isakmp::SaPayload* sp = msg->find<isakmp::SaPayload>();
    auto ch = check_phase2_reply(policy_for(*conn_), phase2_offer_from(*sp));
    if (!ch.ok()) return Step::fail(NotifyType::no_proposal_chosen, ch.error().message);
    nr_ = msg->find<isakmp::NoncePayload>()->data;
    const isakmp::KePayload* ke = msg->find<isakmp::KePayload>();
    if (ch->pfs_group != 0) {
        if (!ke) return Step::fail(NotifyType::invalid_key_information, "PFS negotiated but no KE payload");
        if (auto st = derive_pfs(ke->data); !st.ok())
            return Step::fail(NotifyType::invalid_key_information, st.error().message);
    } else if (ke) {
        return Step::fail(NotifyType::invalid_payload_type, "KE payload without PFS");
    }
    auto ids = msg->all<isakmp::IdPayload>();
    // RFC 2409 §5.5: the responder returns the identities it was given.
    if (ids.size() == 2 && (!(*ids[0] == *idci_) || !(*ids[1] == *idcr_)))
        return Step::fail(NotifyType::invalid_id_information,
                          "responder changed the IDs to " + ids[0]->to_string() + " / " + ids[1]->to_string());
    for (const isakmp::Payload& p : msg->payloads) {
        const isakmp::NotifyPayload* n = p.get<isakmp::NotifyPayload>();
        if (!n || n->type != NotifyType::responder_lifetime) continue;
        auto lt = parse_responder_lifetime(n->data);
        if (!lt.ok()) continue;  // a malformed hint: keep our values
        // RFC 2407 §4.6.3.1: the responder's (shorter) lifetime applies.
        if (lt->seconds && *lt->seconds < ch->lifetime_s) ch->lifetime_s = static_cast<uint32_t>(*lt->seconds);
        if (lt->kilobytes && (ch->lifetime_kb == 0 || *lt->kilobytes < ch->lifetime_kb))
            ch->lifetime_kb = *lt->kilobytes;
    }
    choice_ = std::move(*ch);
    if (auto st = finish_keys(); !st.ok()) return Step::fail(NotifyType::none, st.error().message);

    auto h3 = sa_.keymat->qm_hash3(mid_, ni_, nr_);
    if (!h3.ok()) return Step::fail(NotifyType::none, h3.error().message);
    auto out = make_message({isakmp::Payload(isakmp::HashPayload{std::move(*h3)})}, qm_kind(3), true);
    if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
    IKEOFF_LOG(1, "ike", sa_.describe() << ": Quick Mode " << conn_->name << " negotiated " << result_->proposal);
    peer_commit_ |= m.header.commit();
    if (we_commit_) {
        out->flags |= isakmp::kFlagCommit;
        result_->send_connected = true;
    }
    if (peer_commit_ && !we_commit_) {
        // QM3 is resent until the responder's CONNECTED arrives.
        state_ = State::awaiting_connected;
        return Step::more(std::move(*out));
    }
    state_ = State::done;
    return Step::finished(std::move(*out));
}

// ---- responder --------------------------------------------------------------------

Result<isakmp::SaPayload> QuickMode::answer_sa(const isakmp::SaPayload& offered, const Phase2Choice& c) const {
    isakmp::SaPayload out;
    out.doi = offered.doi;
    out.situation = offered.situation;
    std::size_t group = 0;
    for (std::size_t i = 0; i < offered.proposals.size(); ++i) {
        const isakmp::Proposal& p = offered.proposals[i];
        if (i > 0 && p.number != offered.proposals[i - 1].number) ++group;
        if (group != c.proposal_index) continue;
        const ipsec::Protocol proto = p.protocol == isakmp::ProtocolId::ah ? ipsec::Protocol::ah : ipsec::Protocol::esp;
        std::size_t at = 0;
        while (at < c.protocols.size() && c.protocols[at].protocol != proto) ++at;
        IKEOFF_ENSURE(at < c.protocols.size() && c.protocols[at].transform_index < p.transforms.size(),
                      Errc::internal, "chosen transform not in the offer");
        isakmp::Proposal r;
        r.number = p.number;
        r.protocol = p.protocol;
        r.spi = be32_bytes(our_spis_[at]);
        // RFC 2408 §4.2: the accepted transform goes back as offered.
        r.transforms.push_back(p.transforms[c.protocols[at].transform_index]);
        out.proposals.push_back(std::move(r));
    }
    IKEOFF_ENSURE(!out.proposals.empty(), Errc::internal, "chosen proposal not in the offer");
    return out;
}

Step QuickMode::on_qm1(const Received& m) {
    auto msg = parse_received(m, qm_kind(1));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    if (auto h = check_hash(*msg, sa_.keymat->qm_hash1(mid_, msg->after(0))); !h.ok())
        return Step::reject(h.error().notify, h.error().message);
    peer_commit_ = m.header.commit();
    ni_ = msg->find<isakmp::NoncePayload>()->data;

    // The selector the initiator asks for, in our terms.
    auto ids = msg->all<isakmp::IdPayload>();
    if (ids.size() == 2) {
        auto ci = selector_side_of(*ids[0]);
        auto cr = selector_side_of(*ids[1]);
        if (!ci.ok() || !cr.ok())
            return Step::fail(NotifyType::invalid_id_information,
                              (!ci.ok() ? ci.error().message : cr.error().message), true);
        if (ci->protocol != cr->protocol)
            return Step::fail(NotifyType::invalid_id_information, "IDci and IDcr name different protocols", true);
        selector_.remote = ci->prefix;
        selector_.remote_ports = ci->ports;
        selector_.local = cr->prefix;
        selector_.local_ports = cr->ports;
        selector_.protocol = ci->protocol;
        idci_ = *ids[0];
        idcr_ = *ids[1];
    } else {
        // RFC 2409 §5.5: without IDs the SA protects the ISAKMP peers' traffic.
        selector_.local = ipsec::IpPrefix::host(sa_.local.addr);
        selector_.remote = ipsec::IpPrefix::host(sa_.remote.addr);
    }

    const isakmp::SaPayload* sp = msg->find<isakmp::SaPayload>();
    const auto offer = phase2_offer_from(*sp);
    std::string why;
    bool ts_matched = false;
    for (const config::Connection* c : candidates_) {
        bool fits = false;
        for (const auto& ts : c->traffic_selectors(sa_.local.addr, sa_.remote.addr)) fits |= covers(ts, selector_);
        if (!fits) continue;
        ts_matched = true;
        auto ch = select_phase2(policy_for(*c), offer);
        if (!ch.ok()) {
            why += (why.empty() ? "" : "; ") + ("conn '" + c->name + "': " + ch.error().message);
            continue;
        }
        conn_ = c;
        choice_ = std::move(*ch);
        break;
    }
    if (!ts_matched)
        return Step::fail(NotifyType::invalid_id_information,
                          "no connection covers " + selector_.to_string(), true);
    if (!choice_) return Step::fail(NotifyType::no_proposal_chosen, why, true);

    std::vector<isakmp::Payload> ps;
    const isakmp::KePayload* ke = msg->find<isakmp::KePayload>();
    if (choice_->pfs_group != 0) {
        if (!ke) return Step::fail(NotifyType::invalid_key_information, "PFS required but no KE payload", true);
        auto g = dh_group_for(sa_, choice_->pfs_group);
        if (!g.ok()) return Step::fail(NotifyType::none, g.error().message);
        auto dh = crypto::DhKeyExchange::generate(*g);
        if (!dh.ok()) return Step::fail(NotifyType::none, dh.error().message);
        dh_.emplace(std::move(*dh));
        Bytes ours(dh_->public_value().begin(), dh_->public_value().end());
        if (auto st = derive_pfs(ke->data); !st.ok())
            return Step::fail(NotifyType::invalid_key_information, st.error().message, true);
        ps.emplace_back(isakmp::KePayload{std::move(ours)});
    } else if (ke) {
        return Step::fail(NotifyType::invalid_payload_type, "KE payload but no PFS group proposed", true);
    }
    for (const auto& pc : choice_->protocols) {
        auto spi = env_.sas.allocate_spi(pc.protocol);
        if (!spi.ok()) return Step::fail(NotifyType::none, spi.error().message);
        our_spis_.push_back(*spi);
    }
    auto answer = answer_sa(*sp, *choice_);
    if (!answer.ok()) return Step::fail(NotifyType::none, answer.error().message);
    auto nonce = crypto::rng::public_bytes(env_.tuning.nonce_size);
    if (!nonce.ok()) return Step::fail(NotifyType::none, nonce.error().message);
    nr_ = std::move(*nonce);
    ps.emplace_back(std::move(*answer));
    ps.emplace_back(isakmp::NoncePayload{nr_});
    if (idci_) {
        ps.emplace_back(*idci_);
        ps.emplace_back(*idcr_);
    }
    // RFC 3947 §5.2: the responder answers with the initiator's address as
    // seen here (NAT-OAi) and its own (NAT-OAr).
    if (choice_->mode == ipsec::Mode::transport && choice_->udp_encap)
        add_nat_oa(ps, sa_.nat.version, sa_.remote.addr, sa_.local.addr);
    if (choice_->responder_lifetime_s || choice_->responder_lifetime_kb) {
        auto data = responder_lifetime_data(choice_->responder_lifetime_s, choice_->responder_lifetime_kb);
        if (data.ok()) {
            const auto& first = choice_->protocols.front();
            isakmp::NotifyPayload n;
            n.protocol = protocol_id_of(first.protocol);
            n.type = NotifyType::responder_lifetime;
            n.spi = first.peer_spi;
            n.data = std::move(*data);
            ps.emplace_back(std::move(n));
        }
    }
    const std::size_t hsize = crypto::hash_size(sa_.keymat->prf());
    auto out = make_hashed_message(std::move(ps), qm_kind(2), hsize,
                                   [this](ByteView rest) { return sa_.keymat->qm_hash2(mid_, ni_, rest); });
    if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
    if (auto st = finish_keys(); !st.ok()) return Step::fail(NotifyType::none, st.error().message);
    state_ = State::qm2_sent;
    return Step::more(std::move(*out));
}

Step QuickMode::on_qm3(const Received& m) {
    auto msg = parse_received(m, qm_kind(3));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    if (auto h = check_hash(*msg, sa_.keymat->qm_hash3(mid_, ni_, nr_)); !h.ok())
        return Step::reject(h.error().notify, h.error().message);
    IKEOFF_LOG(1, "ike", sa_.describe() << ": Quick Mode " << conn_->name << " negotiated " << result_->proposal);
    peer_commit_ |= m.header.commit();
    if (peer_commit_) {
        state_ = State::awaiting_connected;
        return Step::more();
    }
    state_ = State::done;
    return Step::finished();
}

}  // namespace ikeoff::ike
