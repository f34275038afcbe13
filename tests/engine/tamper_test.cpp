// Integrity: flipping any protected byte of an ESP or AH packet is rejected
// with the right status, AH tolerates changes to the fields RFC 4302 calls
// mutable, and truncated or random input never gets through (or crashes).
#include <random>

#include "host/ipsec/ip_packet.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace ikeoff::test {
namespace {

using ipsec::PacketStatus;

struct Case {
    const char* enc;
    const char* integ;
    ipsec::Protocol proto;
    ipsec::Mode mode;
    bool v6;
    bool encap;
    std::string label() const {
        return std::string(proto == ipsec::Protocol::esp ? "esp_" : "ah_") + enc + "_" + integ + "_" +
               std::string(ipsec::to_string(mode)) + (v6 ? "_v6" : "_v4") + (encap ? "_udp" : "");
    }
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.label(); }

std::vector<Case> cases() {
    using P = ipsec::Protocol;
    using M = ipsec::Mode;
    return {
        {"aes128gcm16", "none", P::esp, M::tunnel, false, false},
        {"aes256gcm16", "none", P::esp, M::transport, true, true},
        {"aes128gmac", "none", P::esp, M::tunnel, true, false},
        {"aes128", "sha1", P::esp, M::tunnel, false, true},
        {"aes256", "sha512", P::esp, M::transport, false, false},
        {"3des", "sha256", P::esp, M::tunnel, true, false},
        {"null", "sha384", P::esp, M::transport, true, false},
        {"null", "sha1", P::ah, M::tunnel, false, false},
        {"null", "sha256", P::ah, M::transport, false, false},
        {"null", "sha384", P::ah, M::tunnel, true, false},
        {"null", "md5", P::ah, M::transport, true, false},
    };
}

using Param = std::tuple<EngineKind, Case>;

class Tamper : public ::testing::TestWithParam<Param> {
protected:
    void SetUp() override {
        const auto& [kind, c] = GetParam();
        engine = make_engine(kind);
        ASSERT_NE(engine, nullptr);
        auto p = make_sa(c.enc, c.integ, c.proto, c.mode, c.v6);
        p.esn = true;  // the high half is part of the ICV input too
        p.seq = 0x1'00000020ULL;
        if (c.encap) p.encap = ipsec::UdpEncap{4500, 4500};
        auto h = engine->add_sa(std::move(p));
        ASSERT_TRUE(h.ok()) << h.error().message;
        sa = *h;
        inner = make_inner(c.v6, 61, 3);
        One r = encap(*engine, inner, sa);
        ASSERT_EQ(r.status, PacketStatus::ok);
        wire = r.out;
        hdr = c.v6 ? 40 : 20;
        sec = hdr + (c.encap ? 8 : 0);
    }

    PacketStatus try_in(const Bytes& pkt) { return decap(*engine, pkt).status; }

    std::unique_ptr<ipsec::Engine> engine;
    ipsec::SaHandle sa = ipsec::kNoSa;
    Bytes inner, wire;
    std::size_t hdr = 0, sec = 0;
};

bool ah_mutable(bool v6, std::size_t i) {
    if (v6) return i == 0 || i == 1 || i == 2 || i == 3 || i == 7;  // traffic class (+version nibble), flow label, hop limit
    return i == 1 || i == 6 || i == 7 || i == 8 || i == 10 || i == 11;
}

TEST_P(Tamper, EveryProtectedByteFlipIsRejected) {
    const Case& c = std::get<1>(GetParam());
    int rejected = 0;
    for (std::size_t i = 0; i < wire.size(); ++i) {
        for (uint8_t flip : {uint8_t(0x01), uint8_t(0x80)}) {
            bool in_esp = c.proto == ipsec::Protocol::esp && i >= sec;
            bool in_ah_immutable = c.proto == ipsec::Protocol::ah && !ah_mutable(c.v6, i);
            // ESP's outer header and AH's mutable fields are not protected
            // (and an accepted packet would move the window): tested apart.
            if (!in_esp && !in_ah_immutable) continue;
            Bytes t = wire;
            t[i] ^= flip;
            One r = decap(*engine, t);
            SCOPED_TRACE("byte " + std::to_string(i) + " ^ " + std::to_string(flip));
            ASSERT_NE(r.status, PacketStatus::ok);
            EXPECT_TRUE(r.out.empty());
            std::size_t at = c.proto == ipsec::Protocol::esp ? sec : hdr;
            std::size_t spi_at = c.proto == ipsec::Protocol::esp ? at : at + 4;
            std::size_t seq_at = spi_at + 4;
            if (i >= spi_at && i < spi_at + 4) {
                EXPECT_EQ(r.status, PacketStatus::unknown_spi);
            } else if (i >= seq_at && i < seq_at + 4) {
                EXPECT_TRUE(r.status == PacketStatus::icv_failure || r.status == PacketStatus::before_window)
                    << ipsec::to_string(r.status);
            } else if (i >= seq_at + 4 || (c.proto == ipsec::Protocol::ah && i >= at && i != at + 1)) {
                // IV, ciphertext, trailer, ICV; AH next header, reserved, ICV, payload.
                EXPECT_EQ(r.status, PacketStatus::icv_failure);
            }
            ++rejected;
        }
    }
    EXPECT_GT(rejected, 100);
    // None of this moved the window: the genuine packet still gets in, once.
    EXPECT_EQ(try_in(wire), PacketStatus::ok);
    EXPECT_EQ(try_in(wire), PacketStatus::replay);
    // The unprotected bytes: any verdict, but a defined one and no crash.
    for (std::size_t i = 0; i < sec; ++i) {
        Bytes t = wire;
        t[i] ^= 0x24;
        PacketStatus st = try_in(t);
        EXPECT_LT(std::size_t(st), ipsec::kPacketStatusCount);
    }
}

// AH cases only (ESP does not cover the outer header at all).
class TamperAh : public Tamper {};

TEST_P(TamperAh, MutableFieldsMayChangeInTransit) {
    const Case& c = std::get<1>(GetParam());
    Bytes t = wire;
    if (c.v6) {
        t[7] -= 3;                       // hop limit
        t[0] = uint8_t(0x60 | 0x0b);     // traffic class high nibble
        t[1] = 0xa5;                     // traffic class low nibble + flow label
        t[2] = 0x12;
        t[3] = 0x34;
    } else {
        t[8] -= 5;                       // TTL
        t[1] = 0xb9;                     // TOS / ECN
        t[6] |= 0x40;                    // DF set by a router
        ipsec::update_ipv4_checksum(t.data());
    }
    One r = decap(*engine, t);
    ASSERT_EQ(r.status, PacketStatus::ok);
    if (c.mode == ipsec::Mode::tunnel) {
        EXPECT_EQ(r.out, inner);
    } else {
        // Transport: the header arrives as received, the payload as sent.
        ASSERT_EQ(r.out.size(), inner.size());
        EXPECT_EQ(Bytes(r.out.begin() + long(hdr), r.out.end()), Bytes(inner.begin() + long(hdr), inner.end()));
        if (c.v6) {
            EXPECT_EQ(r.out[7], t[7]);
            EXPECT_EQ(r.out[6], inner[6]);
        } else {
            EXPECT_EQ(r.out[8], t[8]);
            EXPECT_EQ(r.out[9], inner[9]);
            EXPECT_EQ(ipsec::internet_checksum(r.out.data(), 20), 0);
        }
    }
}

TEST_P(Tamper, TruncatedPacketsAreRejected) {
    for (std::size_t n = 0; n < wire.size(); ++n) {
        Bytes t(wire.begin(), wire.begin() + long(n));
        ASSERT_NE(try_in(t), PacketStatus::ok) << "length " << n;
        // Also with the length fields claiming the truncated size.
        if (n >= hdr) {
            if (std::get<1>(GetParam()).v6) store_be16(&t[4], uint16_t(n - 40));
            else store_be16(&t[2], uint16_t(n));
            ASSERT_NE(try_in(t), PacketStatus::ok) << "consistent length " << n;
        }
    }
    // Link-layer padding after the IP packet is ignored.
    Bytes padded = wire;
    padded.resize(wire.size() + 6, 0);
    EXPECT_EQ(try_in(padded), PacketStatus::ok);
}

TEST_P(Tamper, RandomCorruptionNeverPasses) {
    std::mt19937 rng(11);
    for (int k = 0; k < 400; ++k) {
        Bytes t = wire;
        std::size_t from = std::get<1>(GetParam()).proto == ipsec::Protocol::esp ? sec : 0;
        int flips = 1 + int(rng() % 4);
        for (int f = 0; f < flips; ++f) {
            std::size_t i = from + rng() % (t.size() - from);
            if (std::get<1>(GetParam()).proto == ipsec::Protocol::ah && ah_mutable(std::get<1>(GetParam()).v6, i))
                continue;
            t[i] = uint8_t(rng());
        }
        // A later flip may put back what an earlier one changed; only a
        // packet that differs from the original must be refused.
        if (t == wire) continue;
        ASSERT_NE(try_in(t), PacketStatus::ok) << k;
    }
}

std::string name_of(const ::testing::TestParamInfo<Param>& i) {
    return std::get<0>(i.param).label() + "_" + std::get<1>(i.param).label();
}

INSTANTIATE_TEST_SUITE_P(Engines, Tamper,
                         ::testing::Combine(::testing::ValuesIn(engine_kinds()), ::testing::ValuesIn(cases())), name_of);

std::vector<Case> ah_cases() {
    auto all = cases();
    std::erase_if(all, [](const Case& c) { return c.proto != ipsec::Protocol::ah; });
    return all;
}

INSTANTIATE_TEST_SUITE_P(Engines, TamperAh,
                         ::testing::Combine(::testing::ValuesIn(engine_kinds()), ::testing::ValuesIn(ah_cases())),
                         name_of);

}  // namespace
}  // namespace ikeoff::test
