// Responder proposal selection (phase 1 and Quick Mode) and the initiator's
// check of the reply: order, strictness, key lengths, weak algorithms,
// PFS, modes, bundles, lifetimes and the NO-PROPOSAL-CHOSEN reasons.
#include "host/ike/proposal_select.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "host/config/config.hpp"
#include "host/isakmp/attributes.hpp"

namespace ikeoff::ike {
namespace {

using ::testing::HasSubstr;
using config::AuthMethod;

// ---- building offers -----------------------------------------------------------

struct P1 {
    uint16_t enc = 7;          // AES-CBC
    std::optional<uint16_t> key_len = 128;
    uint16_t hash = 2;         // SHA
    uint16_t auth = 1;         // PSK
    uint16_t group = 14;
    std::optional<uint64_t> life_s = 28800;
    std::optional<uint64_t> life_kb;
};

OfferedTransform p1(uint8_t number, const P1& p) {
    OfferedTransform t;
    t.number = number;
    t.id = 1;
    t.attributes.push_back({1, p.enc});
    if (p.key_len) t.attributes.push_back({14, *p.key_len});
    t.attributes.push_back({2, p.hash});
    t.attributes.push_back({3, p.auth});
    t.attributes.push_back({4, p.group});
    if (p.life_s) {
        t.attributes.push_back({11, 1});
        t.attributes.push_back({12, *p.life_s});
    }
    if (p.life_kb) {
        t.attributes.push_back({11, 2});
        t.attributes.push_back({12, *p.life_kb});
    }
    return t;
}

Phase1Policy p1_policy(std::string_view ike, AuthMethod auth = AuthMethod::psk, bool prefer_configured = true) {
    Phase1Policy p;
    auto l = config::parse_ike_proposals(ike);
    EXPECT_TRUE(l.ok()) << ike;
    p.proposals = *l;
    p.auth = auth;
    p.lifetime_s = 10800;
    p.prefer_configured = prefer_configured;
    return p;
}

struct P2 {
    uint8_t id = 12;                      // ESP_AES_CBC (AH: transform ID)
    std::optional<uint16_t> key_len = 128;
    std::optional<uint16_t> auth = 2;     // HMAC-SHA
    std::optional<uint16_t> group;
    std::optional<uint16_t> mode = 1;     // tunnel
    std::optional<uint64_t> life_s = 3600;
    std::optional<uint64_t> life_kb;
    bool esn = false;
};

OfferedTransform p2(uint8_t number, const P2& p) {
    OfferedTransform t;
    t.number = number;
    t.id = p.id;
    if (p.life_s) {
        t.attributes.push_back({1, 1});
        t.attributes.push_back({2, *p.life_s});
    }
    if (p.life_kb) {
        t.attributes.push_back({1, 2});
        t.attributes.push_back({2, *p.life_kb});
    }
    if (p.group) t.attributes.push_back({3, *p.group});
    if (p.mode) t.attributes.push_back({4, *p.mode});
    if (p.auth) t.attributes.push_back({5, *p.auth});
    if (p.key_len) t.attributes.push_back({6, *p.key_len});
    if (p.esn) t.attributes.push_back({11, 1});
    return t;
}

OfferedProtocol esp(std::vector<OfferedTransform> ts) { return OfferedProtocol{3, Bytes{1, 2, 3, 4}, std::move(ts)}; }
OfferedProtocol ah(std::vector<OfferedTransform> ts) { return OfferedProtocol{2, Bytes{5, 6, 7, 8}, std::move(ts)}; }

Phase2Policy p2_policy(std::optional<std::string_view> esp_text, std::optional<std::string_view> ah_text = {},
                       uint16_t pfs = 0) {
    Phase2Policy p;
    if (esp_text) {
        auto l = config::parse_esp_proposals(*esp_text);
        EXPECT_TRUE(l.ok()) << *esp_text;
        p.esp = *l;
    }
    if (ah_text) {
        auto l = config::parse_ah_proposals(*ah_text);
        EXPECT_TRUE(l.ok()) << *ah_text;
        p.ah = *l;
    }
    p.pfs_group = pfs;
    p.lifetime_s = 3600;
    return p;
}

// ---- phase 1 --------------------------------------------------------------------------

TEST(Phase1Select, DecodesEveryAttribute) {
    P1 a;
    a.enc = 7;
    a.key_len = 256;
    a.hash = 4;
    a.auth = 3;
    a.group = 19;
    a.life_s = 3600;
    a.life_kb = 1000;
    auto t = decode_phase1_transform(p1(1, a));
    ASSERT_TRUE(t.ok()) << t.error().message;
    EXPECT_EQ(t->to_string(), "aes256-sha256-ecp256");
    EXPECT_EQ(t->prf, crypto::HashAlg::sha256);
    EXPECT_EQ(t->auth, AuthMethod::rsa_sig);
    EXPECT_EQ(t->lifetime_s, 3600u);
    EXPECT_EQ(t->lifetime_kb, 1000u);
    P1 des;
    des.enc = 5;
    des.key_len.reset();
    des.hash = 1;
    des.group = 2;
    EXPECT_EQ(decode_phase1_transform(p1(1, des))->to_string(), "3des-md5-modp1024");
    P1 nokey;
    nokey.key_len.reset();
    EXPECT_EQ(decode_phase1_transform(p1(1, nokey))->key_bits, 128);   // AES without Key Length
}

TEST(Phase1Select, DecodeErrorsExplainTheAttribute) {
    auto err = [](P1 p) {
        auto r = decode_phase1_transform(p1(1, p));
        EXPECT_FALSE(r.ok());
        return r.ok() ? std::string() : r.error().message;
    };
    P1 idea;
    idea.enc = 2;
    EXPECT_EQ(err(idea), "encryption IDEA-CBC (2) is not supported");
    P1 tiger;
    tiger.hash = 3;
    EXPECT_EQ(err(tiger), "hash Tiger (3) is not supported");
    P1 xauth;
    xauth.auth = 65001;
    EXPECT_THAT(err(xauth), HasSubstr("(65001) is not supported"));
    P1 g22;
    g22.group = 22;
    EXPECT_THAT(err(g22), HasSubstr("DH group"));
    P1 badkey;
    badkey.key_len = 100;
    EXPECT_EQ(err(badkey), "AES key length 100 is invalid");
    P1 deskey;
    deskey.enc = 5;
    deskey.key_len = 128;
    EXPECT_EQ(err(deskey), "key length 128 for a fixed-length cipher");
    auto t = p1(1, P1{});
    t.id = 3;
    EXPECT_EQ(decode_phase1_transform(t).error().message, "transform ID 3 is not KEY_IKE");
    auto missing = p1(1, P1{});
    missing.attributes.erase(missing.attributes.begin() + 2);   // hash
    EXPECT_EQ(decode_phase1_transform(missing).error().message, "no Hash-Algorithm attribute");
    auto orphan = p1(1, P1{});
    orphan.attributes.push_back({12, 5});
    EXPECT_EQ(decode_phase1_transform(orphan).error().message, "Life-Duration without a Life-Type before it");
    auto priv = p1(1, P1{});
    priv.attributes.push_back({6, std::nullopt});
    EXPECT_THAT(decode_phase1_transform(priv).error().message, HasSubstr("New Group Mode"));
    auto prf = p1(1, P1{});
    prf.attributes.push_back({13, 1});
    EXPECT_THAT(decode_phase1_transform(prf).error().message, HasSubstr("PRF attribute"));
    auto unknown = p1(1, P1{});
    unknown.attributes.push_back({99, 1});
    EXPECT_EQ(decode_phase1_transform(unknown).error().message, "unknown attribute class 99");
}

TEST(Phase1Select, PicksByOurOrderOrThePeersOrder) {
    P1 a;                    // aes128-sha1-modp2048
    P1 b;
    b.key_len = 256;
    b.hash = 4;
    b.group = 15;            // aes256-sha256-modp3072
    std::vector<OfferedTransform> offer{p1(1, a), p1(2, b)};
    auto ours_first = select_phase1(p1_policy("aes256-sha256-modp3072,aes128-sha1-modp2048!"), offer);
    ASSERT_TRUE(ours_first.ok()) << ours_first.error().message;
    EXPECT_EQ(ours_first->index, 1u);
    EXPECT_EQ(ours_first->transform_number, 2);
    EXPECT_EQ(ours_first->transform.to_string(), "aes256-sha256-modp3072");
    auto peers_first = select_phase1(p1_policy("aes256-sha256-modp3072,aes128-sha1-modp2048!", AuthMethod::psk, false), offer);
    ASSERT_TRUE(peers_first.ok());
    EXPECT_EQ(peers_first->index, 0u);
    EXPECT_EQ(peers_first->transform.to_string(), "aes128-sha1-modp2048");
}

TEST(Phase1Select, StrictRefusesDefaultsNonStrictAcceptsThem) {
    P1 ecp;
    ecp.key_len = 256;
    ecp.hash = 5;
    ecp.group = 20;          // aes256-sha384-ecp384, in the default set
    std::vector<OfferedTransform> offer{p1(1, ecp)};
    EXPECT_TRUE(select_phase1(p1_policy("aes128-sha1-modp2048"), offer).ok());
    auto strict = select_phase1(p1_policy("aes128-sha1-modp2048!"), offer);
    ASSERT_FALSE(strict.ok());
    EXPECT_EQ(strict.error().code, Errc::not_found);
    EXPECT_EQ(strict.error().message,
              "no acceptable phase-1 proposal: peer offered aes256-sha384-ecp384 (aes256, sha384, ecp384 not "
              "configured); we accept aes128-sha1-modp2048!");
    // Empty configuration: the defaults, but never modp1024.
    P1 legacy;
    legacy.group = 2;
    auto r = select_phase1(Phase1Policy{}, {p1(1, legacy)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "no acceptable phase-1 proposal: peer offered aes128-sha1-modp1024 (modp1024 not "
                                 "configured); we accept the defaults");
}

TEST(Phase1Select, ReasonsForEveryRefusedTransform) {
    P1 weak;
    weak.enc = 1;
    weak.key_len.reset();
    weak.hash = 1;
    weak.group = 1;          // des-md5-modp768
    P1 sig;
    sig.auth = 3;
    P1 combo;
    combo.hash = 4;          // aes128-sha256-modp2048: each part configured, not together
    P1 bad;
    bad.enc = 8;             // Camellia
    auto r = select_phase1(p1_policy("aes128-sha1-modp2048,3des-sha256-modp1024!"),
                           {p1(1, weak), p1(2, sig), p1(3, combo), p1(4, bad)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message,
              "no acceptable phase-1 proposal: peer offered des-md5-modp768 (weak des, md5, modp768 not allowed "
              "without weakalgs=yes), aes128-sha1-modp2048 (authentication RSA signature, we use pre-shared key), "
              "aes128-sha256-modp2048 (this combination is not configured), transform #4 (encryption CAMELLIA-CBC (8) "
              "is not supported); we accept aes128-sha1-modp2048,3des-sha256-modp1024!");
}

TEST(Phase1Select, WeakAlgorithmsOnlyWithWeakalgs) {
    P1 weak;
    weak.enc = 1;
    weak.key_len.reset();
    weak.hash = 1;
    weak.group = 1;
    auto policy = p1_policy("des-md5-modp768!");
    EXPECT_FALSE(select_phase1(policy, {p1(1, weak)}).ok());
    policy.allow_weak = true;
    auto r = select_phase1(policy, {p1(1, weak)});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->transform.to_string(), "des-md5-modp768");
}

TEST(Phase1Select, KeyLengthMustMatch) {
    P1 a192;
    a192.key_len = 192;
    auto r = select_phase1(p1_policy("aes128-sha1-modp2048!"), {p1(1, a192)});
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message, HasSubstr("aes192-sha1-modp2048 (aes192 not configured)"));
}

TEST(Phase1Select, Lifetimes) {
    auto policy = p1_policy("aes128-sha1-modp2048!");   // ours: 10800 s
    P1 shorter;
    shorter.life_s = 3600;
    auto a = select_phase1(policy, {p1(1, shorter)});
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->transform.lifetime_s, 3600u);
    EXPECT_FALSE(a->responder_lifetime_s.has_value());
    P1 longer;
    longer.life_s = 86400;
    auto b = select_phase1(policy, {p1(1, longer)});
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->transform.lifetime_s, 10800u);
    EXPECT_EQ(b->responder_lifetime_s, 10800u);
    P1 none;
    none.life_s.reset();
    auto c = select_phase1(policy, {p1(1, none)});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->transform.lifetime_s, 10800u);
    EXPECT_FALSE(c->responder_lifetime_s.has_value());
    EXPECT_EQ(c->transform.auth, AuthMethod::psk);
}

TEST(Phase1Select, EmptyOfferIsASyntaxError) {
    auto r = select_phase1(p1_policy("aes128-sha1-modp2048"), {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::parse_error);
}

TEST(Phase1Select, InitiatorChecksTheReply) {
    auto policy = p1_policy("aes128-sha1-modp2048,aes256-sha256-modp3072!");
    auto offered = config::ike_offer(policy.proposals, policy.auth, policy.lifetime_s);
    P1 b;
    b.key_len = 256;
    b.hash = 4;
    b.group = 15;
    auto ok = check_phase1_reply(policy, offered, {p1(2, b)});
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->index, 1u);
    P1 other;
    other.group = 19;
    EXPECT_EQ(check_phase1_reply(policy, offered, {p1(1, other)}).error().message,
              "peer chose aes128-sha1-ecp256, which we did not offer");
    P1 sig;
    sig.auth = 3;
    EXPECT_THAT(check_phase1_reply(policy, offered, {p1(1, sig)}).error().message, HasSubstr("authentication"));
    EXPECT_EQ(check_phase1_reply(policy, offered, {p1(1, P1{}), p1(2, b)}).error().code, Errc::parse_error);
}

// ---- phase 2 --------------------------------------------------------------------------

TEST(Phase2Select, DecodesEspAndAhTransforms) {
    P2 gcm;
    gcm.id = 20;
    gcm.key_len = 256;
    gcm.auth.reset();
    gcm.group = 14;
    gcm.esn = true;
    auto g = decode_phase2_transform(3, p2(1, gcm));
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_EQ(g->transform.to_string(), "aes256gcm16-modp2048-esn");
    EXPECT_EQ(g->encapsulation_mode, 1);
    EXPECT_EQ(g->life_s, 3600u);
    P2 tdes;
    tdes.id = 3;
    tdes.key_len.reset();
    tdes.auth = 1;
    EXPECT_EQ(decode_phase2_transform(3, p2(1, tdes))->transform.to_string(), "3des-md5");
    P2 ahsha;
    ahsha.id = 5;   // AH_SHA2_256
    ahsha.auth = 5;
    ahsha.key_len.reset();
    auto a = decode_phase2_transform(2, p2(1, ahsha));
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->transform.protocol, ipsec::Protocol::ah);
    EXPECT_EQ(a->transform.to_string(), "sha256");
}

TEST(Phase2Select, DecodeErrors) {
    auto err = [](uint8_t proto, P2 p) {
        auto r = decode_phase2_transform(proto, p2(1, p));
        EXPECT_FALSE(r.ok());
        return r.ok() ? std::string() : r.error().message;
    };
    P2 ctr;
    ctr.id = 13;
    EXPECT_EQ(err(3, ctr), "ESP_AES_CTR is not supported");
    P2 noauth;
    noauth.auth.reset();
    EXPECT_EQ(err(3, noauth), "aes128 without an authentication algorithm");
    P2 gcmauth;
    gcmauth.id = 20;
    EXPECT_EQ(err(3, gcmauth), "aes128gcm16 with an authentication algorithm");
    P2 badkey;
    badkey.key_len = 64;
    EXPECT_EQ(err(3, badkey), "AES key length 64 is invalid");
    P2 xcbc;
    xcbc.auth = 9;
    EXPECT_THAT(err(3, xcbc), HasSubstr("is not supported"));
    P2 ahmismatch;
    ahmismatch.id = 3;   // AH_SHA with HMAC-SHA2-256
    ahmismatch.auth = 5;
    ahmismatch.key_len.reset();
    EXPECT_THAT(err(2, ahmismatch), HasSubstr("does not match AH_SHA"));
    P2 badgroup;
    badgroup.group = 24;
    EXPECT_THAT(err(3, badgroup), HasSubstr("PFS group"));
    EXPECT_THAT(err(4, P2{}), HasSubstr("is not supported"));
}

TEST(Phase2Select, IssueCasesAcceptedWithTheirPfsGroup) {
    // esp=aes128gcm16-modp2048 responder, peer offers the same.
    P2 gcm;
    gcm.id = 20;
    gcm.auth.reset();
    gcm.group = 14;
    auto r = select_phase2(p2_policy("aes128gcm16-modp2048!", {}, 14), {Phase2Offer{1, {esp({p2(1, gcm)})}}});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->protocols.size(), 1u);
    EXPECT_EQ(r->protocols[0].transform.to_string(), "aes128gcm16-modp2048");
    EXPECT_EQ(r->protocols[0].peer_spi, (Bytes{1, 2, 3, 4}));
    EXPECT_EQ(r->pfs_group, 14);
    EXPECT_EQ(r->find(ipsec::Protocol::esp), &r->protocols[0]);
    EXPECT_EQ(r->find(ipsec::Protocol::ah), nullptr);
    // Without PFS on our side the same offer is refused, and vice versa.
    auto nopfs = select_phase2(p2_policy("aes128gcm16!"), {Phase2Offer{1, {esp({p2(1, gcm)})}}});
    ASSERT_FALSE(nopfs.ok());
    EXPECT_THAT(nopfs.error().message, HasSubstr("aes128gcm16-modp2048 (PFS modp2048, we require no PFS)"));
    P2 plain;
    auto need = select_phase2(p2_policy("aes128-sha1!", {}, 15), {Phase2Offer{1, {esp({p2(1, plain)})}}});
    ASSERT_FALSE(need.ok());
    EXPECT_EQ(need.error().message, "no acceptable phase-2 proposal: peer offered aes128-sha1 (no PFS, we require PFS "
                                    "modp3072); we accept ESP aes128-sha1!, PFS modp3072, tunnel");
}

TEST(Phase2Select, OrderAcrossProposals) {
    P2 a;                      // aes128-sha1
    P2 b;
    b.key_len = 256;
    b.auth = 5;                // aes256-sha256
    std::vector<Phase2Offer> offer{Phase2Offer{1, {esp({p2(1, a)})}}, Phase2Offer{2, {esp({p2(1, b)})}}};
    auto ours = select_phase2(p2_policy("aes256-sha256,aes128-sha1!"), offer);
    ASSERT_TRUE(ours.ok());
    EXPECT_EQ(ours->proposal_number, 2);
    auto policy = p2_policy("aes256-sha256,aes128-sha1!");
    policy.prefer_configured = false;
    auto peers = select_phase2(policy, offer);
    ASSERT_TRUE(peers.ok());
    EXPECT_EQ(peers->proposal_number, 1);
    // Within one proposal (strongSwan sends one proposal, many transforms).
    auto within = select_phase2(p2_policy("aes256-sha256,aes128-sha1!"), {Phase2Offer{1, {esp({p2(1, a), p2(2, b)})}}});
    ASSERT_TRUE(within.ok());
    EXPECT_EQ(within->protocols[0].transform_index, 1u);
    EXPECT_EQ(within->protocols[0].transform_number, 2);
}

TEST(Phase2Select, ModesAndNatTraversal) {
    P2 tunnel;
    P2 udp_tunnel;
    udp_tunnel.mode = 3;
    P2 draft;
    draft.mode = 61443;
    P2 transport;
    transport.mode = 2;
    auto policy = p2_policy("aes128-sha1!");
    EXPECT_TRUE(select_phase2(policy, {Phase2Offer{1, {esp({p2(1, tunnel)})}}}).ok());
    auto no_nat = select_phase2(policy, {Phase2Offer{1, {esp({p2(1, udp_tunnel)})}}});
    ASSERT_FALSE(no_nat.ok());
    EXPECT_THAT(no_nat.error().message, HasSubstr("but no NAT was detected"));
    auto wrong = select_phase2(policy, {Phase2Offer{1, {esp({p2(1, transport)})}}});
    ASSERT_FALSE(wrong.ok());
    EXPECT_THAT(wrong.error().message, HasSubstr("we use tunnel"));
    policy.udp_encap = true;
    auto u = select_phase2(policy, {Phase2Offer{1, {esp({p2(1, udp_tunnel)})}}});
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->protocols[0].encapsulation_mode, 3);
    EXPECT_TRUE(u->udp_encap);
    EXPECT_EQ(select_phase2(policy, {Phase2Offer{1, {esp({p2(1, draft)})}}})->protocols[0].encapsulation_mode, 61443);
    EXPECT_THAT(select_phase2(policy, {Phase2Offer{1, {esp({p2(1, tunnel)})}}}).error().message,
                HasSubstr("NAT-T needs a UDP-encapsulated mode"));
    policy.udp_encap = false;
    policy.mode = ipsec::Mode::transport;
    EXPECT_TRUE(select_phase2(policy, {Phase2Offer{1, {esp({p2(1, transport)})}}}).ok());
    P2 absent;
    absent.mode.reset();   // host-dependent: ours
    EXPECT_TRUE(select_phase2(policy, {Phase2Offer{1, {esp({p2(1, absent)})}}}).ok());
}

TEST(Phase2Select, AhAndBundles) {
    P2 ah_sha;
    ah_sha.id = 3;
    ah_sha.auth = 2;
    ah_sha.key_len.reset();
    P2 e;
    // ESP-only policy refuses an AH+ESP bundle and vice versa.
    std::vector<Phase2Offer> bundle{Phase2Offer{1, {esp({p2(1, e)}), ah({p2(1, ah_sha)})}}};
    auto esp_only = select_phase2(p2_policy("aes128-sha1!"), bundle);
    ASSERT_FALSE(esp_only.ok());
    EXPECT_THAT(esp_only.error().message, HasSubstr("proposal #1 (ESP+AH, we negotiate ESP)"));
    auto both = select_phase2(p2_policy("aes128-sha1!", "sha1!"), bundle);
    ASSERT_TRUE(both.ok()) << both.error().message;
    ASSERT_EQ(both->protocols.size(), 2u);
    EXPECT_EQ(both->protocols[0].protocol, ipsec::Protocol::esp);
    EXPECT_EQ(both->protocols[1].protocol, ipsec::Protocol::ah);
    EXPECT_EQ(both->protocols[1].peer_spi, (Bytes{5, 6, 7, 8}));
    auto ah_only = select_phase2(p2_policy({}, "sha1!"), {Phase2Offer{1, {ah({p2(1, ah_sha)})}}});
    ASSERT_TRUE(ah_only.ok());
    EXPECT_EQ(ah_only->protocols[0].transform.to_string(), "sha1");
    // An AH transform we do not accept.
    P2 ah256;
    ah256.id = 5;
    ah256.auth = 5;
    ah256.key_len.reset();
    EXPECT_THAT(select_phase2(p2_policy({}, "sha1!"), {Phase2Offer{1, {ah({p2(1, ah256)})}}}).error().message,
                HasSubstr("sha256 (not configured)"));
    // IPComp in a bundle.
    std::vector<Phase2Offer> comp{Phase2Offer{1, {esp({p2(1, e)}), OfferedProtocol{4, Bytes{0, 1}, {}}}}};
    EXPECT_THAT(select_phase2(p2_policy("aes128-sha1!"), comp).error().message, HasSubstr("IPComp"));
}

TEST(Phase2Select, LifetimesAndResponderLifetime) {
    auto policy = p2_policy("aes128-sha1!");   // 3600 s, no volume limit
    P2 shorter;
    shorter.life_s = 1200;
    auto a = select_phase2(policy, {Phase2Offer{1, {esp({p2(1, shorter)})}}});
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->lifetime_s, 1200u);
    EXPECT_FALSE(a->responder_lifetime_s.has_value());
    P2 longer;
    longer.life_s = 28800;
    longer.life_kb = 4608000;
    auto b = select_phase2(policy, {Phase2Offer{1, {esp({p2(1, longer)})}}});
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->lifetime_s, 3600u);
    EXPECT_EQ(b->responder_lifetime_s, 3600u);
    EXPECT_EQ(b->lifetime_kb, 4608000u);           // we have no volume limit: theirs stands
    EXPECT_FALSE(b->responder_lifetime_kb.has_value());
    P2 none;
    none.life_s.reset();                            // RFC 2407 default: 28800 s > ours
    auto c = select_phase2(policy, {Phase2Offer{1, {esp({p2(1, none)})}}});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->lifetime_s, 3600u);
    EXPECT_EQ(c->responder_lifetime_s, 3600u);
    policy.lifetime_kb = 1000;
    auto d = select_phase2(policy, {Phase2Offer{1, {esp({p2(1, shorter)})}}});   // no kB from the peer
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->lifetime_kb, 1000u);
    EXPECT_EQ(d->responder_lifetime_kb, 1000u);
    P2 small_kb;
    small_kb.life_kb = 500;
    auto e = select_phase2(policy, {Phase2Offer{1, {esp({p2(1, small_kb)})}}});
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->lifetime_kb, 500u);
    EXPECT_FALSE(e->responder_lifetime_kb.has_value());
}

TEST(Phase2Select, WeakAndSpiChecks) {
    P2 md5;
    md5.auth = 1;
    auto weak = select_phase2(p2_policy("aes128-md5!"), {Phase2Offer{1, {esp({p2(1, md5)})}}});
    ASSERT_FALSE(weak.ok());
    EXPECT_THAT(weak.error().message, HasSubstr("weak md5 not allowed without weakalgs=yes"));
    auto policy = p2_policy("aes128-md5!");
    policy.allow_weak = true;
    EXPECT_TRUE(select_phase2(policy, {Phase2Offer{1, {esp({p2(1, md5)})}}}).ok());
    OfferedProtocol shortspi = esp({p2(1, P2{})});
    shortspi.spi = Bytes{1, 2};
    EXPECT_THAT(select_phase2(p2_policy("aes128-sha1!"), {Phase2Offer{1, {shortspi}}}).error().message,
                HasSubstr("SPI of 2 octets"));
    EXPECT_EQ(select_phase2(p2_policy("aes128-sha1!"), {}).error().code, Errc::parse_error);
}

TEST(Phase2Select, PolicyFromConnection) {
    config::LoadOptions lo;
    lo.check_files = false;
    lo.is_local_address = [](const IpAddress&) { return false; };
    auto cfg = config::parse_config("conn c\n  right=10.0.0.2\n  authby=secret\n  auto=add\n  esp=aes128-sha1\n"
                                    "  pfs=yes\n  lifetime=20m\n  lifebytes=2M\n  forceencaps=yes\n  ikelifetime=2h\n",
                                    "ipsec.conf", lo);
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    const auto& c = cfg->connections.at(0);
    auto p = Phase2Policy::from(c, 19, false, true);
    EXPECT_EQ(p.pfs_group, 19);   // pfs=yes without a group: the phase-1 group
    EXPECT_TRUE(p.udp_encap);     // forceencaps
    EXPECT_EQ(p.lifetime_s, 1200u);
    EXPECT_EQ(p.lifetime_kb, 2048u);
    auto p1p = Phase1Policy::from(c, false);
    EXPECT_EQ(p1p.lifetime_s, 7200u);
    EXPECT_EQ(p1p.auth, AuthMethod::psk);
    EXPECT_FALSE(p1p.prefer_configured);
}

TEST(Phase2Select, InitiatorChecksTheReply) {
    auto policy = p2_policy("aes128-sha1-modp2048,aes256-sha256-modp2048!", {}, 14);
    P2 b;
    b.key_len = 256;
    b.auth = 5;
    b.group = 14;
    b.life_s = 1800;
    auto ok = check_phase2_reply(policy, {Phase2Offer{1, {esp({p2(2, b)})}}});
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->protocols[0].transform.to_string(), "aes256-sha256-modp2048");
    EXPECT_EQ(ok->lifetime_s, 1800u);
    EXPECT_FALSE(ok->responder_lifetime_s.has_value());
    P2 other;   // aes128-sha1 without the PFS group we asked for
    auto bad = check_phase2_reply(policy, {Phase2Offer{1, {esp({p2(1, other)})}}});
    ASSERT_FALSE(bad.ok());
    EXPECT_THAT(bad.error().message, HasSubstr("peer chose a phase-2 proposal we did not offer"));
    P2 a;
    a.group = 14;
    EXPECT_EQ(check_phase2_reply(policy, {Phase2Offer{1, {esp({p2(1, a), p2(2, b)})}}}).error().code, Errc::parse_error);
}

TEST(ProposalAdapters, FromSaPayload) {
    isakmp::SaPayload sa;
    isakmp::Proposal pe;
    pe.number = 1;
    pe.protocol = isakmp::ProtocolId::esp;
    pe.spi = Bytes{9, 9, 9, 9};
    isakmp::Transform t;
    t.number = 1;
    t.id = 12;
    t.attributes.push_back(isakmp::Attribute::basic(4, 1));
    t.attributes.push_back(isakmp::Attribute::basic(5, 2));
    t.attributes.push_back(isakmp::Attribute::number(2, 100000));   // TLV lifetime
    pe.transforms.push_back(t);
    isakmp::Proposal pa = pe;
    pa.protocol = isakmp::ProtocolId::ah;
    isakmp::Proposal p2nd = pe;
    p2nd.number = 2;
    sa.proposals = {pe, pa, p2nd};
    auto offers = phase2_offer_from(sa);
    ASSERT_EQ(offers.size(), 2u);
    EXPECT_EQ(offers[0].protocols.size(), 2u);   // same number: a bundle
    EXPECT_EQ(offers[1].protocols.size(), 1u);
    EXPECT_EQ(offers[0].protocols[0].spi, (Bytes{9, 9, 9, 9}));
    EXPECT_EQ(offers[0].protocols[0].transforms[0].attributes[2].value, 100000u);
    isakmp::SaPayload p1sa;
    isakmp::Proposal ike;
    ike.protocol = isakmp::ProtocolId::isakmp;
    ike.transforms = {t, t};
    p1sa.proposals = {ike};
    EXPECT_EQ(phase1_offer_from(p1sa).size(), 2u);
}

}  // namespace
}  // namespace ikeoff::ike
