// The per-message payload tables of RFC 2409 §5 (Main, Aggressive, Quick,
// New Group and Informational), plus RFC 3947 NAT-D/NAT-OA and the vendor
// IDs and notifies peers really send.
//
// Notation in the comments is RFC 2409's: HDR* = encrypted, <X_b>Key = the
// body of X encrypted with Key, [X] = optional. Generous where peers differ
// in practice (vendor IDs, INITIAL-CONTACT, certificate requests, NAT-D in
// RFC and draft numbering), strict where the RFC is (counts, positions,
// encryption).
#include "host/isakmp/message_rules.hpp"

#include <algorithm>

namespace ikeoff::isakmp {
namespace {

using P = PayloadType;
constexpr uint8_t N = kUnbounded;

constexpr PayloadRule R(P t, uint8_t min, uint8_t max, bool enc = false, uint8_t pos = 0,
                        bool opaque = false) {
    return PayloadRule{t, min, max, enc, pos, opaque};
}
// Encrypted variant, for messages after the keys exist.
constexpr PayloadRule E(P t, uint8_t min, uint8_t max, uint8_t pos = 0) {
    return PayloadRule{t, min, max, true, pos, false};
}
// Body encrypted with the peer's public key or Ke_i/Ke_r.
constexpr PayloadRule O(P t, uint8_t min, uint8_t max) {
    return PayloadRule{t, min, max, false, 0, true};
}

// ---- Main Mode (Identity Protection), RFC 2409 §5 --------------------------
// "The SA payload MUST precede all other payloads in a phase 1 exchange."
// 1: HDR, SA                 2: HDR, SA
constexpr PayloadRule kMm12[] = {R(P::sa, 1, 1, false, 1), R(P::vendor_id, 0, N)};

// Pre-shared key (§5.4) and signatures (§5.1):
// 3: HDR, KE, Ni             4: HDR, KE, Nr        (+ NAT-D, RFC 3947 §3.2)
constexpr PayloadRule kMm34Psk[] = {R(P::ke, 1, 1), R(P::nonce, 1, 1), R(P::nat_d, 0, N),
                                    R(P::nat_d_draft, 0, N), R(P::vendor_id, 0, N)};
constexpr PayloadRule kMm34Sig[] = {R(P::ke, 1, 1), R(P::nonce, 1, 1), R(P::cert_request, 0, N),
                                    R(P::nat_d, 0, N), R(P::nat_d_draft, 0, N),
                                    R(P::vendor_id, 0, N)};
// 5: HDR*, IDii, HASH_I      6: HDR*, IDir, HASH_R
constexpr PayloadRule kMm56Psk[] = {E(P::id, 1, 1), E(P::hash, 1, 1), E(P::notify, 0, N),
                                    E(P::vendor_id, 0, N)};
// 5: HDR*, IDii, [ CERT, ] SIG_I     6: HDR*, IDir, [ CERT, ] SIG_R
// (strongSwan also puts a CERTREQ into its message 5.)
constexpr PayloadRule kMm56Sig[] = {E(P::id, 1, 1), E(P::cert, 0, N), E(P::sig, 1, 1),
                                    E(P::cert_request, 0, N), E(P::notify, 0, N), E(P::vendor_id, 0, N)};

// Public key encryption (§5.2):
// 3: HDR, [ HASH(1), ] KE, <IDii_b>PubKey_r, <Ni_b>PubKey_r
// 4: HDR, KE, <IDir_b>PubKey_i, <Nr_b>PubKey_i
constexpr PayloadRule kMm3Pk[] = {R(P::hash, 0, 1), R(P::ke, 1, 1), O(P::id, 1, 1),
                                  O(P::nonce, 1, 1), R(P::nat_d, 0, N), R(P::nat_d_draft, 0, N),
                                  R(P::vendor_id, 0, N)};
constexpr PayloadRule kMm4Pk[] = {R(P::ke, 1, 1), O(P::id, 1, 1), O(P::nonce, 1, 1),
                                  R(P::nat_d, 0, N), R(P::nat_d_draft, 0, N),
                                  R(P::vendor_id, 0, N)};
// 5: HDR*, HASH_I            6: HDR*, HASH_R   (both public-key families)
constexpr PayloadRule kMm56Pk[] = {E(P::hash, 1, 1), E(P::notify, 0, N), E(P::vendor_id, 0, N)};

// Revised public key encryption (§5.3):
// 3: HDR, [ HASH(1), ] <Ni_b>Pubkey_r, <KE_b>Ke_i, <IDii_b>Ke_i [, <Cert-I_b>Ke_i ]
// 4: HDR, <Nr_b>PubKey_i, <KE_b>Ke_r, <IDir_b>Ke_r
constexpr PayloadRule kMm3Rv[] = {R(P::hash, 0, 1), O(P::nonce, 1, 1), O(P::ke, 1, 1),
                                  O(P::id, 1, 1), O(P::cert, 0, 1), R(P::nat_d, 0, N),
                                  R(P::nat_d_draft, 0, N), R(P::vendor_id, 0, N)};
constexpr PayloadRule kMm4Rv[] = {O(P::nonce, 1, 1), O(P::ke, 1, 1), O(P::id, 1, 1),
                                  R(P::nat_d, 0, N), R(P::nat_d_draft, 0, N),
                                  R(P::vendor_id, 0, N)};

// ---- Aggressive Mode, RFC 2409 §5 ----------------------------------------------
// PSK: 1: HDR, SA, KE, Ni, IDii   2: HDR, SA, KE, Nr, IDir, HASH_R   3: HDR, HASH_I
// (RFC 3947 §3.2: NAT-D in messages 2 and 3; strongSwan encrypts message 3.)
constexpr PayloadRule kAm1Psk[] = {R(P::sa, 1, 1, false, 1), R(P::ke, 1, 1), R(P::nonce, 1, 1),
                                   R(P::id, 1, 1), R(P::vendor_id, 0, N)};
constexpr PayloadRule kAm2Psk[] = {R(P::sa, 1, 1, false, 1), R(P::ke, 1, 1), R(P::nonce, 1, 1),
                                   R(P::id, 1, 1), R(P::vendor_id, 0, N), R(P::nat_d, 0, N),
                                   R(P::nat_d_draft, 0, N), R(P::hash, 1, 1),
                                   R(P::notify, 0, N)};
constexpr PayloadRule kAm3Psk[] = {R(P::hash, 1, 1), R(P::nat_d, 0, N), R(P::nat_d_draft, 0, N),
                                   R(P::notify, 0, N), R(P::vendor_id, 0, N)};
// Signatures: 1: HDR, SA, KE, Ni, IDii   2: HDR, SA, KE, Nr, IDir, [ CERT, ] SIG_R
//             3: HDR, [ CERT, ] SIG_I
constexpr PayloadRule kAm1Sig[] = {R(P::sa, 1, 1, false, 1), R(P::ke, 1, 1), R(P::nonce, 1, 1),
                                   R(P::id, 1, 1), R(P::cert_request, 0, N),
                                   R(P::vendor_id, 0, N)};
constexpr PayloadRule kAm2Sig[] = {R(P::sa, 1, 1, false, 1), R(P::ke, 1, 1), R(P::nonce, 1, 1),
                                   R(P::id, 1, 1), R(P::cert_request, 0, N),
                                   R(P::vendor_id, 0, N), R(P::nat_d, 0, N),
                                   R(P::nat_d_draft, 0, N), R(P::cert, 0, N), R(P::sig, 1, 1),
                                   R(P::notify, 0, N)};
constexpr PayloadRule kAm3Sig[] = {R(P::cert, 0, N), R(P::sig, 1, 1), R(P::nat_d, 0, N),
                                   R(P::nat_d_draft, 0, N), R(P::notify, 0, N),
                                   R(P::vendor_id, 0, N)};
// Public key (§5.2): 1: HDR, SA, [ HASH(1), ] KE, <IDii_b>PubKey_r, <Ni_b>PubKey_r
//                    2: HDR, SA, KE, <IDir_b>PubKey_i, <Nr_b>PubKey_i, HASH_R
//                    3: HDR, HASH_I
constexpr PayloadRule kAm1Pk[] = {R(P::sa, 1, 1, false, 1), R(P::hash, 0, 1), R(P::ke, 1, 1),
                                  O(P::id, 1, 1), O(P::nonce, 1, 1), R(P::vendor_id, 0, N)};
constexpr PayloadRule kAm2Pk[] = {R(P::sa, 1, 1, false, 1), R(P::ke, 1, 1), O(P::id, 1, 1),
                                  O(P::nonce, 1, 1), R(P::vendor_id, 0, N), R(P::nat_d, 0, N),
                                  R(P::nat_d_draft, 0, N), R(P::hash, 1, 1),
                                  R(P::notify, 0, N)};
// Revised (§5.3): 1: HDR, SA, [ HASH(1), ] <Ni_b>Pubkey_r, <KE_b>Ke_i, <IDii_b>Ke_i
//                    [, <Cert-I_b>Ke_i ]
//                 2: HDR, SA, <Nr_b>PubKey_i, <KE_b>Ke_r, <IDir_b>Ke_r, HASH_R
//                 3: HDR, HASH_I
constexpr PayloadRule kAm1Rv[] = {R(P::sa, 1, 1, false, 1), R(P::hash, 0, 1), O(P::nonce, 1, 1),
                                  O(P::ke, 1, 1), O(P::id, 1, 1), O(P::cert, 0, 1),
                                  R(P::vendor_id, 0, N)};
constexpr PayloadRule kAm2Rv[] = {R(P::sa, 1, 1, false, 1), O(P::nonce, 1, 1), O(P::ke, 1, 1),
                                  O(P::id, 1, 1), R(P::vendor_id, 0, N), R(P::nat_d, 0, N),
                                  R(P::nat_d_draft, 0, N), R(P::hash, 1, 1),
                                  R(P::notify, 0, N)};

// ---- Quick Mode, RFC 2409 §5.5 ---------------------------------------------------
// 1: HDR*, HASH(1), SA, Ni [, KE ] [, IDci, IDcr ]
// 2: HDR*, HASH(2), SA, Nr [, KE ] [, IDci, IDcr ]
// 3: HDR*, HASH(3)
// "the HASH payload MUST immediately follow the ISAKMP header and a SA
// payload MUST immediately follow the HASH". NAT-OA: RFC 3947 §5.2;
// RESPONDER-LIFETIME and friends: RFC 2407 §4.6.3.
constexpr PayloadRule kQm12[] = {E(P::hash, 1, 1, 1), E(P::sa, 1, 1, 2), E(P::nonce, 1, 1),
                                 E(P::ke, 0, 1), E(P::id, 0, 2), E(P::nat_oa, 0, 2),
                                 E(P::nat_oa_draft, 0, 2), E(P::notify, 0, N)};
constexpr PayloadRule kQm3[] = {E(P::hash, 1, 1, 1)};

// ---- New Group Mode, RFC 2409 §5.6 -----------------------------------------------
// 1: HDR*, HASH(1), SA        2: HDR*, HASH(2), SA
constexpr PayloadRule kNgm[] = {E(P::hash, 1, 1, 1), E(P::sa, 1, 1, 2)};

// ---- Informational, RFC 2409 §5.7 ------------------------------------------------
// HDR*, HASH(1), N/D once keys exist; before that (e.g. NO-PROPOSAL-CHOSEN
// in answer to Main Mode message 1) only an unprotected notify.
constexpr PayloadRule kInfoProtected[] = {E(P::hash, 1, 1, 1), E(P::notify, 0, N),
                                          E(P::delete_, 0, N)};
constexpr PayloadRule kInfoPlain[] = {R(P::notify, 1, N)};

using X = ExchangeType;
using S = Sender;
using M = MessageIdRule;
using C = CookieRule;

constexpr MessageRules mm(const char* name, uint8_t n, std::span<const PayloadRule> p) {
    MessageRules r{name, X::identity_protection, n, n % 2 ? S::initiator : S::responder, p};
    r.responder_cookie = n == 1 ? C::zero : C::nonzero;
    r.cleartext_only = n <= 4;
    r.sa = n <= 2 ? SaRule::phase1 : SaRule::none;
    r.sa_single_choice = n == 2;
    return r;
}

constexpr MessageRules am(const char* name, uint8_t n, std::span<const PayloadRule> p) {
    MessageRules r{name, X::aggressive, n, n % 2 ? S::initiator : S::responder, p};
    r.responder_cookie = n == 1 ? C::zero : C::nonzero;
    r.cleartext_only = n <= 2;
    r.sa = n <= 2 ? SaRule::phase1 : SaRule::none;
    r.sa_single_choice = n == 2;
    return r;
}

constexpr MessageRules encrypted2(const char* name, X ex, uint8_t n,
                                  std::span<const PayloadRule> p, SaRule sa) {
    MessageRules r{name, ex, n, n % 2 ? S::initiator : S::responder, p};
    r.message_id = M::nonzero;
    r.commit_allowed = ex == X::quick;
    r.sa = sa;
    r.sa_single_choice = n == 2 && sa != SaRule::none;
    r.id_pairs = ex == X::quick;
    return r;
}

constexpr MessageRules info(const char* name, bool prot, std::span<const PayloadRule> p) {
    MessageRules r{name, X::informational, 1, S::either, p};
    r.message_id = prot ? M::nonzero : M::any;
    r.responder_cookie = prot ? C::nonzero : C::any;
    r.cleartext_only = !prot;
    r.needs_notify_or_delete = prot;
    return r;
}

// Index: Main Mode 1..6 for PSK, SIG, PK, RV, then Aggressive 1..3 likewise.
const MessageRules kTables[] = {
    mm("ID_PROT #1", 1, kMm12),                         // 0  (all auth classes)
    mm("ID_PROT #2", 2, kMm12),                         // 1
    mm("ID_PROT #3 (psk)", 3, kMm34Psk),                // 2
    mm("ID_PROT #4 (psk)", 4, kMm34Psk),                // 3
    mm("ID_PROT #5 (psk)", 5, kMm56Psk),                // 4
    mm("ID_PROT #6 (psk)", 6, kMm56Psk),                // 5
    mm("ID_PROT #3 (signature)", 3, kMm34Sig),          // 6
    mm("ID_PROT #4 (signature)", 4, kMm34Sig),          // 7
    mm("ID_PROT #5 (signature)", 5, kMm56Sig),          // 8
    mm("ID_PROT #6 (signature)", 6, kMm56Sig),          // 9
    mm("ID_PROT #3 (pubkey)", 3, kMm3Pk),               // 10
    mm("ID_PROT #4 (pubkey)", 4, kMm4Pk),               // 11
    mm("ID_PROT #5 (pubkey)", 5, kMm56Pk),              // 12
    mm("ID_PROT #6 (pubkey)", 6, kMm56Pk),              // 13
    mm("ID_PROT #3 (revised-pubkey)", 3, kMm3Rv),       // 14
    mm("ID_PROT #4 (revised-pubkey)", 4, kMm4Rv),       // 15
    mm("ID_PROT #5 (revised-pubkey)", 5, kMm56Pk),      // 16
    mm("ID_PROT #6 (revised-pubkey)", 6, kMm56Pk),      // 17
    am("AGGRESSIVE #1 (psk)", 1, kAm1Psk),              // 18
    am("AGGRESSIVE #2 (psk)", 2, kAm2Psk),              // 19
    am("AGGRESSIVE #3 (psk)", 3, kAm3Psk),              // 20
    am("AGGRESSIVE #1 (signature)", 1, kAm1Sig),        // 21
    am("AGGRESSIVE #2 (signature)", 2, kAm2Sig),        // 22
    am("AGGRESSIVE #3 (signature)", 3, kAm3Sig),        // 23
    am("AGGRESSIVE #1 (pubkey)", 1, kAm1Pk),            // 24
    am("AGGRESSIVE #2 (pubkey)", 2, kAm2Pk),            // 25
    am("AGGRESSIVE #3 (pubkey)", 3, kAm3Psk),           // 26  HDR, HASH_I
    am("AGGRESSIVE #1 (revised-pubkey)", 1, kAm1Rv),    // 27
    am("AGGRESSIVE #2 (revised-pubkey)", 2, kAm2Rv),    // 28
    am("AGGRESSIVE #3 (revised-pubkey)", 3, kAm3Psk),   // 29
    encrypted2("QUICK_MODE #1", X::quick, 1, kQm12, SaRule::phase2),     // 30
    encrypted2("QUICK_MODE #2", X::quick, 2, kQm12, SaRule::phase2),     // 31
    encrypted2("QUICK_MODE #3", X::quick, 3, kQm3, SaRule::none),        // 32
    encrypted2("NEW_GROUP #1", X::new_group, 1, kNgm, SaRule::phase1),   // 33
    encrypted2("NEW_GROUP #2", X::new_group, 2, kNgm, SaRule::phase1),   // 34
    info("INFORMATIONAL (protected)", true, kInfoProtected),             // 35
    info("INFORMATIONAL (unprotected)", false, kInfoPlain),              // 36
};

std::size_t auth_index(AuthClass a) {
    switch (a) {
        case AuthClass::pre_shared_key: return 0;
        case AuthClass::signature: return 1;
        case AuthClass::public_key: return 2;
        case AuthClass::revised_public_key: return 3;
    }
    return 0;
}

bool sender_matches(Sender s, Role r) {
    return s == Sender::either || (s == Sender::initiator) == (r == Role::initiator);
}

}  // namespace

std::string to_string(Role r) { return r == Role::initiator ? "initiator" : "responder"; }

const PayloadRule* MessageRules::rule_for(PayloadType t) const {
    for (const PayloadRule& r : payloads)
        if (r.type == t) return &r;
    return nullptr;
}

std::span<const MessageRules> all_rules() { return kTables; }

const MessageRules* find_rules(const MessageKind& k) {
    const MessageRules* r = nullptr;
    const std::size_t a = auth_index(k.auth);
    switch (k.exchange) {
        case X::identity_protection:
            if (k.number == 1 || k.number == 2) r = &kTables[k.number - 1];
            else if (k.number >= 3 && k.number <= 6) r = &kTables[2 + 4 * a + (k.number - 3)];
            break;
        case X::aggressive:
            if (k.number >= 1 && k.number <= 3) r = &kTables[18 + 3 * a + (k.number - 1)];
            break;
        case X::quick:
            if (k.number >= 1 && k.number <= 3) r = &kTables[30 + (k.number - 1)];
            break;
        case X::new_group:
            if (k.number >= 1 && k.number <= 2) r = &kTables[33 + (k.number - 1)];
            break;
        case X::informational:
            if (k.number == 1) r = &kTables[k.encrypted ? 35 : 36];
            break;
        default:
            break;
    }
    if (r && !sender_matches(r->sender, k.sender)) return nullptr;
    return r;
}

ChainOptions chain_options(const MessageRules& rules, bool decrypted) {
    ChainOptions o;
    o.allow_padding = decrypted;
    for (const PayloadRule& p : rules.payloads)
        if (p.opaque) o.opaque.push_back(p.type);
    return o;
}

Status order_payloads(std::vector<Payload>& payloads, const MessageRules& rules) {
    auto rank = [&rules](PayloadType t) -> std::size_t {
        for (std::size_t i = 0; i < rules.payloads.size(); ++i)
            if (rules.payloads[i].type == t) return i;
        return rules.payloads.size();
    };
    for (const Payload& p : payloads)
        if (rank(p.type) == rules.payloads.size())
            return Error{Errc::invalid_argument,
                         to_string(p.type) + " does not belong in " + rules.name};
    std::stable_sort(payloads.begin(), payloads.end(), [&rank](const Payload& a, const Payload& b) {
        return rank(a.type) < rank(b.type);
    });
    return {};
}

}  // namespace ikeoff::isakmp
