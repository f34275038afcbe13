// Splitting strongSwan proposal strings into proposals and keywords.
//
// Shared by `ike=`, `esp=` and `ah=`: "a-b-c,d-e!" becomes two proposals of
// keywords plus the strict flag. Keyword meaning is left to the callers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "host/common/result.hpp"

namespace ikeoff::config {

struct ProposalTokens {
    std::vector<std::vector<std::string>> proposals;  // keywords, lowercased
    std::vector<std::string> texts;                   // each proposal as written (trimmed)
    bool strict = false;
};

// Errors: empty list, empty proposal or keyword, '!' anywhere but the end.
Result<ProposalTokens> split_proposals(std::string_view text);

// Keywords of algorithms we know but do not implement (IKEv2-only groups,
// Camellia, ChaCha20, CCM, ...), so the error can say "not supported" rather
// than "unknown".
bool is_known_unsupported_keyword(std::string_view keyword);

// "unknown algorithm 'x'" or "unsupported algorithm 'x' (not implemented by ikeoffd)".
std::string unknown_keyword_message(std::string_view keyword);

}  // namespace ikeoff::config
