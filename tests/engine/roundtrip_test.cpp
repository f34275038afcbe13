// Round trips over every transform x mode x IPv4/IPv6 inner and outer x UDP
// encapsulation x ESN x payload sizes that hit every padding case, in
// batches. Every engine's output is compared byte for byte with the soft
// driver on OpenSSL (the golden reference), so drivers cannot drift apart
// even where a round trip alone would not notice.
#include "host/ipsec/ah_format.hpp"
#include "host/ipsec/esp_format.hpp"
#include "host/ipsec/ip_packet.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace ikeoff::test {
namespace {

using ipsec::Direction;
using ipsec::PacketStatus;

struct Transform {
    const char* enc;
    const char* integ;
    ipsec::Protocol proto;
    std::string label() const {
        return std::string(proto == ipsec::Protocol::ah ? "ah_" : "esp_") + enc + "_" + integ;
    }
};

std::vector<Transform> transforms() {
    std::vector<Transform> t;
    for (const char* e : {"aes128gcm16", "aes192gcm16", "aes256gcm16", "aes128gmac", "aes192gmac", "aes256gmac"})
        t.push_back({e, "none", ipsec::Protocol::esp});
    for (const char* e : {"aes128", "aes192", "aes256", "3des", "null"})
        for (const char* i : {"sha1", "sha256", "sha384", "sha512", "md5"}) t.push_back({e, i, ipsec::Protocol::esp});
    t.push_back({"aes128", "none", ipsec::Protocol::esp});  // RFC 3602 encryption-only
    for (const char* i : {"sha1", "sha256", "sha384", "sha512", "md5"}) t.push_back({"null", i, ipsec::Protocol::ah});
    return t;
}

void PrintTo(const Transform& t, std::ostream* os) { *os << t.label(); }

using Param = std::tuple<EngineKind, Transform>;

std::vector<One> run_batch(ipsec::Engine& e, Direction dir, const std::vector<Bytes>& ins, ipsec::SaHandle sa) {
    std::vector<One> res(ins.size());
    for (std::size_t i = 0; i < ins.size(); i += 32) {
        std::size_t n = std::min<std::size_t>(32, ins.size() - i);
        std::vector<Bytes> outs(n);
        std::vector<ipsec::Packet> batch(n);
        for (std::size_t j = 0; j < n; ++j) {
            outs[j].resize(ins[i + j].size() + ipsec::kMaxOverhead);
            batch[j].in = ins[i + j];
            batch[j].out = outs[j];
            batch[j].sa = dir == Direction::outbound ? sa : ipsec::kNoSa;
        }
        e.process(dir, batch);
        for (std::size_t j = 0; j < n; ++j) {
            res[i + j].status = batch[j].status;
            res[i + j].seq = batch[j].seq;
            res[i + j].sa = batch[j].sa;
            outs[j].resize(batch[j].out_len);
            res[i + j].out = std::move(outs[j]);
        }
    }
    return res;
}

std::vector<std::size_t> payload_sizes(bool v6) {
    std::vector<std::size_t> s;
    for (std::size_t n = 0; n <= 33; ++n) s.push_back(n);  // every residue mod 16 (and 8, 4)
    for (std::size_t n : {100, 255, 256, 511, 1000, 1337, 1400, 1451, 1452}) s.push_back(n);
    std::size_t max = 1500 - (v6 ? 48 : 28);
    std::erase_if(s, [&](std::size_t n) { return n > max; });
    return s;
}

// The sa.hpp format rules, re-derived here independently of the engine code.
void check_format(const ipsec::SaParams& p, const Bytes& inner, const Bytes& out, uint64_t seq) {
    const bool tunnel = p.mode == ipsec::Mode::tunnel;
    const bool v6 = tunnel ? p.dst.is_v6() : (inner[0] >> 4) == 6;
    ASSERT_EQ(out[0] >> 4, v6 ? 6 : 4);
    std::size_t hdr = tunnel ? (v6 ? 40 : 20) : (v6 ? 40 : std::size_t(inner[0] & 15) * 4);
    if (v6) {
        EXPECT_EQ(load_be16(&out[4]) + 40u, out.size());
    } else {
        EXPECT_EQ(load_be16(&out[2]), out.size());
        EXPECT_EQ(ipsec::internet_checksum(out.data(), hdr), 0);
    }
    if (tunnel) {
        const bool inner_v6 = (inner[0] >> 4) == 6;
        uint8_t tos = inner_v6 ? uint8_t((inner[0] & 15) << 4 | inner[1] >> 4) : inner[1];
        if (v6) {
            EXPECT_EQ(uint8_t((out[0] & 15) << 4 | out[1] >> 4), tos);
            EXPECT_EQ(out[1] & 15, 0);  // flow label 0
            EXPECT_EQ(load_be16(&out[2]), 0);
            EXPECT_EQ(out[7], 64);
        } else {
            EXPECT_EQ(out[1], tos);
            EXPECT_EQ(load_be16(&out[4]), uint16_t(seq));
            EXPECT_EQ(load_be16(&out[6]), !inner_v6 && (inner[6] & 0x40) ? 0x4000 : 0);
            EXPECT_EQ(out[8], 64);
        }
    } else {
        // Transport: the caller's header, only protocol/lengths/checksum differ.
        for (std::size_t i = 0; i < hdr; ++i) {
            bool changes = v6 ? (i == 4 || i == 5 || i == 6) : (i == 2 || i == 3 || i == 9 || i == 10 || i == 11);
            if (!changes) {
                ASSERT_EQ(out[i], inner[i]) << "header octet " << i;
            }
        }
    }
    uint8_t proto = v6 ? out[6] : out[9];
    uint8_t nh = tunnel ? ((inner[0] >> 4) == 6 ? 41 : 4) : ipsec::kProtoUdp;
    std::size_t payload_len = tunnel ? inner.size() : inner.size() - hdr;
    const uint8_t* payload = inner.data() + (tunnel ? 0 : hdr);
    if (p.protocol == ipsec::Protocol::ah) {
        ASSERT_EQ(proto, ipsec::kProtoAh);
        const uint8_t* ah = &out[hdr];
        std::size_t icv = ipsec::icv_bytes(p.integ);
        std::size_t len = 12 + icv;
        while (len % (v6 ? 8 : 4)) ++len;
        EXPECT_EQ(ah[0], nh);
        EXPECT_EQ(ah[1], len / 4 - 2);
        EXPECT_EQ(load_be32(ah + 4), p.spi);
        EXPECT_EQ(load_be32(ah + 8), uint32_t(seq));
        for (std::size_t i = 12 + icv; i < len; ++i) EXPECT_EQ(ah[i], 0);
        EXPECT_EQ(out.size(), hdr + len + payload_len);
        EXPECT_EQ(Bytes(out.begin() + long(hdr + len), out.end()), Bytes(payload, payload + payload_len));
        return;
    }
    std::size_t esp_at = hdr;
    if (p.encap) {
        ASSERT_EQ(proto, ipsec::kProtoUdp);
        EXPECT_EQ(load_be16(&out[hdr]), p.encap->src_port);
        EXPECT_EQ(load_be16(&out[hdr + 2]), p.encap->dst_port);
        EXPECT_EQ(load_be16(&out[hdr + 4]), out.size() - hdr);
        EXPECT_EQ(load_be16(&out[hdr + 6]), 0);
        esp_at += 8;
    } else {
        ASSERT_EQ(proto, ipsec::kProtoEsp);
    }
    const uint8_t* e = &out[esp_at];
    EXPECT_EQ(load_be32(e), p.spi);
    EXPECT_EQ(load_be32(e + 4), uint32_t(seq));
    std::size_t iv = ipsec::iv_bytes(p.enc.alg), icv = ipsec::icv_bytes(p.enc.alg, p.integ);
    std::size_t align = p.enc.alg == ipsec::EncAlg::aes_cbc ? 16 : p.enc.alg == ipsec::EncAlg::tdes_cbc ? 8 : 4;
    std::size_t pad = 0;
    while ((payload_len + pad + 2) % align) ++pad;
    ASSERT_EQ(out.size(), esp_at + 8 + iv + payload_len + pad + 2 + icv);
    if (ipsec::is_aead(p.enc.alg)) {
        EXPECT_EQ(load_be64(e + 8), seq);  // IV = sequence number
    }
    if (p.enc.alg == ipsec::EncAlg::null || p.enc.alg == ipsec::EncAlg::aes_gmac) {
        // Unencrypted: payload, padding 1..n, pad length, next header in clear.
        const uint8_t* t = e + 8 + iv;
        EXPECT_EQ(Bytes(t, t + payload_len), Bytes(payload, payload + payload_len));
        for (std::size_t i = 0; i < pad; ++i) EXPECT_EQ(t[payload_len + i], i + 1);
        EXPECT_EQ(t[payload_len + pad], pad);
        EXPECT_EQ(t[payload_len + pad + 1], nh);
    }
}

class RoundTrip : public ::testing::TestWithParam<Param> {};

TEST_P(RoundTrip, EveryModeFamilyEncapEsnAndSize) {
    const auto& [kind, tf] = GetParam();
    auto engine = make_engine(kind);
    auto ref = make_engine({"soft", "openssl"});
    ASSERT_TRUE(engine && ref);
    const bool esp = tf.proto == ipsec::Protocol::esp;
    uint32_t spi = 0x5000;
    int configs = 0;
    std::size_t packets = 0;
    for (ipsec::Mode mode : {ipsec::Mode::tunnel, ipsec::Mode::transport}) {
        for (bool inner_v6 : {false, true}) {
            for (bool outer_v6 : {false, true}) {
                if (mode == ipsec::Mode::transport && outer_v6 != inner_v6) continue;
                for (bool encap : {false, true}) {
                    if (encap && !esp) continue;
                    for (bool esn : {false, true}) {
                        SCOPED_TRACE(std::string(ipsec::to_string(mode)) + (inner_v6 ? " inner v6" : " inner v4") +
                                     (outer_v6 ? " outer v6" : " outer v4") + (encap ? " udp" : "") +
                                     (esn ? " esn" : ""));
                        auto p = make_sa(tf.enc, tf.integ, tf.proto, mode, outer_v6, ++spi);
                        p.esn = esn;
                        // ESN SAs straddle the 2^32 boundary.
                        p.seq = esn ? 0xffffffe8ULL : 1;
                        p.iv_seed = std::array<uint8_t, 16>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
                        // A NAT-mapped source port; the receiver listens on 4500.
                        if (encap) p.encap = ipsec::UdpEncap{31337, 4500};
                        auto h = engine->add_sa(p.clone());
                        auto hr = ref->add_sa(p.clone());
                        ASSERT_TRUE(h.ok()) << h.error().message;
                        ASSERT_TRUE(hr.ok());

                        std::vector<Bytes> inner;
                        for (std::size_t n : payload_sizes(inner_v6))
                            inner.push_back(make_inner(inner_v6, n, uint8_t(n)));
                        auto sealed = run_batch(*engine, Direction::outbound, inner, *h);
                        auto golden = run_batch(*ref, Direction::outbound, inner, *hr);
                        for (std::size_t i = 0; i < inner.size(); ++i) {
                            ASSERT_EQ(sealed[i].status, PacketStatus::ok) << "inner " << inner[i].size();
                            ASSERT_EQ(sealed[i].seq, p.seq + i);
                            ASSERT_EQ(to_hex(sealed[i].out), to_hex(golden[i].out)) << "inner " << inner[i].size();
                            check_format(p, inner[i], sealed[i].out, sealed[i].seq);
                        }
                        std::vector<Bytes> wire;
                        for (auto& s : sealed) wire.push_back(s.out);
                        auto opened = run_batch(*engine, Direction::inbound, wire, ipsec::kNoSa);
                        for (std::size_t i = 0; i < inner.size(); ++i) {
                            ASSERT_EQ(opened[i].status, PacketStatus::ok) << "inner " << inner[i].size();
                            ASSERT_EQ(opened[i].sa, *h);
                            ASSERT_EQ(opened[i].seq, sealed[i].seq);
                            ASSERT_EQ(to_hex(opened[i].out), to_hex(inner[i])) << "inner " << inner[i].size();
                        }
                        auto info = engine->query_sa(*h);
                        ASSERT_TRUE(info.ok());
                        EXPECT_EQ(info->counters.packets, 2 * inner.size());
                        EXPECT_EQ(info->replay_top, p.seq + inner.size() - 1);
                        packets += inner.size();
                        ++configs;
                    }
                }
            }
        }
    }
    EXPECT_EQ(configs, esp ? 24 : 12);
    EXPECT_GT(packets, esp ? 1000u : 500u);
}

std::string name_of(const ::testing::TestParamInfo<Param>& i) {
    return std::get<0>(i.param).label() + "_" + std::get<1>(i.param).label();
}

INSTANTIATE_TEST_SUITE_P(Engines, RoundTrip, ::testing::Combine(::testing::ValuesIn(engine_kinds()),
                                                                ::testing::ValuesIn(transforms())),
                         name_of);

}  // namespace
}  // namespace ikeoff::test
