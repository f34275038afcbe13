#include "host/config/child_proposal.hpp"

#include <algorithm>

#include "host/config/ike_proposal.hpp"
#include "host/config/proposal_tokens.hpp"

namespace ikeoff::config {

namespace {

template <typename T>
void push_unique(std::vector<T>& v, const T& x) {
    if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

bool group_is_weak(uint16_t g) {
    const DhGroupInfo* gi = dh_group_info(g);
    return gi != nullptr && gi->weak;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += sep;
        out += p;
    }
    return out;
}

std::string bad_keyword(std::string_view kw, ipsec::Protocol proto) {
    std::string k(kw);
    if (kw == "des") return "'des' (single DES) is not supported for ESP";
    if (kw.find("gcm") != std::string_view::npos) {
        return "unsupported algorithm '" + k + "' (only AES-GCM with a 16-octet ICV: aes128gcm16, aes256gcm16, ...)";
    }
    if (proto == ipsec::Protocol::ah && ipsec::parse_enc_keyword(kw).ok()) {
        return "'" + k + "' is an encryption algorithm; AH only authenticates (use it in esp=)";
    }
    return unknown_keyword_message(kw);
}

Result<ChildProposalList> parse_child(std::string_view text, ipsec::Protocol proto) {
    IKEOFF_ASSIGN(ProposalTokens tokens, split_proposals(text));
    ChildProposalList list;
    list.protocol = proto;
    list.strict = tokens.strict;
    for (std::size_t i = 0; i < tokens.proposals.size(); ++i) {
        ChildProposal p;
        p.protocol = proto;
        p.esn.clear();
        for (const std::string& kw : tokens.proposals[i]) {
            if (proto == ipsec::Protocol::esp && kw != "none" && kw != "des") {
                auto enc = ipsec::parse_enc_keyword(kw);
                if (enc.ok()) {
                    push_unique(p.encs, *enc);
                    continue;
                }
            }
            if (kw != "none") {
                auto integ = ipsec::parse_integ_keyword(kw);
                if (integ.ok()) {
                    push_unique(p.integs, *integ);
                    continue;
                }
            }
            auto group = parse_dh_group_keyword(kw);
            if (group.ok()) {
                push_unique(p.groups, *group);
                continue;
            }
            if (kw == "esn" || kw == "noesn") {
                push_unique(p.esn, kw == "esn");
                continue;
            }
            return Error{Errc::parse_error, bad_keyword(kw, proto)};
        }
        if (p.esn.empty()) p.esn.push_back(false);
        const std::string& txt = tokens.texts[i];
        if (proto == ipsec::Protocol::ah) {
            if (p.integs.empty()) return Error{Errc::parse_error, "proposal '" + txt + "' has no integrity algorithm"};
        } else {
            if (p.encs.empty()) return Error{Errc::parse_error, "proposal '" + txt + "' has no encryption algorithm"};
            bool any_aead = std::any_of(p.encs.begin(), p.encs.end(), [](auto e) { return ipsec::is_aead(e.alg); });
            bool all_aead = std::all_of(p.encs.begin(), p.encs.end(), [](auto e) { return ipsec::is_aead(e.alg); });
            if (any_aead && !all_aead) {
                return Error{Errc::parse_error, "proposal '" + txt + "' mixes AEAD and non-AEAD ciphers; "
                                                "put them in separate proposals"};
            }
            if (all_aead && !p.integs.empty()) {
                return Error{Errc::parse_error, "proposal '" + txt + "': AEAD ciphers authenticate by "
                                                "themselves and take no integrity algorithm"};
            }
            if (!all_aead && p.integs.empty()) {
                return Error{Errc::parse_error, "proposal '" + txt + "' has no integrity algorithm (e.g. sha256)"};
            }
        }
        list.proposals.push_back(std::move(p));
    }
    return list;
}

}  // namespace

bool ChildTransform::is_weak() const {
    return ipsec::is_weak(enc) || ipsec::is_weak(integ) || group_is_weak(dh_group);
}

std::string ChildTransform::to_string() const {
    std::vector<std::string> parts;
    if (protocol == ipsec::Protocol::esp) parts.emplace_back(ipsec::enc_keyword(enc));
    if (integ != ipsec::IntegAlg::none) parts.emplace_back(ipsec::integ_keyword(integ));
    if (dh_group != 0) parts.push_back(dh_group_name(dh_group));
    if (esn) parts.emplace_back("esn");
    return join(parts, "-");
}

std::vector<ChildTransform> ChildProposal::expand() const {
    std::vector<ChildTransform> out;
    std::vector<ipsec::EncTransform> e = encs;
    if (e.empty()) e.push_back({});  // AH
    std::vector<ipsec::IntegAlg> ig = integs;
    if (ig.empty()) ig.push_back(ipsec::IntegAlg::none);  // AEAD
    std::vector<uint16_t> gs = groups;
    if (gs.empty()) gs.push_back(0);
    for (const auto& enc : e) {
        for (auto integ : ig) {
            for (uint16_t g : gs) {
                for (bool x : esn) out.push_back(ChildTransform{protocol, enc, integ, g, x});
            }
        }
    }
    return out;
}

bool ChildProposal::accepts(const ChildTransform& t) const {
    if (t.protocol != protocol) return false;
    bool enc_ok = protocol == ipsec::Protocol::ah ? t.enc == ipsec::EncTransform{}
                                                   : std::find(encs.begin(), encs.end(), t.enc) != encs.end();
    bool integ_ok = integs.empty() ? t.integ == ipsec::IntegAlg::none
                                   : std::find(integs.begin(), integs.end(), t.integ) != integs.end();
    bool esn_ok = std::find(esn.begin(), esn.end(), t.esn) != esn.end();
    return enc_ok && integ_ok && esn_ok;
}

bool ChildProposal::has_weak() const {
    return std::any_of(encs.begin(), encs.end(), [](auto e) { return ipsec::is_weak(e); }) ||
           std::any_of(integs.begin(), integs.end(), [](auto i) { return ipsec::is_weak(i); }) ||
           std::any_of(groups.begin(), groups.end(), group_is_weak);
}

std::string ChildProposal::to_string() const {
    std::vector<std::string> parts;
    for (const auto& e : encs) parts.emplace_back(ipsec::enc_keyword(e));
    for (auto i : integs) parts.emplace_back(ipsec::integ_keyword(i));
    for (uint16_t g : groups) parts.push_back(dh_group_name(g));
    if (esn.size() != 1 || esn[0]) {
        for (bool x : esn) parts.emplace_back(x ? "esn" : "noesn");
    }
    return join(parts, "-");
}

bool ChildProposalList::has_weak() const {
    return std::any_of(proposals.begin(), proposals.end(), [](const ChildProposal& p) { return p.has_weak(); });
}

std::string ChildProposalList::weak_keywords() const {
    std::vector<std::string> names;
    for (const auto& p : proposals) {
        for (const auto& e : p.encs) {
            if (ipsec::is_weak(e)) push_unique(names, std::string(ipsec::enc_keyword(e)));
        }
        for (auto i : p.integs) {
            if (ipsec::is_weak(i)) push_unique(names, std::string(ipsec::integ_keyword(i)));
        }
        for (uint16_t g : p.groups) {
            if (group_is_weak(g)) push_unique(names, dh_group_name(g));
        }
    }
    return join(names, ", ");
}

std::vector<uint16_t> ChildProposalList::pfs_groups() const {
    std::vector<uint16_t> out;
    for (const auto& p : proposals) {
        if (p.groups.empty()) push_unique(out, uint16_t{0});
        for (uint16_t g : p.groups) push_unique(out, g);
    }
    return out;
}

std::string ChildProposalList::to_string() const {
    std::vector<std::string> parts;
    for (const auto& p : proposals) parts.push_back(p.to_string());
    return join(parts, ",") + (strict ? "!" : "");
}

Result<ChildProposalList> parse_esp_proposals(std::string_view text) { return parse_child(text, ipsec::Protocol::esp); }
Result<ChildProposalList> parse_ah_proposals(std::string_view text) { return parse_child(text, ipsec::Protocol::ah); }

const ChildProposalList& default_esp_proposals() {
    static const ChildProposalList kDefault = [] {
        ChildProposalList l;
        ChildProposal p;
        p.encs = {{ipsec::EncAlg::aes_cbc, 128}, {ipsec::EncAlg::aes_cbc, 192}, {ipsec::EncAlg::aes_cbc, 256}};
        p.integs = {ipsec::IntegAlg::hmac_sha256_128, ipsec::IntegAlg::hmac_sha384_192,
                    ipsec::IntegAlg::hmac_sha512_256, ipsec::IntegAlg::hmac_sha1_96};
        l.proposals.push_back(std::move(p));
        return l;
    }();
    return kDefault;
}

const ChildProposalList& default_ah_proposals() {
    static const ChildProposalList kDefault = [] {
        ChildProposalList l;
        l.protocol = ipsec::Protocol::ah;
        ChildProposal p;
        p.protocol = ipsec::Protocol::ah;
        p.integs = {ipsec::IntegAlg::hmac_sha256_128, ipsec::IntegAlg::hmac_sha384_192,
                    ipsec::IntegAlg::hmac_sha512_256, ipsec::IntegAlg::hmac_sha1_96};
        l.proposals.push_back(std::move(p));
        return l;
    }();
    return kDefault;
}

std::vector<ChildTransform> child_offer(const ChildProposalList& list, uint16_t pfs_group) {
    std::vector<ChildTransform> out;
    auto add = [&](ChildTransform t) {
        t.dh_group = pfs_group;
        for (const auto& have : out) {
            if (have.same_algorithms(t)) return;
        }
        out.push_back(t);
    };
    for (const auto& p : list.proposals) {
        for (const auto& t : p.expand()) add(t);
    }
    if (!list.strict) {
        const auto& defaults = list.protocol == ipsec::Protocol::ah ? default_ah_proposals() : default_esp_proposals();
        for (const auto& p : defaults.proposals) {
            for (const auto& t : p.expand()) add(t);
        }
    }
    return out;
}

bool child_list_accepts(const ChildProposalList& list, const ChildTransform& t) {
    for (const auto& p : list.proposals) {
        if (p.accepts(t)) return true;
    }
    if (list.strict) return false;
    const auto& defaults = list.protocol == ipsec::Protocol::ah ? default_ah_proposals() : default_esp_proposals();
    for (const auto& p : defaults.proposals) {
        if (p.accepts(t)) return true;
    }
    return false;
}

}  // namespace ikeoff::config
