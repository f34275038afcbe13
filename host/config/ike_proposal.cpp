#include "host/config/ike_proposal.hpp"

#include <algorithm>
#include <array>

#include "host/config/proposal_tokens.hpp"

namespace ikeoff::config {

namespace {

// RFC 2409 Appendix A group numbers 1, 2, 5; RFC 3526 for 14-18; RFC 5903 for 19-21.
constexpr std::array<DhGroupInfo, 11> kGroups{{
    {1, "modp768", false, 768, true},
    {2, "modp1024", false, 1024, false},
    {5, "modp1536", false, 1536, false},
    {14, "modp2048", false, 2048, false},
    {15, "modp3072", false, 3072, false},
    {16, "modp4096", false, 4096, false},
    {17, "modp6144", false, 6144, false},
    {18, "modp8192", false, 8192, false},
    {19, "ecp256", true, 256, false},
    {20, "ecp384", true, 384, false},
    {21, "ecp521", true, 521, false},
}};

struct CipherRow {
    std::string_view keyword;
    IkeCipherSpec spec;
};

// Canonical keyword first for each spec, aliases after.
constexpr std::array<CipherRow, 6> kCiphers{{
    {"aes128", {IkeCipher::aes_cbc, 128}},
    {"aes192", {IkeCipher::aes_cbc, 192}},
    {"aes256", {IkeCipher::aes_cbc, 256}},
    {"3des", {IkeCipher::tdes_cbc, 192}},
    {"des", {IkeCipher::des_cbc, 64}},
    {"aes", {IkeCipher::aes_cbc, 128}},
}};

struct HashRow {
    std::string_view keyword;
    HashAlg hash;
};

constexpr std::array<HashRow, 9> kHashes{{
    {"sha1", HashAlg::sha1},
    {"sha256", HashAlg::sha256},
    {"sha384", HashAlg::sha384},
    {"sha512", HashAlg::sha512},
    {"md5", HashAlg::md5},
    {"sha", HashAlg::sha1},
    {"sha2_256", HashAlg::sha256},
    {"sha2_384", HashAlg::sha384},
    {"sha2_512", HashAlg::sha512},
}};

template <typename T>
void push_unique(std::vector<T>& v, const T& x) {
    if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

bool cipher_is_weak(IkeCipherSpec c) { return c.cipher == IkeCipher::des_cbc; }
bool hash_is_weak(HashAlg h) { return crypto::is_weak(h); }
bool group_is_weak(uint16_t g) {
    const DhGroupInfo* gi = dh_group_info(g);
    return gi != nullptr && gi->weak;
}

bool looks_like_esp_only(std::string_view kw) {
    return kw.find("gcm") != std::string_view::npos || kw.find("gmac") != std::string_view::npos || kw == "null";
}

}  // namespace

std::string_view auth_method_name(AuthMethod m) {
    switch (m) {
        case AuthMethod::psk: return "pre-shared key";
        case AuthMethod::dss_sig: return "DSS signature";
        case AuthMethod::rsa_sig: return "RSA signature";
        case AuthMethod::rsa_enc: return "RSA encryption";
        case AuthMethod::rsa_enc_revised: return "revised RSA encryption";
    }
    return "?";
}

std::optional<AuthMethod> auth_method_from_attribute(uint16_t value) {
    if (value >= 1 && value <= 5) return static_cast<AuthMethod>(value);
    return std::nullopt;
}

uint16_t ike_cipher_attribute(IkeCipher c) {
    switch (c) {
        case IkeCipher::des_cbc: return 1;
        case IkeCipher::tdes_cbc: return 5;
        case IkeCipher::aes_cbc: return 7;
    }
    return 0;
}

std::optional<IkeCipher> ike_cipher_from_attribute(uint16_t value) {
    switch (value) {
        case 1: return IkeCipher::des_cbc;
        case 5: return IkeCipher::tdes_cbc;
        case 7: return IkeCipher::aes_cbc;
        default: return std::nullopt;
    }
}

std::size_t ike_cipher_block_bytes(IkeCipher c) { return c == IkeCipher::aes_cbc ? 16 : 8; }
bool ike_cipher_has_key_length(IkeCipher c) { return c == IkeCipher::aes_cbc; }
uint16_t ike_cipher_fixed_key_bits(IkeCipher c) {
    switch (c) {
        case IkeCipher::des_cbc: return 64;
        case IkeCipher::tdes_cbc: return 192;
        case IkeCipher::aes_cbc: return 0;
    }
    return 0;
}

const DhGroupInfo* dh_group_info(uint16_t id) {
    for (const auto& g : kGroups) {
        if (g.id == id) return &g;
    }
    return nullptr;
}

Result<uint16_t> parse_dh_group_keyword(std::string_view keyword) {
    for (const auto& g : kGroups) {
        if (g.keyword == keyword) return g.id;
    }
    return Error{Errc::parse_error, unknown_keyword_message(keyword)};
}

std::string dh_group_name(uint16_t id) {
    if (const DhGroupInfo* g = dh_group_info(id)) return std::string(g->keyword);
    return "group " + std::to_string(id);
}

std::string ike_cipher_keyword(IkeCipherSpec c) {
    for (const auto& row : kCiphers) {
        if (row.spec == c) return std::string(row.keyword);
    }
    if (c.cipher == IkeCipher::aes_cbc) return "aes" + std::to_string(c.key_bits);
    return "?";
}

std::string_view ike_hash_keyword(HashAlg h) {
    for (const auto& row : kHashes) {
        if (row.hash == h) return row.keyword;
    }
    return "?";
}

bool IkeTransform::is_weak() const {
    return cipher_is_weak({cipher, key_bits}) || hash_is_weak(hash) || group_is_weak(dh_group);
}

std::string IkeTransform::to_string() const {
    return ike_cipher_keyword({cipher, key_bits}) + "-" + std::string(ike_hash_keyword(hash)) + "-" +
           dh_group_name(dh_group);
}

std::vector<IkeTransform> IkeProposal::expand() const {
    std::vector<IkeTransform> out;
    for (const auto& c : ciphers) {
        for (HashAlg h : hashes) {
            // RFC 2409 §4: the PRF is HMAC-<hash>; a prf keyword can only narrow the hashes.
            if (!prfs.empty() && std::find(prfs.begin(), prfs.end(), h) == prfs.end()) continue;
            for (uint16_t g : groups) {
                IkeTransform t;
                t.cipher = c.cipher;
                t.key_bits = c.key_bits;
                t.hash = h;
                t.prf = h;
                t.dh_group = g;
                out.push_back(t);
            }
        }
    }
    return out;
}

bool IkeProposal::accepts(const IkeTransform& t) const {
    bool cipher_ok = std::find(ciphers.begin(), ciphers.end(), IkeCipherSpec{t.cipher, t.key_bits}) != ciphers.end();
    bool hash_ok = std::find(hashes.begin(), hashes.end(), t.hash) != hashes.end();
    bool prf_ok = prfs.empty() || std::find(prfs.begin(), prfs.end(), t.hash) != prfs.end();
    bool group_ok = std::find(groups.begin(), groups.end(), t.dh_group) != groups.end();
    return cipher_ok && hash_ok && prf_ok && group_ok;
}

bool IkeProposal::has_weak() const {
    return std::any_of(ciphers.begin(), ciphers.end(), cipher_is_weak) ||
           std::any_of(hashes.begin(), hashes.end(), hash_is_weak) ||
           std::any_of(prfs.begin(), prfs.end(), hash_is_weak) ||
           std::any_of(groups.begin(), groups.end(), group_is_weak);
}

std::string IkeProposal::to_string() const {
    std::string out;
    auto add = [&out](std::string_view kw) {
        if (!out.empty()) out += '-';
        out += kw;
    };
    for (const auto& c : ciphers) add(ike_cipher_keyword(c));
    for (HashAlg h : hashes) add(ike_hash_keyword(h));
    for (HashAlg p : prfs) add("prf" + std::string(ike_hash_keyword(p)));
    for (uint16_t g : groups) add(dh_group_name(g));
    return out;
}

bool IkeProposalList::has_weak() const {
    return std::any_of(proposals.begin(), proposals.end(), [](const IkeProposal& p) { return p.has_weak(); });
}

std::string IkeProposalList::weak_keywords() const {
    std::vector<std::string> names;
    for (const auto& p : proposals) {
        for (const auto& c : p.ciphers) {
            if (cipher_is_weak(c)) push_unique(names, ike_cipher_keyword(c));
        }
        for (HashAlg h : p.hashes) {
            if (hash_is_weak(h)) push_unique(names, std::string(ike_hash_keyword(h)));
        }
        for (HashAlg h : p.prfs) {
            if (hash_is_weak(h)) push_unique(names, "prf" + std::string(ike_hash_keyword(h)));
        }
        for (uint16_t g : p.groups) {
            if (group_is_weak(g)) push_unique(names, dh_group_name(g));
        }
    }
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += ", ";
        out += n;
    }
    return out;
}

std::string IkeProposalList::to_string() const {
    std::string out;
    for (const auto& p : proposals) {
        if (!out.empty()) out += ',';
        out += p.to_string();
    }
    if (strict) out += '!';
    return out;
}

Result<IkeProposalList> parse_ike_proposals(std::string_view text) {
    IKEOFF_ASSIGN(ProposalTokens tokens, split_proposals(text));
    IkeProposalList list;
    list.strict = tokens.strict;
    for (std::size_t i = 0; i < tokens.proposals.size(); ++i) {
        IkeProposal p;
        for (const std::string& kw : tokens.proposals[i]) {
            auto cipher = std::find_if(kCiphers.begin(), kCiphers.end(), [&](const CipherRow& r) { return r.keyword == kw; });
            if (cipher != kCiphers.end()) {
                push_unique(p.ciphers, cipher->spec);
                continue;
            }
            auto hash = std::find_if(kHashes.begin(), kHashes.end(), [&](const HashRow& r) { return r.keyword == kw; });
            if (hash != kHashes.end()) {
                push_unique(p.hashes, hash->hash);
                continue;
            }
            if (kw.starts_with("prf")) {
                std::string_view rest = std::string_view(kw).substr(3);
                auto prf = std::find_if(kHashes.begin(), kHashes.end(), [&](const HashRow& r) { return r.keyword == rest; });
                if (prf != kHashes.end()) {
                    push_unique(p.prfs, prf->hash);
                    continue;
                }
            }
            auto group = parse_dh_group_keyword(kw);
            if (group.ok()) {
                push_unique(p.groups, *group);
                continue;
            }
            if (looks_like_esp_only(kw)) {
                return Error{Errc::parse_error, "'" + kw + "' cannot be used in IKEv1 phase 1 (IKEv1 has no "
                                                "AEAD or null cipher for the ISAKMP SA); use it in esp="};
            }
            return Error{Errc::parse_error, unknown_keyword_message(kw)};
        }
        const std::string& txt = tokens.texts[i];
        if (p.ciphers.empty()) return Error{Errc::parse_error, "proposal '" + txt + "' has no encryption algorithm"};
        if (p.hashes.empty()) return Error{Errc::parse_error, "proposal '" + txt + "' has no hash algorithm"};
        if (p.groups.empty()) return Error{Errc::parse_error, "proposal '" + txt + "' has no DH group (e.g. modp2048)"};
        for (HashAlg prf : p.prfs) {
            if (std::find(p.hashes.begin(), p.hashes.end(), prf) == p.hashes.end()) {
                return Error{Errc::parse_error,
                             "proposal '" + txt + "': prf" + std::string(ike_hash_keyword(prf)) +
                                 " needs the hash " + std::string(ike_hash_keyword(prf)) +
                                 " in the same proposal (IKEv1 uses HMAC of the negotiated hash as PRF)"};
            }
        }
        list.proposals.push_back(std::move(p));
    }
    return list;
}

const IkeProposalList& default_ike_proposals() {
    static const IkeProposalList kDefault = [] {
        IkeProposalList l;
        IkeProposal p;
        p.ciphers = {{IkeCipher::aes_cbc, 128}, {IkeCipher::aes_cbc, 192}, {IkeCipher::aes_cbc, 256},
                     {IkeCipher::tdes_cbc, 192}};
        p.hashes = {HashAlg::sha256, HashAlg::sha384, HashAlg::sha512, HashAlg::sha1};
        p.groups = {19, 20, 21, 15, 16, 17, 18, 14};
        l.proposals.push_back(std::move(p));
        return l;
    }();
    return kDefault;
}

const std::vector<IkeTransform>& default_ike_offer() {
    static const std::vector<IkeTransform> kOffer = [] {
        auto make = [](uint16_t bits, HashAlg h, uint16_t g) {
            IkeTransform t;
            t.cipher = IkeCipher::aes_cbc;
            t.key_bits = bits;
            t.hash = h;
            t.prf = h;
            t.dh_group = g;
            return t;
        };
        return std::vector<IkeTransform>{
            make(128, HashAlg::sha256, 19), make(256, HashAlg::sha384, 20), make(128, HashAlg::sha256, 15),
            make(256, HashAlg::sha256, 15), make(128, HashAlg::sha1, 14),
        };
    }();
    return kOffer;
}

std::vector<IkeTransform> ike_offer(const IkeProposalList& list, AuthMethod auth, uint32_t lifetime_s,
                                    uint64_t lifetime_kb) {
    std::vector<IkeTransform> out;
    auto add = [&](IkeTransform t) {
        for (const auto& have : out) {
            if (have.same_algorithms(t)) return;
        }
        t.auth = auth;
        t.lifetime_s = lifetime_s;
        t.lifetime_kb = lifetime_kb;
        out.push_back(t);
    };
    for (const auto& p : list.proposals) {
        for (const auto& t : p.expand()) add(t);
    }
    if (!list.strict) {
        for (const auto& t : default_ike_offer()) add(t);
    }
    return out;
}

bool ike_list_accepts(const IkeProposalList& list, const IkeTransform& t) {
    for (const auto& p : list.proposals) {
        if (p.accepts(t)) return true;
    }
    if (list.strict) return false;
    for (const auto& p : default_ike_proposals().proposals) {
        if (p.accepts(t)) return true;
    }
    return false;
}

}  // namespace ikeoff::config
