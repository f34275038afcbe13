// The kernels called directly through the contract (as the xrt driver
// would start them), and the csim driver's own behaviour: model statistics,
// size limits, SA-table slot reuse, batches split across kernel calls, and
// concurrent use.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "drivers/csim/csim_engine.hpp"
#include "drivers/fpga/batch_layout.hpp"
#include "drivers/fpga/sa_row.hpp"
#include "drivers/registry.hpp"
#include "host/ipsec/ip_packet.hpp"
#include "ipsec_hls/kernels.hpp"
#include "ipsec_hls/perf_model.hpp"

namespace ikeoff::hls_test {
namespace {

namespace contract = ipsec_hls::contract;
using ipsec::PacketStatus;

Bytes inner_v4(std::size_t payload, uint8_t seed) {
    Bytes p(20 + payload);
    IpAddress s = *IpAddress::parse("10.0.0.1"), d = *IpAddress::parse("10.0.0.2");
    ipsec::write_ipv4_header(p.data(), 0, uint16_t(p.size()), 7, true, 64, 17, s, d);
    for (std::size_t i = 20; i < p.size(); ++i) p[i] = uint8_t(i * 7 + seed);
    return p;
}

ipsec::SaParams gcm_sa(uint32_t spi, ipsec::SaDirection dir = ipsec::SaDirection::both) {
    ipsec::SaParams p;
    p.spi = spi;
    p.direction = dir;
    p.src = *IpAddress::parse("192.0.2.1");
    p.dst = *IpAddress::parse("192.0.2.2");
    p.enc = *ipsec::parse_enc_keyword("aes128gcm16");
    p.enc_key = SecretBytes(Bytes(20, 0x42));
    return p;
}

std::unique_ptr<ipsec::Engine> csim() {
    auto e = drivers::create_engine("csim");
    EXPECT_TRUE(e.ok());
    return e.ok() ? std::move(e).value() : nullptr;
}

// A table of rows and one batch, handed to ikeoff_esp_encap like a card run.
struct DirectRun {
    std::vector<contract::SaRow> table;
    drivers::fpga::KernelBatch batch;

    DirectRun() : table(2) {
        std::memset(static_cast<void*>(table.data()), 0, sizeof(contract::SaRow) * table.size());
        std::array<uint8_t, 16> iv{};
        drivers::fpga::build_sa_row(gcm_sa(0x1111), iv, table[0]);  // slot 1 stays free (magic 0)
    }
    void run(uint32_t num_sa) {
        batch.finish();
        ikeoff_esp_encap(batch.pkt_in().data(), batch.pkt_out().data(), batch.desc().data(), table.data(),
                         uint32_t(batch.size()), num_sa);
    }
};

TEST(HlsKernel, EncapWritesResultsSequenceAndDropsIntoTheContractBuffers) {
    DirectRun r;
    Bytes pkt = inner_v4(100, 1);
    r.batch.add(pkt, uint32_t(pkt.size() + 128), 0, contract::kOpEspEncap, 0);        // ok
    r.batch.add(pkt, uint32_t(pkt.size() + 128), 0, contract::kOpEspDecap, 1);        // wrong op for this kernel
    r.batch.add(pkt, uint32_t(pkt.size() + 128), 1, contract::kOpEspEncap, 2);        // free slot
    r.batch.add(pkt, uint32_t(pkt.size() + 128), 2, contract::kOpEspEncap, 3);        // slot >= num_sa
    r.batch.add(pkt, 10, 0, contract::kOpEspEncap, 4);                                // out too small
    r.batch.add(pkt, uint32_t(pkt.size() + 128), 0, contract::kOpEspEncap, 5);        // ok again
    r.run(2);
    const auto& d = r.batch.desc();
    EXPECT_EQ(d[0].status, contract::kStOk);
    EXPECT_EQ(d[0].seq, 1u);
    EXPECT_EQ(d[0].spi, 0x1111u);
    // 20 outer + 8 ESP + 8 IV + (120 payload + 2 pad + 2 trailer) + 16 ICV
    EXPECT_EQ(d[0].out_len, 20u + 8 + 8 + 124 + 16);
    EXPECT_EQ(d[1].status, contract::kStUnsupported);
    EXPECT_EQ(d[2].status, contract::kStUnknownSpi);
    EXPECT_EQ(d[3].status, contract::kStUnknownSpi);
    EXPECT_EQ(d[4].status, contract::kStBufferTooSmall);
    EXPECT_EQ(d[4].out_len, 0u);
    EXPECT_EQ(d[5].status, contract::kStOk);
    EXPECT_EQ(d[5].seq, 2u);  // failures consume no sequence number
    // The card's SA state: next sequence number, lifetime counters, drops.
    const contract::SaDynamic& dyn = r.table[0].dyn;
    EXPECT_EQ(dyn.next_seq, 3u);
    EXPECT_EQ(dyn.life_packets, 2u);
    EXPECT_EQ(dyn.life_bytes, 2 * pkt.size());
    EXPECT_EQ(dyn.drops[contract::kStBufferTooSmall], 1u);
    // The output is an IPv4 ESP packet whose SPI and sequence number sit where RFC 4303 puts them.
    ByteView out = r.batch.output(0);
    EXPECT_EQ(out[9], 50);
    EXPECT_EQ(load_be32(out.data() + 20), 0x1111u);
    EXPECT_EQ(load_be32(out.data() + 24), 1u);
}

TEST(HlsKernel, NeverWritesPastOutLen) {
    DirectRun r;
    Bytes pkt = inner_v4(33, 2);
    r.batch.add(pkt, uint32_t(pkt.size() + 128), 0, contract::kOpEspEncap, 0);
    r.batch.finish();
    MutableByteView out = r.batch.pkt_out();
    std::memset(out.data(), 0xee, out.size());
    r.run(1);
    const uint32_t n = r.batch.desc()[0].out_len;
    ASSERT_GT(n, 0u);
    for (std::size_t i = n; i < out.size(); ++i) ASSERT_EQ(out[i], 0xee) << i;
}

TEST(CsimEngine, DescriptionAndStatsAreLabelledAsAModel) {
    auto e = csim();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->driver_name(), "csim");
    EXPECT_NE(e->description().find("MODEL"), std::string::npos);
    auto h = e->add_sa(gcm_sa(0x2222));
    ASSERT_TRUE(h.ok());
    auto zero = drivers::csim::csim_model_stats(*e);
    ASSERT_TRUE(zero);
    EXPECT_EQ(zero->cycles, 0u);
    std::vector<Bytes> in, out;
    std::vector<ipsec::Packet> pk(64);
    for (int i = 0; i < 64; ++i) {
        in.push_back(inner_v4(1400, uint8_t(i)));
        out.emplace_back(1600);
    }
    for (int i = 0; i < 64; ++i) {
        pk[i].in = in[i];
        pk[i].out = out[i];
        pk[i].sa = *h;
    }
    e->process(ipsec::Direction::outbound, pk);
    auto m = drivers::csim::csim_model_stats(*e);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->packets, 64u);
    EXPECT_EQ(m->kernel_calls, 1u);
    EXPECT_EQ(m->bytes_in, 64u * 1420);
    // 64 packets of 1420 octets over 4 lanes: at least 16 x 89 AES blocks of clocks.
    EXPECT_GE(m->cycles, 16u * 89);
    EXPECT_EQ(m->clock_mhz, 300u);
    EXPECT_GT(m->gbit_per_s_in(), 0.0);
    drivers::csim::csim_reset_model(*e);
    EXPECT_EQ(drivers::csim::csim_model_stats(*e)->packets, 0u);

    auto soft = drivers::create_engine("soft");
    ASSERT_TRUE(soft.ok());
    EXPECT_FALSE(drivers::csim::csim_model_stats(**soft).has_value());
}

TEST(CsimEngine, PacketsBeyondTheJumboLimitAreUnsupportedAndCounted) {
    auto e = csim();
    ASSERT_TRUE(e);
    auto h = e->add_sa(gcm_sa(0x3333));
    ASSERT_TRUE(h.ok());
    Bytes big = inner_v4(contract::kMaxPacketBytes - 20 + 1, 3);
    Bytes out(big.size() + 128);
    ipsec::Packet p;
    p.in = big;
    p.out = out;
    p.sa = *h;
    e->process(ipsec::Direction::outbound, {&p, 1});
    EXPECT_EQ(p.status, PacketStatus::unsupported);
    auto info = e->query_sa(*h);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->counters.drops[std::size_t(PacketStatus::unsupported)], 1u);
    EXPECT_EQ(info->next_seq, 1u);  // nothing reached the card

    Bytes ok = inner_v4(contract::kMaxPacketBytes - 20, 3);
    p.in = ok;
    e->process(ipsec::Direction::outbound, {&p, 1});
    EXPECT_EQ(p.status, PacketStatus::ok);
    // outer 20 + ESP 8 + IV 8 + payload 9216 + padding 2 (9216 + 2 + 2 is a multiple of 4) + trailer 2 + ICV 16
    EXPECT_EQ(p.out_len, 20u + 8 + 8 + contract::kMaxPacketBytes + 2 + 2 + 16);
}

TEST(CsimEngine, DeletedSlotIsWipedAndReused) {
    auto e = csim();
    ASSERT_TRUE(e);
    auto a = e->add_sa(gcm_sa(0x4444));
    ASSERT_TRUE(a.ok());
    Bytes pkt = inner_v4(50, 4);
    auto sent = [&](ipsec::SaHandle h) {
        Bytes out(pkt.size() + 128);
        ipsec::Packet p;
        p.in = pkt;
        p.out = out;
        p.sa = h;
        e->process(ipsec::Direction::outbound, {&p, 1});
        return p;
    };
    EXPECT_EQ(sent(*a).seq, 1u);
    ASSERT_TRUE(e->del_sa(*a).ok());
    EXPECT_EQ(sent(*a).status, PacketStatus::unknown_spi);
    auto b = e->add_sa(gcm_sa(0x4445));
    ASSERT_TRUE(b.ok());
    EXPECT_NE(*a, *b);
    auto p = sent(*b);
    EXPECT_EQ(p.status, PacketStatus::ok);
    EXPECT_EQ(p.seq, 1u);  // a fresh row, not the deleted SA's counter
    auto info = e->query_sa(*b);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->counters.packets, 1u);
}

TEST(CsimEngine, BatchesLargerThanOneKernelCallKeepOrder) {
    auto e = csim();
    ASSERT_TRUE(e);
    auto h = e->add_sa(gcm_sa(0x5555));
    ASSERT_TRUE(h.ok());
    const std::size_t n = contract::kMaxBatch + 100;
    Bytes pkt = inner_v4(0, 5);
    std::vector<Bytes> out(n, Bytes(pkt.size() + 128));
    std::vector<ipsec::Packet> pk(n);
    for (std::size_t i = 0; i < n; ++i) {
        pk[i].in = pkt;
        pk[i].out = out[i];
        pk[i].sa = *h;
    }
    e->process(ipsec::Direction::outbound, pk);
    for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(pk[i].status, PacketStatus::ok) << i;
        ASSERT_EQ(pk[i].seq, i + 1) << i;
    }
    EXPECT_EQ(drivers::csim::csim_model_stats(*e)->kernel_calls, 2u);
}

TEST(CsimEngine, ConcurrentBatchesFromSeveralThreads) {
    auto e = csim();
    ASSERT_TRUE(e);
    constexpr int kThreads = 4, kRounds = 40, kBatch = 16;
    std::vector<std::thread> ts;
    std::vector<int> bad(kThreads, 0);
    for (int t = 0; t < kThreads; ++t) {
        ts.emplace_back([&, t] {
            auto out_sa = e->add_sa(gcm_sa(0x6000 + t, ipsec::SaDirection::outbound));
            auto in_sa = e->add_sa(gcm_sa(0x6000 + t, ipsec::SaDirection::inbound));
            if (!out_sa.ok() || !in_sa.ok()) {
                bad[t] = -1;
                return;
            }
            for (int r = 0; r < kRounds; ++r) {
                std::vector<Bytes> in, enc(kBatch, Bytes(400)), dec(kBatch, Bytes(400));
                std::vector<ipsec::Packet> a(kBatch), b(kBatch);
                for (int i = 0; i < kBatch; ++i) in.push_back(inner_v4(100 + i, uint8_t(t * 16 + i)));
                for (int i = 0; i < kBatch; ++i) {
                    a[i].in = in[i];
                    a[i].out = enc[i];
                    a[i].sa = *out_sa;
                }
                e->process(ipsec::Direction::outbound, a);
                for (int i = 0; i < kBatch; ++i) {
                    b[i].in = ByteView(enc[i]).first(a[i].out_len);
                    b[i].out = dec[i];
                }
                e->process(ipsec::Direction::inbound, b);
                for (int i = 0; i < kBatch; ++i) {
                    if (a[i].status != PacketStatus::ok || b[i].status != PacketStatus::ok || b[i].sa != *in_sa ||
                        !std::equal(in[i].begin(), in[i].end(), dec[i].begin()))
                        ++bad[t];
                }
            }
        });
    }
    for (auto& t : ts) t.join();
    for (int t = 0; t < kThreads; ++t) EXPECT_EQ(bad[t], 0) << "thread " << t;
    auto c = e->counters();
    EXPECT_EQ(c.packets, uint64_t(2 * kThreads * kRounds * kBatch));
    EXPECT_EQ(c.by_status[0], c.packets);
}

}  // namespace
}  // namespace ikeoff::hls_test

namespace ikeoff::hls_test {
namespace {

namespace model = ipsec_hls::model;

model::PacketShape shape(uint8_t enc, uint8_t integ, bool out, uint32_t len) {
    model::PacketShape p{};
    p.protocol = contract::kProtoEsp;
    p.enc_alg = enc;
    p.integ_alg = integ;
    p.outbound = out;
    p.in_len = len;
    p.out_len = len + 60;
    p.sa_switch = false;
    return p;
}

TEST(PerfModel, GcmStreamsOneBlockPerClock) {
    // 1420 + 60 octets = 93 blocks of 16: fixed cost plus one clock per block.
    auto p = shape(contract::kEncAesGcm16, contract::kIntegNone, true, 1420);
    EXPECT_EQ(model::packet_cycles(p, 1, 1), model::kPacketOverheadCycles + 93);
    p.sa_switch = true;
    EXPECT_EQ(model::packet_cycles(p, 1, 1), model::kPacketOverheadCycles + 93 + model::kSaRowFetchCycles);
}

TEST(PerfModel, CbcEncryptIsSerialUnlessPacketsInterleave) {
    auto enc = shape(contract::kEncAesCbc, contract::kIntegNone, true, 1420);
    auto dec = shape(contract::kEncAesCbc, contract::kIntegNone, false, 1420);
    const uint64_t alone = model::packet_cycles(enc, 1, 1) - model::kPacketOverheadCycles;
    const uint64_t full = model::packet_cycles(enc, model::kAesDepth, 1) - model::kPacketOverheadCycles;
    EXPECT_EQ(alone, 93u * model::kAesDepth);
    EXPECT_EQ(full, 93u);
    EXPECT_EQ(model::packet_cycles(dec, 1, 1) - model::kPacketOverheadCycles, 93u);  // decryption never waits
}

}  // namespace
}  // namespace ikeoff::hls_test
