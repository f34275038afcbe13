// ChildLifetimes (host/ike/lifetimes.hpp) on its own, in virtual time: when
// rekeys start, what a finished rekey replaces, how collisions resolve.
#include "host/ike/lifetimes.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace ikeoff::ike {
namespace {

using namespace std::chrono_literals;

TEST(RekeyDelay, MarginAndFuzz) {
    // No fuzz: exactly life - margin; the responder waits for half the margin only.
    EXPECT_EQ(rekey_delay(3600s, 540s, 0, true, 12345), 3060s);
    EXPECT_EQ(rekey_delay(3600s, 540s, 0, false, 12345), 3330s);
    // With fuzz the time falls in [life - margin - margin*fuzz, life - margin].
    std::set<Duration::rep> seen;
    for (uint64_t r = 0; r < 2000; ++r) {
        Duration d = rekey_delay(3600s, 540s, 100, true, r * 7919 * 1000003ull);
        EXPECT_GE(d, 3600s - 540s - 540s);
        EXPECT_LE(d, 3600s - 540s);
        seen.insert(d.count());
    }
    EXPECT_GT(seen.size(), 1000u);  // really random
    // A margin as long as the life is cut to half of it; fuzz keeps at
    // least half of what is left.
    EXPECT_EQ(rekey_delay(60s, 120s, 0, true, 0), 30s);
    for (uint64_t r : {0ull, 1ull, ~0ull, 123456789ull}) EXPECT_GE(rekey_delay(60s, 50s, 1000, true, r), 5s);
    EXPECT_EQ(rekey_delay(Duration::zero(), 10s, 0, true, 0), Duration::zero());
}

struct Harness {
    ManualTimers timers;
    std::vector<ChildSaId> rekeys, removes;
    ChildLifetimes lt{timers,
                      ChildLifetimes::Actions{[this](ChildSaId id) { rekeys.push_back(id); },
                                              [this](ChildSaId id) {
                                                  removes.push_back(id);
                                                  lt.removed(id);
                                              }}};

    ChildFacts facts(ChildSaId id, bool ours, uint32_t spi_in, uint32_t spi_out, uint64_t batch = 0) {
        ChildFacts f;
        f.id = id;
        f.family = "conn 10.1.0.0/24 === 10.2.0.0/24";
        f.batch = batch ? batch : id;
        f.ours = ours;
        f.can_rekey = true;
        f.spi_in = spi_in;
        f.spi_out = spi_out;
        f.life = 100s;
        f.margin = 20s;
        f.fuzz_percent = 0;
        return f;
    }
};

TEST(ChildLifetimes, OwnRekeyReplacesAndDeletesTheOldPairLater) {
    Harness h;
    h.lt.added(h.facts(1, true, 0xa1, 0xb1), 0);
    ASSERT_TRUE(h.lt.view(1)->rekey_in);
    EXPECT_EQ(*h.lt.view(1)->rekey_in, 80s);
    h.timers.advance(79s);
    EXPECT_TRUE(h.rekeys.empty());
    h.timers.advance(1s);
    ASSERT_EQ(h.rekeys, std::vector<ChildSaId>{1});
    EXPECT_EQ(h.lt.view(1)->state, ChildLifeState::rekeying);
    EXPECT_FALSE(h.lt.view(1)->rekey_in);

    h.lt.added(h.facts(2, true, 0xa2, 0xb2), 0);
    EXPECT_EQ(h.lt.view(1)->state, ChildLifeState::rekeyed);
    EXPECT_EQ(h.lt.view(2)->state, ChildLifeState::installed);
    EXPECT_TRUE(h.removes.empty());
    h.timers.advance(5s);  // strongSwan's DELETE_REKEYED_DELAY
    EXPECT_EQ(h.removes, std::vector<ChildSaId>{1});
    EXPECT_EQ(h.lt.counters().rekeyed_by_us, 1u);
    // The new pair runs its own schedule, from its own installation.
    EXPECT_EQ(*h.lt.view(2)->rekey_in, 75s);
}

TEST(ChildLifetimes, PeerRekeyMarksOursRekeyedAndCancelsOurTimer) {
    Harness h;
    h.lt.added(h.facts(1, false, 0xa1, 0xb1), 0);  // the peer initiated: half the margin
    EXPECT_EQ(*h.lt.view(1)->rekey_in, 90s);
    h.timers.advance(80s);
    h.lt.added(h.facts(2, false, 0xa2, 0xb2), 0);  // the peer rekeyed it
    EXPECT_EQ(h.lt.view(1)->state, ChildLifeState::rekeyed);
    h.timers.advance(60s);
    EXPECT_TRUE(h.rekeys.empty()) << "a pair the peer replaced must not be rekeyed again";
    EXPECT_TRUE(h.removes.empty()) << "the peer deletes what it rekeyed";
    EXPECT_EQ(h.lt.counters().rekeyed_by_peer, 1u);
}

TEST(ChildLifetimes, SoftLimitRekeysAtOnceButNotTwice) {
    Harness h;
    h.lt.added(h.facts(1, true, 0xa1, 0xb1), 0);
    h.lt.soft_limit(1);
    h.lt.soft_limit(1);
    EXPECT_EQ(h.rekeys, std::vector<ChildSaId>{1});
}

TEST(ChildLifetimes, FailedRekeyIsRetriedWhileThePairLives) {
    Harness h;
    h.lt.added(h.facts(1, true, 0xa1, 0xb1), 0);
    h.timers.advance(80s);
    ASSERT_EQ(h.rekeys.size(), 1u);
    h.lt.rekey_failed(1);
    EXPECT_EQ(h.lt.view(1)->state, ChildLifeState::installed);
    h.timers.advance(10s);
    EXPECT_EQ(h.rekeys.size(), 2u);
    // Silence counts as failure after the rekey timeout; with the life
    // (100 s) nearly over no further try is scheduled: the hard expiry
    // (the core's) ends the pair.
    h.timers.advance(75s);
    ASSERT_TRUE(h.lt.view(1).has_value());
    EXPECT_EQ(h.lt.view(1)->state, ChildLifeState::installed);
    EXPECT_FALSE(h.lt.view(1)->rekey_in);
    h.timers.advance(100s);
    EXPECT_EQ(h.rekeys.size(), 2u);
}

TEST(ChildLifetimes, KeyingtriesLimitsTheRetries) {
    Harness h;
    ChildFacts f = h.facts(1, true, 0xa1, 0xb1);
    f.life = 1000s;
    f.keyingtries = 2;
    h.lt.added(f, 0);
    h.timers.advance(980s);  // rekey at 1000 - 20 s
    ASSERT_EQ(h.rekeys.size(), 1u);
    h.lt.rekey_failed(1);
    h.timers.advance(10s);
    ASSERT_EQ(h.rekeys.size(), 2u);
    h.lt.rekey_failed(1);
    h.timers.advance(100s);
    EXPECT_EQ(h.rekeys.size(), 2u) << "keyingtries=2: no third attempt";
    EXPECT_EQ(h.lt.view(1)->state, ChildLifeState::installed);
}

TEST(ChildLifetimes, SimultaneousRekeysKeepOnePairOnBothSides) {
    // Two schedulers, one per peer; SPIs as each side sees them.
    Harness a, b;
    a.lt.added(a.facts(1, true, 0xa1, 0xb1), 0);
    b.lt.added(b.facts(1, false, 0xb1, 0xa1), 0);
    a.lt.soft_limit(1);
    b.lt.soft_limit(1);
    ASSERT_EQ(a.rekeys.size(), 1u);
    ASSERT_EQ(b.rekeys.size(), 1u);
    // a's Quick Mode makes pair Y (a: in a2, out b2), b's makes Z (b: in b3,
    // out a3). Each side installs its own first.
    a.lt.added(a.facts(2, true, 0xa2, 0xb2), 0);   // Y at a
    b.lt.added(b.facts(2, true, 0xb3, 0xa3), 0);   // Z at b
    a.lt.added(a.facts(3, false, 0xa3, 0xb3), 0);  // Z at a
    b.lt.added(b.facts(3, false, 0xb2, 0xa2), 0);  // Y at b
    EXPECT_EQ(a.lt.counters().collisions, 1u);
    EXPECT_EQ(b.lt.counters().collisions, 1u);
    a.timers.advance(6s);
    b.timers.advance(6s);
    // Y's lowest SPI (0xa2) is lower than Z's (0xa3): Y is redundant, and a
    // made it, so a deletes it; b only marks it. Both keep Z.
    EXPECT_EQ(a.removes, (std::vector<ChildSaId>{1, 2}));
    EXPECT_EQ(b.removes, (std::vector<ChildSaId>{1}));
    EXPECT_EQ(a.lt.view(3)->state, ChildLifeState::installed);
    EXPECT_EQ(b.lt.view(2)->state, ChildLifeState::installed);
    EXPECT_EQ(b.lt.view(3)->state, ChildLifeState::rekeyed);
    EXPECT_EQ(a.lt.counters().redundant_deleted, 1u);
    EXPECT_EQ(b.lt.counters().redundant_deleted, 0u);
}

TEST(ChildLifetimes, LateCollisionInsideTheWindowIsResolvedToo) {
    // The peer's Quick Mode finishes after ours: at a, Y is up before Z.
    Harness a;
    a.lt.added(a.facts(1, true, 0xa1, 0xb1), 0);
    a.lt.soft_limit(1);
    a.lt.added(a.facts(2, true, 0xa5, 0xb5), 0);
    a.timers.advance(2s);
    a.lt.added(a.facts(3, false, 0xa4, 0xb4), 0);
    EXPECT_EQ(a.lt.counters().collisions, 1u);
    EXPECT_EQ(a.lt.view(2)->state, ChildLifeState::installed);  // Z (0xa4) loses, the peer deletes it
    EXPECT_EQ(a.lt.view(3)->state, ChildLifeState::rekeyed);
    // Outside the window a peer pair is a rekey of ours, not a collision.
    a.timers.advance(40s);
    a.lt.added(a.facts(4, false, 0xa6, 0xb6), 0);
    EXPECT_EQ(a.lt.counters().collisions, 1u);
    EXPECT_EQ(a.lt.view(2)->state, ChildLifeState::rekeyed);
}

TEST(ChildLifetimes, BundlesMoveTogether) {
    Harness h;
    h.lt.added(h.facts(1, true, 0xa1, 0xb1, 7), 0);  // ESP
    h.lt.added(h.facts(2, true, 0xa2, 0xb2, 7), 0);  // AH of the same Quick Mode
    h.timers.advance(80s);
    EXPECT_EQ(h.rekeys.size(), 1u) << "one Quick Mode rekeys the bundle";
    EXPECT_EQ(h.lt.view(2)->state, ChildLifeState::rekeying);
    h.lt.added(h.facts(3, true, 0xa3, 0xb3, 8), 0);
    h.lt.added(h.facts(4, true, 0xa4, 0xb4, 8), 0);
    EXPECT_EQ(h.lt.view(1)->state, ChildLifeState::rekeyed);
    EXPECT_EQ(h.lt.view(2)->state, ChildLifeState::rekeyed);
    EXPECT_EQ(h.lt.view(4)->state, ChildLifeState::installed) << "siblings never replace each other";
    h.timers.advance(5s);
    EXPECT_EQ(h.removes, (std::vector<ChildSaId>{1, 2}));
}

TEST(ChildLifetimes, DestructionCancelsTimers) {
    ManualTimers timers;
    {
        ChildLifetimes lt(timers, {});
        ChildFacts f;
        f.id = 1;
        f.family = "x";
        f.can_rekey = true;
        f.life = 10s;
        lt.added(f, 0);
        EXPECT_EQ(timers.pending(), 1u);
    }
    EXPECT_EQ(timers.pending(), 0u);
}

}  // namespace
}  // namespace ikeoff::ike
