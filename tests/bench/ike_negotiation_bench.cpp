// Main Mode + Quick Mode negotiations per second on one core: two IKEv1
// cores (initiator and responder) in this thread, joined by the in-memory
// transport, each negotiation from MM1 to both IPsec SA pairs installed.
// Printed next to the ceiling computed in the same run from the measured
// cost of the DH, signature and PRF operations one negotiation needs
// (crypto_costs.hpp), with the same clock (thread CPU time).
//
//   ikeoff_ike_negotiation_bench [--quick] [--seconds S] [--json] [--only NAME]
//
// What is timed: initiate() up to the `up` completion, i.e. both peers'
// processing of the 9 messages (encrypt, decrypt, parse, build, crypto) and
// the installs into a minimal SaSink. Not timed: making and destroying the
// two cores between negotiations (each negotiation starts from nothing, like
// a new peer). The ceiling counts only crypto (see crypto_costs.hpp for the
// operation counts); certificate chain checks for RSA (one more verify per
// peer) are not in the ceiling, so RSA ratios are slightly pessimistic.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "host/common/log.hpp"
#include "host/config/config.hpp"
#include "host/config/secrets.hpp"
#include "host/ike/ikev1_core.hpp"
#include "host/ike/transport.hpp"
#include "tests/bench/crypto_costs.hpp"

using namespace ikeoff;
using namespace ikeoff::bench;

namespace {

constexpr const char* kAddrA = "10.0.0.1";
constexpr const char* kAddrB = "10.0.0.2";

// The daemon's SaSink minus the engine: SPIs and ids, nothing kept.
class NullSink final : public ike::SaSink {
public:
    Result<uint32_t> allocate_spi(ipsec::Protocol) override { return next_spi_++; }
    Result<ike::ChildSaId> install(ike::ChildSaInstall) override { return ++installed_; }
    Status remove(ike::ChildSaId) override { return {}; }
    Result<ike::ChildSaUsage> usage(ike::ChildSaId) const override { return ike::ChildSaUsage{}; }
    uint64_t installed() const { return installed_; }

private:
    uint32_t next_spi_ = 0x1000;
    uint64_t installed_ = 0;
};

struct Scenario {
    std::string name;
    Group group;
    Auth auth;
    bool pfs;
};

struct Credentials {
    std::string ca, a_cert, a_key, b_cert, b_key;
    bool ok = false;
};

// RSA-2048 host certificates from the openssl command line, once.
Credentials make_credentials() {
    Credentials c;
    const std::string dir = (std::filesystem::temp_directory_path() / "ikeoff-negotiation-bench").string();
    std::filesystem::create_directories(dir);
    auto sh = [](const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0; };
    c.ca = dir + "/ca.pem";
    if (!std::filesystem::exists(dir + "/done")) {
        bool ok = sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/ca.key -out " + c.ca +
                     " -days 2 -subj '/CN=bench ca' -addext basicConstraints=critical,CA:TRUE"
                     " -addext keyUsage=critical,keyCertSign");
        for (const char* who : {"a", "b"}) {
            const std::string base = dir + "/" + who;
            std::ofstream(base + ".ext") << "subjectAltName=IP:" << (who[0] == 'a' ? kAddrA : kAddrB)
                                         << "\nkeyUsage=critical,digitalSignature\n";
            ok = ok && sh("openssl req -newkey rsa:2048 -nodes -keyout " + base + ".key -out " + base +
                          ".csr -subj '/CN=" + who + "'") &&
                 sh("openssl x509 -req -in " + base + ".csr -CA " + c.ca + " -CAkey " + dir +
                    "/ca.key -CAcreateserial -days 2 -out " + base + ".pem -extfile " + base + ".ext");
        }
        if (!ok) return c;
        std::ofstream(dir + "/done") << "ok\n";
    }
    c.a_cert = dir + "/a.pem";
    c.a_key = dir + "/a.key";
    c.b_cert = dir + "/b.pem";
    c.b_key = dir + "/b.key";
    c.ok = true;
    return c;
}

std::string conn_text(const Scenario& s, bool a_side, const Credentials& cred) {
    const char* group = s.group == Group::modp2048 ? "modp2048" : "ecp256";
    std::string t;
    if (s.auth == Auth::rsa_sig) t += "ca bench\n    cacert=" + cred.ca + "\n    auto=add\n\n";
    t += "conn test\n    keyexchange=ikev1\n";
    t += std::string("    left=") + (a_side ? kAddrA : kAddrB) + "\n    right=" + (a_side ? kAddrB : kAddrA) + "\n";
    t += std::string("    leftsubnet=") + (a_side ? "10.1.0.0/24" : "10.2.0.0/24") + "\n";
    t += std::string("    rightsubnet=") + (a_side ? "10.2.0.0/24" : "10.1.0.0/24") + "\n";
    t += std::string("    ike=aes128-sha1-") + group + "!\n";
    t += std::string("    esp=aes128-sha1") + (s.pfs ? std::string("-") + group : std::string()) + "!\n";
    if (s.auth == Auth::rsa_sig) {
        t += "    authby=rsasig\n    leftcert=" + (a_side ? cred.a_cert : cred.b_cert) + "\n";
    } else {
        t += "    authby=secret\n";
    }
    t += "    auto=add\n";
    return t;
}

std::string secrets_text(const Scenario& s, bool a_side, const Credentials& cred) {
    if (s.auth == Auth::rsa_sig) return ": RSA " + (a_side ? cred.a_key : cred.b_key) + "\n";
    return std::string(kAddrA) + " " + kAddrB + " : PSK \"negotiation-bench-secret\"\n";
}

struct Side {
    config::Config config;
    config::Secrets secrets;
    IpAddress addr;
};

Side load_side(const Scenario& s, bool a_side, const Credentials& cred) {
    Side side;
    side.addr = IpAddress::parse(a_side ? kAddrA : kAddrB).value();
    config::LoadOptions lo;
    const IpAddress me = side.addr;
    lo.is_local_address = [me](const IpAddress& x) { return x == me; };
    auto cfg = config::parse_config(conn_text(s, a_side, cred), "bench.conf", lo);
    if (!cfg.ok()) {
        std::fprintf(stderr, "config: %s\n", cfg.error().message.c_str());
        std::exit(1);
    }
    side.config = std::move(*cfg);
    auto sec = config::Secrets::parse(secrets_text(s, a_side, cred), "bench.secrets", {});
    if (!sec.ok()) {
        std::fprintf(stderr, "secrets: %s\n", sec.error().message.c_str());
        std::exit(1);
    }
    side.secrets = std::move(*sec);
    return side;
}

struct Measured {
    long negotiations = 0;
    double cpu_seconds = 0;
    double per_second() const { return cpu_seconds > 0 ? negotiations / cpu_seconds : 0; }
};

// Negotiations until `seconds` of timed CPU have passed (at least `min_n`).
Measured negotiate(const Scenario& s, const Credentials& cred, double seconds, long min_n) {
    Side a = load_side(s, true, cred), b = load_side(s, false, cred);
    Measured m;
    while (m.cpu_seconds < seconds || m.negotiations < min_n) {
        ManualTimers timers;
        ike::MemoryLink link;
        NullSink sink_a, sink_b;
        auto ctx_a = ike::IkeContext{link.transport(ike::MemoryLink::Side::a), timers, sink_a, a.config, a.secrets,
                                     {ike::Endpoint{a.addr, ike::kIkePort}}};
        auto ctx_b = ike::IkeContext{link.transport(ike::MemoryLink::Side::b), timers, sink_b, b.config, b.secrets,
                                     {ike::Endpoint{b.addr, ike::kIkePort}}};
        auto core_a = std::make_unique<ike::Ikev1Core>(ctx_a);
        auto core_b = std::make_unique<ike::Ikev1Core>(ctx_b);
        ike::Ikev1Core* pa = core_a.get();
        ike::Ikev1Core* pb = core_b.get();
        link.set_receiver(ike::MemoryLink::Side::a, [pa](const ike::Datagram& d) { pa->on_datagram(d); });
        link.set_receiver(ike::MemoryLink::Side::b, [pb](const ike::Datagram& d) { pb->on_datagram(d); });
        timers.advance(Duration{});  // the cores' start-up timers

        bool done = false, up = false;
        std::string why;
        const double t0 = thread_cpu_seconds();
        auto st = core_a->initiate("test", [&](const ike::Outcome& o) {
            done = true;
            up = o.established;
            why = o.reason + " " + o.detail;
        });
        while (st.ok() && !done) {
            if (link.deliver_all() == 0 && !timers.run_next()) break;
            timers.advance(Duration{});
        }
        const double t1 = thread_cpu_seconds();
        if (!st.ok() || !up || sink_b.installed() != 1 || link.counters().sent != 9) {
            std::fprintf(stderr, "%s: negotiation failed (%s; %zu messages)\n", s.name.c_str(),
                         st.ok() ? why.c_str() : st.error().message.c_str(), link.counters().sent);
            std::exit(1);
        }
        m.cpu_seconds += t1 - t0;
        ++m.negotiations;
    }
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 2.0;
    bool json = false;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            seconds = 0.3;
        } else if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = std::atof(argv[++i]);
        } else if (std::strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else {
            std::fprintf(stderr, "usage: %s [--quick] [--seconds S] [--json] [--only NAME]\n", argv[0]);
            return 2;
        }
    }
    log::set_level(0);

    const Credentials cred = make_credentials();
    std::vector<Scenario> scenarios = {
        {"psk modp2048", Group::modp2048, Auth::psk, false},
        {"psk modp2048 pfs", Group::modp2048, Auth::psk, true},
        {"psk ecp256", Group::ecp256, Auth::psk, false},
        {"psk ecp256 pfs", Group::ecp256, Auth::psk, true},
        {"rsa2048 modp2048", Group::modp2048, Auth::rsa_sig, false},
        {"rsa2048 modp2048 pfs", Group::modp2048, Auth::rsa_sig, true},
        {"rsa2048 ecp256", Group::ecp256, Auth::rsa_sig, false},
        {"rsa2048 ecp256 pfs", Group::ecp256, Auth::rsa_sig, true},
    };
    if (!cred.ok) std::fprintf(stderr, "openssl could not make RSA certificates: RSA scenarios skipped\n");

    const CryptoCosts costs = measure_crypto_costs(seconds >= 1.0 ? 0.25 : 0.05);
    if (!json) {
        std::printf("Main Mode + Quick Mode (ESP aes128-sha1, NAT-T VIDs, no NAT), both peers on this thread,\n"
                    "thread CPU time; ceiling = crypto only, measured in this run (%s)\n\n",
                    OPENSSL_VERSION_TEXT);
        std::printf("  %-22s %12s %12s %8s\n", "scenario", "negot./s", "ceiling/s", "ratio");
    } else {
        std::printf("{\"scenarios\": [");
    }
    bool first = true;
    for (const Scenario& s : scenarios) {
        if (!only.empty() && s.name != only) continue;
        if (s.auth == Auth::rsa_sig && !cred.ok) continue;
        const Measured m = negotiate(s, cred, seconds, 5);
        const double ceiling = ceiling_per_second(costs, s.group, main_quick_mode_ops(s.auth, s.pfs));
        const double ratio = m.per_second() / ceiling;
        if (json) {
            std::printf("%s{\"name\": \"%s\", \"per_s\": %.1f, \"ceiling_per_s\": %.1f, \"ratio\": %.3f, "
                        "\"negotiations\": %ld}",
                        first ? "" : ", ", s.name.c_str(), m.per_second(), ceiling, ratio, m.negotiations);
        } else {
            std::printf("  %-22s %12.1f %12.1f %8.2f\n", s.name.c_str(), m.per_second(), ceiling, ratio);
        }
        std::fflush(stdout);
        first = false;
    }
    if (json) std::printf("]}\n");
    return 0;
}
