// MemoryLink: the in-memory network two-peer IKE tests run on.
#include "host/ike/transport.hpp"

#include <gtest/gtest.h>

namespace ikeoff::ike {
namespace {

using namespace std::chrono_literals;
using Side = MemoryLink::Side;
using Verdict = MemoryLink::Verdict;

Endpoint ep(std::string_view a, uint16_t port) { return Endpoint{IpAddress::parse(a).value(), port}; }
Datagram dgram(uint8_t tag) { return Datagram{ep("10.0.0.1", 500), ep("10.0.0.2", 500), Bytes{tag}}; }

struct Inbox {
    std::vector<Datagram> got;
    MemoryLink::Receiver fn() {
        return [this](const Datagram& d) { got.push_back(d); };
    }
    std::vector<uint8_t> tags() const {
        std::vector<uint8_t> t;
        for (auto& d : got) t.push_back(d.data.empty() ? 0 : d.data[0]);
        return t;
    }
};

TEST(Endpoint, Formats) {
    EXPECT_EQ(ep("10.0.0.1", 500).to_string(), "10.0.0.1:500");
    EXPECT_EQ(ep("2001:db8::1", 4500).to_string(), "[2001:db8::1]:4500");
    EXPECT_EQ(Endpoint{}.to_string(), "*:0");
}

TEST(MemoryLink, DeliversToTheOtherSideWithSwappedEndpoints) {
    MemoryLink link;
    Inbox a, b;
    link.set_receiver(Side::a, a.fn());
    link.set_receiver(Side::b, b.fn());
    ASSERT_TRUE(link.transport(Side::a).send(dgram(1)).ok());
    EXPECT_TRUE(b.got.empty());  // nothing happens inside send()
    EXPECT_EQ(link.in_flight(), 1u);
    EXPECT_EQ(link.deliver_all(), 1u);
    ASSERT_EQ(b.got.size(), 1u);
    EXPECT_TRUE(a.got.empty());
    EXPECT_EQ(b.got[0].local, ep("10.0.0.2", 500));
    EXPECT_EQ(b.got[0].remote, ep("10.0.0.1", 500));
    EXPECT_EQ(b.got[0].data, Bytes{1});
}

TEST(MemoryLink, PingPongRunsToCompletionAndIsBounded) {
    MemoryLink link;
    int exchanged = 0;
    auto echo = [&](Side me) {
        return [&, me](const Datagram& d) {
            ++exchanged;
            if (d.data[0] < 6) (void)link.transport(me).send(Datagram{d.local, d.remote, Bytes{uint8_t(d.data[0] + 1)}});
        };
    };
    link.set_receiver(Side::a, echo(Side::a));
    link.set_receiver(Side::b, echo(Side::b));
    (void)link.transport(Side::a).send(dgram(1));
    EXPECT_EQ(link.deliver_all(), 6u);
    EXPECT_EQ(exchanged, 6);
    EXPECT_EQ(link.log().size(), 6u);
    EXPECT_EQ(link.log()[1].from, Side::b);

    // An endless ping-pong stops at the limit instead of hanging.
    link.set_receiver(Side::b, [&](const Datagram& d) { (void)link.transport(Side::b).send(Datagram{d.local, d.remote, d.data}); });
    link.set_receiver(Side::a, [&](const Datagram& d) { (void)link.transport(Side::a).send(Datagram{d.local, d.remote, d.data}); });
    (void)link.transport(Side::a).send(dgram(0));
    EXPECT_EQ(link.deliver_all(100), 100u);
}

TEST(MemoryLink, FilterDropsDuplicatesTampersAndReorders) {
    MemoryLink link;
    Inbox b;
    link.set_receiver(Side::b, b.fn());
    link.set_filter([](Side, Datagram& d) {
        switch (d.data[0]) {
            case 1: return Verdict::drop;
            case 2: return Verdict::duplicate;
            case 3: d.data[0] = 0x33; return Verdict::deliver;  // tamper
            case 4: return Verdict::hold;
            default: return Verdict::deliver;
        }
    });
    for (uint8_t i = 1; i <= 5; ++i) (void)link.transport(Side::a).send(dgram(i));
    link.deliver_all();
    EXPECT_EQ(b.tags(), (std::vector<uint8_t>{2, 2, 0x33, 5}));
    EXPECT_EQ(link.held(), 1u);
    EXPECT_EQ(link.release_held(), 1u);
    link.deliver_all();
    EXPECT_EQ(b.tags(), (std::vector<uint8_t>{2, 2, 0x33, 5, 4}));  // 4 arrived after 5
    EXPECT_EQ(link.counters().sent, 5u);
    EXPECT_EQ(link.counters().dropped, 1u);
    EXPECT_EQ(link.counters().duplicated, 1u);
    EXPECT_EQ(link.counters().delivered, 5u);
    // The log keeps what was sent, before tampering.
    EXPECT_EQ(link.log()[2].datagram.data, Bytes{3});
    EXPECT_EQ(link.log()[0].verdict, Verdict::drop);
}

TEST(MemoryLink, TimedDeliveryFollowsVirtualClock) {
    ManualTimers timers;
    Inbox a, b;
    {
        MemoryLink link(timers, 10ms);
        link.set_receiver(Side::a, a.fn());
        link.set_receiver(Side::b, b.fn());
        (void)link.transport(Side::a).send(dgram(1));
        (void)link.transport(Side::b).send(dgram(2));
        timers.advance(9ms);
        EXPECT_TRUE(b.got.empty());
        timers.advance(1ms);
        EXPECT_EQ(b.tags(), std::vector<uint8_t>{1});
        EXPECT_EQ(a.tags(), std::vector<uint8_t>{2});
        (void)link.transport(Side::a).send(dgram(3));
        EXPECT_EQ(timers.pending(), 1u);
    }
    // The link is gone: its pending delivery timer must be gone too.
    EXPECT_EQ(timers.pending(), 0u);
    timers.advance(1s);
    EXPECT_EQ(b.got.size(), 1u);
}

}  // namespace
}  // namespace ikeoff::ike
