#include "peers.hpp"

#include <gtest/gtest.h>

namespace ikeoff::ike::test {

using namespace std::chrono_literals;

Result<ChildSaId> RecordingSink::install(ChildSaInstall sa) {
    if (fail_installs) return Error{Errc::unsupported, "install refused by the test"};
    IKEOFF_TRY(ipsec::validate(sa.inbound));
    IKEOFF_TRY(ipsec::validate(sa.outbound));
    ChildSaId id = next_id_++;
    installed.emplace(id, std::move(sa));
    return id;
}

Status RecordingSink::remove(ChildSaId id) {
    auto it = installed.find(id);
    if (it == installed.end()) return Error{Errc::not_found, "no such pair"};
    installed.erase(it);
    removed.push_back(id);
    return {};
}

Result<ChildSaUsage> RecordingSink::usage(ChildSaId id) const {
    if (!installed.count(id)) return Error{Errc::not_found, "no such pair"};
    ChildSaUsage u;
    if (auto it = inbound_packets.find(id); it != inbound_packets.end()) u.inbound.packets = it->second;
    return u;
}

TwoPeers::TwoPeers(const std::string& conf_a, const std::string& secrets_a, const std::string& conf_b,
                   const std::string& secrets_b, IkeTuning tuning) {
    link_ = std::make_unique<MemoryLink>(timers_, 1ms);
    make_peer(a_, "a", kAddrA, conf_a, secrets_a, MemoryLink::Side::a, 0xa0000001, tuning);
    make_peer(b_, "b", kAddrB, conf_b, secrets_b, MemoryLink::Side::b, 0xb0000001, tuning);
}

TwoPeers::~TwoPeers() {
    // Cores first: they cancel their timers; the link cancels its own.
    a_.core.reset();
    b_.core.reset();
}

void TwoPeers::make_peer(Peer& p, const std::string& name, const char* addr, const std::string& conf,
                         const std::string& secrets, MemoryLink::Side side, uint32_t spi_base, const IkeTuning& t) {
    p.name = name;
    p.addr = IpAddress::parse(addr).value();
    config::LoadOptions lo;
    const IpAddress me = p.addr;
    lo.is_local_address = [me](const IpAddress& x) { return x == me; };
    lo.check_files = false;
    auto cfg = config::parse_config(conf, name + ".conf", lo);
    if (!cfg.ok()) {
        ADD_FAILURE() << cfg.error().message;
        return;
    }
    p.config = std::move(*cfg);
    config::SecretsOptions so;
    so.check_files = false;
    auto sec = config::Secrets::parse(secrets, name + ".secrets", so);
    if (!sec.ok()) {
        ADD_FAILURE() << sec.error().message;
        return;
    }
    p.secrets = std::move(*sec);
    p.sink = std::make_unique<RecordingSink>(spi_base);
    IkeContext ctx{link_->transport(side), timers_, *p.sink, p.config, p.secrets,
                   {Endpoint{p.addr, kIkePort}, Endpoint{p.addr, kNatTPort}}};
    p.core = std::make_unique<Ikev1Core>(ctx, t);
    Ikev1Core* core = p.core.get();
    link_->set_receiver(side, [core](const Datagram& d) { core->on_datagram(d); });
}

std::shared_ptr<UpResult> TwoPeers::up(Peer& p, const std::string& conn) {
    auto r = std::make_shared<UpResult>();
    auto st = p.core->initiate(conn, [r](const Outcome& o) {
        EXPECT_FALSE(r->done) << "completion ran twice";
        r->done = true;
        r->outcome = o;
    });
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
    return r;
}

bool TwoPeers::run(const std::shared_ptr<UpResult>& r, Duration limit) {
    return timers_.run_until([&] { return r->done; }, limit);
}

std::string conn_text(const char* local, const char* remote, const char* local_net, const char* remote_net,
                      const std::vector<std::string>& extra) {
    std::vector<std::pair<std::string, std::string>> kv = {
        {"keyexchange", "ikev1"}, {"left", local}, {"right", remote}, {"authby", "secret"},
        {"ike", "aes128-sha1-modp2048!"}, {"esp", "aes128-sha1!"}, {"auto", "add"}};
    if (local_net) kv.emplace_back("leftsubnet", local_net);
    if (remote_net) kv.emplace_back("rightsubnet", remote_net);
    for (const auto& e : extra) {
        auto eq = e.find('=');
        std::string k = e.substr(0, eq), v = eq == std::string::npos ? "" : e.substr(eq + 1);
        bool replaced = false;
        for (auto& [key, val] : kv) {
            if (key == k) {
                val = v;
                replaced = true;
            }
        }
        if (!replaced) kv.emplace_back(k, v);
    }
    std::string s = "conn test\n";
    for (const auto& [k, v] : kv) {
        if (!v.empty()) s += "    " + k + "=" + v + "\n";
    }
    return s;
}

std::string psk_secrets(const std::string& secret) {
    return std::string(TwoPeers::kAddrA) + " " + TwoPeers::kAddrB + " : PSK \"" + secret + "\"\n";
}

std::string compare_pair(const ChildSaInstall& x, const ChildSaInstall& y) {
    auto same = [](const ipsec::SaParams& out, const ipsec::SaParams& in) -> std::string {
        if (out.spi != in.spi) return "SPI";
        if (out.protocol != in.protocol || out.mode != in.mode) return "protocol/mode";
        if (!(out.enc == in.enc) || out.integ != in.integ) return "algorithms";
        if (!ct_equal(out.enc_key, in.enc_key)) return "encryption key";
        if (!ct_equal(out.integ_key, in.integ_key)) return "integrity key";
        if (out.src != in.src || out.dst != in.dst) return "addresses";
        if (out.encap.has_value() != in.encap.has_value()) return "encapsulation";
        if (out.encap && (out.encap->src_port != in.encap->src_port || out.encap->dst_port != in.encap->dst_port))
            return "encapsulation ports";
        return {};
    };
    if (auto w = same(x.outbound, y.inbound); !w.empty()) return "x->y differs in " + w;
    if (auto w = same(y.outbound, x.inbound); !w.empty()) return "y->x differs in " + w;
    if (!(x.selector.local == y.selector.remote) || !(x.selector.remote == y.selector.local)) return "selectors";
    return {};
}

}  // namespace ikeoff::ike::test
