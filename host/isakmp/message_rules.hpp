// Which payloads each IKEv1 message may carry, as data, and validate().
//
// Like strongSwan's message.c rule tables, but per message rather than per
// exchange: RFC 2409 §5 gives every message of every exchange (and, for
// Main and Aggressive Mode, every authentication family) its own contents.
// A MessageRules row says, for one message:
//   payloads   type, min, max, must-be-encrypted, required position, and
//              whether the body is public-key ciphertext (opaque); the row
//              order is also the order to generate in (order_payloads())
//   header     message ID zero/non-zero, responder cookie zero/non-zero,
//              cleartext only (MM1-4, AM1-2), commit bit allowed
//   SA         phase-1 (ISAKMP) or phase-2 (AH/ESP/IPCOMP) proposals, and
//              for responders "exactly the one chosen proposal"
//   others     Quick Mode IDs come in pairs; informational needs N or D
//
// Use:
//   MessageKind k{ExchangeType::identity_protection, Role::responder, 4,
//                 AuthClass::signature};
//   const MessageRules* r = find_rules(k);
//   auto msg = parse_body(header, body, chain_options(*r, /*decrypted=*/false));
//   CodecStatus ok = validate(*msg, k);
//
// validate() is pure and maps each violation to a notify:
//   header exchange type != kind           INVALID-EXCHANGE-TYPE
//   exchange we do not implement           UNSUPPORTED-EXCHANGE-TYPE
//   A flag, C where not allowed, E on a
//   cleartext-only message, or a
//   must-be-encrypted payload without E    INVALID-FLAGS
//   message ID zero/non-zero wrongly       INVALID-MESSAGE-ID
//   responder cookie zero/non-zero wrongly INVALID-COOKIE
//   payload type not allowed here          INVALID-PAYLOAD-TYPE
//   too few/many of a type, wrong position,
//   informational without N or D           PAYLOAD-MALFORMED
//   SA of the wrong phase                  INVALID-PROTOCOL-ID
//   responder SA not a single choice       BAD-PROPOSAL-SYNTAX
//   one Quick Mode ID without the other    INVALID-ID-INFORMATION
// No rule for the (exchange, role, number) asked for is a caller error and
// yields NotifyType::none (drop, do not answer).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "host/isakmp/attributes.hpp"
#include "host/isakmp/codec.hpp"
#include "host/isakmp/message.hpp"

namespace ikeoff::isakmp {

enum class Role : uint8_t { initiator, responder };
std::string to_string(Role r);

inline constexpr uint8_t kUnbounded = 0xFF;

struct PayloadRule {
    PayloadType type;
    uint8_t min = 0;
    uint8_t max = 1;          // kUnbounded: any number
    bool encrypted = false;   // only acceptable in a message with the E flag
    uint8_t position = 0;     // 0: anywhere; n: must be the n-th payload (1-based)
    bool opaque = false;      // body is public-key ciphertext (RFC 2409 §5.2/§5.3)
};

enum class MessageIdRule : uint8_t { zero, nonzero, any };
enum class CookieRule : uint8_t { zero, nonzero, any };  // the responder cookie
enum class SaRule : uint8_t { none, phase1, phase2 };
enum class Sender : uint8_t { initiator, responder, either };

struct MessageRules {
    const char* name;  // "ID_PROT #5 (signature)"
    ExchangeType exchange;
    uint8_t number;
    Sender sender;
    std::span<const PayloadRule> payloads;
    MessageIdRule message_id = MessageIdRule::zero;
    CookieRule responder_cookie = CookieRule::nonzero;
    bool cleartext_only = false;
    bool commit_allowed = false;
    SaRule sa = SaRule::none;
    bool sa_single_choice = false;  // responder: the chosen proposal(s), one transform each
    bool id_pairs = false;          // IDs: none or exactly two (IDci, IDcr)
    bool needs_notify_or_delete = false;

    const PayloadRule* rule_for(PayloadType t) const;
};

struct MessageKind {
    ExchangeType exchange = ExchangeType::none;
    Role sender = Role::initiator;  // who sent the message
    uint8_t number = 1;             // 1-based position in the exchange
    AuthClass auth = AuthClass::pre_shared_key;  // Main/Aggressive Mode only
    // Informational only: the protected form (HASH(1), RFC 2409 §5.7) or the
    // unprotected one sent before keys exist.
    bool encrypted = true;
};

// The rules for one message, or nullptr.
const MessageRules* find_rules(const MessageKind& kind);
// Every table (for tests and tools).
std::span<const MessageRules> all_rules();

// Parse options for that message: its opaque payload types, and padding
// allowed exactly when the body was decrypted.
ChainOptions chain_options(const MessageRules& rules, bool decrypted);

CodecStatus validate(const Message& m, const MessageKind& kind);
CodecStatus validate(const Message& m, const MessageRules& rules);

// Stable-sorts `payloads` into the table's order (what generators should
// send). Payload types the table does not list are an invalid_argument.
Status order_payloads(std::vector<Payload>& payloads, const MessageRules& rules);

}  // namespace ikeoff::isakmp
