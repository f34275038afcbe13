#include "host/ike/phase1.hpp"

#include "host/common/log.hpp"
#include "host/crypto/rng.hpp"
#include "host/isakmp/attributes.hpp"

namespace ikeoff::ike {

using isakmp::Attribute;
using isakmp::OakleyAttr;

crypto::CipherAlg cipher_alg(config::IkeCipher c) {
    switch (c) {
        case config::IkeCipher::des_cbc: return crypto::CipherAlg::des_cbc;
        case config::IkeCipher::tdes_cbc: return crypto::CipherAlg::tdes_cbc;
        case config::IkeCipher::aes_cbc: return crypto::CipherAlg::aes_cbc;
    }
    return crypto::CipherAlg::aes_cbc;
}

isakmp::Transform encode_phase1_transform(const config::IkeTransform& t, uint8_t number) {
    isakmp::Transform tr;
    tr.number = number;
    tr.id = isakmp::kTransformKeyIke;
    auto basic = [&tr](OakleyAttr a, uint16_t v) { tr.attributes.push_back(Attribute::basic(uint16_t(a), v)); };
    basic(OakleyAttr::encryption_algorithm, config::ike_cipher_attribute(t.cipher));
    // RFC 3602 §5 (via RFC 2409 App. A): AES needs its Key Length attribute.
    if (config::ike_cipher_has_key_length(t.cipher)) basic(OakleyAttr::key_length, t.key_bits);
    basic(OakleyAttr::hash_algorithm, crypto::ike_hash_attribute(t.hash));
    basic(OakleyAttr::group_description, t.dh_group);
    basic(OakleyAttr::authentication_method, static_cast<uint16_t>(t.auth));
    if (t.lifetime_s != 0) {
        basic(OakleyAttr::life_type, uint16_t(isakmp::LifeType::seconds));
        tr.attributes.push_back(Attribute::number(uint16_t(OakleyAttr::life_duration), t.lifetime_s));
    }
    if (t.lifetime_kb != 0) {
        basic(OakleyAttr::life_type, uint16_t(isakmp::LifeType::kilobytes));
        tr.attributes.push_back(Attribute::number(uint16_t(OakleyAttr::life_duration), t.lifetime_kb));
    }
    return tr;
}

isakmp::SaPayload phase1_offer(const std::vector<config::IkeTransform>& offer) {
    isakmp::Proposal p;
    p.number = 1;
    p.protocol = isakmp::ProtocolId::isakmp;
    // A proposal holds at most 255 transforms (one-octet count).
    for (std::size_t i = 0; i < offer.size() && i < 255; ++i)
        p.transforms.push_back(encode_phase1_transform(offer[i], static_cast<uint8_t>(i + 1)));
    isakmp::SaPayload sa;
    sa.proposals.push_back(std::move(p));
    return sa;
}

Result<isakmp::SaPayload> phase1_answer(const isakmp::SaPayload& offered, std::size_t flat_index) {
    std::size_t n = 0;
    for (const auto& p : offered.proposals) {
        if (p.protocol != isakmp::ProtocolId::isakmp) continue;
        for (const auto& t : p.transforms) {
            if (n++ != flat_index) continue;
            isakmp::SaPayload sa;
            sa.doi = offered.doi;
            sa.situation = offered.situation;
            isakmp::Proposal chosen;
            chosen.number = p.number;
            chosen.protocol = p.protocol;
            chosen.spi = p.spi;
            chosen.transforms.push_back(t);
            sa.proposals.push_back(std::move(chosen));
            return sa;
        }
    }
    return Error{Errc::internal, "chosen transform not in the offer"};
}

isakmp::IdPayload id_payload_of(const config::Identity& id) {
    isakmp::IdPayload p;
    p.type = static_cast<isakmp::IdType>(id.wire_type());
    p.data.assign(id.data().begin(), id.data().end());
    return p;
}

isakmp::NotifyPayload initial_contact_notify(const IsakmpSa& sa) {
    isakmp::NotifyPayload n;
    n.protocol = isakmp::ProtocolId::isakmp;
    n.type = isakmp::NotifyType::initial_contact;
    n.spi = sa.spi();
    return n;
}

std::optional<Step> Phase1Exchange::take_initial_contact(const isakmp::Message& msg, const IsakmpSa& sa) {
    const isakmp::NotifyPayload* ic = msg.find_notify(isakmp::NotifyType::initial_contact);
    if (ic && !ic->spi.empty() && ic->spi != sa.spi())
        return Step::reject(isakmp::NotifyType::invalid_spi, "INITIAL-CONTACT for other cookies");
    initial_contact_received_ = ic != nullptr;
    return std::nullopt;
}

// ---- choosing the connection (responder) ----------------------------------------

std::optional<Phase1Choice> CandidateSearch::select(const config::Connection& c,
                                                    const std::vector<OfferedTransform>& offer) {
    auto choice = select_phase1(Phase1Policy::from(c, prefer_), offer);
    if (!choice.ok()) {
        if (choice.error().code == Errc::parse_error) reason_ = isakmp::NotifyType::bad_proposal_syntax;
        reject(c, choice.error().message);
        return std::nullopt;
    }
    return std::move(choice).value();
}

void CandidateSearch::reject(const config::Connection& c, const std::string& why) {
    why_ += (why_.empty() ? "" : "; ") + ("conn '" + c.name + "': " + why);
}

void CandidateSearch::reject(const config::Connection& c, const std::string& why, isakmp::NotifyType reason) {
    reason_ = reason;
    reject(c, why);
}

Step CandidateSearch::failure(bool none_tried) const {
    return Step::fail(reason_, none_tried ? "no connection for this peer" : why_, true);
}

// ---- identities ---------------------------------------------------------------

config::Identity Phase1::local_identity() const {
    if (sa_.conn && !sa_.conn->local.id.is_any()) return sa_.conn->local.id;
    return config::Identity::from_address(sa_.local.addr);
}

config::Identity Phase1::required_remote() const {
    if (sa_.conn) return sa_.conn->remote.id;
    return config::Identity::any();
}

config::Identity Phase1::remote_lookup_identity() const {
    if (sa_.conn && !sa_.conn->remote.id.is_any()) return sa_.conn->remote.id;
    return config::Identity::from_address(sa_.remote.addr);
}

Status Phase1::prepare_auth(const config::Identity& remote) {
    IKEOFF_ENSURE(sa_.conn != nullptr, Errc::internal, "no connection chosen");
    IKEOFF_ASSIGN(auth_, create_authenticator(*sa_.conn, env_.config, env_.secrets, local_identity(), remote));
    return {};
}

isakmp::CodecResult<config::Identity> Phase1::check_peer_id(const isakmp::IdPayload& id) const {
    auto ident = config::Identity::from_wire(static_cast<uint8_t>(id.type), id.data);
    ISAKMP_ENSURE(ident.ok(), isakmp::NotifyType::invalid_id_information,
                  ident.ok() ? std::string() : ident.error().message);
    const config::Identity want = required_remote();
    ISAKMP_ENSURE(want.matches(*ident), isakmp::NotifyType::invalid_id_information,
                  "peer identity " + ident->to_string() + " is not " + want.to_string());
    return std::move(*ident);
}

// ---- key exchange ---------------------------------------------------------------

Status Phase1::create_dh() {
    IKEOFF_ENSURE(sa_.proposal.has_value(), Errc::internal, "DH before a proposal was chosen");
    return create_dh(sa_.proposal->dh_group);
}

Status Phase1::create_dh(uint16_t group) {
    IKEOFF_ASSIGN(crypto::DhGroup g, crypto::DhGroup::well_known(group));
    IKEOFF_ASSIGN(dh_, crypto::DhKeyExchange::generate(g));
    Bytes& mine = sa_.initiator ? gxi : gxr;
    mine.assign(dh_->public_value().begin(), dh_->public_value().end());
    return {};
}

Result<Bytes> Phase1::create_nonce() {
    IKEOFF_ASSIGN(Bytes n, crypto::rng::public_bytes(env_.tuning.nonce_size));
    (sa_.initiator ? ni : nr) = n;
    return n;
}

Status Phase1::derive_keys(ByteView peer_ke) {
    IKEOFF_ENSURE(dh_.has_value() && sa_.proposal.has_value(), Errc::internal, "keys before DH");
    const config::IkeTransform& t = *sa_.proposal;
    (sa_.initiator ? gxr : gxi).assign(peer_ke.begin(), peer_ke.end());
    // DhKeyExchange::derive validates the peer's value first.
    IKEOFF_ASSIGN(SecretBytes gxy, dh_->derive(peer_ke));
    Phase1Input in;
    in.prf = t.prf;
    in.hash = t.hash;
    in.auth = static_cast<AuthMethod>(static_cast<uint16_t>(t.auth));
    if (auth_) in.pre_shared_key = auth_->pre_shared_key();
    in.ni_b = ni;
    in.nr_b = nr;
    in.cky_i = sa_.cky_i;
    in.cky_r = sa_.cky_r;
    in.gxy = gxy;
    in.enc_key_len = t.key_bits / 8;
    IKEOFF_ASSIGN(Phase1Keymat km, Phase1Keymat::derive(in));
    const bool weak = sa_.conn && sa_.conn->weakalgs;
    IKEOFF_ASSIGN(Phase1Crypto c, Phase1Crypto::create(cipher_alg(t.cipher), km.encryption_key(), t.hash, weak));
    IKEOFF_TRY(c.start_phase1(gxi, gxr));
    sa_.keymat.emplace(std::move(km));
    sa_.crypto.emplace(std::move(c));
    // The private value stays until the task ends: a refused message (a
    // forged or mismatched answer) must not stop the genuine one from
    // being processed with the same key pair.
    return {};
}

Result<Bytes> Phase1::hash_i() const {
    IKEOFF_ENSURE(sa_.keymat.has_value(), Errc::internal, "HASH_I before keys");
    return sa_.keymat->hash_i(gxi, gxr, sa_.cky_i, sa_.cky_r, sai_b, idii_b);
}

Result<Bytes> Phase1::hash_r() const {
    IKEOFF_ENSURE(sa_.keymat.has_value(), Errc::internal, "HASH_R before keys");
    return sa_.keymat->hash_r(gxi, gxr, sa_.cky_i, sa_.cky_r, sai_b, idir_b);
}

}  // namespace ikeoff::ike
