// IvManager behaviour beyond the charon known answers: state only moves on
// commit, retransmissions are recognised, per-M-ID state is bounded.
#include <gtest/gtest.h>

#include "host/crypto/hash.hpp"
#include "host/ike/iv_manager.hpp"

namespace ikeoff::ike {
namespace {

using crypto::HashAlg;

Bytes blocks(std::size_t n, uint8_t seed) {
    Bytes b(n * 16);
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(seed + i);
    return b;
}

IvManager started() {
    auto m = IvManager::create(HashAlg::sha1, 16, 3);
    EXPECT_TRUE(m.ok());
    Bytes gxi(256, 1), gxr(256, 2);
    EXPECT_TRUE(m->start_phase1(gxi, gxr).ok());
    return std::move(m).value();
}

TEST(IvManager, RefusesUseBeforePhase1AndBadParameters) {
    auto m = IvManager::create(HashAlg::sha1, 16);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->iv(0).error().code, Errc::state_error);
    EXPECT_EQ(m->commit(0, blocks(1, 0), true).error().code, Errc::state_error);
    EXPECT_FALSE(IvManager::create(HashAlg::sha1, 12).ok());
    EXPECT_FALSE(IvManager::create(HashAlg::sha1, 16, 0).ok());
}

TEST(IvManager, FirstIvIsTruncatedHashOfKeValues) {
    auto m = IvManager::create(HashAlg::sha256, 8);
    ASSERT_TRUE(m.ok());
    Bytes gxi(128, 0xaa), gxr(128, 0xbb);
    ASSERT_TRUE(m->start_phase1(gxi, gxr).ok());
    auto h = crypto::hash(HashAlg::sha256, {gxi, gxr});
    EXPECT_EQ(to_hex(*m->iv(0)), to_hex(ByteView(*h).first(8)));
}

TEST(IvManager, OnlyCommitMovesTheChain) {
    IvManager m = started();
    Bytes before = *m.iv(0);
    // Asking for IVs (e.g. for a message that then fails its HASH check)
    // changes nothing.
    EXPECT_EQ(*m.iv(0), before);
    Bytes phase2_before = *m.iv(77);
    EXPECT_EQ(m.tracked_exchanges(), 0u);  // unauthenticated M-IDs cost no state
    Bytes msg = blocks(3, 9);
    ASSERT_TRUE(m.commit(0, msg, false).ok());
    EXPECT_EQ(to_hex(*m.iv(0)), to_hex(ByteView(msg).last(16)));
    // Phase-2 IVs derive from the new phase-1 state.
    EXPECT_NE(*m.iv(77), phase2_before);
    uint8_t mid[4];
    store_be32(mid, 77);
    auto h = crypto::hash(HashAlg::sha1, {ByteView(msg).last(16), ByteView(mid, 4)});
    EXPECT_EQ(to_hex(*m.iv(77)), to_hex(ByteView(*h).first(16)));
}

TEST(IvManager, ExchangesChainIndependently) {
    IvManager m = started();
    Bytes a1 = blocks(2, 1), b1 = blocks(2, 50);
    Bytes first_b = *m.iv(200);
    ASSERT_TRUE(m.commit(100, a1, true).ok());
    EXPECT_EQ(*m.iv(200), first_b);  // exchange 200 untouched by 100
    ASSERT_TRUE(m.commit(200, b1, false).ok());
    EXPECT_EQ(to_hex(*m.iv(100)), to_hex(ByteView(a1).last(16)));
    EXPECT_EQ(to_hex(*m.iv(200)), to_hex(ByteView(b1).last(16)));
}

TEST(IvManager, RecognisesRetransmittedRequestAfterOurReply) {
    IvManager m = started();
    Bytes request = blocks(4, 3), reply = blocks(4, 90);
    EXPECT_FALSE(m.is_retransmission(5, request));
    ASSERT_TRUE(m.commit(5, request, /*inbound=*/true).ok());
    ASSERT_TRUE(m.commit(5, reply, /*inbound=*/false).ok());
    // The peer did not get the reply and sends the request again.
    EXPECT_TRUE(m.is_retransmission(5, request));
    Bytes altered = request;
    altered[0] ^= 1;
    EXPECT_FALSE(m.is_retransmission(5, altered));
    EXPECT_FALSE(m.is_retransmission(6, request));
    // Our own message is never mistaken for a retransmitted request.
    EXPECT_FALSE(m.is_retransmission(5, reply));
    // The chain stays at our reply: the next new request decrypts with it.
    EXPECT_EQ(to_hex(*m.iv(5)), to_hex(ByteView(reply).last(16)));
}

TEST(IvManager, StateIsBoundedAndForgettable) {
    IvManager m = started();  // max 3 exchanges
    for (uint32_t mid = 1; mid <= 5; ++mid) ASSERT_TRUE(m.commit(mid, blocks(1, uint8_t(mid)), true).ok());
    EXPECT_EQ(m.tracked_exchanges(), 3u);
    // The oldest (1, 2) were dropped and fall back to their initial IV.
    EXPECT_NE(to_hex(*m.iv(1)), to_hex(blocks(1, 1)));
    EXPECT_EQ(to_hex(*m.iv(5)), to_hex(blocks(1, 5)));
    m.forget(5);
    EXPECT_EQ(m.tracked_exchanges(), 2u);
    EXPECT_NE(to_hex(*m.iv(5)), to_hex(blocks(1, 5)));
    m.forget(0);  // phase 1 is never forgotten
    EXPECT_TRUE(m.iv(0).ok());
}

TEST(IvManager, RejectsCiphertextThatIsNotWholeBlocks) {
    IvManager m = started();
    Bytes odd(20, 1), empty;
    EXPECT_EQ(m.commit(0, odd, true).error().code, Errc::invalid_argument);
    EXPECT_EQ(m.commit(0, empty, true).error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace ikeoff::ike
