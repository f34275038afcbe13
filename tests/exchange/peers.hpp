// Two Ikev1Cores ("a" = 10.0.0.1, "b" = 10.0.0.2) joined by a MemoryLink
// that delivers through ManualTimers, each with a RecordingSink standing in
// for the daemon's engine + SPD. Tests write ipsec.conf/ipsec.secrets text
// per side, run virtual time, and inspect what each side installed.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/common/timers.hpp"
#include "host/config/config.hpp"
#include "host/config/secrets.hpp"
#include "host/ike/ike_core.hpp"
#include "host/ike/ikev1_core.hpp"
#include "host/ike/transport.hpp"
#include "host/ike/tuning.hpp"

namespace ikeoff::ike::test {

// The daemon's SaSink, minus the engine: remembers what was installed.
class RecordingSink final : public SaSink {
public:
    explicit RecordingSink(uint32_t spi_base) : next_spi_(spi_base) {}

    Result<uint32_t> allocate_spi(ipsec::Protocol) override { return next_spi_++; }
    Result<ChildSaId> install(ChildSaInstall sa) override;
    Status remove(ChildSaId id) override;
    Result<ChildSaUsage> usage(ChildSaId id) const override;

    std::map<ChildSaId, ChildSaInstall> installed;
    std::vector<ChildSaId> removed;
    bool fail_installs = false;
    // What usage() reports as inbound packets per pair (DPD idle tests).
    std::map<ChildSaId, uint64_t> inbound_packets;

private:
    uint32_t next_spi_;
    ChildSaId next_id_ = 1;
};

struct Peer {
    std::string name;
    IpAddress addr;
    config::Config config;
    config::Secrets secrets;
    std::unique_ptr<RecordingSink> sink;
    std::unique_ptr<Ikev1Core> core;
};

// Result of an `up`, filled in by the completion.
struct UpResult {
    bool done = false;
    Outcome outcome;
};

class TwoPeers {
public:
    static constexpr const char* kAddrA = "10.0.0.1";
    static constexpr const char* kAddrB = "10.0.0.2";

    // `conf_a`/`conf_b`: ipsec.conf text; secrets likewise.
    TwoPeers(const std::string& conf_a, const std::string& secrets_a, const std::string& conf_b,
             const std::string& secrets_b, IkeTuning tuning = {});
    ~TwoPeers();

    Peer& a() { return a_; }
    Peer& b() { return b_; }
    MemoryLink& link() { return *link_; }
    ManualTimers& timers() { return timers_; }

    // Starts `up` on a peer; the result fills in while time runs.
    std::shared_ptr<UpResult> up(Peer& p, const std::string& conn);
    // Runs virtual time until `r` is done (at most `limit`); true if done.
    bool run(const std::shared_ptr<UpResult>& r, Duration limit = std::chrono::seconds(120));
    // Runs every pending timer up to `d` from now.
    void settle(Duration d = std::chrono::seconds(1)) { timers_.advance(d); }

private:
    void make_peer(Peer& p, const std::string& name, const char* addr, const std::string& conf,
                   const std::string& secrets, MemoryLink::Side side, uint32_t spi_base, const IkeTuning& t);

    ManualTimers timers_;
    std::unique_ptr<MemoryLink> link_;
    Peer a_, b_;
};

// A standard site-to-site connection between the two peers; `extra`
// "key=value" items replace the defaults of the same key or are appended
// ("key=" removes a default).
std::string conn_text(const char* local, const char* remote, const char* local_net, const char* remote_net,
                      const std::vector<std::string>& extra = {});
std::string psk_secrets(const std::string& secret = "exchange-test-secret");

// Checks both directions: a's outbound SA is b's inbound one (SPI,
// algorithms, keys) and vice versa. Empty string when they agree.
std::string compare_pair(const ChildSaInstall& x, const ChildSaInstall& y);

}  // namespace ikeoff::ike::test
