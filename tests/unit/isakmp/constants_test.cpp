// Names and classifications of the ISAKMP/IKEv1 numbers.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "host/isakmp/isakmp.hpp"  // the umbrella header must stand alone

namespace ikeoff::isakmp {
namespace {

TEST(Constants, EveryRfc2408ErrorHasADistinctName) {
    std::set<std::string> names;
    for (uint16_t v = 1; v <= 30; ++v) {
        std::string n = to_string(NotifyType(v));
        EXPECT_NE(n.front(), '<') << v;
        EXPECT_TRUE(names.insert(n).second) << n;
        EXPECT_TRUE(is_error(NotifyType(v)));
    }
    EXPECT_EQ(to_string(NotifyType::invalid_payload_type), "INVALID-PAYLOAD-TYPE");
    EXPECT_EQ(to_string(NotifyType::unequal_payload_lengths), "UNEQUAL-PAYLOAD-LENGTHS");
    EXPECT_EQ(to_string(NotifyType(16)), "PAYLOAD-MALFORMED");
    EXPECT_EQ(to_string(NotifyType(31)), "<31>");
    EXPECT_EQ(to_string(NotifyType::initial_contact), "INITIAL-CONTACT");
    EXPECT_EQ(uint16_t(NotifyType::initial_contact), 24578);
    EXPECT_EQ(uint16_t(NotifyType::dpd_r_u_there_ack), 36137);
    EXPECT_FALSE(is_error(NotifyType::connected));
    EXPECT_FALSE(is_error(NotifyType::none));
    std::ostringstream os;
    os << NotifyType::responder_lifetime << " " << ExchangeType::quick << " " << PayloadType::nat_d;
    EXPECT_EQ(os.str(), "RESPONDER-LIFETIME QUICK_MODE NAT_D");
}

TEST(Constants, ExchangePayloadAndTransformNames) {
    EXPECT_EQ(to_string(ExchangeType::identity_protection), "ID_PROT");
    EXPECT_EQ(to_string(ExchangeType(99)), "<99>");
    EXPECT_EQ(short_name(PayloadType::nonce), "No");
    EXPECT_EQ(to_string(PayloadType::nat_oa_draft), "NAT_OA_DRAFT");
    EXPECT_EQ(transform_name(ProtocolId::esp, 20), "ESP_AES_GCM_16");
    EXPECT_EQ(transform_name(ProtocolId::esp, 17), "<17>");
    EXPECT_EQ(transform_name(ProtocolId::ah, 5), "AH_SHA2_256");
    EXPECT_EQ(transform_name(ProtocolId::isakmp, 1), "KEY_IKE");
    EXPECT_EQ(transform_name(ProtocolId::ipcomp, 2), "IPCOMP_DEFLATE");
    EXPECT_EQ(to_string(IdType::ipv6_addr_range), "ID_IPV6_ADDR_RANGE");
    EXPECT_EQ(to_string(CertEncoding::x509_signature), "X509_SIGNATURE");
}

TEST(Attributes, FormatsFollowRfc2409AppendixAAndRfc2407) {
    // Basic classes in phase 1: 1-5, 11, 13-15; variable: 6-10, 12, 16.
    for (uint16_t c : {1, 2, 3, 4, 5, 11, 13, 14, 15})
        EXPECT_EQ(attribute_format(true, c), AttrFormat::basic) << c;
    for (uint16_t c : {6, 7, 8, 9, 10, 12, 16})
        EXPECT_EQ(attribute_format(true, c), AttrFormat::variable) << c;
    EXPECT_EQ(attribute_format(true, 17), AttrFormat::unknown);
    EXPECT_EQ(attribute_format(false, uint16_t(IpsecAttr::sa_life_duration)), AttrFormat::variable);
    EXPECT_EQ(attribute_format(false, uint16_t(IpsecAttr::encapsulation_mode)), AttrFormat::basic);
    EXPECT_EQ(attribute_format(false, 0), AttrFormat::unknown);
    EXPECT_EQ(attribute_name(true, 12), "Life-Duration");
    EXPECT_EQ(attribute_name(false, 4), "Encapsulation-Mode");
    EXPECT_EQ(attribute_name(false, 200), "<200>");
    EXPECT_EQ(attribute_value_name(true, 1, 7), "AES-CBC");
    EXPECT_EQ(attribute_value_name(true, 3, 5), "Revised-RSA-Encryption");
    EXPECT_EQ(attribute_value_name(true, 4, 19), "ECP-256");
    EXPECT_EQ(attribute_value_name(false, 4, 61443), "UDP-Encapsulated-Tunnel(draft)");
    EXPECT_EQ(attribute_value_name(false, 5, 5), "HMAC-SHA2-256");
    EXPECT_EQ(attribute_value_name(false, 2, 28800), "28800");
}

TEST(Attributes, AuthClassOfEveryMethod) {
    AuthClass c;
    ASSERT_TRUE(auth_class_of(1, c));
    EXPECT_EQ(c, AuthClass::pre_shared_key);
    ASSERT_TRUE(auth_class_of(2, c));
    EXPECT_EQ(c, AuthClass::signature);
    ASSERT_TRUE(auth_class_of(3, c));
    EXPECT_EQ(c, AuthClass::signature);
    ASSERT_TRUE(auth_class_of(4, c));
    EXPECT_EQ(c, AuthClass::public_key);
    ASSERT_TRUE(auth_class_of(5, c));
    EXPECT_EQ(c, AuthClass::revised_public_key);
    ASSERT_TRUE(auth_class_of(65001, c));
    EXPECT_EQ(c, AuthClass::pre_shared_key);
    ASSERT_TRUE(auth_class_of(65010, c));
    EXPECT_EQ(c, AuthClass::revised_public_key);
    EXPECT_FALSE(auth_class_of(6, c)) << "El-Gamal is not supported";
    EXPECT_FALSE(auth_class_of(0, c));
}

}  // namespace
}  // namespace ikeoff::isakmp
