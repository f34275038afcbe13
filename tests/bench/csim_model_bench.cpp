// ESP/AH outbound throughput: the soft driver MEASURED on this machine next
// to the FPGA design's MODELED throughput at its target clock (csim driver's
// performance model, ipsec_hls/perf_model.hpp), and csim's own C-simulation
// speed on this CPU.
//
//   ikeoff_csim_model_bench [--quick] [--json]
//
// The model column is NOT a measurement: it counts cycles from the design's
// initiation intervals and pipeline depths (hls/README.md) for the very
// batches run here and converts them at the target clock. Soft is measured
// in thread CPU time, one core. The ratio column is model / soft-measured.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <time.h>

#include "drivers/csim/csim_engine.hpp"
#include "drivers/registry.hpp"
#include "host/ipsec/engine.hpp"

using namespace ikeoff;

namespace {

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

Bytes inner_ipv4(std::size_t total, uint32_t seed) {
    Bytes p(total);
    uint32_t x = 2654435761u * (seed + 1);
    for (auto& b : p) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b = uint8_t(x);
    }
    p[0] = 0x45;
    p[1] = 0;
    store_be16(&p[2], uint16_t(total));
    store_be16(&p[6], 0x4000);
    p[8] = 64;
    p[9] = 17;
    return p;
}

struct Alg {
    const char* label;
    const char* enc;
    ipsec::IntegAlg integ;
    ipsec::Protocol proto;
};

ipsec::SaParams make_sa(const Alg& a) {
    ipsec::SaParams p;
    p.spi = 0x4242;
    p.protocol = a.proto;
    p.mode = ipsec::Mode::tunnel;
    p.direction = ipsec::SaDirection::outbound;
    p.src = *IpAddress::parse("192.0.2.1");
    p.dst = *IpAddress::parse("192.0.2.2");
    if (a.proto == ipsec::Protocol::esp) {
        p.enc = *ipsec::parse_enc_keyword(a.enc);
        p.enc_key = SecretBytes(Bytes(ipsec::keymat_enc_bytes(p.enc), 0x11));
    }
    p.integ = a.integ;
    p.integ_key = SecretBytes(Bytes(ipsec::integ_key_bytes(a.integ), 0x22));
    p.esn = true;  // no sequence-number overflow however long the run
    std::array<uint8_t, 16> seed{};
    p.iv_seed = seed;
    return p;
}

struct Run {
    double seconds = 0;  // CPU seconds
    uint64_t packets = 0;
    uint64_t inner_bytes = 0;
};

// Encapsulates batches of `batch` packets of `size` octets until `min_secs`
// of CPU time have passed.
Run run(ipsec::Engine& e, ipsec::SaHandle sa, std::size_t size, std::size_t batch, double min_secs) {
    std::vector<Bytes> in, out(batch, Bytes(size + ipsec::kMaxOverhead));
    for (std::size_t i = 0; i < batch; ++i) in.push_back(inner_ipv4(size, uint32_t(i)));
    std::vector<ipsec::Packet> pk(batch);
    Run r;
    const double t0 = cpu_seconds();
    do {
        for (std::size_t i = 0; i < batch; ++i) {
            pk[i].in = in[i];
            pk[i].out = out[i];
            pk[i].sa = sa;
        }
        e.process(ipsec::Direction::outbound, pk);
        for (const auto& p : pk) {
            if (p.status != ipsec::PacketStatus::ok) {
                std::fprintf(stderr, "benchmark packet failed: %s\n", std::string(ipsec::to_string(p.status)).c_str());
                std::exit(1);
            }
        }
        r.packets += batch;
        r.inner_bytes += batch * size;
        r.seconds = cpu_seconds() - t0;
    } while (r.seconds < min_secs);
    return r;
}

double gbps(uint64_t bytes, double secs) { return secs > 0 ? double(bytes) * 8 / secs / 1e9 : 0; }

}  // namespace

int main(int argc, char** argv) {
    bool quick = false, json = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--quick")) quick = true;
        else if (!std::strcmp(argv[i], "--json")) json = true;
        else {
            std::fprintf(stderr, "usage: %s [--quick] [--json]\n", argv[0]);
            return 2;
        }
    }
    const double secs = quick ? 0.05 : 0.4;
    const std::size_t batch = 256;
    const Alg algs[] = {
        {"aes128gcm16", "aes128gcm16", ipsec::IntegAlg::none, ipsec::Protocol::esp},
        {"aes256gcm16", "aes256gcm16", ipsec::IntegAlg::none, ipsec::Protocol::esp},
        {"aes128-sha256", "aes128", ipsec::IntegAlg::hmac_sha256_128, ipsec::Protocol::esp},
        {"3des-sha1", "3des", ipsec::IntegAlg::hmac_sha1_96, ipsec::Protocol::esp},
        {"ah-sha256", "null", ipsec::IntegAlg::hmac_sha256_128, ipsec::Protocol::ah},
    };
    const std::size_t sizes[] = {64, 576, 1420, 9000};

    drivers::EngineOptions o;
    auto soft = drivers::create_engine("soft", o);
    auto csim = drivers::create_engine("csim", o);
    if (!soft.ok() || !csim.ok()) {
        std::fprintf(stderr, "cannot create engines\n");
        return 1;
    }
    if (!json) {
        std::printf("ESP/AH outbound, tunnel IPv4, batches of %zu, one SA, inner packet sizes as listed.\n", batch);
        std::printf("soft: MEASURED here (%s), one core, thread CPU time.\n", std::string((*soft)->description()).c_str());
        std::printf("csim MODEL: cycles from the hardware design's II/latency model at the target clock\n");
        std::printf("            (not a measurement; see hls/README.md). csim sim: the C simulation's own speed here.\n\n");
        std::printf("%-14s %6s | %12s %9s | %12s %9s | %10s | %12s\n", "algorithm", "size", "soft Gbit/s", "soft Mpps",
                    "MODEL Gbit/s", "MODEL Mpps", "MODEL/soft", "csim sim Gb/s");
    } else {
        std::printf("[\n");
    }
    bool first = true;
    for (const Alg& a : algs) {
        auto hs = (*soft)->add_sa(make_sa(a));
        auto hc = (*csim)->add_sa(make_sa(a));
        if (!hs.ok() || !hc.ok()) {
            std::fprintf(stderr, "add_sa failed for %s\n", a.label);
            return 1;
        }
        for (std::size_t size : sizes) {
            Run s = run(**soft, *hs, size, batch, secs);
            drivers::csim::csim_reset_model(**csim);
            Run c = run(**csim, *hc, size, batch, quick ? 0.02 : 0.15);
            auto m = drivers::csim::csim_model_stats(**csim);
            const double model_secs = m ? m->seconds() : 0;
            const double soft_gbps = gbps(s.inner_bytes, s.seconds);
            const double model_gbps = gbps(c.inner_bytes, model_secs);
            const double model_mpps = model_secs > 0 ? double(c.packets) / model_secs / 1e6 : 0;
            const double soft_mpps = double(s.packets) / s.seconds / 1e6;
            if (json) {
                std::printf("%s  {\"algorithm\": \"%s\", \"size\": %zu, \"soft_gbps\": %.3f, \"soft_mpps\": %.3f, "
                            "\"model_gbps\": %.3f, \"model_mpps\": %.3f, \"model_clock_mhz\": %u, \"model_lanes\": %u, "
                            "\"csim_sim_gbps\": %.4f}",
                            first ? "" : ",\n", a.label, size, soft_gbps, soft_mpps, model_gbps, model_mpps,
                            m ? m->clock_mhz : 0, m ? m->lanes : 0, gbps(c.inner_bytes, c.seconds));
            } else {
                std::printf("%-14s %6zu | %12.2f %9.3f | %12.2f %9.3f | %9.1fx | %12.3f\n", a.label, size, soft_gbps,
                            soft_mpps, model_gbps, model_mpps, soft_gbps > 0 ? model_gbps / soft_gbps : 0,
                            gbps(c.inner_bytes, c.seconds));
            }
            first = false;
        }
    }
    if (json) std::printf("\n]\n");
    return 0;
}
