// ipsec.secrets-style secrets.
//
//   # selectors : TYPE value
//   10.0.0.1 10.0.0.2 : PSK "shared secret"
//   @moon @sun        : PSK 0x0123456789abcdef      (hex)
//   %any              : PSK 0sc2VjcmV0              (base64)
//                     : RSA moonKey.pem             (no selectors: any identity)
//   @moon             : RSA moonKey.pem "passphrase"
//   include secrets.d/*.secrets
//
// Selectors are identities (identity.hpp) or %any. The colon must stand
// alone (white space on both sides, or start the line), so IPv6 selectors
// work. Lines starting with white space continue the previous entry. Key
// files are PEM/DER, relative to the secrets file's directory unless
// SecretsOptions::key_dir is set.
//
// Types: PSK; RSA (RSA signatures and the RSA encryption modes); DSA (our
// addition, for authby=dsssig; strongSwan has no DSS). ECDSA and PIN
// entries are errors (not supported); EAP, XAUTH and NTLM entries are
// ignored with a warning, as they do not apply to IKEv1 Main/Aggressive Mode.
//
// Which PSK applies (strongSwan's "best match"): every selector is scored
// against our ID and against the peer's ID: 3 for the same identity, 1 for
// %any, 0 otherwise. An entry without selectors scores 1+1. With one
// selector the entry scores (selector vs ours) + (selector vs peer's) and
// applies if either part is non-zero. With two or more, the best selector
// for ours and the best for the peer's must both be non-zero (the entry
// names a pair of hosts or a group sharing one key). The highest total
// wins; on a tie the entry written first wins. In Main Mode the responder
// must pick the PSK before it sees the peer's ID, so it asks with the
// peer's IP address as identity.
//
// Secrets are held in SecretBytes and never appear in messages or logs:
// errors name the file, line and what is wrong, not the value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/config/conf_file.hpp"
#include "host/config/identity.hpp"

namespace ikeoff::config {

enum class SecretType : uint8_t { psk, rsa, dsa };

struct SecretEntry {
    std::vector<Identity> selectors;   // empty: applies to any identity
    SecretType type = SecretType::psk;
    SecretBytes psk;                   // PSK entries
    std::string key_file;              // RSA/DSA entries: resolved path
    SecretBytes passphrase;            // RSA/DSA entries: empty if the key is not encrypted
    SourceLoc where;
};

struct SecretsOptions {
    std::string key_dir;               // for relative key paths; empty: the secrets file's directory
    bool check_files = true;           // key files must exist and be readable
};

class Secrets {
public:
    static Result<Secrets> load(const std::string& path, const SecretsOptions& opts = {});
    static Result<Secrets> parse(std::string_view text, const std::string& display_name,
                                 const SecretsOptions& opts = {});

    // The best PSK entry for the pair of identities, or nullptr.
    const SecretEntry* find_psk(const Identity& local, const Identity& remote) const;
    // The best private key entry of `type` for our identity, or nullptr.
    const SecretEntry* find_private_key(const Identity& local, SecretType type) const;

    const std::vector<SecretEntry>& entries() const { return entries_; }
    const std::vector<std::string>& warnings() const { return warnings_; }

    // Score of `e` for the pair (see above); 0 if it does not apply.
    static int psk_score(const SecretEntry& e, const Identity& local, const Identity& remote);

private:
    std::vector<SecretEntry> entries_;
    std::vector<std::string> warnings_;
    friend class SecretsParser;
};

// Base64 as in 0s values (RFC 4648 alphabet, padding optional).
Result<Bytes> decode_base64(std::string_view text);

}  // namespace ikeoff::config
