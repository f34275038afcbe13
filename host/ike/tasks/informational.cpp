#include "host/ike/tasks/informational.hpp"

#include "host/ike/phase2.hpp"
#include "host/ike/tasks/messages.hpp"

namespace ikeoff::ike {

using isakmp::NotifyType;

namespace {

isakmp::MessageKind info_kind(bool encrypted) {
    isakmp::MessageKind k;
    k.exchange = isakmp::ExchangeType::informational;
    k.sender = isakmp::Role::initiator;
    k.number = 1;
    k.encrypted = encrypted;
    return k;
}

}  // namespace

std::unique_ptr<Informational> Informational::sender(IsakmpSa& sa, std::vector<isakmp::Payload> payloads) {
    std::unique_ptr<Informational> t(new Informational(sa, true));
    t->out_ = std::move(payloads);
    return t;
}

std::unique_ptr<Informational> Informational::receiver(IsakmpSa& sa, uint32_t mid) {
    std::unique_ptr<Informational> t(new Informational(sa, false));
    t->mid_ = mid;
    return t;
}

Step Informational::initiate() {
    if (!sending_ || !sa_.has_keys() || mid_ == 0)
        return Step::fail(NotifyType::none, "protected informational needs keys and a Message ID");
    const std::size_t hsize = crypto::hash_size(sa_.keymat->prf());
    const uint32_t mid = mid_;
    auto out = make_hashed_message(std::move(out_), info_kind(true), hsize, [this, mid](ByteView rest) {
        return sa_.keymat->informational_hash(mid, rest);
    });
    if (!out.ok()) return Step::fail(NotifyType::none, out.error().message);
    return Step::finished(std::move(*out));
}

Step Informational::process(const Received& m) {
    if (sending_) return Step::reject(NotifyType::none, "informationals have no reply");
    auto msg = parse_received(m, info_kind(true));
    if (!msg.ok()) return Step::reject(msg.error().notify, msg.error().message);
    auto expected = sa_.keymat->informational_hash(mid_, msg->after(0));
    const isakmp::HashPayload* h = msg->find<isakmp::HashPayload>();
    if (!expected.ok()) return Step::reject(NotifyType::none, expected.error().message);
    // RFC 2409 §5.7: the HASH proves the message came from the peer; one
    // that does not verify is dropped (compared in constant time).
    if (h->data.size() != expected->size() || !ct_equal(h->data, *expected))
        return Step::reject(NotifyType::invalid_hash_information, "Informational HASH(1) does not verify");
    for (const isakmp::Payload& p : msg->payloads) {
        if (const auto* d = p.get<isakmp::DeletePayload>()) deletes_.push_back(*d);
        if (const auto* n = p.get<isakmp::NotifyPayload>()) notifies_.push_back(*n);
    }
    return Step::finished();
}

isakmp::Payload delete_isakmp(const IsakmpSa& sa) {
    isakmp::DeletePayload d;
    d.protocol = isakmp::ProtocolId::isakmp;
    d.spis.push_back(sa.spi());  // RFC 2408 §3.15: CKY-I | CKY-R
    return isakmp::Payload(std::move(d));
}

isakmp::Payload delete_ipsec(ipsec::Protocol protocol, uint32_t spi) {
    isakmp::DeletePayload d;
    d.protocol = protocol_id_of(protocol);
    Bytes s(4);
    store_be32(s.data(), spi);
    d.spis.push_back(std::move(s));
    return isakmp::Payload(std::move(d));
}

isakmp::Payload notify_payload(const IsakmpSa& sa, NotifyType type) {
    isakmp::NotifyPayload n;
    n.protocol = isakmp::ProtocolId::isakmp;
    n.type = type;
    n.spi = sa.spi();
    return isakmp::Payload(std::move(n));
}

Result<Bytes> unprotected_notify(const IsakmpSa& sa, NotifyType type) {
    isakmp::Header h;
    h.initiator_cookie = sa.cky_i;
    h.responder_cookie = sa.cky_r;
    h.exchange = isakmp::ExchangeType::informational;
    IKEOFF_ASSIGN(h.message_id, random_message_id());
    std::vector<isakmp::Payload> ps{notify_payload(sa, type)};
    return isakmp::generate_message(h, ps);
}

}  // namespace ikeoff::ike
