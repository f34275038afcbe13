// Shared helpers for the engine tests: which engines to run, SA and packet
// builders, and one-packet wrappers around Engine::process().
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "drivers/registry.hpp"
#include "host/common/bytes.hpp"
#include "host/ipsec/engine.hpp"

namespace ikeoff::ipsec {
// Readable statuses in assertion messages.
inline void PrintTo(PacketStatus s, std::ostream* os) { *os << to_string(s); }
}  // namespace ikeoff::ipsec

namespace ikeoff::test {

// One engine configuration under test: a driver, and for soft a provider.
struct EngineKind {
    std::string driver;
    std::string provider;  // soft only: "openssl" / "ipsec-mb"
    std::string label() const;
};
void PrintTo(const EngineKind& k, std::ostream* os);

// Every driver built in; soft once per provider that works here.
std::vector<EngineKind> engine_kinds();
std::unique_ptr<ipsec::Engine> make_engine(const EngineKind& k);
// True when the soft driver's intel-ipsec-mb provider is usable.
bool have_ipsecmb();

// Deterministic bytes for keys and payloads.
Bytes pattern(std::size_t n, uint8_t seed);

// An SA from strongSwan keywords with deterministic keys.
ipsec::SaParams make_sa(std::string_view enc, std::string_view integ, ipsec::Protocol proto = ipsec::Protocol::esp,
                        ipsec::Mode mode = ipsec::Mode::tunnel, bool outer_v6 = false, uint32_t spi = 0x1000);

// Inner packets: IPv4 or IPv6 carrying UDP with `payload` octets of data.
Bytes make_ipv4_udp(std::size_t payload, uint8_t seed = 1, uint8_t tos = 0, bool df = false);
Bytes make_ipv6_udp(std::size_t payload, uint8_t seed = 1, uint8_t tclass = 0);
Bytes make_inner(bool v6, std::size_t payload, uint8_t seed = 1);

struct One {
    ipsec::PacketStatus status = ipsec::PacketStatus::ok;
    Bytes out;
    uint64_t seq = 0;
    ipsec::SaHandle sa = ipsec::kNoSa;
};
One run_one(ipsec::Engine& e, ipsec::Direction dir, ByteView in, ipsec::SaHandle sa,
            std::size_t out_size = 0 /* 0: in.size() + kMaxOverhead */);
inline One encap(ipsec::Engine& e, ByteView in, ipsec::SaHandle sa) {
    return run_one(e, ipsec::Direction::outbound, in, sa);
}
inline One decap(ipsec::Engine& e, ByteView in, ipsec::SaHandle sa = ipsec::kNoSa) {
    return run_one(e, ipsec::Direction::inbound, in, sa);
}

// Reads tests/vectors/<name> as JSON text.
std::string read_vector_file(const std::string& name);

class EngineTest : public ::testing::TestWithParam<EngineKind> {
protected:
    void SetUp() override;
    std::unique_ptr<ipsec::Engine> engine;
};

}  // namespace ikeoff::test
