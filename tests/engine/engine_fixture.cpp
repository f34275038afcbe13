#include "tests/engine/engine_fixture.hpp"

#include <fstream>
#include <sstream>

#include "drivers/soft/crypto_provider.hpp"
#include "host/ipsec/ip_packet.hpp"

namespace ikeoff::test {

std::string EngineKind::label() const { return provider.empty() ? driver : driver + "_" + (provider == "ipsec-mb" ? "ipsecmb" : provider); }
void PrintTo(const EngineKind& k, std::ostream* os) { *os << k.label(); }

bool have_ipsecmb() {
    static const bool ok = drivers::soft::make_ipsecmb_provider().ok();
    return ok;
}

std::vector<EngineKind> engine_kinds() {
    static std::vector<EngineKind> cached;
    if (!cached.empty()) return cached;
    std::vector<EngineKind> kinds;
    for (const auto& d : drivers::available_drivers()) {
        if (d == "soft") {
            kinds.push_back({d, "openssl"});
            if (have_ipsecmb()) kinds.push_back({d, "ipsec-mb"});
        } else if (drivers::create_engine(d).ok()) {
            // Hardware drivers join only where their device is present.
            kinds.push_back({d, ""});
        }
    }
    cached = kinds;
    return kinds;
}

std::unique_ptr<ipsec::Engine> make_engine(const EngineKind& k) {
    drivers::EngineOptions o;
    if (!k.provider.empty()) o.soft_provider = k.provider;
    auto e = drivers::create_engine(k.driver, o);
    if (!e.ok()) {
        ADD_FAILURE() << "create_engine(" << k.label() << "): " << e.error().message;
        return nullptr;
    }
    return std::move(e).value();
}

void EngineTest::SetUp() {
    engine = make_engine(GetParam());
    ASSERT_NE(engine, nullptr);
}

Bytes pattern(std::size_t n, uint8_t seed) {
    Bytes b(n);
    uint32_t x = 0x9e3779b9u * (seed + 1u);
    for (auto& v : b) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v = uint8_t(x);
    }
    return b;
}

ipsec::SaParams make_sa(std::string_view enc, std::string_view integ, ipsec::Protocol proto, ipsec::Mode mode,
                        bool outer_v6, uint32_t spi) {
    ipsec::SaParams p;
    p.spi = spi;
    p.protocol = proto;
    p.mode = mode;
    p.src = *IpAddress::parse(outer_v6 ? "2001:db8::1" : "192.0.2.1");
    p.dst = *IpAddress::parse(outer_v6 ? "2001:db8::2" : "192.0.2.2");
    if (proto == ipsec::Protocol::esp) {
        p.enc = *ipsec::parse_enc_keyword(enc);
        p.enc_key = SecretBytes(pattern(ipsec::keymat_enc_bytes(p.enc), 0x11));
    }
    p.integ = *ipsec::parse_integ_keyword(integ);
    p.integ_key = SecretBytes(pattern(ipsec::integ_key_bytes(p.integ), 0x22));
    p.allow_weak = true;
    return p;
}

Bytes make_ipv4_udp(std::size_t payload, uint8_t seed, uint8_t tos, bool df) {
    Bytes p(20 + 8 + payload);
    IpAddress s = *IpAddress::parse("10.1.0.1"), d = *IpAddress::parse("10.2.0.1");
    ipsec::write_ipv4_header(p.data(), tos, uint16_t(p.size()), 0x1234, df, 63, ipsec::kProtoUdp, s, d);
    store_be16(&p[20], 5000);
    store_be16(&p[22], 6000);
    store_be16(&p[24], uint16_t(8 + payload));
    Bytes data = pattern(payload, seed);
    std::copy(data.begin(), data.end(), p.begin() + 28);
    return p;
}

Bytes make_ipv6_udp(std::size_t payload, uint8_t seed, uint8_t tclass) {
    Bytes p(40 + 8 + payload);
    IpAddress s = *IpAddress::parse("fd00:1::1"), d = *IpAddress::parse("fd00:2::1");
    ipsec::write_ipv6_header(p.data(), tclass, uint16_t(8 + payload), ipsec::kProtoUdp, 63, s, d);
    store_be16(&p[40], 5000);
    store_be16(&p[42], 6000);
    store_be16(&p[44], uint16_t(8 + payload));
    Bytes data = pattern(payload, seed);
    std::copy(data.begin(), data.end(), p.begin() + 48);
    return p;
}

Bytes make_inner(bool v6, std::size_t payload, uint8_t seed) {
    return v6 ? make_ipv6_udp(payload, seed) : make_ipv4_udp(payload, seed);
}

One run_one(ipsec::Engine& e, ipsec::Direction dir, ByteView in, ipsec::SaHandle sa, std::size_t out_size) {
    Bytes out(out_size ? out_size : in.size() + ipsec::kMaxOverhead);
    ipsec::Packet pkt;
    pkt.in = in;
    pkt.out = out;
    pkt.sa = sa;
    e.process(dir, {&pkt, 1});
    One r;
    r.status = pkt.status;
    r.seq = pkt.seq;
    r.sa = pkt.sa;
    out.resize(pkt.out_len);
    r.out = std::move(out);
    return r;
}

std::string read_vector_file(const std::string& name) {
    std::ifstream f(std::string(IKEOFF_TEST_VECTORS) + "/" + name);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace ikeoff::test
