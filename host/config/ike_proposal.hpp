// Phase-1 (ISAKMP SA) algorithms and strongSwan-syntax proposal strings.
//
// A connection's `ike=` value is a comma-separated list of proposals, each a
// dash-separated list of algorithm keywords, optionally ending in `!`:
//
//     ike=aes128-sha1-modp2048,aes256-sha256-ecp256!
//
// Within one proposal every combination of the listed algorithms is
// acceptable (strongSwan semantics), so `aes128-aes256-sha1-sha256-modp2048`
// stands for four combinations. IKEv1 cannot carry alternatives inside one
// transform, so when we initiate each combination becomes its own Transform
// payload (strongSwan itself would send only the first algorithm of each
// kind; offering all of them is a superset and interoperates).
//
// Keywords (phase 1):
//   ciphers  aes128 aes192 aes256 (aes = aes128), 3des, des (weak)
//   hashes   sha1 (sha), sha256 (sha2_256), sha384 (sha2_384), sha512
//            (sha2_512), md5 (weak)
//   PRFs     prfsha1 prfsha256 prfsha384 prfsha512 prfmd5: accepted for
//            strongSwan compatibility only. RFC 2409 §4 makes the PRF the
//            HMAC of the negotiated hash, so a prf keyword restricts the
//            proposal to the hash of the same name.
//   groups   modp768 (1, weak) modp1024 (2) modp1536 (5) modp2048 (14)
//            modp3072 (15) modp4096 (16) modp6144 (17) modp8192 (18)
//            ecp256 (19) ecp384 (20) ecp521 (21)
//
// Weak algorithms (DES, MD5, MODP-768) are accepted by the parser and marked;
// the connection loader refuses them unless the connection says
// `weakalgs=yes` (see connection.hpp). They are never part of the defaults.
//
// Defaults. Without a trailing `!` the configured proposals are followed by
// our defaults, which mirror strongSwan 5.9's default IKE proposal reduced to
// the algorithms this daemon implements:
//   accepted (responder): aes128 aes192 aes256 3des x sha256 sha384 sha512
//       sha1 x ecp256 ecp384 ecp521 modp3072 modp4096 modp6144 modp8192
//       modp2048 (any combination)
//   offered (initiator), in this order: aes128-sha256-ecp256,
//       aes256-sha384-ecp384, aes128-sha256-modp3072, aes256-sha256-modp3072,
//       aes128-sha1-modp2048
// (128 combinations do not fit in one unfragmented Main Mode message, hence
// the shorter list when we initiate). A missing `ike=` means defaults only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/common/result.hpp"
#include "host/crypto/hash.hpp"

namespace ikeoff::config {

using crypto::HashAlg;

enum class IkeCipher : uint8_t {
    des_cbc,    // RFC 2409 App. A value 1; weak
    tdes_cbc,   // value 5
    aes_cbc,    // value 7 (RFC 3602 §5), with a Key Length attribute
};

// Phase-1 authentication methods, numbered as RFC 2409 Appendix A.
enum class AuthMethod : uint16_t {
    psk = 1,               // pre-shared key
    dss_sig = 2,           // DSS signatures
    rsa_sig = 3,           // RSA signatures
    rsa_enc = 4,           // encryption with RSA (§5.2)
    rsa_enc_revised = 5,   // revised encryption with RSA (§5.3)
};

std::string_view auth_method_name(AuthMethod m);  // "pre-shared key", ...
std::optional<AuthMethod> auth_method_from_attribute(uint16_t value);

// Phase-1 "Encryption Algorithm" attribute values (RFC 2409 Appendix A).
uint16_t ike_cipher_attribute(IkeCipher c);
std::optional<IkeCipher> ike_cipher_from_attribute(uint16_t value);
std::size_t ike_cipher_block_bytes(IkeCipher c);   // 8 for (3)DES, 16 for AES
bool ike_cipher_has_key_length(IkeCipher c);       // AES: variable length, sent as an attribute
uint16_t ike_cipher_fixed_key_bits(IkeCipher c);   // 64 for DES, 192 for 3DES, 0 for AES

// --- Diffie-Hellman groups (IANA "Group Description" numbers) -------------

struct DhGroupInfo {
    uint16_t id;
    std::string_view keyword;   // "modp2048"
    bool ecp;                   // RFC 5903 elliptic curve group
    uint16_t bits;              // modulus or field size
    bool weak;                  // needs weakalgs=yes
};

// nullptr for groups this daemon does not implement.
const DhGroupInfo* dh_group_info(uint16_t id);
Result<uint16_t> parse_dh_group_keyword(std::string_view keyword);
// The keyword, or "group N" for unknown numbers (for log messages).
std::string dh_group_name(uint16_t id);

// --- concrete transforms -----------------------------------------------------

// One fully specified phase-1 transform: what an initiator offers, what a
// responder picks. prf is always the HMAC of `hash` (RFC 2409 §4); it is a
// separate field so key derivation does not have to know that rule.
struct IkeTransform {
    IkeCipher cipher = IkeCipher::aes_cbc;
    uint16_t key_bits = 128;     // 64 (DES), 192 (3DES), 128/192/256 (AES)
    HashAlg hash = HashAlg::sha1;
    HashAlg prf = HashAlg::sha1;
    uint16_t dh_group = 14;
    AuthMethod auth = AuthMethod::psk;
    uint32_t lifetime_s = 0;     // 0: none sent / none offered
    uint64_t lifetime_kb = 0;    // 0: none

    bool is_weak() const;
    // strongSwan keyword form of the algorithms: "aes128-sha1-modp2048".
    std::string to_string() const;
    bool same_algorithms(const IkeTransform& o) const {
        return cipher == o.cipher && key_bits == o.key_bits && hash == o.hash && dh_group == o.dh_group;
    }
};

// A cipher with its key length, as listed in a proposal.
struct IkeCipherSpec {
    IkeCipher cipher;
    uint16_t key_bits;
    bool operator==(const IkeCipherSpec&) const = default;
};

std::string ike_cipher_keyword(IkeCipherSpec c);   // "aes128", "3des", "des"
std::string_view ike_hash_keyword(HashAlg h);      // "sha1", "sha256", "md5", ...

// One comma-separated item of `ike=`: every combination of its algorithms.
struct IkeProposal {
    std::vector<IkeCipherSpec> ciphers;
    std::vector<HashAlg> hashes;
    std::vector<HashAlg> prfs;        // empty: unrestricted (the usual case)
    std::vector<uint16_t> groups;

    // Every combination, in preference order (ciphers vary slowest, groups fastest).
    std::vector<IkeTransform> expand() const;
    bool accepts(const IkeTransform& t) const;
    bool has_weak() const;
    std::string to_string() const;   // the proposal written back as keywords
};

struct IkeProposalList {
    std::vector<IkeProposal> proposals;
    bool strict = false;     // trailing '!': nothing but these

    bool has_weak() const;
    // The weak keywords used, for "needs weakalgs=yes" errors: "des, md5".
    std::string weak_keywords() const;
    std::string to_string() const;   // "aes128-sha1-modp2048,aes256-sha256-ecp256!"
};

// Parses an `ike=` value. Errors name the offending keyword:
// "unknown algorithm 'aes129'", "proposal 'aes128-sha1' has no DH group".
Result<IkeProposalList> parse_ike_proposals(std::string_view text);

// The proposals used when `ike=` is absent, and appended when it is not strict.
const IkeProposalList& default_ike_proposals();
// What we offer from the defaults when initiating (see the table above).
const std::vector<IkeTransform>& default_ike_offer();

// The initiator's transforms, in order: each configured combination, then
// (unless strict) the default offer, without duplicates. Every transform
// carries `auth` and the lifetimes.
std::vector<IkeTransform> ike_offer(const IkeProposalList& list, AuthMethod auth, uint32_t lifetime_s,
                                    uint64_t lifetime_kb = 0);

// True if a responder configured with `list` may accept `t` (algorithms
// only: auth method and lifetime are checked by proposal selection).
bool ike_list_accepts(const IkeProposalList& list, const IkeTransform& t);

}  // namespace ikeoff::config
