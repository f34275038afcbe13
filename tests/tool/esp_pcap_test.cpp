// The capture data path of `ikeoffctl esp`, driven through a recording test
// engine so batching, framing, status counting and the write-only-ok rule are
// checked independently of any real driver (the CLI and scapy tests cover the
// real soft driver end to end).
#include "host/ctl/esp_pcap.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>

#include "host/pcap/link_layer.hpp"

namespace ikeoff::ctl {
namespace {

using ipsec::PacketStatus;

// Outbound/inbound alike: the packet's last octet, if it is a PacketStatus
// value, is the status to report; ok packets come back with the IP version
// swapped (so the EtherType must change) and "ESP!" appended.
class RecordingEngine : public ipsec::Engine {
public:
    std::string_view driver_name() const override { return "recording"; }
    std::string description() const override { return "recording test engine"; }
    Status supports(const ipsec::SaParams&) const override { return {}; }
    Result<uint32_t> allocate_spi(ipsec::Protocol) override { return 0x1000u; }
    Result<ipsec::SaHandle> add_sa(ipsec::SaParams) override { return ipsec::SaHandle{7}; }
    Status update_sa(ipsec::SaHandle, const ipsec::SaUpdate&) override { return {}; }
    Result<ipsec::SaInfo> query_sa(ipsec::SaHandle) const override { return Error{Errc::not_found, "none"}; }
    Status del_sa(ipsec::SaHandle) override { return {}; }
    std::vector<ipsec::SaHandle> list_sas() const override { return {7}; }
    Result<ipsec::SaHandle> find_inbound(ipsec::Protocol, uint32_t) const override { return ipsec::SaHandle{7}; }
    ipsec::EngineCounters counters() const override { return {}; }
    std::vector<ipsec::SaEvent> take_events() override {
        return {ipsec::SaEvent{7, 0x1000, ipsec::SaEventKind::soft_expired, false}};
    }

    void process(ipsec::Direction dir, std::span<ipsec::Packet> batch) override {
        batch_sizes.push_back(batch.size());
        dirs.push_back(dir);
        for (auto& p : batch) {
            handles.push_back(p.sa);
            uint8_t marker = p.in.empty() ? 0 : p.in.back();
            p.status = marker < ipsec::kPacketStatusCount ? static_cast<PacketStatus>(marker) : PacketStatus::ok;
            if (p.status != PacketStatus::ok) continue;
            EXPECT_GE(p.out.size(), p.in.size() + 4);
            std::copy(p.in.begin(), p.in.end(), p.out.begin());
            p.out[0] = uint8_t((p.in[0] >> 4 == 4 ? 0x60 : 0x40) | (p.in[0] & 0x0f));
            const char tag[] = "ESP!";
            std::copy(tag, tag + 4, p.out.begin() + static_cast<std::ptrdiff_t>(p.in.size()));
            p.out_len = static_cast<uint32_t>(p.in.size() + 4);
        }
    }

    std::vector<std::size_t> batch_sizes;
    std::vector<ipsec::Direction> dirs;
    std::vector<ipsec::SaHandle> handles;
};

Bytes ipv4(std::size_t len, uint8_t marker) {
    Bytes p(len, 0x11);
    p[0] = 0x45;
    store_be16(p.data() + 2, uint16_t(len));
    p.back() = marker;
    return p;
}

Bytes eth_frame(uint16_t type, const Bytes& payload, bool vlan = false) {
    Bytes f;
    f.reserve(18 + payload.size());
    for (uint8_t b : {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}) f.push_back(b);
    if (vlan) {
        for (uint8_t b : {0x81, 0x00, 0x00, 0x2a}) f.push_back(b);
    }
    f.push_back(uint8_t(type >> 8));
    f.push_back(uint8_t(type));
    f.insert(f.end(), payload.begin(), payload.end());
    return f;
}

class EspPcap : public ::testing::Test {
protected:
    void SetUp() override {
        base_ = ::testing::TempDir() + "esp_pcap_test_" + std::to_string(::getpid());
        in_ = base_ + "_in.pcap";
        out_ = base_ + "_out.pcap";
    }
    void TearDown() override {
        std::remove(in_.c_str());
        std::remove(out_.c_str());
    }
    void write_input(pcap::LinkType link, const std::vector<Bytes>& frames) {
        auto w = pcap::Writer::create(in_, link);
        ASSERT_TRUE(w.ok());
        for (std::size_t i = 0; i < frames.size(); ++i) ASSERT_TRUE(w->write(frames[i], 100 + int64_t(i), 7).ok());
        ASSERT_TRUE(w->close().ok());
    }
    std::vector<pcap::Record> read_output() {
        std::vector<pcap::Record> v;
        auto r = pcap::Reader::open(out_);
        EXPECT_TRUE(r.ok());
        if (!r) return v;
        for (;;) {
            auto rec = r->next();
            EXPECT_TRUE(rec.ok());
            if (!rec.ok() || !rec->has_value()) break;
            v.push_back(std::move(**rec));
        }
        return v;
    }
    Result<EspPcapStats> run(ipsec::Direction dir, std::size_t batch) {
        auto r = pcap::Reader::open(in_);
        if (!r) return std::move(r).error();
        auto w = pcap::Writer::create(out_, r->link_type());
        if (!w) return std::move(w).error();
        auto stats = run_esp_pcap(engine_, dir, 7, *r, *w, batch);
        EXPECT_TRUE(w->close().ok());
        return stats;
    }

    RecordingEngine engine_;
    std::string base_, in_, out_;
};

TEST_F(EspPcap, EthernetBatchesStatusesAndFraming) {
    std::vector<Bytes> frames;
    // 10 IPv4 packets; #3 fails with icv-failure, #7 with replay; an ARP
    // frame in the middle and a VLAN-tagged packet at the end.
    for (uint8_t i = 0; i < 10; ++i) {
        uint8_t marker = i == 3 ? uint8_t(PacketStatus::icv_failure) : i == 7 ? uint8_t(PacketStatus::replay) : 0x99;
        frames.push_back(eth_frame(0x0800, ipv4(40 + i, marker)));
        if (i == 4) frames.push_back(eth_frame(0x0806, Bytes(28, 0)));
    }
    Bytes short_pkt = ipv4(28, 0x99);
    Bytes padded = eth_frame(0x0800, short_pkt, /*vlan=*/true);
    padded.resize(64, 0);  // minimum-size frame: padding must not reach the engine
    frames.push_back(padded);
    write_input(pcap::LinkType::ethernet, frames);

    auto stats = run(ipsec::Direction::outbound, 4);
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    EXPECT_EQ(stats->frames, 12u);
    EXPECT_EQ(stats->non_ip, 1u);
    EXPECT_EQ(stats->packets, 11u);
    EXPECT_EQ(stats->written, 9u);
    EXPECT_EQ(stats->dropped(), 2u);
    EXPECT_EQ(stats->status[size_t(PacketStatus::ok)], 9u);
    EXPECT_EQ(stats->status[size_t(PacketStatus::icv_failure)], 1u);
    EXPECT_EQ(stats->status[size_t(PacketStatus::replay)], 1u);
    EXPECT_EQ(stats->batches, 3u);
    EXPECT_EQ(engine_.batch_sizes, (std::vector<std::size_t>{4, 4, 3}));
    for (auto d : engine_.dirs) EXPECT_EQ(d, ipsec::Direction::outbound);
    for (auto h : engine_.handles) EXPECT_EQ(h, 7u);
    ASSERT_EQ(stats->events.size(), 1u);

    auto out = read_output();
    ASSERT_EQ(out.size(), 9u);
    // Written in input order, skipping the two failures; timestamps follow their packets.
    const int64_t want_ts[] = {100, 101, 102, 104, 106, 107, 109, 110, 111};
    for (std::size_t k = 0; k < out.size(); ++k) {
        EXPECT_EQ(out[k].ts_sec, want_ts[k]);
        EXPECT_EQ(out[k].ts_usec, 7);
    }
    // First output: Ethernet MACs kept, EtherType now IPv6, packet + tag.
    Bytes first_in = ipv4(40, 0x99);
    ASSERT_EQ(out[0].data.size(), 14 + first_in.size() + 4);
    EXPECT_TRUE(std::equal(frames[0].begin(), frames[0].begin() + 12, out[0].data.begin()));
    EXPECT_EQ(load_be16(out[0].data.data() + 12), pcap::kEtherTypeIpv6);
    EXPECT_EQ(out[0].data[14], 0x65);
    EXPECT_EQ(std::string(out[0].data.end() - 4, out[0].data.end()), "ESP!");
    // Last output: VLAN tag kept, padding gone (28-octet packet + 4).
    const auto& last = out.back().data;
    ASSERT_EQ(last.size(), 18 + 28 + 4u);
    EXPECT_EQ(load_be16(last.data() + 12), 0x8100);
    EXPECT_EQ(load_be16(last.data() + 16), pcap::kEtherTypeIpv6);
    EXPECT_EQ(stats->bytes_in, [&] { std::size_t n = 0; for (uint8_t i = 0; i < 10; ++i) n += 40 + i; return n + 28; }());
}

TEST_F(EspPcap, RawIpInboundAndNonIpRecords) {
    write_input(pcap::LinkType::raw_ip, {ipv4(60, 0x99), Bytes{0x00, 0x01, 0x02}, ipv4(61, uint8_t(PacketStatus::unknown_spi))});
    auto stats = run(ipsec::Direction::inbound, 64);
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->non_ip, 1u);
    EXPECT_EQ(stats->packets, 2u);
    EXPECT_EQ(stats->status[size_t(PacketStatus::unknown_spi)], 1u);
    EXPECT_EQ(engine_.dirs, (std::vector<ipsec::Direction>{ipsec::Direction::inbound}));
    auto out = read_output();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].data.size(), 64u);
    EXPECT_EQ(out[0].data[0], 0x65);
}

TEST_F(EspPcap, EmptyCaptureMakesNoEngineCalls) {
    write_input(pcap::LinkType::raw_ip, {});
    auto stats = run(ipsec::Direction::outbound, 64);
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->packets, 0u);
    EXPECT_TRUE(engine_.batch_sizes.empty());
    EXPECT_TRUE(read_output().empty());
}

TEST_F(EspPcap, TruncatedCaptureIsAnError) {
    write_input(pcap::LinkType::raw_ip, {ipv4(60, 0x99), ipv4(200, 0x99)});
    ::truncate(in_.c_str(), 24 + 16 + 60 + 16 + 100);
    auto stats = run(ipsec::Direction::outbound, 64);
    ASSERT_FALSE(stats.ok());
    EXPECT_EQ(stats.error().code, Errc::parse_error);
    EXPECT_NE(stats.error().message.find("record 2"), std::string::npos) << stats.error().message;
}

TEST_F(EspPcap, BatchSizeIsChecked) {
    write_input(pcap::LinkType::raw_ip, {ipv4(60, 0x99)});
    EXPECT_FALSE(run(ipsec::Direction::outbound, 0).ok());
    EXPECT_FALSE(run(ipsec::Direction::outbound, kMaxBatch + 1).ok());
    EXPECT_TRUE(run(ipsec::Direction::outbound, 1).ok());
}

}  // namespace
}  // namespace ikeoff::ctl
