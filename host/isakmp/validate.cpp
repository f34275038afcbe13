// validate(): a parsed message against its MessageRules row. Pure; each
// violation maps to the notify documented in message_rules.hpp.
#include <string>

#include "host/isakmp/message_rules.hpp"

namespace ikeoff::isakmp {
namespace {

CodecStatus check_header(const Header& h, const MessageRules& r) {
    const std::string where = std::string(r.name) + ": ";
    ISAKMP_ENSURE(h.exchange == r.exchange, NotifyType::invalid_exchange_type,
                  where + "header says " + to_string(h.exchange));
    // RFC 2408 §3.1: the Authentication Only bit goes with exchanges this
    // implementation does not use; an unexpected bit is INVALID-FLAGS (§5.2).
    ISAKMP_ENSURE(!h.auth_only(), NotifyType::invalid_flags, where + "Authentication Only flag");
    ISAKMP_ENSURE(!h.commit() || r.commit_allowed, NotifyType::invalid_flags,
                  where + "Commit flag");
    ISAKMP_ENSURE(!h.encrypted() || !r.cleartext_only, NotifyType::invalid_flags,
                  where + "Encryption flag on a message sent before keys exist");
    switch (r.message_id) {
        case MessageIdRule::zero:
            // RFC 2408 §3.1: the Message ID is 0 during phase 1.
            ISAKMP_ENSURE(h.message_id == 0, NotifyType::invalid_message_id,
                          where + "non-zero message ID in phase 1");
            break;
        case MessageIdRule::nonzero:
            // RFC 2409 §5.5/§5.7: phase-2 and informational exchanges use a
            // random non-zero M-ID (it also keys their IVs, Appendix B).
            ISAKMP_ENSURE(h.message_id != 0, NotifyType::invalid_message_id,
                          where + "message ID 0 outside phase 1");
            break;
        case MessageIdRule::any:
            break;
    }
    switch (r.responder_cookie) {
        case CookieRule::zero:
            ISAKMP_ENSURE(is_zero(h.responder_cookie), NotifyType::invalid_cookie,
                          where + "responder cookie set in the first message");
            break;
        case CookieRule::nonzero:
            ISAKMP_ENSURE(!is_zero(h.responder_cookie), NotifyType::invalid_cookie,
                          where + "responder cookie missing");
            break;
        case CookieRule::any:
            break;
    }
    return {};
}

CodecStatus check_payloads(const Message& m, const MessageRules& r) {
    const std::string where = std::string(r.name) + ": ";
    for (std::size_t i = 0; i < m.payloads.size(); ++i) {
        const PayloadType t = m.payloads[i].type;
        const PayloadRule* rule = r.rule_for(t);
        ISAKMP_ENSURE(rule, NotifyType::invalid_payload_type,
                      where + to_string(t) + " payload not allowed");
        ISAKMP_ENSURE(!rule->encrypted || m.header.encrypted(), NotifyType::invalid_flags,
                      where + to_string(t) + " must be encrypted");
    }
    for (const PayloadRule& rule : r.payloads) {
        const std::size_t n = m.count(rule.type);
        ISAKMP_ENSURE(n >= rule.min, NotifyType::payload_malformed,
                      where + "missing " + to_string(rule.type));
        ISAKMP_ENSURE(rule.max == kUnbounded || n <= rule.max, NotifyType::payload_malformed,
                      where + std::to_string(n) + " " + to_string(rule.type) +
                          " payloads (at most " + std::to_string(rule.max) + ")");
        if (rule.position && n) {
            std::size_t at = m.index_of(rule.type) + 1;
            ISAKMP_ENSURE(at == rule.position, NotifyType::payload_malformed,
                          where + to_string(rule.type) + " is payload #" + std::to_string(at) +
                              ", must be #" + std::to_string(rule.position));
        }
    }
    if (r.needs_notify_or_delete)
        ISAKMP_ENSURE(m.count(PayloadType::notify) + m.count(PayloadType::delete_) > 0,
                      NotifyType::payload_malformed, where + "neither a notify nor a delete");
    if (r.id_pairs) {
        // RFC 2409 §5.5: client identities are passed "as IDci and then IDcr".
        std::size_t ids = m.count(PayloadType::id);
        ISAKMP_ENSURE(ids == 0 || ids == 2, NotifyType::invalid_id_information,
                      where + std::to_string(ids) + " ID payload(s); IDci and IDcr go together");
    }
    return {};
}

CodecStatus check_sa(const Message& m, const MessageRules& r) {
    if (r.sa == SaRule::none) return {};
    const SaPayload* sa = m.find<SaPayload>();
    if (!sa) return {};  // opaque or absent: counts were checked already
    const std::string where = std::string(r.name) + ": ";
    for (const Proposal& p : sa->proposals) {
        bool isakmp = p.protocol == ProtocolId::isakmp;
        ISAKMP_ENSURE(isakmp == (r.sa == SaRule::phase1), NotifyType::invalid_protocol_id,
                      where + to_string(p.protocol) + " proposal in a phase-" +
                          (r.sa == SaRule::phase1 ? "1" : "2") + " SA");
    }
    if (r.sa_single_choice) {
        // RFC 2408 §4.2: the responder returns the one proposal it accepted
        // (one suite: proposals sharing a number, e.g. AH+ESP), each with
        // the single transform it chose.
        const uint8_t number = sa->proposals.front().number;
        for (const Proposal& p : sa->proposals) {
            ISAKMP_ENSURE(p.number == number, NotifyType::bad_proposal_syntax,
                          where + "responder returned more than one proposal");
            ISAKMP_ENSURE(p.transforms.size() == 1, NotifyType::bad_proposal_syntax,
                          where + "responder returned " + std::to_string(p.transforms.size()) +
                              " transforms");
        }
        if (r.sa == SaRule::phase1)
            ISAKMP_ENSURE(sa->proposals.size() == 1, NotifyType::bad_proposal_syntax,
                          where + "phase-1 responder SA with several proposals");
    }
    return {};
}

}  // namespace

CodecStatus validate(const Message& m, const MessageRules& rules) {
    IKEOFF_TRY(check_header(m.header, rules));
    IKEOFF_TRY(check_payloads(m, rules));
    IKEOFF_TRY(check_sa(m, rules));
    return {};
}

CodecStatus validate(const Message& m, const MessageKind& kind) {
    switch (kind.exchange) {
        case ExchangeType::base:
        case ExchangeType::authentication_only:
        case ExchangeType::transaction:
            return CodecError{NotifyType::unsupported_exchange_type,
                              to_string(kind.exchange) + " exchanges are not implemented"};
        default:
            break;
    }
    ISAKMP_ENSURE(m.header.exchange == kind.exchange, NotifyType::invalid_exchange_type,
                  "expected " + to_string(kind.exchange) + ", header says " +
                      to_string(m.header.exchange));
    const MessageRules* r = find_rules(kind);
    ISAKMP_ENSURE(r, NotifyType::none,
                  "no payload rules for " + to_string(kind.exchange) + " message " +
                      std::to_string(kind.number) + " from the " + to_string(kind.sender));
    return validate(m, *r);
}

}  // namespace ikeoff::isakmp
