// Real strongSwan 5.9.8 IKEv1 messages (tests/unit/isakmp/data/*.json, made
// by extract_captures.py from /work/shared/peers/samples): every message
// parses, every field agrees with Wireshark's independent dissector and with
// the payload list charon logged, and re-generating each message gives the
// captured bytes back exactly.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/isakmp/message.hpp"
#include "host/isakmp/message_rules.hpp"
#include "host/net/nat_t.hpp"

namespace ikeoff::isakmp {
namespace {

using nlohmann::json;

const std::string kDataDir = std::string(IKEOFF_SOURCE_DIR) + "/tests/unit/isakmp/data/";
const char* const kMainMode = "mm-psk_aes128-sha1-modp2048_esp-aes128-sha1.json";
const char* const kAggressive = "am-psk_aes256-sha256-modp2048_esp-aes256gcm16-pfs-modp2048.json";

json load(const char* name) {
    std::ifstream in(kDataDir + name);
    EXPECT_TRUE(in.good()) << kDataDir + name;
    return json::parse(in);
}

// tshark prints "a:b:c" octets, single values as scalars and repeated fields
// as arrays; normalise both to a list of strings.
std::vector<std::string> list(const json& ts, const char* field) {
    std::vector<std::string> out;
    if (!ts.contains(field)) return out;
    const json& v = ts[field];
    if (v.is_array())
        for (const json& e : v) out.push_back(e.get<std::string>());
    else
        out.push_back(v.get<std::string>());
    return out;
}

Bytes octets(const std::string& colon_hex) { return *from_hex(colon_hex); }

// The ISAKMP message inside the UDP payload (port 4500 adds the marker).
Bytes isakmp_bytes(const json& m) {
    Bytes udp = *from_hex(m["udp_payload"].get<std::string>());
    if (m["sport"] == 4500 || m["dport"] == 4500) {
        auto c = net::classify_nat_t(udp);
        EXPECT_EQ(c.kind, net::NatTKind::ike);
        return Bytes(c.data.begin(), c.data.end());
    }
    return udp;
}

PayloadType from_charon(const std::string& tok) {
    if (tok == "SA") return PayloadType::sa;
    if (tok == "KE") return PayloadType::ke;
    if (tok == "No") return PayloadType::nonce;
    if (tok == "ID") return PayloadType::id;
    if (tok == "HASH") return PayloadType::hash;
    if (tok == "SIG") return PayloadType::sig;
    if (tok == "CERT") return PayloadType::cert;
    if (tok == "CERTREQ") return PayloadType::cert_request;
    if (tok == "V") return PayloadType::vendor_id;
    if (tok == "D") return PayloadType::delete_;
    if (tok == "NAT-D") return PayloadType::nat_d;
    if (tok == "NAT-OA") return PayloadType::nat_oa;
    if (tok.rfind("N(", 0) == 0) return PayloadType::notify;
    ADD_FAILURE() << "unknown charon payload token " << tok;
    return PayloadType::none;
}

std::vector<PayloadType> types_of(const Message& m) {
    std::vector<PayloadType> t;
    for (const Payload& p : m.payloads) t.push_back(p.type);
    return t;
}

// Payload lengths in Wireshark's order: each payload, and inside an SA its
// proposals and each proposal's transforms.
std::vector<std::string> dissection_lengths(const Message& m) {
    std::vector<std::string> out;
    for (const Payload& p : m.payloads) {
        out.push_back(std::to_string(p.size));
        if (const SaPayload* sa = p.get<SaPayload>()) {
            for (const Proposal& pr : sa->proposals) {
                Bytes body = *encode_body(SaPayload{sa->doi, sa->situation, {pr}});
                out.push_back(std::to_string(body.size() - 8));
                for (const Transform& t : pr.transforms) {
                    Proposal one = pr;
                    one.transforms = {t};
                    Bytes b1 = *encode_body(SaPayload{sa->doi, sa->situation, {one}});
                    out.push_back(std::to_string(b1.size() - 8 - 8 - pr.spi.size()));
                }
            }
        }
    }
    return out;
}

void check_cleartext(const json& jm, const Message& m) {
    const json& ts = jm["tshark"];
    SCOPED_TRACE("frame " + std::to_string(jm["frame"].get<int>()) + ": " + describe(m));
    EXPECT_EQ(dissection_lengths(m), list(ts, "payloadlength"));

    // SA: DOI, proposal and transform fields and every attribute.
    if (const SaPayload* sa = m.find<SaPayload>()) {
        EXPECT_EQ(std::to_string(uint32_t(sa->doi)), ts["sa_doi"].get<std::string>());
        ASSERT_EQ(sa->proposals.size(), 1u);
        const Proposal& pr = sa->proposals[0];
        EXPECT_EQ(std::to_string(pr.number), ts["prop_number"].get<std::string>());
        EXPECT_EQ(std::to_string(uint8_t(pr.protocol)), ts["prop_protoid"].get<std::string>());
        EXPECT_EQ(std::to_string(pr.spi.size()), ts["spisize"].get<std::string>());
        EXPECT_EQ(std::to_string(pr.transforms.size()), ts["prop_transforms"].get<std::string>());
        std::vector<std::string> types, values;
        for (const Transform& t : pr.transforms) {
            EXPECT_EQ(std::to_string(t.id), ts["trans_id"].get<std::string>());
            for (const Attribute& a : t.attributes) {
                types.push_back(std::to_string(a.type));
                std::string v;
                for (std::size_t i = 0; i < a.value.size(); ++i)
                    v += (i ? ":" : "") + to_hex(ByteView(a.value).subspan(i, 1));
                values.push_back(v);
            }
        }
        EXPECT_EQ(types, list(ts, "ike_attr_type"));
        EXPECT_EQ(values, list(ts, "ike_attr_value"));
    }
    std::vector<std::string> vids;
    for (const VendorIdPayload* v : m.all<VendorIdPayload>()) vids.push_back(to_hex(v->data));
    std::vector<std::string> want_vids;
    for (const std::string& s : list(ts, "vid_bytes")) want_vids.push_back(to_hex(octets(s)));
    EXPECT_EQ(vids, want_vids);
    if (const KePayload* ke = m.find<KePayload>()) {
        EXPECT_EQ(to_hex(ke->data), to_hex(octets(ts["key_exchange_data"].get<std::string>())));
    }
    if (const NoncePayload* no = m.find<NoncePayload>()) {
        EXPECT_EQ(to_hex(no->data), to_hex(octets(ts["nonce"].get<std::string>())));
    }
    std::vector<std::string> natd, want_natd;
    for (const NatDPayload* d : m.all<NatDPayload>()) natd.push_back(to_hex(d->hash));
    for (const std::string& s : list(ts, "ike_nat_hash")) want_natd.push_back(to_hex(octets(s)));
    EXPECT_EQ(natd, want_natd);
}

// Parses every message of a capture and checks it; returns the messages.
std::vector<Message> check_capture(const char* name) {
    json doc = load(name);
    std::vector<Message> out;
    for (const json& jm : doc["messages"]) {
        const int frame = jm["frame"].get<int>();
        SCOPED_TRACE(std::string(name) + " frame " + std::to_string(frame));
        Bytes wire = isakmp_bytes(jm);
        auto f = isakmp::frame(wire);
        if (!f.ok()) {
            ADD_FAILURE() << f.error().to_string();
            continue;
        }
        const json& ts = jm["tshark"];
        EXPECT_EQ(std::to_string(uint8_t(f->header.exchange)), ts["exchangetype"].get<std::string>());
        EXPECT_EQ(std::to_string(f->header.length), ts["length"].get<std::string>());
        EXPECT_EQ(f->header.message_id, std::stoul(ts["messageid"].get<std::string>(), nullptr, 16));

        std::vector<PayloadType> want;
        for (const json& tok : jm["charon"]) want.push_back(from_charon(tok.get<std::string>()));

        if (!f->header.encrypted()) {
            auto m = parse_body(f->header, f->body);
            if (!m.ok()) {
                ADD_FAILURE() << m.error().to_string();
                continue;
            }
            EXPECT_EQ(types_of(*m), want);
            check_cleartext(jm, *m);
            // Byte-exact regeneration of strongSwan's message.
            auto again = generate_message(m->header, m->payloads);
            if (!again.ok()) {
                ADD_FAILURE() << again.error().message;
                continue;
            }
            EXPECT_EQ(to_hex(*again), to_hex(wire));
            out.push_back(std::move(m).value());
        } else {
            if (!jm.contains("decrypted_body")) {
                ADD_FAILURE() << "no decrypted_body";
                continue;
            }
            Bytes plain = *from_hex(jm["decrypted_body"].get<std::string>());
            EXPECT_EQ(plain.size(), f->body.size());
            EXPECT_EQ(plain.size() % 16, 0u) << "AES-CBC body";
            EXPECT_EQ(parse_body(f->header, plain).notify(), NotifyType::unequal_payload_lengths)
                << "strongSwan pads; strict parsing must notice";
            auto m = parse_body(f->header, plain, {.allow_padding = true});
            if (!m.ok()) {
                ADD_FAILURE() << m.error().to_string();
                continue;
            }
            EXPECT_EQ(types_of(*m), want);
            EXPECT_LT(m->padding, 16u + 1) << "at most one block of padding";
            for (std::size_t i = plain.size() - m->padding; i < plain.size(); ++i)
                EXPECT_EQ(plain[i], 0) << "strongSwan pads with zeros";
            auto again = generate_chain(m->payloads);
            if (!again.ok()) {
                ADD_FAILURE() << again.error().message;
                continue;
            }
            EXPECT_EQ(to_hex(again->bytes), to_hex(ByteView(plain).first(plain.size() - m->padding)));
            EXPECT_EQ(again->first, f->header.next_payload);
            out.push_back(std::move(m).value());
        }
    }
    return out;
}

// Each real message satisfies its own rule table and violates the one two
// messages later (adjacent ones can coincide: MM3/MM4 have equal contents).
void check_rules(const std::vector<Message>& msgs, const std::vector<MessageKind>& kinds) {
    ASSERT_EQ(msgs.size(), kinds.size());
    for (std::size_t i = 0; i < msgs.size(); ++i) {
        SCOPED_TRACE("message " + std::to_string(i + 1) + ": " + describe(msgs[i]));
        auto v = validate(msgs[i], kinds[i]);
        EXPECT_TRUE(v.ok()) << v.error().to_string();
        const MessageKind& other = kinds[(i + 2) % kinds.size()];
        EXPECT_FALSE(validate(msgs[i], other).ok());
    }
}

constexpr MessageKind kind(ExchangeType ex, uint8_t n) {
    return MessageKind{ex, n % 2 ? Role::initiator : Role::responder, n};
}

TEST(Capture, MainModePskAllNineMessages) {
    auto msgs = check_capture(kMainMode);
    ASSERT_EQ(msgs.size(), 9u);
    const auto MM = ExchangeType::identity_protection, QM = ExchangeType::quick;
    check_rules(msgs, {kind(MM, 1), kind(MM, 2), kind(MM, 3), kind(MM, 4), kind(MM, 5),
                       kind(MM, 6), kind(QM, 1), kind(QM, 2), kind(QM, 3)});
    // MM1: AES-CBC-128 / SHA1 / MODP-2048 / PSK / 15840 s, five vendor IDs.
    const SaPayload* sa = msgs[0].find<SaPayload>();
    ASSERT_NE(sa, nullptr);
    const Transform& t = sa->proposals.at(0).transforms.at(0);
    EXPECT_EQ(t.id, kTransformKeyIke);
    EXPECT_EQ(t.get(uint16_t(OakleyAttr::encryption_algorithm)), uint64_t(OakleyEncryption::aes_cbc));
    EXPECT_EQ(t.get(uint16_t(OakleyAttr::key_length)), 128u);
    EXPECT_EQ(t.get(uint16_t(OakleyAttr::hash_algorithm)), uint64_t(OakleyHash::sha));
    EXPECT_EQ(t.get(uint16_t(OakleyAttr::group_description)), uint64_t(GroupDescription::modp2048));
    EXPECT_EQ(t.get(uint16_t(OakleyAttr::authentication_method)), uint64_t(AuthMethod::pre_shared_key));
    EXPECT_EQ(t.get(uint16_t(OakleyAttr::life_type)), uint64_t(LifeType::seconds));
    EXPECT_EQ(t.get(uint16_t(OakleyAttr::life_duration)), 15840u);
    EXPECT_EQ(msgs[0].count(PayloadType::vendor_id), 5u);
    // MM1's SA body is what SAi_b hashes: raw equals a fresh encoding.
    const Payload& sa_payload = msgs[0].payloads[0];
    EXPECT_EQ(to_hex(sa_payload.raw), to_hex(*encode_body(sa_payload.body)));
    // MM3/MM4: 256-byte MODP-2048 KE, two 20-byte (SHA-1) NAT-D hashes.
    for (int i : {2, 3}) {
        ASSERT_NE(msgs[i].find<KePayload>(), nullptr);
        EXPECT_EQ(msgs[i].find<KePayload>()->data.size(), 256u);
        auto natd = msgs[i].all<NatDPayload>();
        ASSERT_EQ(natd.size(), 2u);
        for (const NatDPayload* d : natd) EXPECT_EQ(d->hash.size(), 20u);
    }
    // MM5: IDii (IPv4 10.77.0.1), HASH_I, INITIAL-CONTACT with the cookies as SPI.
    const IdPayload* idii = msgs[4].find<IdPayload>();
    ASSERT_NE(idii, nullptr);
    EXPECT_EQ(idii->to_string(), "10.77.0.1");
    EXPECT_EQ(msgs[4].find<HashPayload>()->data.size(), 20u);
    const NotifyPayload* ic = msgs[4].find_notify(NotifyType::initial_contact);
    ASSERT_NE(ic, nullptr);
    EXPECT_EQ(ic->protocol, ProtocolId::isakmp);
    EXPECT_EQ(to_hex(ic->spi), to_hex(msgs[4].header.initiator_cookie) +
                                   to_hex(msgs[4].header.responder_cookie));
    // QM1/QM2: ESP AES-CBC-128 + HMAC-SHA1, UDP-encapsulated tunnel (RFC 3947
    // value 3), SPIs that match the ESP traffic in the capture.
    const char* spis[] = {"b8617a9e", "ed692505"};
    for (int i : {6, 7}) {
        const Message& qm = msgs[i];
        EXPECT_EQ(qm.header.exchange, ExchangeType::quick);
        EXPECT_EQ(qm.payloads.at(0).type, PayloadType::hash);
        const Proposal& p = qm.find<SaPayload>()->proposals.at(0);
        EXPECT_EQ(p.protocol, ProtocolId::esp);
        EXPECT_EQ(to_hex(p.spi), spis[i - 6]);
        const Transform& et = p.transforms.at(0);
        EXPECT_EQ(et.id, uint8_t(EspTransform::aes_cbc));
        EXPECT_EQ(et.get(uint16_t(IpsecAttr::encapsulation_mode)),
                  uint64_t(EncapsulationMode::udp_tunnel));
        EXPECT_EQ(et.get(uint16_t(IpsecAttr::authentication_algorithm)),
                  uint64_t(IpsecAuthAlgorithm::hmac_sha));
        EXPECT_EQ(et.get(uint16_t(IpsecAttr::key_length)), 128u);
        auto ids = qm.all<IdPayload>();
        ASSERT_EQ(ids.size(), 2u);
        // HASH(1)/HASH(2) input: all payloads after HASH, headers included.
        EXPECT_EQ(qm.after(0).size(), qm.body.size() - qm.padding - qm.payloads[0].size);
        EXPECT_EQ(qm.after(0)[0], uint8_t(PayloadType::nonce)) << "SA's generic header";
    }
    EXPECT_EQ(msgs[8].payloads.size(), 1u);
    EXPECT_TRUE(msgs[8].after(0).empty()) << "QM3 is HASH(3) alone";
}

TEST(Capture, AggressiveModePskWithPfs) {
    auto msgs = check_capture(kAggressive);
    ASSERT_EQ(msgs.size(), 6u);
    const auto AM = ExchangeType::aggressive, QM = ExchangeType::quick;
    check_rules(msgs, {kind(AM, 1), kind(AM, 2), kind(AM, 3), kind(QM, 1), kind(QM, 2), kind(QM, 3)});
    const Transform& t = msgs[0].find<SaPayload>()->proposals.at(0).transforms.at(0);
    EXPECT_EQ(t.get(uint16_t(OakleyAttr::encryption_algorithm)), uint64_t(OakleyEncryption::aes_cbc));
    EXPECT_EQ(t.get(uint16_t(OakleyAttr::key_length)), 256u);
    EXPECT_EQ(t.get(uint16_t(OakleyAttr::hash_algorithm)), uint64_t(OakleyHash::sha2_256));
    // AM1 carries KE, Ni and IDii in the clear; AM2 adds HASH_R and NAT-D.
    EXPECT_EQ(msgs[0].find<KePayload>()->data.size(), 256u);
    EXPECT_EQ(msgs[0].find<IdPayload>()->to_string(), "10.77.0.1");
    EXPECT_EQ(msgs[1].find<HashPayload>()->data.size(), 32u) << "SHA2-256 PRF";
    for (const NatDPayload* d : msgs[1].all<NatDPayload>()) EXPECT_EQ(d->hash.size(), 32u);
    // AM3 went encrypted on port 4500: HASH_I, NAT-D, NAT-D.
    EXPECT_TRUE(msgs[2].header.encrypted());
    EXPECT_EQ(msgs[2].count(PayloadType::nat_d), 2u);
    // QM1/QM2 with PFS: KE in Quick Mode, ESP AES-GCM-16 256 with its group.
    for (int i : {3, 4}) {
        EXPECT_EQ(msgs[i].find<KePayload>()->data.size(), 256u);
        const Transform& et = msgs[i].find<SaPayload>()->proposals.at(0).transforms.at(0);
        EXPECT_EQ(et.id, uint8_t(EspTransform::aes_gcm_16));
        EXPECT_EQ(et.get(uint16_t(IpsecAttr::key_length)), 256u);
        EXPECT_EQ(et.get(uint16_t(IpsecAttr::group_description)), uint64_t(GroupDescription::modp2048));
        EXPECT_EQ(et.get(uint16_t(IpsecAttr::encapsulation_mode)),
                  uint64_t(EncapsulationMode::udp_tunnel));
        EXPECT_EQ(et.find(uint16_t(IpsecAttr::authentication_algorithm)), nullptr)
            << "AEAD: no separate integrity";
    }
}

TEST(Capture, EveryTruncationOfEveryRealMessageIsRejectedCleanly) {
    for (const char* name : {kMainMode, kAggressive}) {
        json doc = load(name);
        for (const json& jm : doc["messages"]) {
            Bytes wire = isakmp_bytes(jm);
            for (std::size_t n = 0; n < wire.size(); ++n) {
                Bytes cut(wire.begin(), wire.begin() + n);
                auto m = frame(cut);
                EXPECT_FALSE(m.ok()) << "a cut message must not frame: " << n;
                if (n >= kHeaderSize) {
                    // Fix up the length so only the body is short.
                    store_be32(cut.data() + 24, uint32_t(n));
                    auto h = frame(cut);
                    ASSERT_TRUE(h.ok());
                    if (!h->header.encrypted() && n < wire.size()) {
                        auto body = parse_body(h->header, h->body);
                        EXPECT_FALSE(body.ok()) << name << " cut at " << n;
                        if (!body.ok()) {
                            EXPECT_NE(body.notify(), NotifyType::none);
                        }
                    }
                }
            }
        }
    }
}

}  // namespace
}  // namespace ikeoff::isakmp
