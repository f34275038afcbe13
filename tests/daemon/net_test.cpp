// UDP sockets with packet info, NAT-T classification, TUN and routes.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "host/net/nat_t.hpp"
#include "host/net/route.hpp"
#include "host/net/tun.hpp"
#include "host/net/udp_socket.hpp"
#include "tests/daemon/netns_thread.hpp"

namespace ikeoff::net {
namespace {

IpAddress ip(std::string_view s) { return IpAddress::parse(s).value(); }

// Polls a non-blocking receive for up to a second (loopback delivery is
// immediate, but the test must not depend on it being synchronous).
template <typename F>
auto wait_for(F&& f) -> decltype(f()) {
    for (int i = 0; i < 200; ++i) {
        auto r = f();
        if (!r.ok() || r->has_value()) return r;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return f();
}

TEST(NatT, ClassifiesKeepaliveMarkerAndEsp) {
    Bytes keepalive{0xff};
    EXPECT_EQ(classify_nat_t(keepalive).kind, NatTKind::keepalive);

    Bytes ike(4 + 28, 0x11);
    ike[0] = ike[1] = ike[2] = ike[3] = 0;
    auto c = classify_nat_t(ike);
    ASSERT_EQ(c.kind, NatTKind::ike);
    EXPECT_EQ(c.data.size(), 28u);
    EXPECT_EQ(c.data.data(), ike.data() + 4);  // a view, not a copy

    Bytes esp{0x00, 0x00, 0x10, 0x01, 0, 0, 0, 1, 0xaa, 0xbb};
    auto e = classify_nat_t(esp);
    ASSERT_EQ(e.kind, NatTKind::esp);
    EXPECT_EQ(e.data.size(), esp.size());  // ESP keeps the SPI
}

TEST(NatT, RejectsWhatCannotBeAnything) {
    EXPECT_EQ(classify_nat_t(Bytes{}).kind, NatTKind::malformed);
    EXPECT_EQ(classify_nat_t(Bytes{0xfe}).kind, NatTKind::malformed);
    EXPECT_EQ(classify_nat_t(Bytes{0xff, 0xff}).kind, NatTKind::malformed);
    EXPECT_EQ(classify_nat_t(Bytes{0, 0, 0, 0}).kind, NatTKind::malformed);      // marker, no IKE header
    EXPECT_EQ(classify_nat_t(Bytes(4 + 27, 0)).kind, NatTKind::malformed);       // short IKE header
    EXPECT_EQ(classify_nat_t(Bytes{1, 2, 3, 4, 5, 6, 7}).kind, NatTKind::malformed);  // short ESP
    EXPECT_EQ(non_esp_marker().size(), 4u);
    EXPECT_EQ(non_esp_marker()[0] | non_esp_marker()[3], 0);
}

TEST(UdpSocket, ReportsDestinationAddressAndRepliesFromIt) {
    // 127.0.0.0/8 is all local on Linux: a wildcard socket receives for both
    // 127.0.0.1 and 127.0.0.2 and must tell which one was addressed.
    auto server = UdpSocket::open(IpAddress::Family::v4, {}, 0);
    ASSERT_TRUE(server.ok()) << server.error().message;
    uint16_t port = server->local().port;
    ASSERT_NE(port, 0);
    EXPECT_TRUE(server->wildcard());
    EXPECT_EQ(server->local().addr, ip("0.0.0.0"));
    auto client = UdpSocket::open(IpAddress::Family::v4, ip("127.0.0.1"), 0);
    ASSERT_TRUE(client.ok()) << client.error().message;

    uint8_t buf[64];
    for (const char* target : {"127.0.0.2", "127.0.0.1"}) {
        Bytes msg{1, 2, 3};
        ASSERT_TRUE(client->send({}, Endpoint{ip(target), port}, msg).ok());
        auto got = wait_for([&] { return server->receive(buf); });
        ASSERT_TRUE(got.ok()) << got.error().message;
        ASSERT_TRUE(got->has_value());
        EXPECT_EQ((*got)->local, (Endpoint{ip(target), port}));
        EXPECT_EQ((*got)->remote, client->local());
        EXPECT_EQ((*got)->size, 3u);
        EXPECT_FALSE((*got)->truncated);

        // Reply from the address that was addressed, in two parts (marker + body).
        Bytes marker{0, 0, 0, 0}, body{9};
        ByteView parts[2] = {marker, body};
        ASSERT_TRUE(server->send((*got)->local.addr, (*got)->remote, parts).ok());
        auto reply = wait_for([&] { return client->receive(buf); });
        ASSERT_TRUE(reply.ok() && reply->has_value());
        EXPECT_EQ((*reply)->remote, (Endpoint{ip(target), port}));
        EXPECT_EQ((*reply)->size, 5u);
        EXPECT_EQ(buf[4], 9);
    }
    // Nothing waiting: an empty optional, not an error.
    auto none = server->receive(buf);
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->has_value());
}

TEST(UdpSocket, FlagsTruncatedDatagrams) {
    auto server = UdpSocket::open(IpAddress::Family::v4, ip("127.0.0.1"), 0);
    auto client = UdpSocket::open(IpAddress::Family::v4, ip("127.0.0.1"), 0);
    ASSERT_TRUE(server.ok() && client.ok());
    Bytes big(100, 7);
    ASSERT_TRUE(client->send({}, server->local(), big).ok());
    uint8_t small[10];
    auto got = wait_for([&] { return server->receive(small); });
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_TRUE((*got)->truncated);
}

TEST(UdpSocket, RejectsFamilyMismatchesAndPortClashes) {
    EXPECT_FALSE(UdpSocket::open(IpAddress::Family::v6, ip("127.0.0.1"), 0).ok());
    EXPECT_FALSE(UdpSocket::open(IpAddress::Family::none, {}, 0).ok());
    auto a = UdpSocket::open(IpAddress::Family::v4, ip("127.0.0.1"), 0);
    ASSERT_TRUE(a.ok());
    auto clash = UdpSocket::open(IpAddress::Family::v4, ip("127.0.0.1"), a->local().port);
    ASSERT_FALSE(clash.ok());
    EXPECT_NE(clash.error().message.find("bind"), std::string::npos);
    Bytes x{1};
    EXPECT_FALSE(a->send({}, Endpoint{ip("::1"), 9}, x).ok());
}

TEST(UdpSocket, Ipv6PacketInfo) {
    auto server = UdpSocket::open(IpAddress::Family::v6, {}, 0);
    ASSERT_TRUE(server.ok()) << server.error().message;
    auto client = UdpSocket::open(IpAddress::Family::v6, {}, 0);
    ASSERT_TRUE(client.ok());
    Bytes msg{5};
    auto sent = client->send({}, Endpoint{ip("::1"), server->local().port}, msg);
    if (!sent.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << sent.error().message;
    uint8_t buf[16];
    auto got = wait_for([&] { return server->receive(buf); });
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_EQ((*got)->local.addr, ip("::1"));
    EXPECT_EQ((*got)->remote.addr, ip("::1"));
}

// Sets an IPv4 address on an interface (test set-up only; the daemon never
// assigns addresses).
void set_ipv4_address(const std::string& ifname, const char* addr) {
    int s = ::socket(AF_INET, SOCK_DGRAM, 0);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
    auto* sin = reinterpret_cast<sockaddr_in*>(&ifr.ifr_addr);
    sin->sin_family = AF_INET;
    ::inet_pton(AF_INET, addr, &sin->sin_addr);
    ASSERT_EQ(::ioctl(s, SIOCSIFADDR, &ifr), 0) << std::strerror(errno);
    ::close(s);
}

uint16_t ipv4_checksum(const uint8_t* h, std::size_t n) {
    uint32_t sum = 0;
    for (std::size_t i = 0; i < n; i += 2) sum += load_be16(h + i);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

TEST(Tun, RoutedTrafficComesOutAndWrittenPacketsGoIn) {
    IKEOFF_IN_NETNS([] {
        auto tun = TunDevice::create("iktest%d", 1400);
        ASSERT_TRUE(tun.ok()) << tun.error().message;
        EXPECT_EQ(tun->name().rfind("iktest", 0), 0u);
        EXPECT_GT(tun->ifindex(), 0);
        set_ipv4_address(tun->name(), "10.98.0.1");

        RouteSpec route{ip("10.99.0.0"), 24, tun->ifindex(), ip("10.98.0.1")};
        auto added = add_route(route);
        ASSERT_TRUE(added.ok()) << added.error().message;

        // Outbound: a datagram for the routed prefix is readable from the TUN.
        auto sock = UdpSocket::open(IpAddress::Family::v4, {}, 0);
        ASSERT_TRUE(sock.ok());
        Bytes payload{'h', 'i'};
        ASSERT_TRUE(sock->send({}, Endpoint{ip("10.99.0.5"), 7777}, payload).ok());
        uint8_t pkt[2048];
        // The kernel may also send IPv6 neighbour discovery / MLD through a
        // fresh interface; skip those.
        Result<std::optional<std::size_t>> n = std::optional<std::size_t>{};
        for (int i = 0; i < 10; ++i) {
            n = wait_for([&] { return tun->read(pkt); });
            ASSERT_TRUE(n.ok() && n->has_value());
            if (pkt[0] >> 4 == 4) break;
        }
        ASSERT_EQ(**n, 20u + 8 + 2);
        EXPECT_EQ(pkt[0], 0x45);
        EXPECT_EQ(pkt[9], 17);
        EXPECT_EQ(IpAddress::v4(pkt + 12), ip("10.98.0.1"));  // the preferred source
        EXPECT_EQ(IpAddress::v4(pkt + 16), ip("10.99.0.5"));
        EXPECT_EQ(load_be16(pkt + 22), 7777);

        // Inbound: the reply, written to the TUN, reaches the socket.
        uint8_t reply[30] = {};
        reply[0] = 0x45;
        store_be16(reply + 2, 30);
        reply[8] = 64;
        reply[9] = 17;
        std::memcpy(reply + 12, pkt + 16, 4);
        std::memcpy(reply + 16, pkt + 12, 4);
        store_be16(reply + 10, ipv4_checksum(reply, 20));
        store_be16(reply + 20, 7777);
        std::memcpy(reply + 22, pkt + 20, 2);  // to the socket's port
        store_be16(reply + 24, 10);
        reply[28] = 'o';
        reply[29] = 'k';
        ASSERT_TRUE(tun->write(ByteView(reply, sizeof reply)).ok());
        uint8_t buf[64];
        auto got = wait_for([&] { return sock->receive(buf); });
        ASSERT_TRUE(got.ok() && got->has_value());
        EXPECT_EQ((*got)->remote, (Endpoint{ip("10.99.0.5"), 7777}));
        EXPECT_EQ(buf[0], 'o');

        // Without the route the kernel has nowhere to send it.
        ASSERT_TRUE(del_route(route).ok());
        EXPECT_TRUE(del_route(route).ok());  // idempotent
        EXPECT_FALSE(sock->send({}, Endpoint{ip("10.99.0.5"), 7777}, payload).ok());
    });
}

TEST(Tun, RejectsBadParameters) {
    EXPECT_FALSE(TunDevice::create("", 1400).ok());
    EXPECT_FALSE(TunDevice::create("a-name-much-too-long-for-linux", 1400).ok());
    EXPECT_FALSE(TunDevice::create("ikx0", 100).ok());
}

}  // namespace
}  // namespace ikeoff::net
