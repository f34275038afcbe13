#include "host/ctl/esp_pcap.hpp"

#include <algorithm>

#include "host/pcap/link_layer.hpp"

namespace ikeoff::ctl {

namespace {

// A record waiting for its batch, with where its IP packet sits.
struct Pending {
    pcap::Record record;
    pcap::IpSlice ip;
};

class BatchRunner {
public:
    BatchRunner(ipsec::Engine& engine, ipsec::Direction dir, ipsec::SaHandle sa, pcap::Writer& out,
                EspPcapStats& stats)
        : engine_(engine), dir_(dir), sa_(sa), out_(out), stats_(stats) {}

    Status run(std::vector<Pending>& pending) {
        if (pending.empty()) return {};
        // Output space per packet: what the engine contract asks for outbound
        // (in + kMaxOverhead); inbound needs only in.size(), the margin is harmless.
        std::size_t total = 0;
        for (const auto& p : pending) total += p.ip.length + ipsec::kMaxOverhead;
        arena_.resize(total);
        packets_.assign(pending.size(), ipsec::Packet{});
        std::size_t at = 0;
        for (std::size_t i = 0; i < pending.size(); ++i) {
            const auto& p = pending[i];
            std::size_t cap = p.ip.length + ipsec::kMaxOverhead;
            packets_[i].in = ByteView(p.record.data).subspan(p.ip.offset, p.ip.length);
            packets_[i].out = MutableByteView(arena_).subspan(at, cap);
            packets_[i].sa = sa_;
            at += cap;
            stats_.bytes_in += p.ip.length;
        }

        engine_.process(dir_, packets_);
        ++stats_.batches;
        stats_.packets += pending.size();

        for (std::size_t i = 0; i < pending.size(); ++i) {
            const auto& pkt = packets_[i];
            auto s = static_cast<std::size_t>(pkt.status);
            ++stats_.status[s < stats_.status.size() ? s : static_cast<std::size_t>(ipsec::PacketStatus::malformed)];
            if (pkt.status != ipsec::PacketStatus::ok) continue;
            const auto& rec = pending[i].record;
            ByteView result = ByteView(pkt.out).first(std::min<std::size_t>(pkt.out_len, pkt.out.size()));
            Bytes frame = pcap::make_frame(out_.link_type(), ByteView(rec.data).first(pending[i].ip.offset), result);
            IKEOFF_TRY(out_.write(frame, rec.ts_sec, rec.ts_usec));
            ++stats_.written;
            stats_.bytes_out += result.size();
        }
        pending.clear();
        return {};
    }

private:
    ipsec::Engine& engine_;
    ipsec::Direction dir_;
    ipsec::SaHandle sa_;
    pcap::Writer& out_;
    EspPcapStats& stats_;
    Bytes arena_;
    std::vector<ipsec::Packet> packets_;
};

}  // namespace

Result<EspPcapStats> run_esp_pcap(ipsec::Engine& engine, ipsec::Direction dir, ipsec::SaHandle sa,
                                  pcap::Reader& in, pcap::Writer& out, std::size_t batch) {
    IKEOFF_ENSURE(batch >= 1 && batch <= kMaxBatch, Errc::invalid_argument,
                  "batch: must be 1.." + std::to_string(kMaxBatch) + ", got " + std::to_string(batch));
    // Frames are rebuilt from the input's link-layer header.
    IKEOFF_ENSURE(in.link_type() == out.link_type(), Errc::invalid_argument,
                  "output link type must match the input's");
    EspPcapStats stats;
    BatchRunner runner(engine, dir, sa, out, stats);
    std::vector<Pending> pending;
    pending.reserve(batch);
    for (;;) {
        IKEOFF_ASSIGN(auto rec, in.next());
        if (!rec) break;
        ++stats.frames;
        auto slice = pcap::find_ip(in.link_type(), rec->data);
        if (!slice) {
            ++stats.non_ip;
            continue;
        }
        pending.push_back(Pending{std::move(*rec), *slice});
        if (pending.size() == batch) IKEOFF_TRY(runner.run(pending));
    }
    IKEOFF_TRY(runner.run(pending));
    stats.events = engine.take_events();
    return stats;
}

}  // namespace ikeoff::ctl
