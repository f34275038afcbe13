// Vendor IDs (recomputed from their defining strings), NAT-D hash input
// (checked against strongSwan's NAT-D payloads), NAT-T numbering.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "host/isakmp/message.hpp"
#include "host/isakmp/natt.hpp"
#include "host/isakmp/vendor_ids.hpp"
#include "host/net/nat_t.hpp"

namespace ikeoff::isakmp {
namespace {

Bytes digest(const EVP_MD* md, ByteView in) {
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned n = 0;
    EXPECT_EQ(EVP_Digest(in.data(), in.size(), out.data(), &n, md, nullptr), 1);
    out.resize(n);
    return out;
}

TEST(VendorIds, NatTIdsAreMd5OfTheirNames) {
    struct Case {
        KnownVendorId id;
        std::string text;
    } cases[] = {{KnownVendorId::nat_t_rfc3947, "RFC 3947"},
                 {KnownVendorId::nat_t_draft_02, "draft-ietf-ipsec-nat-t-ike-02"},
                 {KnownVendorId::nat_t_draft_02_nl, "draft-ietf-ipsec-nat-t-ike-02\n"},
                 {KnownVendorId::nat_t_draft_03, "draft-ietf-ipsec-nat-t-ike-03"}};
    for (const Case& c : cases) {
        Bytes md5 = digest(EVP_md5(), as_bytes(c.text));
        EXPECT_EQ(to_hex(vendor_id_bytes(c.id)), to_hex(md5)) << to_string(c.id);
        EXPECT_EQ(identify_vendor_id(md5), c.id);
        EXPECT_NE(nat_t_version(c.id), NatTVersion::none);
    }
    EXPECT_EQ(nat_t_version(KnownVendorId::nat_t_rfc3947), NatTVersion::rfc3947);
    EXPECT_EQ(best_nat_t_version(NatTVersion::draft, NatTVersion::rfc3947), NatTVersion::rfc3947);
    EXPECT_EQ(best_nat_t_version(NatTVersion::none, NatTVersion::draft), NatTVersion::draft);
}

TEST(VendorIds, IdentifiesStrongSwansVendorIds) {
    std::ifstream in(std::string(IKEOFF_SOURCE_DIR) +
                     "/tests/unit/isakmp/data/mm-psk_aes128-sha1-modp2048_esp-aes128-sha1.json");
    auto doc = nlohmann::json::parse(in);
    Bytes mm1 = *from_hex(doc["messages"][0]["udp_payload"].get<std::string>());
    auto m = parse_message(mm1);
    ASSERT_TRUE(m.ok());
    std::vector<KnownVendorId> got;
    for (const VendorIdPayload* v : m->all<VendorIdPayload>()) got.push_back(identify_vendor_id(v->data));
    EXPECT_EQ(got, (std::vector<KnownVendorId>{KnownVendorId::xauth, KnownVendorId::dpd,
                                               KnownVendorId::ike_fragmentation,
                                               KnownVendorId::nat_t_rfc3947,
                                               KnownVendorId::nat_t_draft_02_nl}));
    EXPECT_EQ(identify_vendor_id(Bytes(16, 0)), KnownVendorId::unknown);
    Bytes short_frag(vendor_id_bytes(KnownVendorId::ike_fragmentation).begin(),
                     vendor_id_bytes(KnownVendorId::ike_fragmentation).end() - 1);
    EXPECT_EQ(identify_vendor_id(short_frag), KnownVendorId::unknown);
    Bytes dpd_longer(vendor_id_bytes(KnownVendorId::dpd).begin(), vendor_id_bytes(KnownVendorId::dpd).end());
    dpd_longer.push_back(0);
    EXPECT_EQ(identify_vendor_id(dpd_longer), KnownVendorId::unknown) << "exact match";
}

// strongSwan's first NAT-D is the hash of the peer's address and port.
TEST(NatT, NatDHashInputMatchesStrongSwan) {
    struct Cap {
        const char* file;
        const EVP_MD* md;
        std::size_t natd_msg;   // index of a message carrying NAT-D
        const char* remote;     // its destination address
    } caps[] = {
        {"mm-psk_aes128-sha1-modp2048_esp-aes128-sha1.json", EVP_sha1(), 2, "10.77.0.2"},
        {"mm-psk_aes128-sha1-modp2048_esp-aes128-sha1.json", EVP_sha1(), 3, "10.77.0.1"},
        {"am-psk_aes256-sha256-modp2048_esp-aes256gcm16-pfs-modp2048.json", EVP_sha256(), 1, "10.77.0.1"},
    };
    for (const Cap& c : caps) {
        std::ifstream in(std::string(IKEOFF_SOURCE_DIR) + "/tests/unit/isakmp/data/" + c.file);
        auto doc = nlohmann::json::parse(in);
        Bytes wire = *from_hex(doc["messages"][c.natd_msg]["udp_payload"].get<std::string>());
        auto m = parse_message(wire);
        ASSERT_TRUE(m.ok());
        auto natd = m->all<NatDPayload>();
        ASSERT_EQ(natd.size(), 2u);
        Bytes input = natd_hash_input(m->header.initiator_cookie, m->header.responder_cookie,
                                      *IpAddress::parse(c.remote), 500);
        ASSERT_EQ(input.size(), 8u + 8 + 4 + 2);
        EXPECT_EQ(to_hex(digest(c.md, input)), to_hex(natd[0]->hash)) << c.file;
    }
    Bytes v6 = natd_hash_input({}, {}, *IpAddress::parse("2001:db8::1"), 4500);
    EXPECT_EQ(v6.size(), 8u + 8 + 16 + 2);
    EXPECT_EQ(to_hex(ByteView(v6).last(2)), "1194");
}

TEST(NatT, PayloadTypesAndEncapsulationModes) {
    EXPECT_EQ(natd_payload_type(NatTVersion::rfc3947), PayloadType::nat_d);
    EXPECT_EQ(natd_payload_type(NatTVersion::draft), PayloadType::nat_d_draft);
    EXPECT_EQ(natoa_payload_type(NatTVersion::rfc3947), PayloadType::nat_oa);
    EXPECT_EQ(natoa_payload_type(NatTVersion::draft), PayloadType::nat_oa_draft);
    EXPECT_EQ(uint16_t(encapsulation_mode(true, true, NatTVersion::rfc3947)), 3);
    EXPECT_EQ(uint16_t(encapsulation_mode(false, true, NatTVersion::rfc3947)), 4);
    EXPECT_EQ(uint16_t(encapsulation_mode(true, true, NatTVersion::draft)), 61443);
    EXPECT_EQ(uint16_t(encapsulation_mode(false, true, NatTVersion::draft)), 61444);
    EXPECT_EQ(uint16_t(encapsulation_mode(true, false, NatTVersion::rfc3947)), 1);
    EXPECT_EQ(uint16_t(encapsulation_mode(false, true, NatTVersion::none)), 2);
    for (uint16_t mode : {1, 2, 3, 4, 61443, 61444}) {
        auto d = decode_encapsulation(mode);
        ASSERT_TRUE(d.has_value()) << mode;
        EXPECT_EQ(d->tunnel, mode == 1 || mode == 3 || mode == 61443) << mode;
        EXPECT_EQ(d->udp, mode >= 3) << mode;
    }
    EXPECT_FALSE(decode_encapsulation(0).has_value());
    EXPECT_FALSE(decode_encapsulation(5).has_value());
    EXPECT_FALSE(decode_encapsulation(0x1000000003ull).has_value());
}

TEST(NatT, Port4500FramingOfRealDatagrams) {
    // host/net classifies 4500 traffic; the IKE it hands over parses here.
    std::ifstream in(std::string(IKEOFF_SOURCE_DIR) +
                     "/tests/unit/isakmp/data/mm-psk_aes128-sha1-modp2048_esp-aes128-sha1.json");
    auto doc = nlohmann::json::parse(in);
    int on_4500 = 0;
    for (const auto& jm : doc["messages"]) {
        if (jm["dport"] != 4500) continue;
        ++on_4500;
        Bytes udp = *from_hex(jm["udp_payload"].get<std::string>());
        EXPECT_EQ(to_hex(ByteView(udp).first(4)), "00000000");
        auto c = net::classify_nat_t(udp);
        ASSERT_EQ(c.kind, net::NatTKind::ike);
        EXPECT_TRUE(frame(c.data).ok());
        EXPECT_FALSE(frame(udp).ok()) << "with the marker it is not ISAKMP (zero cookie)";
    }
    EXPECT_EQ(on_4500, 5);
}

}  // namespace
}  // namespace ikeoff::isakmp
