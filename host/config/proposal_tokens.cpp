#include "host/config/proposal_tokens.hpp"

#include <array>
#include <cctype>

namespace ikeoff::config {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

Result<ProposalTokens> split_proposals(std::string_view text) {
    ProposalTokens out;
    std::string_view rest = trim(text);
    if (!rest.empty() && rest.back() == '!') {
        out.strict = true;
        rest = trim(rest.substr(0, rest.size() - 1));
    }
    if (rest.empty()) return Error{Errc::parse_error, "empty proposal list"};
    if (rest.find('!') != std::string_view::npos) {
        return Error{Errc::parse_error, "'!' (strict) may only appear once, at the end of the list"};
    }
    while (true) {
        std::size_t comma = rest.find(',');
        std::string_view item = trim(rest.substr(0, comma));
        if (item.empty()) return Error{Errc::parse_error, "empty proposal in list (stray ',')"};
        std::vector<std::string> keywords;
        std::string_view tail = item;
        while (true) {
            std::size_t dash = tail.find('-');
            std::string_view kw = trim(tail.substr(0, dash));
            if (kw.empty()) {
                return Error{Errc::parse_error, "empty algorithm in proposal '" + std::string(item) + "'"};
            }
            keywords.push_back(lower(kw));
            if (dash == std::string_view::npos) break;
            tail = tail.substr(dash + 1);
        }
        out.proposals.push_back(std::move(keywords));
        out.texts.emplace_back(item);
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    return out;
}

bool is_known_unsupported_keyword(std::string_view kw) {
    static constexpr std::array<std::string_view, 34> kKnown{
        "curve25519", "x25519", "curve448", "x448", "ecp192", "ecp224", "ecp224bp", "ecp256bp",
        "ecp384bp", "ecp512bp", "modp1024s160", "modp2048s224", "modp2048s256", "modpnull",
        "camellia", "camellia128", "camellia192", "camellia256", "blowfish", "blowfish128",
        "blowfish192", "blowfish256", "cast128", "serpent", "twofish", "chacha20poly1305",
        "aesxcbc", "aescmac", "sha256_96", "prfaesxcbc", "prfaescmac", "sha3_256", "ntru128", "newhope128",
    };
    for (auto k : kKnown) {
        if (k == kw) return true;
    }
    // AES-CTR and AES-CCM in all key sizes and ICV lengths: "aes128ctr", "aes256ccm16", ...
    if (kw.starts_with("aes") && (kw.find("ctr") != std::string_view::npos || kw.find("ccm") != std::string_view::npos)) {
        return true;
    }
    return false;
}

std::string unknown_keyword_message(std::string_view keyword) {
    if (is_known_unsupported_keyword(keyword)) {
        return "unsupported algorithm '" + std::string(keyword) + "' (not implemented by ikeoffd)";
    }
    return "unknown algorithm '" + std::string(keyword) + "'";
}

}  // namespace ikeoff::config
