#include "host/ike/tasks/new_group_mode.hpp"

#include "host/common/log.hpp"
#include "host/ike/tasks/messages.hpp"
#include "host/isakmp/attributes.hpp"

namespace ikeoff::ike {

using isakmp::NotifyType;
using isakmp::OakleyAttr;

namespace {

constexpr uint16_t kGroupTypeModp = 1;  // RFC 2409 Appendix A: Group Type MODP

uint16_t attr(OakleyAttr a) { return static_cast<uint16_t>(a); }

isakmp::MessageKind ngm_kind(uint8_t number) {
    isakmp::MessageKind k;
    k.exchange = isakmp::ExchangeType::new_group;
    k.sender = number == 1 ? isakmp::Role::initiator : isakmp::Role::responder;
    k.number = number;
    return k;
}

Bytes trimmed(ByteView v) {
    std::size_t i = 0;
    while (i + 1 < v.size() && v[i] == 0) ++i;
    return Bytes(v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
}

}  // namespace

isakmp::SaPayload new_group_offer(const NewGroup& g) {
    isakmp::Transform t;
    t.number = 1;
    t.id = isakmp::kTransformKeyIke;
    t.attributes.push_back(isakmp::Attribute::basic(attr(OakleyAttr::group_description), g.description));
    t.attributes.push_back(isakmp::Attribute::basic(attr(OakleyAttr::group_type), kGroupTypeModp));
    t.attributes.push_back(isakmp::Attribute::variable(attr(OakleyAttr::group_prime), g.group.prime()));
    t.attributes.push_back(isakmp::Attribute::variable(attr(OakleyAttr::group_generator_one), g.group.generator()));
    isakmp::Proposal p;
    p.number = 1;
    p.protocol = isakmp::ProtocolId::isakmp;
    p.transforms.push_back(std::move(t));
    isakmp::SaPayload sa;
    sa.proposals.push_back(std::move(p));
    return sa;
}

isakmp::CodecResult<NewGroup> decode_new_group(const isakmp::Transform& t, bool allow_weak) {
    constexpr NotifyType bad = NotifyType::attributes_not_supported;
    ISAKMP_ENSURE(t.id == isakmp::kTransformKeyIke, bad, "transform ID " + std::to_string(t.id) + " is not KEY_IKE");
    std::optional<uint64_t> description, type;
    std::optional<Bytes> prime, generator;
    for (const isakmp::Attribute& a : t.attributes) {
        switch (static_cast<OakleyAttr>(a.type)) {
            case OakleyAttr::group_description: description = a.as_uint(); break;
            case OakleyAttr::group_type: type = a.as_uint(); break;
            // Variable attributes may arrive as basic ones when they fit
            // two octets (RFC 2409 Appendix A); the value bytes are the
            // number either way.
            case OakleyAttr::group_prime: prime = trimmed(a.value); break;
            case OakleyAttr::group_generator_one: generator = trimmed(a.value); break;
            default:
                return isakmp::CodecError{bad, "attribute class " + std::to_string(a.type) +
                                                   " has no meaning for a new MODP group"};
        }
    }
    ISAKMP_ENSURE(description.has_value(), bad, "no Group Description");
    // RFC 2409 §5.6: private groups take descriptions from 2^15 up.
    ISAKMP_ENSURE(*description >= kPrivateGroupMin && *description <= 0xFFFF, bad,
                  "Group Description " + std::to_string(*description) + " is not in the private range 32768..65535");
    ISAKMP_ENSURE(type.has_value() && *type == kGroupTypeModp, bad, "only MODP groups (Group Type 1) are supported");
    ISAKMP_ENSURE(prime.has_value() && generator.has_value(), bad, "a MODP group needs Group Prime and Generator One");
    auto g = crypto::DhGroup::custom_modp(*prime, *generator);
    ISAKMP_ENSURE(g.ok(), bad, g.ok() ? std::string() : g.error().message);
    ISAKMP_ENSURE(allow_weak || !g->is_weak(), bad,
                  std::string(g->name()) + " is below 2048 bits (allowed only with weakalgs=yes)");
    return NewGroup{static_cast<uint16_t>(*description), std::move(*g)};
}

std::unique_ptr<NewGroupMode> NewGroupMode::initiator(IsakmpSa& sa, NewGroup group, uint32_t mid) {
    std::unique_ptr<NewGroupMode> t(new NewGroupMode(sa, mid, true));
    t->offer_.emplace(std::move(group));
    return t;
}

std::unique_ptr<NewGroupMode> NewGroupMode::responder(IsakmpSa& sa, uint32_t mid, bool allow_weak) {
    std::unique_ptr<NewGroupMode> t(new NewGroupMode(sa, mid, false));
    t->allow_weak_ = allow_weak;
    return t;
}

isakmp::CodecStatus NewGroupMode::check_hash(const isakmp::Message& msg) const {
    // HASH(1) and HASH(2) have the shape of the informational HASH(1):
    // prf(SKEYID_a, M-ID | everything after the HASH payload).
    auto expected = sa_.keymat->informational_hash(mid_, msg.after(0));
    ISAKMP_ENSURE(expected.ok(), NotifyType::none, expected.ok() ? std::string() : expected.error().message);
    const isakmp::HashPayload* h = msg.find<isakmp::HashPayload>();
    ISAKMP_ENSURE(h != nullptr, NotifyType::payload_malformed, "no HASH payload");
    ISAKMP_ENSURE(h->data.size() == expected->size() && ct_equal(h->data, *expected),
                  NotifyType::invalid_hash_information, "New Group Mode HASH does not verify");
    return {};
}

Step NewGroupMode::initiate() {
    if (!initiator_ || state_ != State::init || !offer_ || !sa_.has_keys())
        return Step::fail(NotifyType::none, "New Group Mode needs an established ISAKMP SA and a group");
    isakmp::SaPayload sa = new_group_offer(*offer_);
    offered_transform_ = sa.proposals.front().transforms.front();
    const std::size_t hsize = crypto::hash_size(sa_.keymat->prf());
    auto out = make_hashed_message({isakmp::Payload(std::move(sa))}, ngm_kind(1), hsize, [this](ByteView rest) {
        return sa_.keymat->informational_hash(mid_, rest);
    });
    if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
    state_ = State::sent;
    return Step::more(std::move(*out));
}

Step NewGroupMode::process(const Received& m) {
    if (!initiator_ && state_ == State::init) return on_request(m);
    if (initiator_ && state_ == State::sent) return on_reply(m);
    return Step::reject(NotifyType::none, "unexpected New Group Mode message");
}

Step NewGroupMode::on_request(const Received& m) {
    auto msg = parse_received(m, ngm_kind(1));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    if (auto h = check_hash(*msg); !h.ok()) return Step::reject(h.error().notify, h.error().message);
    const isakmp::SaPayload* offered = msg->find<isakmp::SaPayload>();
    std::string why;
    for (const isakmp::Proposal& p : offered->proposals) {
        for (const isakmp::Transform& t : p.transforms) {
            auto g = decode_new_group(t, allow_weak_);
            if (!g.ok()) {
                why += (why.empty() ? "" : "; ") + g.error().message;
                continue;
            }
            bool clash = false;
            for (const auto& [desc, known] : sa_.private_groups) {
                clash |= desc == g->description &&
                         (!ct_equal(known.prime(), g->group.prime()) || !ct_equal(known.generator(), g->group.generator()));
            }
            if (clash) {
                why += (why.empty() ? "" : "; ") + ("Group Description " + std::to_string(g->description) +
                                                    " already names another group on this ISAKMP SA");
                continue;
            }
            // RFC 2408 §4.2: the chosen proposal with the one transform, as received.
            isakmp::SaPayload reply;
            reply.doi = offered->doi;
            reply.situation = offered->situation;
            isakmp::Proposal chosen = p;
            chosen.transforms = {t};
            reply.proposals.push_back(std::move(chosen));
            const std::size_t hsize = crypto::hash_size(sa_.keymat->prf());
            auto out = make_hashed_message({isakmp::Payload(std::move(reply))}, ngm_kind(2), hsize,
                                           [this](ByteView rest) { return sa_.keymat->informational_hash(mid_, rest); });
            if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
            IKEOFF_LOG(1, "ike", sa_.describe() << ": New Group Mode: accepted private group " << g->description << " ("
                                                << g->group.name() << ")");
            result_.emplace(std::move(*g));
            state_ = State::done;
            return Step::finished(std::move(*out));
        }
    }
    // RFC 2409 §5.6: "If the group is not acceptable, the responder MUST
    // reply with a Notify payload with the message type set to
    // ATTRIBUTES-NOT-SUPPORTED (13)."
    return Step::fail(NotifyType::attributes_not_supported, why.empty() ? "no transform offered" : why, true);
}

Step NewGroupMode::on_reply(const Received& m) {
    auto msg = parse_received(m, ngm_kind(2));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    if (auto h = check_hash(*msg); !h.ok()) return Step::reject(h.error().notify, h.error().message);
    const isakmp::SaPayload* sa = msg->find<isakmp::SaPayload>();
    const isakmp::Transform& t = sa->proposals.front().transforms.front();
    if (!(t == *offered_transform_))
        return Step::fail(NotifyType::attributes_not_supported, "the responder answered with a group we did not offer");
    result_ = offer_;
    state_ = State::done;
    IKEOFF_LOG(1, "ike", sa_.describe() << ": New Group Mode: private group " << result_->description << " ("
                                        << result_->group.name() << ") agreed");
    return Step::finished();
}

Result<crypto::DhGroup> dh_group_for(const IsakmpSa& sa, uint16_t description) {
    for (const auto& [desc, g] : sa.private_groups) {
        if (desc == description) return g;
    }
    return crypto::DhGroup::well_known(description);
}

uint16_t pfs_group_on(const IsakmpSa& sa, uint16_t configured) {
    if (configured == 0 || sa.private_groups.empty()) return configured;
    return sa.private_groups.back().first;
}

}  // namespace ikeoff::ike
