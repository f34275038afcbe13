#include "host/ike/proposal_select.hpp"

#include <algorithm>
#include <limits>

#include "host/isakmp/attributes.hpp"
#include "host/isakmp/constants.hpp"

namespace ikeoff::ike {

namespace {

using config::ChildProposalList;
using config::ChildTransform;
using config::IkeTransform;
using isakmp::EncapsulationMode;
using isakmp::IpsecAttr;
using isakmp::OakleyAttr;

constexpr uint8_t kKeyIke = 1;                 // RFC 2407 §4.4.2
constexpr uint64_t kDefaultPhase2Seconds = 28800;  // RFC 2407 §4.5 default SA life
constexpr std::size_t kMaxListedOffers = 8;    // keep NO-PROPOSAL-CHOSEN log lines readable

std::string attr_value(bool phase1, uint16_t cls, uint64_t v) {
    return isakmp::attribute_value_name(phase1, cls, v) + " (" + std::to_string(v) + ")";
}

uint32_t clamp32(uint64_t v) {
    return v > std::numeric_limits<uint32_t>::max() ? std::numeric_limits<uint32_t>::max() : static_cast<uint32_t>(v);
}

// Collects "what the peer offered and why not" for the failure message.
class Rejections {
public:
    void add(std::string what, std::string why) {
        ++count_;
        if (items_.size() < kMaxListedOffers) items_.push_back(std::move(what) + " (" + std::move(why) + ")");
    }
    std::string text() const {
        std::string out;
        for (const auto& i : items_) {
            if (!out.empty()) out += ", ";
            out += i;
        }
        if (count_ > items_.size()) out += ", and " + std::to_string(count_ - items_.size()) + " more";
        return out;
    }

private:
    std::vector<std::string> items_;
    std::size_t count_ = 0;
};

std::string weak_parts(const IkeTransform& t) {
    std::vector<std::string> parts;
    if (t.cipher == config::IkeCipher::des_cbc) parts.push_back(config::ike_cipher_keyword({t.cipher, t.key_bits}));
    if (crypto::is_weak(t.hash)) parts.emplace_back(config::ike_hash_keyword(t.hash));
    if (const auto* g = config::dh_group_info(t.dh_group); g && g->weak) parts.emplace_back(g->keyword);
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
    return out;
}

std::string weak_parts(const ChildTransform& t) {
    std::vector<std::string> parts;
    if (ipsec::is_weak(t.enc)) parts.emplace_back(ipsec::enc_keyword(t.enc));
    if (ipsec::is_weak(t.integ)) parts.emplace_back(ipsec::integ_keyword(t.integ));
    if (const auto* g = config::dh_group_info(t.dh_group); g && g->weak) parts.emplace_back(g->keyword);
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
    return out;
}

// --- phase 1 local preference ------------------------------------------------------

std::vector<IkeTransform> phase1_local_order(const config::IkeProposalList& list) {
    std::vector<IkeTransform> out;
    for (const auto& p : list.proposals) {
        for (const auto& t : p.expand()) out.push_back(t);
    }
    if (!list.strict) {
        for (const auto& p : config::default_ike_proposals().proposals) {
            for (const auto& t : p.expand()) out.push_back(t);
        }
    }
    return out;
}

std::optional<std::size_t> rank_in(const std::vector<IkeTransform>& local, const IkeTransform& t) {
    for (std::size_t i = 0; i < local.size(); ++i) {
        if (local[i].same_algorithms(t)) return i;
    }
    return std::nullopt;
}

// Which algorithms of `t` appear nowhere in our list: the most useful hint.
std::string phase1_mismatch(const std::vector<IkeTransform>& local, const IkeTransform& t) {
    bool cipher = false, hash = false, group = false;
    for (const auto& l : local) {
        cipher |= l.cipher == t.cipher && l.key_bits == t.key_bits;
        hash |= l.hash == t.hash;
        group |= l.dh_group == t.dh_group;
    }
    std::vector<std::string> missing;
    if (!cipher) missing.push_back(config::ike_cipher_keyword({t.cipher, t.key_bits}));
    if (!hash) missing.emplace_back(config::ike_hash_keyword(t.hash));
    if (!group) missing.push_back(config::dh_group_name(t.dh_group));
    if (missing.empty()) return "this combination is not configured";
    std::string out;
    for (const auto& m : missing) out += (out.empty() ? "" : ", ") + m;
    return out + " not configured";
}

std::string accepted_text(const std::string& configured, bool strict, bool empty) {
    if (empty) return "we accept the defaults";
    return "we accept " + configured + (strict ? "" : " plus the defaults");
}

// Life-Type/Life-Duration pairs (RFC 2409 App. A, RFC 2407 §4.5): a
// duration applies to the type right before it.
struct Lives {
    std::optional<uint64_t> seconds;
    std::optional<uint64_t> kilobytes;
};

}  // namespace

// ---- adapters ---------------------------------------------------------------------------

OfferedTransform offered_from(const isakmp::Transform& t) {
    OfferedTransform o;
    o.number = t.number;
    o.id = t.id;
    for (const auto& a : t.attributes) o.attributes.push_back({a.type, a.as_uint()});
    return o;
}

std::vector<OfferedTransform> phase1_offer_from(const isakmp::SaPayload& sa) {
    std::vector<OfferedTransform> out;
    for (const auto& p : sa.proposals) {
        if (p.protocol != isakmp::ProtocolId::isakmp) continue;
        for (const auto& t : p.transforms) out.push_back(offered_from(t));
    }
    return out;
}

std::vector<Phase2Offer> phase2_offer_from(const isakmp::SaPayload& sa) {
    std::vector<Phase2Offer> out;
    for (const auto& p : sa.proposals) {
        // RFC 2408 §4.2: consecutive proposals with the same number are one AND-bundle.
        if (out.empty() || out.back().number != p.number) out.push_back(Phase2Offer{p.number, {}});
        OfferedProtocol proto;
        proto.protocol_id = static_cast<uint8_t>(p.protocol);
        proto.spi = p.spi;
        for (const auto& t : p.transforms) proto.transforms.push_back(offered_from(t));
        out.back().protocols.push_back(std::move(proto));
    }
    return out;
}

// ---- phase 1 ----------------------------------------------------------------------------

Phase1Policy Phase1Policy::from(const config::Connection& c, bool prefer_configured) {
    Phase1Policy p;
    p.proposals = c.ike;
    p.auth = c.auth;
    p.lifetime_s = static_cast<uint32_t>(c.ikelifetime.count());
    p.allow_weak = c.weakalgs;
    p.prefer_configured = prefer_configured;
    return p;
}

Result<IkeTransform> decode_phase1_transform(const OfferedTransform& t) {
    auto fail = [](std::string msg) { return Error{Errc::unsupported, std::move(msg)}; };
    if (t.id != kKeyIke) return fail("transform ID " + std::to_string(t.id) + " is not KEY_IKE");
    std::optional<config::IkeCipher> cipher;
    std::optional<uint64_t> key_len, group;
    std::optional<crypto::HashAlg> hash;
    std::optional<config::AuthMethod> auth;
    std::optional<uint64_t> pending_life_type;
    Lives lives;
    for (const auto& a : t.attributes) {
        auto cls = static_cast<OakleyAttr>(a.type);
        std::string name = isakmp::attribute_name(true, a.type);
        if (!a.value) {
            if (cls == OakleyAttr::group_prime || cls == OakleyAttr::group_generator_one ||
                cls == OakleyAttr::group_generator_two || cls == OakleyAttr::group_curve_a ||
                cls == OakleyAttr::group_curve_b || cls == OakleyAttr::group_order) {
                return fail("private groups (New Group Mode, RFC 2409 §5.6) are not supported");
            }
            return fail(name + " has no numeric value");
        }
        uint64_t v = *a.value;
        switch (cls) {
            case OakleyAttr::encryption_algorithm:
                cipher = v <= 0xFFFF ? config::ike_cipher_from_attribute(uint16_t(v)) : std::nullopt;
                if (!cipher) return fail("encryption " + attr_value(true, a.type, v) + " is not supported");
                break;
            case OakleyAttr::hash_algorithm:
                hash = v <= 0xFFFF ? crypto::hash_from_ike_attribute(uint16_t(v)) : std::nullopt;
                if (!hash) return fail("hash " + attr_value(true, a.type, v) + " is not supported");
                break;
            case OakleyAttr::authentication_method:
                auth = v <= 0xFFFF ? config::auth_method_from_attribute(uint16_t(v)) : std::nullopt;
                if (!auth) return fail("authentication " + attr_value(true, a.type, v) + " is not supported");
                break;
            case OakleyAttr::group_description:
                if (v > 0xFFFF || config::dh_group_info(uint16_t(v)) == nullptr) {
                    return fail("DH group " + attr_value(true, a.type, v) + " is not supported");
                }
                group = v;
                break;
            case OakleyAttr::group_type:
                // Only meaningful with private groups; with a known Group
                // Description it must agree with that group.
                if (v != 1 && v != 2) return fail("group type " + attr_value(true, a.type, v) + " is not supported");
                break;
            case OakleyAttr::group_prime:
            case OakleyAttr::group_generator_one:
            case OakleyAttr::group_generator_two:
            case OakleyAttr::group_curve_a:
            case OakleyAttr::group_curve_b:
            case OakleyAttr::group_order:
                return fail("private groups (New Group Mode, RFC 2409 §5.6) are not supported");
            case OakleyAttr::life_type:
                if (v != 1 && v != 2) return fail("life type " + std::to_string(v) + " is not defined");
                pending_life_type = v;
                break;
            case OakleyAttr::life_duration:
                if (!pending_life_type) return fail("Life-Duration without a Life-Type before it");
                if (v == 0) return fail("life duration 0");
                (*pending_life_type == 1 ? lives.seconds : lives.kilobytes) = v;
                pending_life_type.reset();
                break;
            case OakleyAttr::prf:
                return fail("the PRF attribute is not supported (no IKEv1 PRF values are defined)");
            case OakleyAttr::key_length:
                key_len = v;
                break;
            case OakleyAttr::field_size:
                break;   // implied by the group; peers sending it for EC groups are harmless
            default:
                return fail("unknown attribute class " + std::to_string(a.type));
        }
    }
    if (!cipher) return fail("no Encryption-Algorithm attribute");
    if (!hash) return fail("no Hash-Algorithm attribute");
    if (!auth) return fail("no Authentication-Method attribute");
    if (!group) return fail("no Group-Description attribute");
    if (pending_life_type) return fail("Life-Type without a Life-Duration");

    IkeTransform out;
    out.cipher = *cipher;
    if (config::ike_cipher_has_key_length(*cipher)) {
        // RFC 3602 §5 asks for a Key Length with AES; peers that omit it mean
        // 128 bits (what strongSwan and racoon assume as well).
        uint64_t bits = key_len.value_or(128);
        if (bits != 128 && bits != 192 && bits != 256) return fail("AES key length " + std::to_string(bits) + " is invalid");
        out.key_bits = static_cast<uint16_t>(bits);
    } else {
        out.key_bits = config::ike_cipher_fixed_key_bits(*cipher);
        if (key_len && *key_len != out.key_bits) {
            return fail("key length " + std::to_string(*key_len) + " for a fixed-length cipher");
        }
    }
    out.hash = *hash;
    out.prf = *hash;
    out.dh_group = static_cast<uint16_t>(*group);
    out.auth = *auth;
    out.lifetime_s = lives.seconds ? std::max<uint32_t>(1, clamp32(*lives.seconds)) : 0;
    out.lifetime_kb = lives.kilobytes.value_or(0);
    return out;
}

namespace {

std::string describe_phase1(const OfferedTransform& t, const Result<IkeTransform>& dec) {
    if (dec.ok()) return dec->to_string();
    return "transform #" + std::to_string(t.number);
}

void apply_phase1_lifetime(const Phase1Policy& policy, const IkeTransform& offered, Phase1Choice& c) {
    c.transform.lifetime_s = policy.lifetime_s;
    if (offered.lifetime_s != 0 && offered.lifetime_s <= policy.lifetime_s) {
        c.transform.lifetime_s = offered.lifetime_s;
    } else if (offered.lifetime_s > policy.lifetime_s) {
        c.responder_lifetime_s = policy.lifetime_s;
    }
    c.transform.lifetime_kb = offered.lifetime_kb;   // we set no volume limit on ISAKMP SAs
}

}  // namespace

Result<Phase1Choice> select_phase1(const Phase1Policy& policy, const std::vector<OfferedTransform>& offer) {
    if (offer.empty()) {
        return Error{Errc::parse_error, "no acceptable phase-1 proposal: the SA payload has no ISAKMP transform"};
    }
    std::vector<IkeTransform> local = phase1_local_order(policy.proposals);
    Rejections rejected;
    std::optional<std::pair<std::size_t, std::size_t>> best;   // (rank, index)
    IkeTransform best_t;
    for (std::size_t i = 0; i < offer.size(); ++i) {
        auto dec = decode_phase1_transform(offer[i]);
        if (!dec.ok()) {
            rejected.add(describe_phase1(offer[i], dec), dec.error().message);
            continue;
        }
        const IkeTransform& t = *dec;
        if (t.auth != policy.auth) {
            rejected.add(t.to_string(), "authentication " + std::string(config::auth_method_name(t.auth)) +
                                            ", we use " + std::string(config::auth_method_name(policy.auth)));
            continue;
        }
        if (t.is_weak() && !policy.allow_weak) {
            rejected.add(t.to_string(), "weak " + weak_parts(t) + " not allowed without weakalgs=yes");
            continue;
        }
        auto rank = rank_in(local, t);
        if (!rank) {
            rejected.add(t.to_string(), phase1_mismatch(local, t));
            continue;
        }
        std::size_t key = policy.prefer_configured ? *rank : i;
        if (!best || key < best->first) {
            best = std::make_pair(key, i);
            best_t = t;
        }
    }
    if (!best) {
        return Error{Errc::not_found, "no acceptable phase-1 proposal: peer offered " + rejected.text() + "; " +
                                          accepted_text(policy.proposals.to_string(), policy.proposals.strict,
                                                        policy.proposals.proposals.empty())};
    }
    Phase1Choice c;
    c.index = best->second;
    c.transform_number = offer[c.index].number;
    c.transform = best_t;
    apply_phase1_lifetime(policy, best_t, c);
    return c;
}

Result<Phase1Choice> check_phase1_reply(const Phase1Policy& policy, const std::vector<IkeTransform>& offered,
                                        const std::vector<OfferedTransform>& reply) {
    if (reply.size() != 1) {
        return Error{Errc::parse_error, "phase-1 reply must carry exactly one transform, got " + std::to_string(reply.size())};
    }
    auto dec = decode_phase1_transform(reply[0]);
    if (!dec.ok()) return Error{Errc::not_found, "peer chose an unusable phase-1 transform: " + dec.error().message};
    for (std::size_t i = 0; i < offered.size(); ++i) {
        if (!offered[i].same_algorithms(*dec)) continue;
        if (dec->auth != policy.auth) {
            return Error{Errc::not_found, "peer chose authentication " + std::string(config::auth_method_name(dec->auth)) +
                                              ", we offered " + std::string(config::auth_method_name(policy.auth))};
        }
        Phase1Choice c;
        c.index = i;
        c.transform_number = reply[0].number;
        c.transform = *dec;
        apply_phase1_lifetime(policy, *dec, c);
        c.responder_lifetime_s.reset();   // only a responder sends the notify
        return c;
    }
    return Error{Errc::not_found, "peer chose " + dec->to_string() + ", which we did not offer"};
}

// ---- phase 2 ----------------------------------------------------------------------------

Phase2Policy Phase2Policy::from(const config::Connection& c, uint16_t phase1_group, bool udp_encap,
                                bool prefer_configured) {
    Phase2Policy p;
    p.esp = c.esp;
    p.ah = c.ah;
    p.pfs_group = c.pfs_group_for(phase1_group);
    p.mode = c.mode;
    p.udp_encap = udp_encap || c.forceencaps;
    p.lifetime_s = static_cast<uint32_t>(c.lifetime.count());
    // SA Life Duration in kilobytes (RFC 2407 §4.5): round our byte limit down.
    p.lifetime_kb = c.lifebytes / 1024;
    if (c.lifebytes != 0 && p.lifetime_kb == 0) p.lifetime_kb = 1;
    p.allow_weak = c.weakalgs;
    p.prefer_configured = prefer_configured;
    return p;
}

const Phase2ProtocolChoice* Phase2Choice::find(ipsec::Protocol p) const {
    for (const auto& c : protocols) {
        if (c.protocol == p) return &c;
    }
    return nullptr;
}

Result<DecodedChildTransform> decode_phase2_transform(uint8_t protocol_id, const OfferedTransform& t) {
    auto fail = [](std::string msg) { return Error{Errc::unsupported, std::move(msg)}; };
    auto proto = static_cast<isakmp::ProtocolId>(protocol_id);
    DecodedChildTransform out;
    ChildTransform& ct = out.transform;
    if (proto == isakmp::ProtocolId::esp) {
        auto enc = ipsec::enc_from_esp_transform_id(t.id);
        if (!enc) return fail(isakmp::transform_name(proto, t.id) + " is not supported");
        ct.protocol = ipsec::Protocol::esp;
        ct.enc.alg = *enc;
    } else if (proto == isakmp::ProtocolId::ah) {
        auto integ = ipsec::integ_from_ah_transform_id(t.id);
        if (!integ) return fail(isakmp::transform_name(proto, t.id) + " is not supported");
        ct.protocol = ipsec::Protocol::ah;
        ct.integ = *integ;
    } else {
        return fail("protocol " + isakmp::to_string(proto) + " is not supported");
    }

    std::optional<uint64_t> key_len, auth, pending_life_type;
    Lives lives;
    for (const auto& a : t.attributes) {
        if (!a.value) return fail(isakmp::attribute_name(false, a.type) + " has no numeric value");
        uint64_t v = *a.value;
        switch (static_cast<IpsecAttr>(a.type)) {
            case IpsecAttr::sa_life_type:
                if (v != 1 && v != 2) return fail("SA life type " + std::to_string(v) + " is not defined");
                pending_life_type = v;
                break;
            case IpsecAttr::sa_life_duration:
                if (!pending_life_type) return fail("SA-Life-Duration without an SA-Life-Type before it");
                if (v == 0) return fail("SA life duration 0");
                (*pending_life_type == 1 ? lives.seconds : lives.kilobytes) = v;
                pending_life_type.reset();
                break;
            case IpsecAttr::group_description:
                // 32768..65535: a private group from New Group Mode; whether
                // this ISAKMP SA agreed on it is the PFS group match's job.
                if (v > 0xFFFF || (config::dh_group_info(uint16_t(v)) == nullptr && v < 32768)) {
                    return fail("PFS group " + attr_value(false, a.type, v) + " is not supported");
                }
                ct.dh_group = static_cast<uint16_t>(v);
                break;
            case IpsecAttr::encapsulation_mode:
                if (v == 0 || v > 0xFFFF) return fail("encapsulation mode " + std::to_string(v) + " is not defined");
                out.encapsulation_mode = static_cast<uint16_t>(v);
                break;
            case IpsecAttr::authentication_algorithm:
                auth = v;
                break;
            case IpsecAttr::key_length:
                key_len = v;
                break;
            case IpsecAttr::extended_sequence_number:
                if (v != 1) return fail("extended sequence number value " + std::to_string(v) + " is not defined");
                ct.esn = true;
                break;
            case IpsecAttr::ecn_tunnel:
                break;   // RFC 3168 §9.2: either value is acceptable to us
            default:
                return fail(isakmp::attribute_name(false, a.type) + " (" + std::to_string(a.type) + ") is not supported");
        }
    }
    if (pending_life_type) return fail("SA-Life-Type without an SA-Life-Duration");
    out.life_s = lives.seconds;
    out.life_kb = lives.kilobytes;

    if (ct.protocol == ipsec::Protocol::ah) {
        // RFC 2407 §4.4.3: the Authentication Algorithm attribute names the
        // same HMAC as the AH transform ID.
        if (!auth) return fail("AH transform without an Authentication-Algorithm attribute");
        auto ia = *auth <= 0xFFFF ? ipsec::integ_from_auth_attribute(uint16_t(*auth)) : std::nullopt;
        if (!ia || *ia != ct.integ) {
            return fail("authentication " + attr_value(false, 5, *auth) + " does not match " +
                        isakmp::transform_name(proto, t.id));
        }
        if (key_len) return fail("key length on an AH transform");
        return out;
    }
    switch (ct.enc.alg) {
        case ipsec::EncAlg::aes_cbc:
        case ipsec::EncAlg::aes_gcm16:
        case ipsec::EncAlg::aes_gmac: {
            uint64_t bits = key_len.value_or(128);   // absent: 128, as for phase 1
            if (bits != 128 && bits != 192 && bits != 256) return fail("AES key length " + std::to_string(bits) + " is invalid");
            ct.enc.key_bits = static_cast<uint16_t>(bits);
            break;
        }
        case ipsec::EncAlg::tdes_cbc:
            if (key_len && *key_len != 192) return fail("key length " + std::to_string(*key_len) + " for 3DES");
            ct.enc.key_bits = 192;
            break;
        case ipsec::EncAlg::null:
            if (key_len && *key_len != 0) return fail("key length " + std::to_string(*key_len) + " for ESP_NULL");
            ct.enc.key_bits = 0;
            break;
    }
    if (ipsec::is_aead(ct.enc.alg)) {
        if (auth) return fail(std::string(ipsec::enc_keyword(ct.enc)) + " with an authentication algorithm");
    } else {
        if (!auth) {
            if (ct.enc.alg == ipsec::EncAlg::null) return fail("ESP_NULL without authentication");
            return fail(std::string(ipsec::enc_keyword(ct.enc)) + " without an authentication algorithm");
        }
        auto ia = *auth <= 0xFFFF ? ipsec::integ_from_auth_attribute(uint16_t(*auth)) : std::nullopt;
        if (!ia) return fail("authentication " + attr_value(false, 5, *auth) + " is not supported");
        ct.integ = *ia;
    }
    return out;
}

namespace {

struct ModeCheck {
    bool ok;
    std::string why;
};

ModeCheck check_mode(const Phase2Policy& p, uint16_t offered) {
    if (offered == 0) return {true, {}};   // RFC 2407 §4.5: unspecified means host-dependent: ours
    auto m = static_cast<EncapsulationMode>(offered);
    bool tunnel = m == EncapsulationMode::tunnel || m == EncapsulationMode::udp_tunnel ||
                  m == EncapsulationMode::udp_tunnel_draft;
    bool transport = m == EncapsulationMode::transport || m == EncapsulationMode::udp_transport ||
                     m == EncapsulationMode::udp_transport_draft;
    if (!tunnel && !transport) return {false, "encapsulation mode " + std::to_string(offered) + " is not defined"};
    bool udp = m != EncapsulationMode::tunnel && m != EncapsulationMode::transport;
    bool want_tunnel = p.mode == ipsec::Mode::tunnel;
    if (tunnel != want_tunnel) {
        return {false, "mode " + isakmp::to_string(m) + ", we use " + std::string(want_tunnel ? "tunnel" : "transport")};
    }
    if (udp && !p.udp_encap) return {false, "mode " + isakmp::to_string(m) + " but no NAT was detected"};
    if (!udp && p.udp_encap) return {false, "mode " + isakmp::to_string(m) + " but NAT-T needs a UDP-encapsulated mode"};
    return {true, {}};
}

std::vector<ChildTransform> child_local_order(const ChildProposalList& list) {
    std::vector<ChildTransform> out;
    for (const auto& p : list.proposals) {
        for (const auto& t : p.expand()) out.push_back(t);
    }
    if (!list.strict) {
        const auto& d = list.protocol == ipsec::Protocol::ah ? config::default_ah_proposals() : config::default_esp_proposals();
        for (const auto& p : d.proposals) {
            for (const auto& t : p.expand()) out.push_back(t);
        }
    }
    return out;
}

std::optional<std::size_t> child_rank(const std::vector<ChildTransform>& local, const ChildTransform& t) {
    for (std::size_t i = 0; i < local.size(); ++i) {
        ChildTransform l = local[i];
        l.dh_group = t.dh_group;   // the group is checked separately
        if (l.same_algorithms(t)) return i;
    }
    return std::nullopt;
}

std::string group_text(uint16_t g) { return g == 0 ? std::string("no PFS") : "PFS " + config::dh_group_name(g); }

std::string protocol_set_text(const std::vector<ipsec::Protocol>& ps) {
    std::string out;
    for (auto p : ps) out += (out.empty() ? "" : "+") + std::string(p == ipsec::Protocol::esp ? "ESP" : "AH");
    return out;
}

struct ProtocolPick {
    Phase2ProtocolChoice choice;
    std::size_t rank = 0;
    std::optional<uint64_t> life_s, life_kb;
};

// The best transform of one offered protocol, or the reasons for each refusal.
std::optional<ProtocolPick> pick_protocol(const Phase2Policy& policy, const ChildProposalList& list,
                                          const OfferedProtocol& op, Rejections& rejected) {
    auto local = child_local_order(list);
    std::optional<ProtocolPick> best;
    std::size_t best_key = 0;
    for (std::size_t i = 0; i < op.transforms.size(); ++i) {
        const OfferedTransform& ot = op.transforms[i];
        auto dec = decode_phase2_transform(op.protocol_id, ot);
        if (!dec.ok()) {
            rejected.add(isakmp::transform_name(static_cast<isakmp::ProtocolId>(op.protocol_id), ot.id), dec.error().message);
            continue;
        }
        const ChildTransform& t = dec->transform;
        if (t.is_weak() && !policy.allow_weak) {
            rejected.add(t.to_string(), "weak " + weak_parts(t) + " not allowed without weakalgs=yes");
            continue;
        }
        auto rank = child_rank(local, t);
        if (!rank) {
            rejected.add(t.to_string(), "not configured");
            continue;
        }
        if (t.dh_group != policy.pfs_group) {
            rejected.add(t.to_string(), group_text(t.dh_group) + ", we require " + group_text(policy.pfs_group));
            continue;
        }
        ModeCheck mc = check_mode(policy, dec->encapsulation_mode);
        if (!mc.ok) {
            rejected.add(t.to_string(), mc.why);
            continue;
        }
        std::size_t key = policy.prefer_configured ? *rank : i;
        if (!best || key < best_key) {
            best_key = key;
            ProtocolPick p;
            p.choice.protocol = t.protocol;
            p.choice.peer_spi = op.spi;
            p.choice.transform_index = i;
            p.choice.transform_number = ot.number;
            p.choice.transform = t;
            p.choice.encapsulation_mode = dec->encapsulation_mode;
            p.rank = *rank;
            p.life_s = dec->life_s;
            p.life_kb = dec->life_kb;
            best = std::move(p);
        }
    }
    return best;
}

void apply_phase2_lifetime(const Phase2Policy& policy, std::optional<uint64_t> peer_s, std::optional<uint64_t> peer_kb,
                           Phase2Choice& c) {
    uint64_t s = peer_s.value_or(kDefaultPhase2Seconds);
    if (s <= policy.lifetime_s) {
        c.lifetime_s = static_cast<uint32_t>(s);
    } else {
        c.lifetime_s = policy.lifetime_s;
        c.responder_lifetime_s = policy.lifetime_s;
    }
    if (policy.lifetime_kb == 0) {
        c.lifetime_kb = peer_kb.value_or(0);
    } else if (peer_kb && *peer_kb <= policy.lifetime_kb) {
        c.lifetime_kb = *peer_kb;
    } else {
        c.lifetime_kb = policy.lifetime_kb;
        c.responder_lifetime_kb = policy.lifetime_kb;
    }
}

std::string phase2_accepted(const Phase2Policy& p) {
    std::string out = "we accept";
    if (p.esp) out += " ESP " + (p.esp->proposals.empty() ? std::string("defaults") : p.esp->to_string() +
                                                                                       (p.esp->strict ? "" : " plus defaults"));
    if (p.esp && p.ah) out += " with";
    if (p.ah) out += " AH " + (p.ah->proposals.empty() ? std::string("defaults") : p.ah->to_string() +
                                                                                     (p.ah->strict ? "" : " plus defaults"));
    out += ", " + group_text(p.pfs_group) + ", " + (p.mode == ipsec::Mode::tunnel ? "tunnel" : "transport") +
           (p.udp_encap ? " (UDP-encapsulated)" : "");
    return out;
}

}  // namespace

Result<Phase2Choice> select_phase2(const Phase2Policy& policy, const std::vector<Phase2Offer>& offer) {
    if (offer.empty()) return Error{Errc::parse_error, "no acceptable phase-2 proposal: the SA payload has no proposal"};
    std::vector<ipsec::Protocol> wanted;
    if (policy.esp) wanted.push_back(ipsec::Protocol::esp);
    if (policy.ah) wanted.push_back(ipsec::Protocol::ah);

    Rejections rejected;
    std::optional<Phase2Choice> best;
    std::size_t best_key = 0;
    for (std::size_t pi = 0; pi < offer.size(); ++pi) {
        const Phase2Offer& po = offer[pi];
        std::vector<ipsec::Protocol> offered;
        bool other = false;
        for (const auto& op : po.protocols) {
            auto id = static_cast<isakmp::ProtocolId>(op.protocol_id);
            if (id == isakmp::ProtocolId::esp) offered.push_back(ipsec::Protocol::esp);
            else if (id == isakmp::ProtocolId::ah) offered.push_back(ipsec::Protocol::ah);
            else other = true;
        }
        std::string label = "proposal #" + std::to_string(po.number);
        if (other) {
            rejected.add(label, "includes a protocol other than ESP/AH (IPComp is not supported)");
            continue;
        }
        auto sorted = offered;
        std::sort(sorted.begin(), sorted.end());
        auto want_sorted = wanted;
        std::sort(want_sorted.begin(), want_sorted.end());
        if (sorted != want_sorted) {
            rejected.add(label, protocol_set_text(offered) + ", we negotiate " + protocol_set_text(wanted));
            continue;
        }
        Phase2Choice c;
        c.proposal_index = pi;
        c.proposal_number = po.number;
        c.pfs_group = policy.pfs_group;
        c.mode = policy.mode;
        c.udp_encap = policy.udp_encap;
        std::optional<uint64_t> life_s, life_kb;
        std::size_t primary_rank = 0;
        bool complete = true;
        for (ipsec::Protocol want : wanted) {
            const auto& list = want == ipsec::Protocol::esp ? *policy.esp : *policy.ah;
            const OfferedProtocol* op = nullptr;
            for (const auto& cand : po.protocols) {
                if ((cand.protocol_id == static_cast<uint8_t>(isakmp::ProtocolId::esp)) == (want == ipsec::Protocol::esp)) op = &cand;
            }
            auto pick = pick_protocol(policy, list, *op, rejected);
            if (!pick) {
                complete = false;
                break;
            }
            if (op->spi.size() != 4) {
                rejected.add(label, "SPI of " + std::to_string(op->spi.size()) + " octets, expected 4");
                complete = false;
                break;
            }
            if (c.protocols.empty()) primary_rank = pick->rank;
            // A bundle shares one lifetime: the shortest the peer gave.
            if (pick->life_s) life_s = life_s ? std::min(*life_s, *pick->life_s) : *pick->life_s;
            if (pick->life_kb) life_kb = life_kb ? std::min(*life_kb, *pick->life_kb) : *pick->life_kb;
            c.protocols.push_back(std::move(pick->choice));
        }
        if (!complete) continue;
        apply_phase2_lifetime(policy, life_s, life_kb, c);
        std::size_t key = policy.prefer_configured ? primary_rank : pi;
        if (!best || key < best_key) {
            best_key = key;
            best = std::move(c);
        }
    }
    if (!best) {
        return Error{Errc::not_found, "no acceptable phase-2 proposal: peer offered " + rejected.text() + "; " +
                                          phase2_accepted(policy)};
    }
    return std::move(*best);
}

Result<Phase2Choice> check_phase2_reply(const Phase2Policy& policy, const std::vector<Phase2Offer>& reply) {
    if (reply.size() != 1) {
        return Error{Errc::parse_error, "phase-2 reply must carry exactly one proposal, got " + std::to_string(reply.size())};
    }
    for (const auto& op : reply[0].protocols) {
        if (op.transforms.size() != 1) {
            return Error{Errc::parse_error, "phase-2 reply must carry one transform per protocol, got " +
                                                std::to_string(op.transforms.size())};
        }
    }
    auto c = select_phase2(policy, reply);
    if (!c.ok()) {
        std::string msg = c.error().message;
        const std::string prefix = "no acceptable phase-2 proposal: ";
        if (msg.starts_with(prefix)) msg = "peer chose a phase-2 proposal we did not offer: " + msg.substr(prefix.size());
        return Error{c.error().code, msg};
    }
    c->responder_lifetime_s.reset();
    c->responder_lifetime_kb.reset();
    return c;
}

}  // namespace ikeoff::ike
