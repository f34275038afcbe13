#include "tests/fuzz/isakmp_fuzz_driver.hpp"

#include "host/isakmp/message.hpp"
#include "host/isakmp/message_rules.hpp"
#include "host/net/nat_t.hpp"

namespace ikeoff::isakmp::fuzz {
namespace {

bool same_payloads(const std::vector<Payload>& a, const std::vector<Payload>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!a[i].same_content(b[i])) return false;
    return true;
}

// Validation must never throw, crash or depend on anything but its inputs.
void validate_everywhere(const Message& m) {
    for (const MessageRules& r : all_rules()) {
        CodecStatus s1 = validate(m, r);
        CodecStatus s2 = validate(m, r);
        if (s1.ok() != s2.ok()) __builtin_trap();
    }
}

bool check_chain(const ParsedChain& c, PayloadType first, const ChainOptions& opts) {
    auto again = generate_chain(c.payloads);
    if (!again.ok()) return false;
    if (again->first != (c.payloads.empty() ? PayloadType::none : first)) return false;
    auto reparsed = parse_chain(again->bytes, again->first, opts);
    if (!reparsed.ok()) return false;
    if (reparsed->padding != 0) return false;
    return same_payloads(c.payloads, reparsed->payloads);
}

}  // namespace

Outcome datagram(ByteView data) {
    Outcome out;
    ByteView msg = data;
    auto nat = net::classify_nat_t(data);
    if (nat.kind == net::NatTKind::ike) msg = nat.data;

    for (bool trailing : {false, true}) {
        auto f = frame(msg, {.allow_trailing_bytes = trailing});
        if (!f.ok()) {
            if (f.notify() == NotifyType::none) out.invariants_hold = false;
            continue;
        }
        if (f->body.size() + kHeaderSize != f->header.length) out.invariants_hold = false;
    }
    auto m = parse_message(msg);
    if (!m.ok()) {
        bool encrypted = msg.size() >= kHeaderSize && (msg[19] & kFlagEncryption);
        if (m.notify() == NotifyType::none && !encrypted) out.invariants_hold = false;
        // An encrypted body is opaque to us; parse it as if decrypted, the
        // way a peer holding the key could make us see arbitrary plaintext.
        auto f = frame(msg);
        if (f.ok() && f->header.encrypted()) {
            auto b = parse_body(f->header, f->body, {.allow_padding = true});
            if (b.ok()) validate_everywhere(*b);
        }
        return out;
    }
    out.accepted = true;
    validate_everywhere(*m);
    (void)describe(*m);
    auto again = generate_message(m->header, m->payloads);
    if (!again.ok()) {
        out.invariants_hold = false;
        return out;
    }
    auto reparsed = parse_message(*again);
    if (!reparsed.ok() || !same_payloads(m->payloads, reparsed->payloads) ||
        !(reparsed->header == m->header))
        out.invariants_hold = false;
    return out;
}

Outcome body(ByteView data) {
    Outcome out;
    if (data.size() < 2) return out;
    const PayloadType first = PayloadType(data[0]);
    const uint8_t mode = data[1];
    ByteView rest = data.subspan(2);
    ChainOptions opts;
    opts.allow_padding = mode & 1;
    // Use the opaque sets of the public-key tables too.
    std::span<const MessageRules> rules = all_rules();
    if (mode & 2) opts = chain_options(rules[(mode >> 2) % rules.size()], mode & 1);
    auto c = parse_chain(rest, first, opts);
    if (!c.ok()) {
        if (c.notify() == NotifyType::none) out.invariants_hold = false;
        return out;
    }
    out.accepted = true;
    if (c->end + c->padding != rest.size()) out.invariants_hold = false;
    if (!check_chain(*c, first, opts)) out.invariants_hold = false;
    Header h;
    h.next_payload = first;
    h.exchange = ExchangeType::quick;
    h.flags = kFlagEncryption;
    h.message_id = 1;
    auto m = parse_body(h, rest, opts);
    if (!m.ok()) {
        out.invariants_hold = false;
        return out;
    }
    validate_everywhere(*m);
    for (std::size_t i = 0; i < m->payloads.size(); ++i) (void)m->after(i);
    return out;
}

Outcome payload(ByteView data) {
    Outcome out;
    if (data.empty()) return out;
    const PayloadType type = PayloadType(data[0]);
    auto p = parse_payload_body(type, data.subspan(1));
    if (!p.ok()) {
        if (p.notify() == NotifyType::none) out.invariants_hold = false;
    } else {
        out.accepted = true;
        auto enc = encode_body(*p);
        if (!enc.ok()) {
            out.invariants_hold = false;
        } else {
            auto back = parse_payload_body(type, *enc);
            if (!back.ok() || !(*back == *p)) out.invariants_hold = false;
        }
    }
    auto attrs = parse_attributes(data.subspan(1));
    if (attrs.ok()) {
        auto enc = encode_attributes(*attrs);
        if (!enc.ok() || *enc != Bytes(data.begin() + 1, data.end())) out.invariants_hold = false;
    }
    return out;
}

}  // namespace ikeoff::isakmp::fuzz
