#include "host/ike/tasks/messages.hpp"

namespace ikeoff::ike {

isakmp::CodecResult<isakmp::Message> parse_received(const Received& r, const isakmp::MessageKind& kind) {
    const isakmp::MessageRules* rules = isakmp::find_rules(kind);
    if (rules == nullptr) {
        return isakmp::CodecError{isakmp::NotifyType::invalid_payload_type,
                                  "no payload rules for " + isakmp::to_string(kind.exchange) + " message " +
                                      std::to_string(kind.number)};
    }
    IKEOFF_ASSIGN(isakmp::Message m,
                  isakmp::parse_body(r.header, r.body, isakmp::chain_options(*rules, r.header.encrypted())));
    IKEOFF_TRY(isakmp::validate(m, *rules));
    return m;
}

Result<OutMessage> make_message(std::vector<isakmp::Payload> payloads, const isakmp::MessageKind& kind,
                                bool encrypt) {
    const isakmp::MessageRules* rules = isakmp::find_rules(kind);
    IKEOFF_ENSURE(rules != nullptr, Errc::internal, "no payload rules for the message being built");
    IKEOFF_TRY(isakmp::order_payloads(payloads, *rules));
    OutMessage m;
    IKEOFF_ASSIGN(m.body, isakmp::generate_chain(payloads));
    m.encrypt = encrypt;
    return m;
}

}  // namespace ikeoff::ike
