// The Engine API under bad input (unknown handles, wrong direction, short
// buffers, garbage), SA management, IPv6 extension headers in transport
// mode, concurrency, and an independent OpenSSL check of CBC+HMAC output.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <random>
#include <set>
#include <thread>

#include "host/ipsec/ip_packet.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace ikeoff::test {
namespace {

using ipsec::Direction;
using ipsec::PacketStatus;

class Api : public EngineTest {};

TEST_P(Api, UnknownHandleAndDeletedSa) {
    Bytes inner = make_ipv4_udp(10);
    EXPECT_EQ(encap(*engine, inner, 12345).status, PacketStatus::unknown_spi);
    EXPECT_EQ(encap(*engine, inner, ipsec::kNoSa).status, PacketStatus::unknown_spi);
    auto h = engine->add_sa(make_sa("aes128gcm16", "none"));
    ASSERT_TRUE(h.ok());
    One w = encap(*engine, inner, *h);
    ASSERT_EQ(w.status, PacketStatus::ok);
    ASSERT_TRUE(engine->del_sa(*h).ok());
    EXPECT_FALSE(engine->del_sa(*h).ok());
    EXPECT_FALSE(engine->query_sa(*h).ok());
    EXPECT_EQ(encap(*engine, inner, *h).status, PacketStatus::unknown_spi);
    EXPECT_EQ(decap(*engine, w.out).status, PacketStatus::unknown_spi);
    EXPECT_EQ(decap(*engine, w.out, *h).status, PacketStatus::unknown_spi);
    // Handles are never reused.
    auto h2 = engine->add_sa(make_sa("aes128gcm16", "none"));
    ASSERT_TRUE(h2.ok());
    EXPECT_NE(*h2, *h);
    EXPECT_EQ(engine->list_sas(), std::vector<ipsec::SaHandle>{*h2});
}

TEST_P(Api, WrongDirection) {
    auto out_p = make_sa("aes128gcm16", "none", ipsec::Protocol::esp, ipsec::Mode::tunnel, false, 0x100);
    out_p.direction = ipsec::SaDirection::outbound;
    auto in_p = make_sa("aes128gcm16", "none", ipsec::Protocol::esp, ipsec::Mode::tunnel, false, 0x100);
    in_p.direction = ipsec::SaDirection::inbound;
    auto o = engine->add_sa(std::move(out_p));
    auto i = engine->add_sa(std::move(in_p));
    ASSERT_TRUE(o.ok() && i.ok());  // an outbound SA never clashes with an inbound SPI
    Bytes inner = make_ipv4_udp(33);
    One w = encap(*engine, inner, *o);
    ASSERT_EQ(w.status, PacketStatus::ok);
    EXPECT_EQ(encap(*engine, inner, *i).status, PacketStatus::wrong_direction);
    EXPECT_EQ(decap(*engine, w.out, *o).status, PacketStatus::wrong_direction);
    One r = decap(*engine, w.out);  // found by SPI: the inbound one
    EXPECT_EQ(r.status, PacketStatus::ok);
    EXPECT_EQ(r.sa, *i);
    EXPECT_EQ(r.out, inner);
    EXPECT_EQ(engine->find_inbound(ipsec::Protocol::esp, 0x100).value(), *i);
    EXPECT_FALSE(engine->find_inbound(ipsec::Protocol::ah, 0x100).ok());
}

TEST_P(Api, OutputBufferTooSmall) {
    auto h = engine->add_sa(make_sa("aes256", "sha512"));
    ASSERT_TRUE(h.ok());
    Bytes inner = make_ipv6_udp(77);
    One full = encap(*engine, inner, *h);
    ASSERT_EQ(full.status, PacketStatus::ok);
    std::size_t need = full.out.size();
    One small = run_one(*engine, Direction::outbound, inner, *h, need - 1);
    EXPECT_EQ(small.status, PacketStatus::buffer_too_small);
    One exact = run_one(*engine, Direction::outbound, inner, *h, need);
    ASSERT_EQ(exact.status, PacketStatus::ok);
    EXPECT_EQ(exact.seq, full.seq + 1);  // the refused packet consumed no number

    One tiny = run_one(*engine, Direction::inbound, exact.out, ipsec::kNoSa, exact.out.size() - 1);
    EXPECT_EQ(tiny.status, PacketStatus::buffer_too_small);
    One fits = run_one(*engine, Direction::inbound, exact.out, ipsec::kNoSa, exact.out.size());
    EXPECT_EQ(fits.status, PacketStatus::ok);  // the refusal did not touch the window
    EXPECT_EQ(fits.out, inner);
}

TEST_P(Api, MalformedOutboundPackets) {
    auto h = engine->add_sa(make_sa("aes128gcm16", "none"));
    ASSERT_TRUE(h.ok());
    Bytes good = make_ipv4_udp(40);
    std::vector<Bytes> bad;
    bad.push_back({});
    bad.push_back({0x45});
    Bytes b = good;
    store_be16(&b[2], uint16_t(good.size() + 1));  // length field disagrees
    bad.push_back(b);
    b = good;
    b[0] = 0x44;  // IHL 4
    bad.push_back(b);
    b = good;
    b[0] = 0x55;  // version 5
    bad.push_back(b);
    b = make_ipv6_udp(40);
    store_be16(&b[4], 7);
    bad.push_back(b);
    for (const auto& p : bad) {
        EXPECT_EQ(encap(*engine, p, *h).status, PacketStatus::malformed) << to_hex(p);
    }
    // Transport mode must find its insertion point: an extension header
    // that runs past the packet is malformed there.
    auto t = engine->add_sa(make_sa("aes128gcm16", "none", ipsec::Protocol::esp, ipsec::Mode::transport, true, 0x2000));
    ASSERT_TRUE(t.ok());
    b = make_ipv6_udp(10);
    b[6] = ipsec::kProtoHopByHop;
    b[41] = 5;  // 48 octets of Hop-by-Hop in an 18-octet payload
    EXPECT_EQ(encap(*engine, b, *t).status, PacketStatus::malformed);
    // A 65535-octet IPv4 packet cannot grow by a tunnel header.
    // (A driver with a smaller packet limit may say `unsupported` instead.)
    Bytes huge = make_ipv4_udp(65535 - 28);
    PacketStatus st = encap(*engine, huge, *h).status;
    if (GetParam().driver == "soft") {
        EXPECT_EQ(st, PacketStatus::malformed);
    } else {
        EXPECT_TRUE(st == PacketStatus::malformed || st == PacketStatus::unsupported) << ipsec::to_string(st);
    }
    // Nothing was consumed: the next good packet gets sequence number 1.
    EXPECT_EQ(encap(*engine, good, *h).seq, 1u);
}

TEST_P(Api, GarbageInboundNeverCrashes) {
    auto h = engine->add_sa(make_sa("aes128", "sha1"));
    ASSERT_TRUE(h.ok());
    std::mt19937 rng(5);
    int ok = 0;
    std::vector<Bytes> pkts;
    for (int i = 0; i < 3000; ++i) {
        Bytes g(rng() % 120);
        for (auto& v : g) v = uint8_t(rng());
        if (!g.empty() && i % 2) {
            // Make half of them look like IPv4/ESP with our SPI to get deeper.
            g.resize(std::max<std::size_t>(g.size(), 40));
            g[0] = 0x45;
            store_be16(&g[2], uint16_t(g.size()));
            g[6] = g[7] = 0;
            g[9] = i % 4 == 1 ? ipsec::kProtoEsp : ipsec::kProtoAh;
            store_be32(&g[20], 0x1000);
        }
        pkts.push_back(std::move(g));
    }
    for (std::size_t i = 0; i < pkts.size(); i += 32) {
        std::vector<Bytes> outs(32, Bytes(200));
        std::vector<ipsec::Packet> batch;
        for (std::size_t j = i; j < std::min(pkts.size(), i + 32); ++j) {
            ipsec::Packet p;
            p.in = pkts[j];
            p.out = outs[j - i];
            batch.push_back(p);
        }
        engine->process(Direction::inbound, batch);
        for (auto& p : batch) {
            ok += p.status == PacketStatus::ok;
            EXPECT_EQ(p.out_len, 0u);
        }
    }
    EXPECT_EQ(ok, 0);
    auto c = engine->counters();
    EXPECT_EQ(c.packets, 3000u);
    EXPECT_GT(c.by_status[std::size_t(PacketStatus::malformed)], 1000u);
}

TEST_P(Api, NonEspUdpIsMalformed) {
    auto h = engine->add_sa(make_sa("aes128gcm16", "none"));
    ASSERT_TRUE(h.ok());
    // IKE on port 4500 (non-ESP marker), a NAT keepalive, and another port.
    Bytes ike = make_ipv4_udp(40);
    store_be16(&ike[22], 4500);
    store_be32(&ike[28], 0);
    EXPECT_EQ(decap(*engine, ike).status, PacketStatus::malformed);
    Bytes keepalive = make_ipv4_udp(1);
    store_be16(&keepalive[22], 4500);
    keepalive[28] = 0xff;
    EXPECT_EQ(decap(*engine, keepalive).status, PacketStatus::malformed);
    EXPECT_EQ(decap(*engine, make_ipv4_udp(40)).status, PacketStatus::malformed);
}

TEST_P(Api, SpiAllocationAndDuplicates) {
    std::set<uint32_t> spis;
    for (int i = 0; i < 50; ++i) {
        auto s = engine->allocate_spi(ipsec::Protocol::esp);
        ASSERT_TRUE(s.ok());
        EXPECT_GE(*s, 0x100u);
        EXPECT_TRUE(spis.insert(*s).second);
    }
    uint32_t spi = *spis.begin();
    auto p = make_sa("aes128gcm16", "none", ipsec::Protocol::esp, ipsec::Mode::tunnel, false, spi);
    ASSERT_TRUE(engine->add_sa(p.clone()).ok());
    auto dup = engine->add_sa(p.clone());
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, Errc::already_exists);
    // The same SPI under AH is a different SA.
    auto ah = make_sa("", "sha1", ipsec::Protocol::ah, ipsec::Mode::tunnel, false, spi);
    EXPECT_TRUE(engine->add_sa(std::move(ah)).ok());
}

TEST_P(Api, InvalidSaIsRefused) {
    auto p = make_sa("aes128gcm16", "none");
    p.enc_key = SecretBytes(16);  // salt missing
    EXPECT_FALSE(engine->supports(p).ok());
    EXPECT_FALSE(engine->add_sa(p.clone()).ok());
    auto q = make_sa("aes128", "md5");
    q.allow_weak = false;
    EXPECT_FALSE(engine->add_sa(std::move(q)).ok());
    EXPECT_TRUE(engine->supports(make_sa("3des", "sha384")).ok());
    EXPECT_TRUE(engine->list_sas().empty());
}

// IPv6 with Hop-by-Hop, Routing and Destination Options headers: transport
// ESP/AH go after Hop-by-Hop and Routing (RFC 4303 §3.1.1), and AH zeroes the
// Hop-by-Hop option data that may change en route.
Bytes ipv6_with_ext_headers(std::size_t payload) {
    Bytes udp = make_ipv6_udp(payload);
    Bytes p(udp.begin(), udp.begin() + 40);
    p[6] = ipsec::kProtoHopByHop;
    // Hop-by-Hop: next = Routing, len 0 (8 octets): option type 0x3e (mutable
    // bit 0x20 set) with 4 data octets.
    Bytes hbh = {ipsec::kProtoRouting, 0, 0x3e, 4, 0xde, 0xad, 0xbe, 0xef};
    // Routing type 4 (segment routing), segments left 0: next = DestOpts.
    Bytes rh = {ipsec::kProtoDestOpts, 0, 4, 0, 0, 0, 0, 0};
    // Destination Options: next = UDP, PadN.
    Bytes dst = {ipsec::kProtoUdp, 0, 1, 4, 0, 0, 0, 0};
    for (auto* h : {&hbh, &rh, &dst}) p.insert(p.end(), h->begin(), h->end());
    p.insert(p.end(), udp.begin() + 40, udp.end());
    store_be16(&p[4], uint16_t(p.size() - 40));
    return p;
}

TEST_P(Api, Ipv6ExtensionHeadersInTransportMode) {
    for (auto proto : {ipsec::Protocol::esp, ipsec::Protocol::ah}) {
        auto p = make_sa(proto == ipsec::Protocol::esp ? "aes128gcm16" : "", proto == ipsec::Protocol::esp ? "none" : "sha256",
                         proto, ipsec::Mode::transport, true, proto == ipsec::Protocol::esp ? 0x700 : 0x701);
        auto h = engine->add_sa(std::move(p));
        ASSERT_TRUE(h.ok());
        Bytes inner = ipv6_with_ext_headers(50);
        One w = encap(*engine, inner, *h);
        ASSERT_EQ(w.status, PacketStatus::ok);
        // After Hop-by-Hop (40..48) and Routing (48..56): the routing header
        // now names ESP/AH, and the destination options are protected.
        EXPECT_EQ(Bytes(w.out.begin(), w.out.begin() + 4), Bytes(inner.begin(), inner.begin() + 4));
        EXPECT_EQ(w.out[48], proto == ipsec::Protocol::esp ? ipsec::kProtoEsp : ipsec::kProtoAh);
        EXPECT_EQ(load_be32(&w.out[56 + (proto == ipsec::Protocol::esp ? 0 : 4)]), proto == ipsec::Protocol::esp ? 0x700u : 0x701u);
        if (proto == ipsec::Protocol::ah) {
            // The mutable Hop-by-Hop option may change in transit.
            w.out[44] ^= 0xff;
            w.out[7] = 3;
        }
        One r = decap(*engine, w.out);
        ASSERT_EQ(r.status, PacketStatus::ok);
        if (proto == ipsec::Protocol::esp) {
            EXPECT_EQ(r.out, inner);
        } else {
            Bytes want = inner;
            want[44] ^= 0xff;
            want[7] = 3;
            EXPECT_EQ(r.out, want);
            // An immutable octet of the routing header is covered.
            One again = encap(*engine, inner, *h);
            again.out[50] ^= 1;
            EXPECT_EQ(decap(*engine, again.out).status, PacketStatus::icv_failure);
        }
    }
}

TEST_P(Api, ConcurrentBatchesFromSeveralThreads) {
    constexpr int kThreads = 4, kBatches = 40, kPerBatch = 16;
    std::vector<ipsec::SaHandle> sas;
    for (int t = 0; t < kThreads; ++t) {
        auto h = engine->add_sa(make_sa("aes128", "sha1", ipsec::Protocol::esp, ipsec::Mode::tunnel, false, 0x900 + t));
        ASSERT_TRUE(h.ok());
        sas.push_back(*h);
    }
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int b = 0; b < kBatches; ++b) {
                std::vector<Bytes> in, out(kPerBatch, Bytes(400)), back(kPerBatch, Bytes(400));
                std::vector<ipsec::Packet> enc(kPerBatch), dec(kPerBatch);
                for (int i = 0; i < kPerBatch; ++i) in.push_back(make_ipv4_udp(100 + i, uint8_t(t)));
                for (int i = 0; i < kPerBatch; ++i) {
                    enc[i].in = in[i];
                    enc[i].out = out[i];
                    enc[i].sa = sas[t];
                }
                engine->process(Direction::outbound, enc);
                for (int i = 0; i < kPerBatch; ++i) {
                    dec[i].in = ByteView(out[i]).first(enc[i].out_len);
                    dec[i].out = back[i];
                }
                engine->process(Direction::inbound, dec);
                for (int i = 0; i < kPerBatch; ++i) {
                    if (dec[i].status != PacketStatus::ok || dec[i].sa != sas[t] ||
                        Bytes(back[i].begin(), back[i].begin() + dec[i].out_len) != in[i])
                        failures++;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(engine->counters().by_status[0], uint64_t(2 * kThreads * kBatches * kPerBatch));
    for (auto h : sas) EXPECT_EQ(engine->query_sa(h)->next_seq, uint64_t(kBatches * kPerBatch + 1));
}

// AES-CBC + HMAC-SHA-256 output checked with plain OpenSSL calls: HMAC over
// SPI..ciphertext (plus ESN high half), then CBC decryption and the trailer.
TEST_P(Api, CbcHmacOutputVerifiedIndependently) {
    for (bool esn : {false, true}) {
        auto p = make_sa("aes256", "sha256", ipsec::Protocol::esp, ipsec::Mode::tunnel, false, esn ? 0x801 : 0x800);
        p.esn = esn;
        p.seq = esn ? 0x7'00000001ULL : 1;
        Bytes ekey(p.enc_key.data(), p.enc_key.data() + 32), ikey(p.integ_key.data(), p.integ_key.data() + 32);
        auto h = engine->add_sa(std::move(p));
        ASSERT_TRUE(h.ok());
        Bytes inner = make_ipv4_udp(123);
        One w = encap(*engine, inner, *h);
        ASSERT_EQ(w.status, PacketStatus::ok);
        const Bytes& o = w.out;
        std::size_t esp = 20, ct_len = o.size() - esp - 8 - 16 - 16;
        Bytes mac_in(o.begin() + esp, o.end() - 16);
        if (esn) mac_in.insert(mac_in.end(), {0, 0, 0, 7});
        unsigned char mac[32];
        unsigned int mac_len = 0;
        HMAC(EVP_sha256(), ikey.data(), int(ikey.size()), mac_in.data(), mac_in.size(), mac, &mac_len);
        EXPECT_EQ(Bytes(mac, mac + 16), Bytes(o.end() - 16, o.end()));  // RFC 4868: first 128 bits

        EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
        EVP_DecryptInit_ex(c, EVP_aes_256_cbc(), nullptr, ekey.data(), &o[esp + 8]);
        EVP_CIPHER_CTX_set_padding(c, 0);
        Bytes plain(ct_len);
        int l1 = 0, l2 = 0;
        EVP_DecryptUpdate(c, plain.data(), &l1, &o[esp + 24], int(ct_len));
        EVP_DecryptFinal_ex(c, plain.data() + l1, &l2);
        EVP_CIPHER_CTX_free(c);
        ASSERT_EQ(std::size_t(l1 + l2), ct_len);
        EXPECT_EQ(Bytes(plain.begin(), plain.begin() + long(inner.size())), inner);
        EXPECT_EQ(plain.back(), ipsec::kProtoIpv4);
        EXPECT_EQ(plain[plain.size() - 2], ct_len - inner.size() - 2);
    }
}

INSTANTIATE_TEST_SUITE_P(Engines, Api, ::testing::ValuesIn(engine_kinds()),
                         [](const auto& i) { return i.param.label(); });

}  // namespace
}  // namespace ikeoff::test
