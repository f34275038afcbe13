// ipsec.conf loading: good configurations, inheritance, and an error (with
// file, line and key) for every kind of bad input.
#include "host/config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ikeoff::config {
namespace {

using ::testing::HasSubstr;

LoadOptions test_options() {
    LoadOptions o;
    // 10.0.0.1 and 2001:db8::1 are "ours" in these tests.
    o.is_local_address = [](const IpAddress& a) {
        return a == *IpAddress::parse("10.0.0.1") || a == *IpAddress::parse("2001:db8::1");
    };
    o.check_files = false;
    return o;
}

std::string join_lines(std::initializer_list<std::string_view> lines) {
    std::string text;
    for (auto l : lines) {
        text += l;
        text += '\n';
    }
    return text;
}

Result<Config> load(std::initializer_list<std::string_view> lines, LoadOptions opts = test_options()) {
    return parse_config(join_lines(lines), "ipsec.conf", opts);
}

Config load_ok(std::initializer_list<std::string_view> lines, LoadOptions opts = test_options()) {
    auto r = load(lines, opts);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(*r) : Config{};
}

std::string load_error(std::initializer_list<std::string_view> lines, LoadOptions opts = test_options()) {
    auto r = load(lines, opts);
    EXPECT_FALSE(r.ok()) << "loaded unexpectedly";
    return r.ok() ? "" : r.error().message;
}

TEST(Config, FullConnection) {
    auto cfg = load_ok({
        "# site-to-site",
        "config setup",
        "    uniqueids=no",
        "    charondebug=\"ike 2, cfg 2\"",
        "",
        "conn home",
        "    keyexchange=ikev1",
        "    left=10.0.0.1          # us",
        "    leftsubnet=10.1.0.0/16,10.3.0.0/24",
        "    leftid=@moon.example.org",
        "    right=10.0.0.2",
        "    rightsubnet=10.2.0.0/16",
        "    rightid=\"C=CH, O=Example, CN=sun\"",
        "    leftprotoport=udp/1701",
        "    authby=secret",
        "    ike=aes128-sha1-modp2048,aes256-sha256-ecp256!",
        "    esp=aes128gcm16-modp2048!",
        "    aggressive=yes",
        "    ikelifetime=8h",
        "    lifetime=30m",
        "    lifebytes=1G",
        "    marginbytes=100M",
        "    lifepackets=1000000",
        "    marginpackets=1000",
        "    rekey=yes",
        "    rekeymargin=3m",
        "    rekeyfuzz=50%",
        "    keyingtries=%forever",
        "    dpdaction=restart",
        "    dpddelay=10s",
        "    dpdtimeout=60s",
        "    type=tunnel",
        "    auto=start",
        "    forceencaps=yes",
        "    replay_window=128",
        "    rightikeport=4501",
    });
    EXPECT_EQ(cfg.setup.uniqueids, "no");
    EXPECT_EQ(cfg.setup.charondebug, "ike 2, cfg 2");
    ASSERT_EQ(cfg.connections.size(), 1u);
    const Connection& c = cfg.connections[0];
    EXPECT_EQ(c.name, "home");
    EXPECT_EQ(c.where.to_string(), "ipsec.conf:6");
    EXPECT_TRUE(c.left_is_local);
    EXPECT_EQ(c.local.address.to_string(), "10.0.0.1");
    EXPECT_EQ(c.remote.address.to_string(), "10.0.0.2");
    ASSERT_EQ(c.local.subnets.size(), 2u);
    EXPECT_EQ(c.local.subnets[1].to_string(), "10.3.0.0/24");
    EXPECT_EQ(c.local.id.to_string(), "moon.example.org");
    EXPECT_EQ(c.remote.id.type(), Identity::Type::der_asn1_dn);
    EXPECT_EQ(c.remote.id.to_string(), "C=CH, O=Example, CN=sun");
    EXPECT_EQ(c.local.protoport.to_string(), "udp/1701");
    EXPECT_EQ(c.remote.ikeport, 4501);
    EXPECT_EQ(c.local.ikeport, 500);
    EXPECT_EQ(c.auth, AuthMethod::psk);
    EXPECT_EQ(c.ike.to_string(), "aes128-sha1-modp2048,aes256-sha256-ecp256!");
    ASSERT_TRUE(c.esp.has_value());
    EXPECT_FALSE(c.ah.has_value());
    EXPECT_EQ(c.esp->to_string(), "aes128gcm16-modp2048!");
    EXPECT_EQ(c.pfs, PfsMode::fixed);
    EXPECT_EQ(c.pfs_group, 14);
    EXPECT_TRUE(c.aggressive);
    EXPECT_EQ(c.ikelifetime.count(), 8 * 3600);
    EXPECT_EQ(c.lifetime.count(), 1800);
    EXPECT_EQ(c.lifebytes, 1ull << 30);
    EXPECT_EQ(c.hard_limits().bytes, 1ull << 30);
    EXPECT_EQ(c.soft_limits().bytes, (1ull << 30) - (100ull << 20));
    EXPECT_EQ(c.soft_limits().packets, 999000u);
    EXPECT_EQ(c.rekeymargin.count(), 180);
    EXPECT_EQ(c.rekeyfuzz_percent, 50u);
    EXPECT_EQ(c.keyingtries, 0u);
    EXPECT_EQ(c.dpdaction, DpdAction::restart);
    EXPECT_EQ(c.dpddelay.count(), 10);
    EXPECT_EQ(c.dpdtimeout.count(), 60);
    EXPECT_EQ(c.mode, ipsec::Mode::tunnel);
    EXPECT_EQ(c.auto_action, AutoAction::start);
    EXPECT_TRUE(c.forceencaps);
    EXPECT_EQ(c.replay_window, 128u);

    auto offer = c.ike_offer();
    ASSERT_EQ(offer.size(), 2u);
    EXPECT_EQ(offer[1].to_string(), "aes256-sha256-ecp256");
    EXPECT_EQ(offer[1].lifetime_s, 8u * 3600);
    EXPECT_EQ(offer[1].auth, AuthMethod::psk);
    auto esp = c.esp_offer(19);
    ASSERT_EQ(esp.size(), 1u);
    EXPECT_EQ(esp[0].to_string(), "aes128gcm16-modp2048");
    auto ts = c.traffic_selectors(c.local.address, c.remote.address);
    ASSERT_EQ(ts.size(), 2u);
    EXPECT_EQ(ts[0].local.to_string(), "10.1.0.0/16");
    EXPECT_EQ(ts[1].local.to_string(), "10.3.0.0/24");
    EXPECT_EQ(ts[0].remote.to_string(), "10.2.0.0/16");
    EXPECT_EQ(ts[0].protocol, 17);
    EXPECT_EQ(ts[0].local_ports.low, 1701);
    EXPECT_TRUE(ts[0].remote_ports.any());
}

TEST(Config, MinimalConnectionGetsTheDocumentedDefaults) {
    auto cfg = load_ok({"conn peer", "  right=10.0.0.2", "  authby=psk", "  auto=add"});
    ASSERT_EQ(cfg.connections.size(), 1u);
    const Connection& c = cfg.connections[0];
    EXPECT_EQ(c.local.host_kind, HostKind::any);
    EXPECT_TRUE(c.local.id.is_any());
    EXPECT_EQ(c.remote.id.to_string(), "10.0.0.2");   // defaults to the address
    EXPECT_EQ(c.ikelifetime.count(), 3 * 3600);
    EXPECT_EQ(c.lifetime.count(), 3600);
    EXPECT_EQ(c.rekeymargin.count(), 540);
    EXPECT_EQ(c.rekeyfuzz_percent, 100u);
    EXPECT_EQ(c.keyingtries, 3u);
    EXPECT_EQ(c.dpdaction, DpdAction::none);
    EXPECT_FALSE(c.aggressive);
    EXPECT_EQ(c.pfs, PfsMode::none);
    EXPECT_EQ(c.mode, ipsec::Mode::tunnel);
    EXPECT_TRUE(c.rekey);
    EXPECT_FALSE(c.weakalgs);
    EXPECT_EQ(c.replay_window, ipsec::kDefaultReplayWindow);
    EXPECT_TRUE(c.ike.proposals.empty());
    ASSERT_TRUE(c.esp.has_value());
    EXPECT_TRUE(c.esp->proposals.empty());
    EXPECT_EQ(c.ike_offer().size(), default_ike_offer().size());
    EXPECT_EQ(c.esp_offer(14).size(), 12u);
    EXPECT_TRUE(c.ah_offer(14).empty());
    EXPECT_TRUE(cfg.setup.prefer_configured_proposals);
    // Host-to-host selectors come from the addresses used at run time.
    auto ts = c.traffic_selectors(*IpAddress::parse("10.0.0.9"), c.remote.address);
    ASSERT_EQ(ts.size(), 1u);
    EXPECT_EQ(ts[0].local.to_string(), "10.0.0.9/32");
    EXPECT_EQ(ts[0].remote.to_string(), "10.0.0.2/32");
}

TEST(Config, ErrorsNameFileLineConnAndKey) {
    EXPECT_EQ(load_error({"conn home", "  right=10.0.0.2", "  auto=add", "  lefsubnet=10.1.0.0/16"}),
              "ipsec.conf:4: conn 'home': unknown key 'lefsubnet' (did you mean 'leftsubnet'?)");
    EXPECT_EQ(load_error({"conn home", "  right=10.0.0.2", "  auto=add", "  ike=aes129-sha1-modp2048"}),
              "ipsec.conf:4: conn 'home': ike: unknown algorithm 'aes129'");
    EXPECT_EQ(load_error({"conn home", "  right=10.0.0.2", "  auto=add", "  frobnicate=yes"}),
              "ipsec.conf:4: conn 'home': unknown key 'frobnicate'");
    EXPECT_EQ(load_error({"conn home", "  right=10.0.0.2", "  auto=add", "  mobike=no"}),
              "ipsec.conf:4: conn 'home': key 'mobike' is not supported by ikeoffd");
    EXPECT_EQ(load_error({"conn home", "  right=10.0.0.2", "  auto=add", "  leftsourceip=%config"}),
              "ipsec.conf:4: conn 'home': key 'leftsourceip' is not supported by ikeoffd");
}

struct BadValue {
    const char* line;
    const char* message;   // after "ipsec.conf:3: conn 'c': "
};

class ConfigBadValue : public ::testing::TestWithParam<BadValue> {};

TEST_P(ConfigBadValue, IsReportedWithLocation) {
    const BadValue& p = GetParam();
    auto r = load({"conn c", "  auto=add", p.line, "  right=10.0.0.2"});
    ASSERT_FALSE(r.ok()) << p.line;
    EXPECT_EQ(r.error().message, std::string("ipsec.conf:3: conn 'c': ") + p.message);
}

INSTANTIATE_TEST_SUITE_P(
    EveryKey, ConfigBadValue,
    ::testing::Values(
        BadValue{"  keyexchange=ikev2", "keyexchange: 'ikev2' is not supported: ikeoffd implements IKEv1 only (keyexchange=ikev1)"},
        BadValue{"  keyexchange=ike", "keyexchange: 'ike' is not supported: ikeoffd implements IKEv1 only (keyexchange=ikev1)"},
        BadValue{"  keyexchange=v1", "keyexchange: 'v1' is not a key exchange (use ikev1)"},
        BadValue{"  authby=ecdsasig", "authby: ECDSA signatures (RFC 4754) are not supported; use rsasig or secret"},
        BadValue{"  authby=xauthpsk", "authby: XAUTH is not supported; use secret or rsasig"},
        BadValue{"  authby=magic", "authby: 'magic' is not an authentication method (secret|psk, rsasig|pubkey, dsssig, rsaencryption, rsaencryption-revised)"},
        BadValue{"  ike=aes128-sha1", "ike: proposal 'aes128-sha1' has no DH group (e.g. modp2048)"},
        BadValue{"  esp=aes128-sha1-modp2049", "esp: unknown algorithm 'modp2049'"},
        BadValue{"  ah=aes128-sha1", "ah: 'aes128' is an encryption algorithm; AH only authenticates (use it in esp=)"},
        BadValue{"  aggressive=maybe", "aggressive: 'maybe' is not yes or no"},
        BadValue{"  pfs=sometimes", "pfs: 'sometimes' is not yes or no"},
        BadValue{"  ikelifetime=3x", "ikelifetime: '3x' is not a time (use e.g. 90s, 30m, 8h, 1d)"},
        BadValue{"  ikelifetime=0s", "ikelifetime: must be longer than 0s"},
        BadValue{"  lifetime=1.5h", "lifetime: '1.5h' is not a time (use e.g. 90s, 30m, 8h, 1d)"},
        BadValue{"  keylife=-1", "keylife: '-1' is not a time (use e.g. 90s, 30m, 8h, 1d)"},
        BadValue{"  lifebytes=lots", "lifebytes: 'lots' is not a count (use e.g. 1000000, 512k, 4G)"},
        BadValue{"  lifepackets=1T", "lifepackets: '1T' is not a count (use e.g. 1000000, 512k, 4G)"},
        BadValue{"  marginbytes=x", "marginbytes: 'x' is not a count (use e.g. 1000000, 512k, 4G)"},
        BadValue{"  marginpackets=x", "marginpackets: 'x' is not a count (use e.g. 1000000, 512k, 4G)"},
        BadValue{"  rekey=often", "rekey: 'often' is not yes or no"},
        BadValue{"  rekeymargin=soon", "rekeymargin: 'soon' is not a time (use e.g. 90s, 30m, 8h, 1d)"},
        BadValue{"  margintime=soon", "margintime: 'soon' is not a time (use e.g. 90s, 30m, 8h, 1d)"},
        BadValue{"  rekeyfuzz=2000%", "rekeyfuzz: '2000%' is not a percentage in [0, 1000]"},
        BadValue{"  keyingtries=forever", "keyingtries: 'forever' is not a number"},
        BadValue{"  dpdaction=panic", "dpdaction: 'panic' is not a DPD action (none, clear, hold, restart)"},
        BadValue{"  dpddelay=0", "dpddelay: must be longer than 0s"},
        BadValue{"  dpdtimeout=x", "dpdtimeout: 'x' is not a time (use e.g. 90s, 30m, 8h, 1d)"},
        BadValue{"  type=drop", "type: shunt type 'drop' is not supported (tunnel or transport)"},
        BadValue{"  type=tunel", "type: 'tunel' is not a connection type (tunnel or transport)"},
        BadValue{"  forceencaps=1x", "forceencaps: '1x' is not yes or no"},
        BadValue{"  compress=yes", "compress: IPComp is not supported (compress=no)"},
        BadValue{"  replay_window=5000", "replay_window: 5000 is out of range [0, 4096]"},
        BadValue{"  weakalgs=please", "weakalgs: 'please' is not yes or no"},
        BadValue{"  left=gw.example.org", "left: 'gw.example.org' is not an IP address (host names are not resolved; use an address or %any)"},
        BadValue{"  left=%group", "left: '%group' is not supported (an IP address, %any, %any4, %any6 or %defaultroute)"},
        BadValue{"  leftsubnet=10.1.0.1/16", "leftsubnet: '10.1.0.1/16' has host bits set (did you mean 10.1.0.0/16?)"},
        BadValue{"  rightsubnet=10.2.0.0/40", "rightsubnet: '10.2.0.0/40' is not a subnet (use e.g. 10.1.0.0/16)"},
        BadValue{"  leftid=@", "leftid: '@' must be followed by a domain name"},
        BadValue{"  rightid=\"C=CH, XX=1\"", "rightid: 'C=CH, XX=1': unknown attribute type 'XX' in distinguished name"},
        BadValue{"  leftprotoport=tcp/http", "leftprotoport: 'http' is not a port (0-65535 or %any)"},
        BadValue{"  rightsendcert=sometimes", "rightsendcert: 'sometimes' is not a sendcert policy (ifasked, always|yes, never|no)"},
        BadValue{"  leftikeport=0", "leftikeport: 0 is out of range [1, 65535]"}));

TEST(Config, WholeConnectionChecks) {
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  left=10.0.0.1"}),
              "ipsec.conf:1: conn 'c': right= is required (the peer's IP address, or %any to accept any peer)");
    EXPECT_EQ(load_error({"conn c", "  auto=route", "  right=10.0.0.2", "  authby=secret"}),
              "ipsec.conf:2: conn 'c': auto: auto=route needs trap policies, which ikeoffd does not install; use add "
              "or start");
    EXPECT_EQ(load_error({"conn c", "  auto=start", "  right=%any", "  authby=secret"}),
              "ipsec.conf:2: conn 'c': auto: start needs the peer's address in right= (not %any)");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  left=10.0.0.1", "  right=%defaultroute", "  authby=secret"}),
              "ipsec.conf:4: conn 'c': right: %defaultroute can only name the local side");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2"}),
              "ipsec.conf:1: conn 'c': authby=rsasig needs leftcert (our certificate, sent to the peer)");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=rsaencryption", "  leftcert=a.pem"}),
              "ipsec.conf:4: conn 'c': authby=rsaencryption needs both leftcert and rightcert (public-key "
              "encryption needs the peer's key before the exchange starts)");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  ike=des-md5-modp768"}),
              "ipsec.conf:5: conn 'c': ike: weak algorithm(s) des, md5, modp768 need weakalgs=yes");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  esp=3des-md5"}),
              "ipsec.conf:5: conn 'c': esp: weak algorithm(s) md5 need weakalgs=yes");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret",
                          "  esp=aes128-sha1-modp2048,aes256-sha256-modp3072"}),
              "ipsec.conf:5: conn 'c': esp: all proposals must use the same PFS group, since IKEv1 sends one KE "
              "payload per Quick Mode (found modp2048, modp3072)");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  esp=aes128-sha1-modp2048,aes128-sha1"}),
              "ipsec.conf:5: conn 'c': esp: all proposals must use the same PFS group, since IKEv1 sends one KE "
              "payload per Quick Mode (found modp2048, none)");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  esp=aes128-sha1-modp2048",
                          "  pfs=no"}),
              "ipsec.conf:6: conn 'c': pfs: 'no' contradicts the DH group modp2048 in esp=");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  type=transport",
                          "  rightsubnet=10.2.0.0/16"}),
              "ipsec.conf:6: conn 'c': rightsubnet: type=transport protects the two hosts only; remove the subnet or "
              "use type=tunnel");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  leftsubnet=10.1.0.0/16",
                          "  rightsubnet=2001:db8:2::/48"}),
              "ipsec.conf:6: conn 'c': rightsubnet: no subnet has the address family of leftsubnet (IKEv1 pairs one "
              "local and one remote subnet of the same family per Quick Mode)");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  lifetime=5m"}),
              "ipsec.conf:5: conn 'c': rekeymargin (9m) must be shorter than lifetime (5m)");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  margintime=4h"}),
              "ipsec.conf:5: conn 'c': margintime (4h) must be shorter than lifetime (1h)");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  lifebytes=1000",
                          "  marginbytes=1000"}),
              "ipsec.conf:6: conn 'c': marginbytes: must be smaller than lifebytes (1000)");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  dpdaction=clear",
                          "  dpdtimeout=20s"}),
              "ipsec.conf:6: conn 'c': dpdtimeout (20s) must be longer than dpddelay (30s)");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  lifetime=2h", "  keylife=2h"}),
              "ipsec.conf:6: conn 'c': keylife: is an alias of lifetime; give only one");
}

TEST(Config, LeftauthAndRightauthMustAgree) {
    auto cfg = load_ok({"conn c", "  auto=add", "  right=10.0.0.2", "  leftauth=psk", "  rightauth=psk"});
    EXPECT_EQ(cfg.connections.at(0).auth, AuthMethod::psk);
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  leftauth=psk", "  rightauth=pubkey"}),
              "ipsec.conf:5: conn 'c': rightauth: IKEv1 authenticates both peers with one method; leftauth and "
              "rightauth must agree");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  leftauth=pubkey",
                          "  leftcert=x.pem"}),
              "ipsec.conf:5: conn 'c': leftauth: contradicts authby=secret");
    EXPECT_EQ(load_error({"conn c", "  auto=add", "  right=10.0.0.2", "  leftauth=eap"}),
              "ipsec.conf:4: conn 'c': leftauth: 'eap' is not supported (psk or pubkey; or use authby=)");
}

TEST(Config, WeakAlgorithmsLoadWithWeakalgs) {
    auto cfg = load_ok({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  weakalgs=yes",
                        "  ike=des-md5-modp768!", "  esp=3des-md5!"});
    ASSERT_EQ(cfg.connections.size(), 1u);
    EXPECT_TRUE(cfg.connections[0].weakalgs);
    EXPECT_TRUE(cfg.connections[0].ike_offer().at(0).is_weak());
    // 3des-sha1-modp1024 is legacy, not weak: it loads without weakalgs when listed.
    load_ok({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  ike=3des-sha1-modp1024!"});
}

TEST(Config, PfsModes) {
    auto base = [](std::string_view esp, std::string_view pfs) {
        std::string e = std::string("  esp=") + std::string(esp);
        std::string p = std::string("  pfs=") + std::string(pfs);
        return load_ok({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", e, p}).connections.at(0);
    };
    auto fixed = base("aes128-sha1-modp3072", "");
    EXPECT_EQ(fixed.pfs, PfsMode::fixed);
    EXPECT_EQ(fixed.pfs_group_for(14), 15);
    auto none = base("aes128-sha1", "");
    EXPECT_EQ(none.pfs, PfsMode::none);
    EXPECT_EQ(none.pfs_group_for(14), 0);
    auto phase1 = base("aes128-sha1", "yes");
    EXPECT_EQ(phase1.pfs, PfsMode::phase1);
    EXPECT_EQ(phase1.pfs_group_for(19), 19);
    EXPECT_EQ(phase1.esp_offer(19).at(0).to_string(), "aes128-sha1-ecp256");
    auto off = base("aes128-sha1", "no");
    EXPECT_EQ(off.pfs, PfsMode::none);
}

TEST(Config, AhAndBundles) {
    auto ah_only = load_ok({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  ah=sha256!"});
    const auto& c = ah_only.connections.at(0);
    EXPECT_FALSE(c.esp.has_value());
    ASSERT_TRUE(c.ah.has_value());
    EXPECT_EQ(c.ah_offer(0).at(0).to_string(), "sha256");
    EXPECT_TRUE(c.esp_offer(0).empty());
    auto bundle = load_ok({"conn c", "  auto=add", "  right=10.0.0.2", "  authby=secret", "  ah=sha256-modp2048!",
                           "  esp=aes128-sha1-modp2048!"});
    EXPECT_TRUE(bundle.connections.at(0).esp.has_value());
    EXPECT_TRUE(bundle.connections.at(0).ah.has_value());
    EXPECT_EQ(bundle.connections.at(0).pfs_group, 14);
}

TEST(Config, DefaultSectionAndAlsoInheritance) {
    auto cfg = load_ok({
        "conn %default",
        "    ikelifetime=2h",
        "    keyingtries=5",
        "    authby=secret",
        "    esp=aes128-sha1",
        "conn base",
        "    left=10.0.0.1",
        "    leftsubnet=10.1.0.0/16",
        "    keyingtries=7",
        "    also=crypto",
        "conn crypto",
        "    ike=aes256-sha256-modp3072!",
        "    keyingtries=9",
        "conn office",
        "    also=base",
        "    right=10.0.0.3",
        "    auto=add",
        "conn lab",
        "    also=base",
        "    right=10.0.0.4",
        "    keyingtries=1",
        "    esp=",
        "    auto=add",
    });
    ASSERT_EQ(cfg.connections.size(), 2u);
    const Connection* office = cfg.find("office");
    const Connection* lab = cfg.find("lab");
    ASSERT_NE(office, nullptr);
    ASSERT_NE(lab, nullptr);
    EXPECT_EQ(office->ikelifetime.count(), 7200);             // from %default
    EXPECT_EQ(office->keyingtries, 7u);                        // base wins over crypto and %default
    EXPECT_EQ(office->ike.to_string(), "aes256-sha256-modp3072!");   // via base -> crypto
    EXPECT_EQ(office->local.subnets.at(0).to_string(), "10.1.0.0/16");
    EXPECT_EQ(office->esp->to_string(), "aes128-sha1");        // from %default
    EXPECT_EQ(lab->keyingtries, 1u);                           // own key wins
    EXPECT_TRUE(lab->esp->proposals.empty());                  // "esp=" resets to the defaults
    // base and crypto have no auto=: parsed, not loaded, and lookup says why.
    ASSERT_EQ(cfg.ignored.size(), 2u);
    auto why = cfg.lookup("base");
    ASSERT_FALSE(why.ok());
    EXPECT_THAT(why.error().message, HasSubstr("auto=ignore is the default; add auto=add"));
    EXPECT_EQ(cfg.lookup("nope").error().message, "no connection named 'nope'");
    EXPECT_EQ(*cfg.lookup("lab"), lab);
}

TEST(Config, InheritanceErrors) {
    EXPECT_EQ(load_error({"conn a", "  also=b", "  right=10.0.0.2", "  auto=add", "  authby=secret"}),
              "ipsec.conf:2: conn 'a': also: no conn section named 'b'");
    // b inherits auto=add from a, so both report the loop.
    EXPECT_EQ(load_error({"conn a", "  also=b", "  right=10.0.0.2", "  auto=add", "  authby=secret", "conn b",
                          "  also=a"}),
              "ipsec.conf:7: conn 'a': also: 'a' includes itself (a -> b -> a)\n"
              "ipsec.conf:2: conn 'b': also: 'b' includes itself (b -> a -> b)");
    EXPECT_EQ(load_error({"conn a", "  right=10.0.0.2", "conn %default", "  keyingtries=1"}),
              "ipsec.conf:3: conn '%default': conn %default must come before the conn sections it applies to");
    EXPECT_EQ(load_error({"conn %default", "  also=x", "conn x", "  right=10.0.0.2"}),
              "ipsec.conf:2: conn '%default': also: not allowed in %default");
    // A bad value inherited from %default is reported where it is written.
    EXPECT_EQ(load_error({"conn %default", "  ikelifetime=forever", "conn a", "  right=10.0.0.2", "  auto=add",
                          "  authby=secret"}),
              "ipsec.conf:2: conn 'a': ikelifetime: 'forever' is not a time (use e.g. 90s, 30m, 8h, 1d)");
    // Unknown keys are found in every conn section, loaded or not.
    EXPECT_EQ(load_error({"conn %default", "  lefsubnet=10.0.0.0/8", "conn x", "  right=10.0.0.2"}),
              "ipsec.conf:2: conn '%default': unknown key 'lefsubnet' (did you mean 'leftsubnet'?)");
}

TEST(Config, SyntaxErrors) {
    EXPECT_EQ(load_error({"conn a", "right=10.0.0.2"}), "ipsec.conf:2: 'right=10.0.0.2' must be indented under a section");
    EXPECT_EQ(load_error({"  right=10.0.0.2"}),
              "ipsec.conf:1: indented line outside of a section (sections start with 'conn NAME', 'config setup' or "
              "'ca NAME' in column 0)");
    EXPECT_EQ(load_error({"conn a", "  right"}), "ipsec.conf:2: 'right' is not of the form key=value");
    EXPECT_EQ(load_error({"conn a", "  leftid=\"C=CH, CN=x"}), "ipsec.conf:2: leftid: missing closing '\"'");
    EXPECT_EQ(load_error({"conn a", "  leftid=C=CH, CN=x"}),
              "ipsec.conf:2: leftid: value contains white space; put it in double quotes");
    EXPECT_EQ(load_error({"conn a", "  right=10.0.0.2", "  right=10.0.0.3"}),
              "ipsec.conf:3: right: given twice in conn 'a' (first at line 2)");
    EXPECT_EQ(load_error({"conn a", "  right=10.0.0.2", "conn a", "  right=10.0.0.3"}),
              "ipsec.conf:3: conn 'a' is already defined at ipsec.conf:1");
    EXPECT_EQ(load_error({"connection a"}),
              "ipsec.conf:1: unknown line 'connection a' (expected conn NAME, config setup, ca NAME or include FILE)");
    EXPECT_EQ(load_error({"config foo"}), "ipsec.conf:1: unknown section 'config foo' (only 'config setup')");
    EXPECT_EQ(load_error({"conn 1st"}),
              "ipsec.conf:1: bad section name '1st' (start with a letter; letters, digits, '.', '_', '-')");
    EXPECT_EQ(load_error({"conn"}), "ipsec.conf:1: conn section needs a name");
    EXPECT_EQ(load_error({"conn a", "  le ft=1"}), "ipsec.conf:2: bad key name 'le ft'");
    EXPECT_EQ(load_error({"config setup", "  frob=1"}), "ipsec.conf:2: config setup: unknown key 'frob'");
    EXPECT_EQ(load_error({"config setup", "  uniqueids=sometimes"}),
              "ipsec.conf:2: config setup: uniqueids: 'sometimes' is not one of yes, no, never, replace, keep");
}

TEST(Config, CommentRulesAreStrict) {
    // '#' glued to a value is part of it, so this authby is invalid.
    EXPECT_EQ(load_error({"conn a", "  right=10.0.0.2", "  auto=add", "  authby=secret#x"}),
              "ipsec.conf:4: conn 'a': authby: 'secret#x' is not an authentication method (secret|psk, rsasig|pubkey, "
              "dsssig, rsaencryption, rsaencryption-revised)");
    auto cfg = load_ok({"conn a # header comment", "", "    # indented comment", "    right = 10.0.0.2  # peer",
                        "    leftid=\"@with#hash\"", "    authby=secret", "    auto=add"});
    ASSERT_EQ(cfg.connections.size(), 1u);
    EXPECT_EQ(cfg.connections[0].local.id.to_string(), "with#hash");
    EXPECT_EQ(cfg.connections[0].remote.address.to_string(), "10.0.0.2");
}

TEST(Config, LocalSideIsChosenByAddress) {
    // right= is ours: the sides swap, so local = right.
    auto cfg = load_ok({"conn c", "  left=10.0.0.2", "  leftsubnet=10.2.0.0/16", "  right=10.0.0.1",
                        "  rightsubnet=10.1.0.0/16", "  rightid=@moon", "  authby=secret", "  auto=add"});
    const Connection& c = cfg.connections.at(0);
    EXPECT_FALSE(c.left_is_local);
    EXPECT_EQ(c.local.address.to_string(), "10.0.0.1");
    EXPECT_EQ(c.local.subnets.at(0).to_string(), "10.1.0.0/16");
    EXPECT_EQ(c.local.id.to_string(), "moon");
    EXPECT_EQ(c.remote.address.to_string(), "10.0.0.2");
    // Neither side is ours: left stays local (strongSwan's rule).
    auto cfg2 = load_ok({"conn c", "  left=10.9.0.1", "  right=10.9.0.2", "  authby=secret", "  auto=add"});
    EXPECT_TRUE(cfg2.connections.at(0).left_is_local);
    // Errors about the swapped side name the key as written.
    EXPECT_EQ(load_error({"conn c", "  left=%defaultroute", "  right=10.0.0.1", "  authby=secret", "  auto=add"}),
              "ipsec.conf:2: conn 'c': left: %defaultroute can only name the local side");
    auto v6 = load_ok({"conn c", "  left=%defaultroute", "  right=2001:db8::2", "  authby=secret", "  auto=add"});
    EXPECT_EQ(v6.connections.at(0).local.host_kind, HostKind::defaultroute);
    EXPECT_EQ(v6.connections.at(0).remote.id.type(), Identity::Type::ipv6_addr);
}

TEST(Config, SeveralErrorsAreReportedTogether) {
    auto msg = load_error({"conn a", "  right=10.0.0.2", "  auto=add", "  ike=aes129-sha1-modp2048",
                           "  esp=aes128-sha1-modp9", "  dpdaction=panic"});
    EXPECT_THAT(msg, HasSubstr("ipsec.conf:4: conn 'a': ike: unknown algorithm 'aes129'\n"));
    EXPECT_THAT(msg, HasSubstr("ipsec.conf:5: conn 'a': esp: unknown algorithm 'modp9'\n"));
    EXPECT_THAT(msg, HasSubstr("ipsec.conf:6: conn 'a': dpdaction: 'panic' is not a DPD action"));
}

TEST(Config, WarningsForIgnoredSetupKeys) {
    auto cfg = load_ok({"config setup", "  cachecrls=yes", "  prefer_configured_proposals=no", "conn a",
                        "  right=10.0.0.2", "  authby=secret", "  auto=add"});
    ASSERT_EQ(cfg.warnings.size(), 1u);
    EXPECT_EQ(cfg.warnings[0], "ipsec.conf:2: config setup: cachecrls: ignored (not used by ikeoffd)");
    EXPECT_FALSE(cfg.setup.prefer_configured_proposals);
}

// --- files on disk: includes, certificates, CA sections -----------------------

class ConfigFiles : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/ikeoff_config_XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string write(const std::string& name, std::initializer_list<std::string_view> lines) {
        std::string path = dir_ + "/" + name;
        std::filesystem::create_directories(std::filesystem::path(path).parent_path());
        std::ofstream(path) << join_lines(lines);
        return path;
    }
    std::string dir_;
};

TEST_F(ConfigFiles, IncludesResolveRelativeToTheIncludingFile) {
    write("conf.d/a.conf", {"conn a", "  right=10.0.0.2", "  authby=secret", "  auto=add"});
    write("conf.d/b.conf", {"conn b", "  right=10.0.0.3", "  authby=secret", "  auto=add", "  ike=aes129-sha1-modp2048"});
    std::string main = write("ipsec.conf", {"config setup", "  uniqueids=yes", "include conf.d/a.conf"});
    auto opts = test_options();
    auto cfg = load_config(main, opts);
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_NE(cfg->find("a"), nullptr);
    // Errors inside an included file carry that file's name and line.
    std::string main2 = write("ipsec2.conf", {"include conf.d/*.conf"});
    auto bad = load_config(main2, opts);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, dir_ + "/conf.d/b.conf:5: conn 'b': ike: unknown algorithm 'aes129'");
    std::string main3 = write("ipsec3.conf", {"conn x", "  right=10.0.0.2", "include missing.conf"});
    auto missing = load_config(main3, opts);
    ASSERT_FALSE(missing.ok());
    EXPECT_THAT(missing.error().message, HasSubstr("ipsec3.conf:3: include: cannot read"));
    auto none = load_config(dir_ + "/nope.conf", opts);
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().code, Errc::io_error);
}

TEST_F(ConfigFiles, IncludeLoopsAreBounded) {
    std::string main = write("loop.conf", {"include loop.conf"});
    auto r = load_config(main, test_options());
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message, HasSubstr("includes nested more than 10 deep"));
}

TEST_F(ConfigFiles, CertificatesResolveAndMustExist) {
    write("moon.pem", {"not really a certificate, only the path matters here"});
    write("certs/ca.pem", {"ca"});
    std::string cacert = "  cacert=" + dir_ + "/certs/ca.pem";
    std::string main = write("ipsec.conf", {"ca root", cacert, "  auto=add", "conn a", "  right=10.0.0.2",
                                            "  leftcert=moon.pem", "  rightcert=sun.pem", "  auto=add"});
    auto opts = test_options();
    opts.check_files = true;
    auto bad = load_config(main, opts);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message,
              main + ":7: conn 'a': rightcert: cannot read certificate '" + dir_ + "/sun.pem'");
    write("sun.pem", {"x"});
    auto cfg = load_config(main, opts);
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    const Connection& c = cfg->connections.at(0);
    EXPECT_EQ(c.auth, AuthMethod::rsa_sig);
    EXPECT_EQ(c.local.cert, dir_ + "/moon.pem");
    EXPECT_EQ(c.remote.cert, dir_ + "/sun.pem");
    ASSERT_EQ(cfg->cas.size(), 1u);
    EXPECT_EQ(cfg->cas[0].cacert, dir_ + "/certs/ca.pem");
    // An explicit cert directory replaces the config file's directory.
    opts.cert_dir = dir_ + "/certs";
    auto moved = load_config(main, opts);
    ASSERT_FALSE(moved.ok());
    EXPECT_THAT(moved.error().message, HasSubstr("leftcert: cannot read certificate '" + dir_ + "/certs/moon.pem'"));
}

TEST(Config, CaSectionErrors) {
    EXPECT_EQ(load_error({"ca root", "  auto=add"}), "ipsec.conf:1: ca 'root': cacert= is required");
    EXPECT_EQ(load_error({"ca root", "  cacert=/x.pem", "  crlurl=x"}), "ipsec.conf:3: ca 'root': unknown key 'crlurl'");
    auto cfg = load_ok({"ca root", "  cacert=/x.pem", "  crluri=http://x", "  auto=add"});
    EXPECT_EQ(cfg.warnings.size(), 1u);
}

}  // namespace
}  // namespace ikeoff::config
