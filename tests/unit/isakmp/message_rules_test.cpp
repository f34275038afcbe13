// Per-exchange/role payload rule tables and validate().
#include <gtest/gtest.h>

#include <set>

#include "host/isakmp/message_rules.hpp"

namespace ikeoff::isakmp {
namespace {

const Cookie kIcky = {1, 2, 3, 4, 5, 6, 7, 8};
const Cookie kRcky = {9, 8, 7, 6, 5, 4, 3, 2};

SaPayload phase1_sa(std::size_t transforms = 1, std::size_t proposals = 1) {
    SaPayload sa;
    for (std::size_t p = 0; p < proposals; ++p) {
        Proposal pr{uint8_t(p + 1), ProtocolId::isakmp, {}, {}};
        for (std::size_t t = 0; t < transforms; ++t) pr.transforms.push_back(Transform{uint8_t(t + 1), 1, {}});
        sa.proposals.push_back(pr);
    }
    return sa;
}

Proposal esp(uint8_t number, std::size_t transforms = 1, ProtocolId proto = ProtocolId::esp) {
    Proposal p{number, proto, {0xc0, 0, 0, number}, {}};
    for (std::size_t t = 0; t < transforms; ++t) p.transforms.push_back(Transform{uint8_t(t + 1), 12, {}});
    return p;
}

NotifyPayload notify(NotifyType t) { return NotifyPayload{Doi::ipsec, ProtocolId::isakmp, t, {}, {}}; }

Message msg(ExchangeType ex, std::vector<Payload> ps, uint8_t flags = 0, uint32_t mid = 0,
            bool rcookie = true) {
    Message m;
    m.header.initiator_cookie = kIcky;
    if (rcookie) m.header.responder_cookie = kRcky;
    m.header.exchange = ex;
    m.header.flags = flags;
    m.header.message_id = mid;
    m.payloads = std::move(ps);
    return m;
}

constexpr MessageKind mm(uint8_t n, AuthClass a = AuthClass::pre_shared_key) {
    return MessageKind{ExchangeType::identity_protection, n % 2 ? Role::initiator : Role::responder,
                       n, a};
}
constexpr MessageKind am(uint8_t n, AuthClass a = AuthClass::pre_shared_key) {
    return MessageKind{ExchangeType::aggressive, n % 2 ? Role::initiator : Role::responder, n, a};
}
constexpr MessageKind qm(uint8_t n) {
    return MessageKind{ExchangeType::quick, n % 2 ? Role::initiator : Role::responder, n};
}

Message mm1() { return msg(ExchangeType::identity_protection, {phase1_sa(3), VendorIdPayload{{1}}}, 0, 0, false); }
Message mm3() {
    return msg(ExchangeType::identity_protection,
               {KePayload{Bytes(256, 1)}, NoncePayload{Bytes(32, 2)}, NatDPayload{Bytes(20, 3)},
                NatDPayload{Bytes(20, 4)}});
}
Message mm5() {
    return msg(ExchangeType::identity_protection,
               {IdPayload::fqdn("a"), HashPayload{Bytes(20, 1)}, notify(NotifyType::initial_contact)},
               kFlagEncryption);
}
Message qm1(std::vector<Payload> extra = {}) {
    std::vector<Payload> ps = {HashPayload{Bytes(20, 1)}, SaPayload{Doi::ipsec, kSitIdentityOnly, {esp(1, 2), esp(2)}},
                               NoncePayload{Bytes(16, 1)}};
    for (auto& p : extra) ps.push_back(std::move(p));
    return msg(ExchangeType::quick, std::move(ps), kFlagEncryption, 0x1234);
}

TEST(RuleTables, EveryTableIsConsistent) {
    std::set<std::string> names;
    for (const MessageRules& r : all_rules()) {
        SCOPED_TRACE(r.name);
        EXPECT_TRUE(names.insert(r.name).second) << "duplicate name";
        std::set<PayloadType> seen;
        bool any_encrypted = false, all_encrypted = true;
        for (const PayloadRule& p : r.payloads) {
            EXPECT_TRUE(is_known_payload(p.type)) << to_string(p.type);
            EXPECT_TRUE(seen.insert(p.type).second) << "type listed twice: " << p.type;
            EXPECT_TRUE(p.max == kUnbounded || p.max >= p.min);
            any_encrypted |= p.encrypted;
            all_encrypted &= p.encrypted;
            EXPECT_FALSE(p.opaque && p.encrypted) << "public-key bodies travel in cleartext messages";
        }
        if (r.cleartext_only) {
            EXPECT_FALSE(any_encrypted);
        }
        if (any_encrypted) {
            EXPECT_TRUE(all_encrypted) << "a message is encrypted as a whole";
        }
        // Every row is reachable through find_rules() with its own key.
        bool found = false;
        for (AuthClass a : {AuthClass::pre_shared_key, AuthClass::signature, AuthClass::public_key,
                            AuthClass::revised_public_key})
            for (Role role : {Role::initiator, Role::responder})
                for (bool enc : {true, false})
                    found |= find_rules(MessageKind{r.exchange, role, r.number, a, enc}) == &r;
        EXPECT_TRUE(found);
    }
    EXPECT_EQ(all_rules().size(), 37u);
}

TEST(RuleTables, LookupMatchesRfc2409Contents) {
    // Spot checks of RFC 2409 §5 per auth family.
    EXPECT_NE(find_rules(mm(5, AuthClass::pre_shared_key))->rule_for(PayloadType::hash), nullptr);
    EXPECT_EQ(find_rules(mm(5, AuthClass::pre_shared_key))->rule_for(PayloadType::sig), nullptr);
    EXPECT_NE(find_rules(mm(5, AuthClass::signature))->rule_for(PayloadType::sig), nullptr);
    EXPECT_NE(find_rules(mm(6, AuthClass::signature))->rule_for(PayloadType::cert), nullptr);
    EXPECT_EQ(find_rules(mm(5, AuthClass::public_key))->rule_for(PayloadType::id), nullptr)
        << "public-key mode sends the ID in message 3";
    EXPECT_TRUE(find_rules(mm(3, AuthClass::public_key))->rule_for(PayloadType::id)->opaque);
    EXPECT_FALSE(find_rules(mm(3, AuthClass::public_key))->rule_for(PayloadType::ke)->opaque);
    EXPECT_TRUE(find_rules(mm(3, AuthClass::revised_public_key))->rule_for(PayloadType::ke)->opaque);
    EXPECT_TRUE(find_rules(am(1, AuthClass::revised_public_key))->rule_for(PayloadType::cert)->opaque);
    EXPECT_NE(find_rules(mm(3, AuthClass::signature))->rule_for(PayloadType::cert_request), nullptr);
    EXPECT_EQ(find_rules(mm(3, AuthClass::pre_shared_key))->rule_for(PayloadType::cert_request), nullptr);
    EXPECT_NE(find_rules(am(2))->rule_for(PayloadType::nat_d), nullptr);
    EXPECT_EQ(find_rules(am(1))->rule_for(PayloadType::nat_d), nullptr) << "RFC 3947: AM 2 and 3";
    EXPECT_EQ(find_rules(qm(2))->rule_for(PayloadType::nat_oa)->max, 2);
    // Role must match the message number.
    EXPECT_EQ(find_rules(MessageKind{ExchangeType::identity_protection, Role::responder, 1}), nullptr);
    EXPECT_EQ(find_rules(MessageKind{ExchangeType::quick, Role::initiator, 2}), nullptr);
    EXPECT_EQ(find_rules(qm(4)), nullptr);
    EXPECT_EQ(find_rules(mm(7)), nullptr);
    EXPECT_EQ(find_rules(mm(0)), nullptr);
    EXPECT_NE(find_rules(MessageKind{ExchangeType::informational, Role::responder, 1}), nullptr);
}

TEST(RuleTables, ChainOptionsFromRules) {
    ChainOptions o = chain_options(*find_rules(mm(3, AuthClass::revised_public_key)), false);
    EXPECT_FALSE(o.allow_padding);
    EXPECT_EQ(o.opaque, (std::vector<PayloadType>{PayloadType::nonce, PayloadType::ke,
                                                  PayloadType::id, PayloadType::cert}));
    ChainOptions q = chain_options(*find_rules(qm(1)), true);
    EXPECT_TRUE(q.allow_padding);
    EXPECT_TRUE(q.opaque.empty());
}

TEST(Validate, WellFormedMessagesPass) {
    EXPECT_TRUE(validate(mm1(), mm(1)).ok()) << validate(mm1(), mm(1)).error().to_string();
    EXPECT_TRUE(validate(mm3(), mm(3)).ok());
    EXPECT_TRUE(validate(mm5(), mm(5)).ok());
    Message q = qm1({KePayload{Bytes(256, 1)}, IdPayload::fqdn("a"), IdPayload::fqdn("b")});
    auto v = validate(q, qm(1));
    EXPECT_TRUE(v.ok()) << v.error().to_string();
    Message q3 = msg(ExchangeType::quick, {HashPayload{Bytes(20, 1)}}, kFlagEncryption | kFlagCommit, 7);
    EXPECT_TRUE(validate(q3, qm(3)).ok()) << "commit bit is fine in Quick Mode";
}

TEST(Validate, HeaderRules) {
    Message m = mm1();
    m.header.exchange = ExchangeType::aggressive;
    EXPECT_EQ(validate(m, mm(1)).notify(), NotifyType::invalid_exchange_type);
    m = mm1();
    m.header.exchange = ExchangeType::base;
    EXPECT_EQ(validate(m, MessageKind{ExchangeType::base, Role::initiator, 1}).notify(),
              NotifyType::unsupported_exchange_type);
    m = mm1();
    m.header.flags = kFlagAuthOnly;
    EXPECT_EQ(validate(m, mm(1)).notify(), NotifyType::invalid_flags);
    m.header.flags = kFlagCommit;
    EXPECT_EQ(validate(m, mm(1)).notify(), NotifyType::invalid_flags);
    m.header.flags = kFlagEncryption;
    EXPECT_EQ(validate(m, mm(1)).notify(), NotifyType::invalid_flags) << "MM1 is never encrypted";
    m = mm1();
    m.header.message_id = 5;
    EXPECT_EQ(validate(m, mm(1)).notify(), NotifyType::invalid_message_id);
    m = mm1();
    m.header.responder_cookie = kRcky;
    EXPECT_EQ(validate(m, mm(1)).notify(), NotifyType::invalid_cookie);
    Message m3 = mm3();
    m3.header.responder_cookie = {};
    EXPECT_EQ(validate(m3, mm(3)).notify(), NotifyType::invalid_cookie);
    Message q = qm1();
    q.header.message_id = 0;
    EXPECT_EQ(validate(q, qm(1)).notify(), NotifyType::invalid_message_id);
    q = qm1();
    q.header.flags = 0;
    EXPECT_EQ(validate(q, qm(1)).notify(), NotifyType::invalid_flags) << "Quick Mode in the clear";
    Message m5 = mm5();
    m5.header.flags = 0;
    EXPECT_EQ(validate(m5, mm(5)).notify(), NotifyType::invalid_flags);
    EXPECT_EQ(validate(qm1(), qm(4)).notify(), NotifyType::none) << "no rule: drop";
}

TEST(Validate, PayloadCountsTypesAndPositions) {
    Message m = mm3();
    m.payloads.erase(m.payloads.begin() + 1);  // no nonce
    EXPECT_EQ(validate(m, mm(3)).notify(), NotifyType::payload_malformed);
    m = mm3();
    m.payloads.push_back(KePayload{Bytes(256, 1)});
    EXPECT_EQ(validate(m, mm(3)).notify(), NotifyType::payload_malformed) << "two KE";
    m = mm3();
    m.payloads.push_back(IdPayload::fqdn("x"));
    EXPECT_EQ(validate(m, mm(3)).notify(), NotifyType::invalid_payload_type) << "ID in MM3 (psk)";
    m = mm5();
    m.payloads.push_back(SigPayload{Bytes(4, 1)});
    EXPECT_EQ(validate(m, mm(5)).notify(), NotifyType::invalid_payload_type) << "SIG in a PSK MM5";
    EXPECT_EQ(validate(mm5(), mm(5, AuthClass::signature)).notify(), NotifyType::invalid_payload_type)
        << "HASH_I where a signature belongs";
    m = mm1();
    std::swap(m.payloads[0], m.payloads[1]);
    EXPECT_EQ(validate(m, mm(1)).notify(), NotifyType::payload_malformed) << "SA must come first";
    Message q = qm1();
    std::swap(q.payloads[1], q.payloads[2]);
    EXPECT_EQ(validate(q, qm(1)).notify(), NotifyType::payload_malformed) << "SA must follow HASH";
    q = qm1();
    q.payloads.push_back(IdPayload::fqdn("only-one"));
    EXPECT_EQ(validate(q, qm(1)).notify(), NotifyType::invalid_id_information);
    q = qm1({NatOaPayload::of(*IpAddress::parse("10.0.0.1")), NatOaPayload::of(*IpAddress::parse("10.0.0.2")),
             NatOaPayload::of(*IpAddress::parse("10.0.0.3"))});
    EXPECT_EQ(validate(q, qm(1)).notify(), NotifyType::payload_malformed) << "3 NAT-OA";
    Message q3 = msg(ExchangeType::quick, {HashPayload{Bytes(20, 1)}, NoncePayload{Bytes(8, 1)}},
                     kFlagEncryption, 9);
    EXPECT_EQ(validate(q3, qm(3)).notify(), NotifyType::invalid_payload_type);
}

TEST(Validate, SaPhaseAndResponderChoice) {
    Message m = mm1();
    m.payloads[0] = SaPayload{Doi::ipsec, kSitIdentityOnly, {esp(1)}};
    EXPECT_EQ(validate(m, mm(1)).notify(), NotifyType::invalid_protocol_id);
    Message q = qm1();
    q.payloads[1] = phase1_sa();
    EXPECT_EQ(validate(q, qm(1)).notify(), NotifyType::invalid_protocol_id);

    Message mm2 = msg(ExchangeType::identity_protection, {phase1_sa(1)});
    EXPECT_TRUE(validate(mm2, mm(2)).ok());
    mm2.payloads[0] = phase1_sa(2);
    EXPECT_EQ(validate(mm2, mm(2)).notify(), NotifyType::bad_proposal_syntax) << "two transforms";
    mm2.payloads[0] = phase1_sa(1, 2);
    EXPECT_EQ(validate(mm2, mm(2)).notify(), NotifyType::bad_proposal_syntax) << "two proposals";

    auto qm2 = [](std::vector<Proposal> props) {
        return msg(ExchangeType::quick,
                   {HashPayload{Bytes(20, 1)}, SaPayload{Doi::ipsec, kSitIdentityOnly, props},
                    NoncePayload{Bytes(16, 1)}},
                   kFlagEncryption, 0x1234);
    };
    EXPECT_TRUE(validate(qm2({esp(1)}), qm(2)).ok());
    EXPECT_TRUE(validate(qm2({esp(1, 1, ProtocolId::ah), esp(1)}), qm(2)).ok())
        << "an AH+ESP suite shares one proposal number";
    EXPECT_EQ(validate(qm2({esp(1), esp(2)}), qm(2)).notify(), NotifyType::bad_proposal_syntax);
    EXPECT_EQ(validate(qm2({esp(1, 2)}), qm(2)).notify(), NotifyType::bad_proposal_syntax);
}

TEST(Validate, Informational) {
    const MessageKind prot{ExchangeType::informational, Role::initiator, 1};
    const MessageKind plain{ExchangeType::informational, Role::responder, 1, AuthClass::pre_shared_key, false};
    Message d = msg(ExchangeType::informational,
                    {HashPayload{Bytes(20, 1)}, DeletePayload{Doi::ipsec, ProtocolId::esp, {{1, 2, 3, 4}}}},
                    kFlagEncryption, 77);
    EXPECT_TRUE(validate(d, prot).ok());
    Message dpd = msg(ExchangeType::informational,
                      {HashPayload{Bytes(20, 1)}, notify(NotifyType::dpd_r_u_there)}, kFlagEncryption, 78);
    EXPECT_TRUE(validate(dpd, prot).ok());
    Message hash_only = msg(ExchangeType::informational, {HashPayload{Bytes(20, 1)}}, kFlagEncryption, 79);
    EXPECT_EQ(validate(hash_only, prot).notify(), NotifyType::payload_malformed);
    Message no_hash = msg(ExchangeType::informational, {notify(NotifyType::initial_contact)},
                          kFlagEncryption, 80);
    EXPECT_EQ(validate(no_hash, prot).notify(), NotifyType::payload_malformed);
    Message npc = msg(ExchangeType::informational, {notify(NotifyType::no_proposal_chosen)}, 0, 0, false);
    EXPECT_TRUE(validate(npc, plain).ok()) << "an error before keys exist";
    Message del_plain = msg(ExchangeType::informational,
                            {DeletePayload{Doi::ipsec, ProtocolId::esp, {{1, 2, 3, 4}}}}, 0, 5);
    EXPECT_EQ(validate(del_plain, plain).notify(), NotifyType::invalid_payload_type)
        << "an unauthenticated delete is never accepted";
}

TEST(Validate, PublicKeyModeBodiesStayOpaque) {
    // RFC 2409 §5.2 message 3: HDR, KE, <IDii_b>PubKey_r, <Ni_b>PubKey_r.
    Header h;
    h.initiator_cookie = kIcky;
    h.responder_cookie = kRcky;
    h.exchange = ExchangeType::identity_protection;
    std::vector<Payload> ps = {KePayload{Bytes(256, 1)}, Payload(PayloadType::id, OpaquePayload{Bytes(256, 0xEE)}),
                               Payload(PayloadType::nonce, OpaquePayload{Bytes(256, 3)})};
    Bytes wire = *generate_message(h, ps);
    const MessageRules* r = find_rules(mm(3, AuthClass::public_key));
    ASSERT_NE(r, nullptr);
    auto m = parse_message(wire, {}, chain_options(*r, false));
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    EXPECT_TRUE(validate(*m, mm(3, AuthClass::public_key)).ok());
    EXPECT_NE(m->payloads[1].get<OpaquePayload>(), nullptr);
    EXPECT_FALSE(parse_message(wire).ok()) << "without the table, ciphertext is no valid ID";
}

TEST(OrderPayloads, SortsIntoTableOrder) {
    std::vector<Payload> ps = {IdPayload::fqdn("ci"), NoncePayload{Bytes(16, 1)}, IdPayload::fqdn("cr"),
                               KePayload{Bytes(8, 1)}, SaPayload{Doi::ipsec, kSitIdentityOnly, {esp(1)}},
                               HashPayload{Bytes(20, 1)}};
    ASSERT_TRUE(order_payloads(ps, *find_rules(qm(1))).ok());
    std::vector<PayloadType> got;
    for (const Payload& p : ps) got.push_back(p.type);
    EXPECT_EQ(got, (std::vector<PayloadType>{PayloadType::hash, PayloadType::sa, PayloadType::nonce,
                                             PayloadType::ke, PayloadType::id, PayloadType::id}));
    EXPECT_EQ(ps[4].get<IdPayload>()->to_string(), "ci") << "stable: IDci stays before IDcr";
    std::vector<Payload> bad = {HashPayload{Bytes(20, 1)}, VendorIdPayload{{1}}};
    EXPECT_FALSE(order_payloads(bad, *find_rules(qm(1))).ok());
}

}  // namespace
}  // namespace ikeoff::isakmp
