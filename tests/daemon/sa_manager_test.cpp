// SaManager: SA pairs into engine + SPD, all-or-nothing installs, shared
// routes for rekeyed pairs.
#include "host/daemon/sa_manager.hpp"

#include <gtest/gtest.h>

#include "drivers/registry.hpp"

namespace ikeoff::daemon {
namespace {

IpAddress ip(std::string_view s) { return IpAddress::parse(s).value(); }

ike::ChildSaInstall pair_for(uint32_t spi_in, uint32_t spi_out, const char* remote_ts = "10.2.0.0/24") {
    ike::ChildSaInstall sa;
    sa.conn = "c";
    sa.isakmp_sa = 1;
    sa.selector.local = ipsec::IpPrefix::parse("10.1.0.0/24").value();
    sa.selector.remote = ipsec::IpPrefix::parse(remote_ts).value();
    for (auto* p : {&sa.inbound, &sa.outbound}) {
        p->enc = ipsec::parse_enc_keyword("aes128gcm16").value();
        p->enc_key = SecretBytes(Bytes(20, 0x5a));
        p->encap = ipsec::UdpEncap{};
    }
    sa.inbound.spi = spi_in;
    sa.inbound.direction = ipsec::SaDirection::inbound;
    sa.inbound.src = ip("192.0.2.2");
    sa.inbound.dst = ip("192.0.2.1");
    sa.outbound.spi = spi_out;
    sa.outbound.direction = ipsec::SaDirection::outbound;
    sa.outbound.src = ip("192.0.2.1");
    sa.outbound.dst = ip("192.0.2.2");
    return sa;
}

class SaManagerTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto e = drivers::create_engine("soft");
        ASSERT_TRUE(e.ok()) << e.error().message;
        engine = std::move(*e);
        mgr = std::make_unique<SaManager>(*engine, spd, [this](const ipsec::TrafficSelector& ts, bool add) {
            routes.push_back((add ? "+" : "-") + ts.remote.to_string());
        });
    }
    std::unique_ptr<ipsec::Engine> engine;
    ipsec::Spd spd;
    std::vector<std::string> routes;
    std::unique_ptr<SaManager> mgr;
};

TEST_F(SaManagerTest, InstallsBothDirectionsAndThePolicy) {
    auto id = mgr->install(pair_for(0x1001, 0x2001));
    ASSERT_TRUE(id.ok()) << id.error().message;
    const auto* rec = mgr->find(*id);
    ASSERT_NE(rec, nullptr);
    EXPECT_EQ(engine->list_sas().size(), 2u);
    EXPECT_EQ(engine->find_inbound(ipsec::Protocol::esp, 0x1001).value(), rec->inbound);
    EXPECT_EQ(engine->query_sa(rec->outbound)->spi, 0x2001u);
    auto key = ipsec::PacketKey::from_packet(Bytes{0x45, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 10, 1, 0, 5, 10, 2, 0, 9})
                   .value();
    EXPECT_EQ(spd.lookup_outbound(key), rec->outbound);
    EXPECT_EQ(mgr->owner_of(rec->inbound), *id);
    EXPECT_EQ(mgr->owner_of(rec->outbound), *id);
    EXPECT_FALSE(mgr->owner_of(9999).has_value());
    EXPECT_TRUE(rec->in_enc_key.empty());  // keys are kept only in debug mode
    auto use = mgr->usage(*id);
    ASSERT_TRUE(use.ok());
    EXPECT_EQ(use->inbound.packets, 0u);

    ASSERT_TRUE(mgr->remove(*id).ok());
    EXPECT_TRUE(engine->list_sas().empty());
    EXPECT_EQ(spd.size(), 0u);
    EXPECT_EQ(mgr->remove(*id).error().code, Errc::not_found);
    EXPECT_FALSE(mgr->usage(*id).ok());
}

TEST_F(SaManagerTest, FailedOutboundLeavesNothingInstalled) {
    auto bad = pair_for(0x1001, 0x2001);
    bad.outbound.enc_key = SecretBytes(Bytes(3, 1));  // wrong key length
    auto id = mgr->install(std::move(bad));
    ASSERT_FALSE(id.ok());
    EXPECT_NE(id.error().message.find("outbound SA"), std::string::npos) << id.error().message;
    EXPECT_TRUE(engine->list_sas().empty());
    EXPECT_EQ(spd.size(), 0u);
    EXPECT_TRUE(routes.empty());
    // The inbound SPI is free again.
    EXPECT_TRUE(mgr->install(pair_for(0x1001, 0x2001)).ok());

    auto wrong_dir = pair_for(0x1002, 0x2002);
    wrong_dir.inbound.direction = ipsec::SaDirection::both;
    EXPECT_FALSE(mgr->install(std::move(wrong_dir)).ok());
}

TEST_F(SaManagerTest, RekeyedPairsShareOneRoute) {
    auto first = mgr->install(pair_for(0x1001, 0x2001));
    auto rekeyed = mgr->install(pair_for(0x1002, 0x2002));
    auto other = mgr->install(pair_for(0x1003, 0x2003, "10.3.0.0/24"));
    ASSERT_TRUE(first.ok() && rekeyed.ok() && other.ok());
    EXPECT_EQ(routes, (std::vector<std::string>{"+10.2.0.0/24", "+10.3.0.0/24"}));
    ASSERT_TRUE(mgr->remove(*first).ok());
    EXPECT_EQ(routes.size(), 2u);  // the rekeyed pair still needs it
    EXPECT_EQ(mgr->remove_conn("c"), 2u);
    EXPECT_EQ(routes, (std::vector<std::string>{"+10.2.0.0/24", "+10.3.0.0/24", "-10.2.0.0/24", "-10.3.0.0/24"}));
}

TEST_F(SaManagerTest, KeepsKeyCopiesOnlyWhenAsked) {
    mgr->set_keep_keys(true);
    auto id = mgr->install(pair_for(0x1001, 0x2001));
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(to_hex(mgr->find(*id)->out_enc_key), to_hex(Bytes(20, 0x5a)));
    EXPECT_EQ(mgr->find(*id)->in_enc_key.size(), 20u);
}

TEST_F(SaManagerTest, DestructionRemovesEverything) {
    ASSERT_TRUE(mgr->install(pair_for(0x1001, 0x2001)).ok());
    mgr.reset();
    EXPECT_TRUE(engine->list_sas().empty());
    EXPECT_EQ(routes.back(), "-10.2.0.0/24");
}

}  // namespace
}  // namespace ikeoff::daemon
