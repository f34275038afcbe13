// Writes the HLS testbench's golden file: a handful of SAs (every algorithm
// family, ESP and AH, both modes, IPv4 and IPv6, ESN, UDP encapsulation),
// outbound and inbound kernel calls laid out by drivers/fpga exactly as the
// csim/xrt drivers lay them out, and the soft driver's answers.
//
//   ikeoff_hls_tb_golden <output file>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "drivers/fpga/batch_layout.hpp"
#include "drivers/fpga/sa_row.hpp"
#include "drivers/registry.hpp"
#include "hls/tb/golden_format.hpp"
#include "host/ipsec/ip_packet.hpp"

using namespace ikeoff;
namespace contract = ipsec_hls::contract;

namespace {

struct Config {
    const char* enc;
    const char* integ;
    ipsec::Protocol proto;
    ipsec::Mode mode;
    bool v6;
    bool esn;
    bool encap;
};

const Config kConfigs[] = {
    {"aes128gcm16", "none", ipsec::Protocol::esp, ipsec::Mode::tunnel, false, false, false},
    {"aes256gcm16", "none", ipsec::Protocol::esp, ipsec::Mode::transport, true, true, false},
    {"aes192gmac", "none", ipsec::Protocol::esp, ipsec::Mode::tunnel, true, false, true},
    {"aes128", "sha256", ipsec::Protocol::esp, ipsec::Mode::tunnel, false, true, false},
    {"aes256", "sha512", ipsec::Protocol::esp, ipsec::Mode::transport, false, false, true},
    {"3des", "sha1", ipsec::Protocol::esp, ipsec::Mode::tunnel, true, false, false},
    {"null", "sha384", ipsec::Protocol::esp, ipsec::Mode::transport, true, false, false},
    {"null", "sha256", ipsec::Protocol::ah, ipsec::Mode::tunnel, true, true, false},
    {"null", "md5", ipsec::Protocol::ah, ipsec::Mode::transport, false, false, false},
};

Bytes fill(std::size_t n, uint32_t seed) {
    Bytes b(n);
    uint32_t x = 0x9e3779b9u * (seed + 7);
    for (auto& v : b) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v = uint8_t(x);
    }
    return b;
}

ipsec::SaParams make(const Config& c, uint32_t spi) {
    ipsec::SaParams p;
    p.spi = spi;
    p.protocol = c.proto;
    p.mode = c.mode;
    p.src = *IpAddress::parse(c.v6 ? "2001:db8::1" : "192.0.2.1");
    p.dst = *IpAddress::parse(c.v6 ? "2001:db8::2" : "192.0.2.2");
    if (c.proto == ipsec::Protocol::esp) {
        p.enc = *ipsec::parse_enc_keyword(c.enc);
        p.enc_key = SecretBytes(fill(ipsec::keymat_enc_bytes(p.enc), spi));
        if (c.encap) p.encap = ipsec::UdpEncap{4500, 4500};
    }
    p.integ = *ipsec::parse_integ_keyword(c.integ);
    p.integ_key = SecretBytes(fill(ipsec::integ_key_bytes(p.integ), spi + 1));
    p.allow_weak = true;
    p.esn = c.esn;
    std::array<uint8_t, 16> seed{};
    for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = uint8_t(spi + i);
    p.iv_seed = seed;
    return p;
}

Bytes inner(bool v6, std::size_t payload, uint32_t seed) {
    Bytes p(v6 ? 40 : 20);
    IpAddress s = *IpAddress::parse(v6 ? "fd00::1" : "10.0.0.1"), d = *IpAddress::parse(v6 ? "fd00::2" : "10.0.0.2");
    if (v6) ipsec::write_ipv6_header(p.data(), 0x28, uint16_t(payload), 17, 60, s, d);
    else ipsec::write_ipv4_header(p.data(), 0x10, uint16_t(20 + payload), uint16_t(seed), true, 60, 17, s, d);
    Bytes data = fill(payload, seed);
    p.insert(p.end(), data.begin(), data.end());
    return p;
}

template <typename T>
void put(std::ofstream& f, T v) {
    f.write(reinterpret_cast<const char*>(&v), sizeof v);
}

struct Call {
    uint32_t kernel = 0, direction = 0;
    drivers::fpga::KernelBatch batch;
    std::vector<ipsec::Packet> expected;
    std::vector<Bytes> expected_out;
};

void write_call(std::ofstream& f, Call& c) {
    c.batch.finish();
    put<uint32_t>(f, c.kernel);
    put<uint32_t>(f, c.direction);
    put<uint32_t>(f, uint32_t(c.batch.size()));
    put<uint32_t>(f, uint32_t(c.batch.pkt_in().size()));
    put<uint32_t>(f, uint32_t(c.batch.pkt_out().size()));
    f.write(reinterpret_cast<const char*>(c.batch.desc().data()), std::streamsize(c.batch.size() * sizeof(contract::PacketDesc)));
    f.write(reinterpret_cast<const char*>(c.batch.pkt_in().data()), std::streamsize(c.batch.pkt_in().size()));
    for (std::size_t i = 0; i < c.expected.size(); ++i) {
        const ipsec::Packet& p = c.expected[i];
        put<uint8_t>(f, uint8_t(p.status));
        put<uint32_t>(f, p.out_len);
        put<uint64_t>(f, p.seq);
        f.write(reinterpret_cast<const char*>(c.expected_out[i].data()), p.out_len);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <golden file>\n", argv[0]);
        return 2;
    }
    drivers::EngineOptions o;
    o.soft_provider = "openssl";
    auto soft = drivers::create_engine("soft", o);
    if (!soft.ok()) {
        std::fprintf(stderr, "soft: %s\n", soft.error().message.c_str());
        return 1;
    }
    const std::size_t n_sa = sizeof kConfigs / sizeof kConfigs[0];
    std::vector<contract::SaRow> rows(n_sa);
    std::vector<Call> calls;
    const std::size_t sizes[] = {0, 1, 63, 64, 255, 1400, 9000};
    for (std::size_t s = 0; s < n_sa; ++s) {
        const Config& cfg = kConfigs[s];
        ipsec::SaParams p = make(cfg, uint32_t(0x7000 + s));
        drivers::fpga::build_sa_row(p, *p.iv_seed, rows[s]);
        auto h = (*soft)->add_sa(std::move(p));
        if (!h.ok()) {
            std::fprintf(stderr, "add_sa: %s\n", h.error().message.c_str());
            return 1;
        }
        const bool esp = cfg.proto == ipsec::Protocol::esp;
        // Outbound: one packet per size, inner family alternating.
        Call out;
        out.kernel = esp ? contract::kKernelEspEncap : contract::kKernelAh;
        out.direction = 0;
        std::vector<Bytes> in;
        for (std::size_t i = 0; i < sizeof sizes / sizeof sizes[0]; ++i) in.push_back(inner(i % 2, sizes[i], uint32_t(s * 16 + i)));
        out.expected.resize(in.size());
        out.expected_out.assign(in.size(), Bytes());
        for (std::size_t i = 0; i < in.size(); ++i) {
            out.expected_out[i].resize(in[i].size() + ipsec::kMaxOverhead);
            out.expected[i].in = in[i];
            out.expected[i].out = out.expected_out[i];
            out.expected[i].sa = *h;
            out.batch.add(in[i], uint32_t(in[i].size() + ipsec::kMaxOverhead), uint32_t(s),
                          esp ? contract::kOpEspEncap : contract::kOpAhEncap, uint32_t(i));
        }
        (*soft)->process(ipsec::Direction::outbound, out.expected);
        // Inbound: what came out, a replay of the first, and a flipped last octet (ICV).
        Call back;
        back.kernel = out.kernel == contract::kKernelAh ? contract::kKernelAh : contract::kKernelEspDecap;
        back.direction = 1;
        std::vector<Bytes> wire;
        for (std::size_t i = 0; i < in.size(); ++i)
            wire.emplace_back(out.expected_out[i].begin(), out.expected_out[i].begin() + out.expected[i].out_len);
        wire.push_back(wire.front());
        wire.push_back(wire[2]);
        if (!wire.back().empty()) wire.back()[wire.back().size() - 1] ^= 0x01;  // the last ICV octet
        back.expected.resize(wire.size());
        back.expected_out.assign(wire.size(), Bytes());
        for (std::size_t i = 0; i < wire.size(); ++i) {
            back.expected_out[i].resize(wire[i].size());
            back.expected[i].in = wire[i];
            back.expected[i].out = back.expected_out[i];
            back.batch.add(wire[i], uint32_t(wire[i].size()), uint32_t(s),
                           esp ? contract::kOpEspDecap : contract::kOpAhDecap, uint32_t(i));
        }
        (*soft)->process(ipsec::Direction::inbound, back.expected);
        // `in`/`wire` may go now: the batches hold copies, and only the
        // results (status, out_len, seq, expected_out) are written.
        calls.push_back(std::move(out));
        calls.push_back(std::move(back));
    }
    std::ofstream f(argv[1], std::ios::binary);
    f.write(ipsec_hls::tb::kMagic, sizeof ipsec_hls::tb::kMagic);
    put<uint32_t>(f, contract::kContractAbi);
    put<uint32_t>(f, uint32_t(rows.size()));
    f.write(reinterpret_cast<const char*>(rows.data()), std::streamsize(rows.size() * sizeof(contract::SaRow)));
    put<uint32_t>(f, uint32_t(calls.size()));
    for (Call& c : calls) write_call(f, c);
    if (!f) {
        std::fprintf(stderr, "cannot write %s\n", argv[1]);
        return 1;
    }
    std::printf("wrote %s: %zu SA rows, %zu kernel calls\n", argv[1], rows.size(), calls.size());
    return 0;
}
