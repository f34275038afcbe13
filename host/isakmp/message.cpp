#include "host/isakmp/message.hpp"

#include <string>

#include "host/wire/writer.hpp"

namespace ikeoff::isakmp {

const Payload* Message::find(PayloadType type) const {
    for (const Payload& p : payloads)
        if (p.type == type) return &p;
    return nullptr;
}

std::size_t Message::count(PayloadType type) const {
    std::size_t n = 0;
    for (const Payload& p : payloads) n += p.type == type;
    return n;
}

std::size_t Message::index_of(PayloadType type) const {
    for (std::size_t i = 0; i < payloads.size(); ++i)
        if (payloads[i].type == type) return i;
    return payloads.size();
}

const NotifyPayload* Message::find_notify(NotifyType type) const {
    for (const Payload& p : payloads)
        if (const NotifyPayload* n = p.get<NotifyPayload>(); n && n->type == type) return n;
    return nullptr;
}

ByteView Message::after(std::size_t i) const {
    if (i >= payloads.size()) return {};
    std::size_t from = payloads[i].offset + payloads[i].size;
    std::size_t end = body.size() - padding;
    if (from > end) return {};
    return ByteView(body).subspan(from, end - from);
}

CodecResult<Message> parse_body(const Header& header, ByteView body, const ChainOptions& opts) {
    IKEOFF_ASSIGN(ParsedChain chain, parse_chain(body, header.next_payload, opts));
    Message m;
    m.header = header;
    m.payloads = std::move(chain.payloads);
    m.body.assign(body.begin(), body.end());
    m.padding = chain.padding;
    return m;
}

CodecResult<Message> parse_message(ByteView datagram, const HeaderOptions& hopts,
                                   const ChainOptions& copts) {
    IKEOFF_ASSIGN(Framed f, frame(datagram, hopts));
    if (f.header.encrypted())
        return CodecError{NotifyType::none,
                          "message body is encrypted; decrypt it and call parse_body()"};
    return parse_body(f.header, f.body, copts);
}

Result<Bytes> generate_message(const Header& header, std::span<const Payload> payloads) {
    if (header.encrypted())
        return Error{Errc::invalid_argument,
                     "generate_message() writes cleartext; encrypt generate_chain() output"};
    IKEOFF_ASSIGN(EncodedBody body, generate_chain(payloads));
    Header h = header;
    h.next_payload = body.first;
    IKEOFF_ASSIGN(Bytes out, encode_header(h, body.bytes.size()));
    out.insert(out.end(), body.bytes.begin(), body.bytes.end());
    return out;
}

std::string describe(const Message& m) {
    std::string s = to_string(m.header.exchange) + " mid=" + std::to_string(m.header.message_id);
    if (m.header.encrypted()) s += " (E)";
    s += " [";
    for (const Payload& p : m.payloads) {
        s += " " + short_name(p.type);
        if (const NotifyPayload* n = p.get<NotifyPayload>()) s += "(" + to_string(n->type) + ")";
        if (const DeletePayload* d = p.get<DeletePayload>())
            s += "(" + to_string(d->protocol) + "x" + std::to_string(d->spis.size()) + ")";
        if (p.get<OpaquePayload>()) s += "(enc)";
    }
    s += " ]";
    if (m.padding) s += " +" + std::to_string(m.padding) + " pad";
    return s;
}

}  // namespace ikeoff::isakmp
