// Differential test: the csim driver (HLS kernels in C simulation) against
// the soft driver (the golden reference) on >= 100,000 random packets per
// run. Every packet's status, output octets, out_len and sequence number
// must be identical, and so must SA events, per-SA counters and state, and
// the engine counters. IKEOFF_DIFF_SEED / IKEOFF_DIFF_PACKETS override the
// seed and the packet count.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>

#include "drivers/registry.hpp"
#include "host/ipsec/engine.hpp"
#include "tests/hls/diff_gen.hpp"

namespace ikeoff::hls_test {
namespace {

using ipsec::Direction;
using ipsec::Packet;
using ipsec::PacketStatus;
using ipsec::SaHandle;

uint64_t env_u64(const char* name, uint64_t dflt) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 0) : dflt;
}

struct SaPair {
    ipsec::SaParams params;
    SaHandle soft = ipsec::kNoSa;
    SaHandle csim = ipsec::kNoSa;
};

class Differential {
public:
    explicit Differential(uint64_t seed) : rng_(seed) {
        soft_ = make("soft");
        csim_ = make("csim");
    }
    bool ready() const { return soft_ && csim_; }

    uint64_t packets() const { return packets_; }
    const std::map<std::string, uint64_t>& tally() const { return tally_; }
    int failures() const { return failures_; }

    void round();
    void final_checks();

private:
    static std::unique_ptr<ipsec::Engine> make(const char* name) {
        drivers::EngineOptions o;
        if (std::string(name) == "soft") o.soft_provider = "openssl";
        auto e = drivers::create_engine(name, o);
        if (!e.ok()) {
            ADD_FAILURE() << name << ": " << e.error().message;
            return nullptr;
        }
        return std::move(e).value();
    }

    bool add(SaPair& sa);
    void remove(SaPair& sa);
    std::vector<Bytes> outbound(const std::vector<SaPair*>& sas, std::size_t n);
    void inbound(const std::vector<SaPair*>& in_sas, std::vector<Bytes> pkts);
    // SA state before/after an inbound batch, for failure messages.
    using Snapshot = std::map<SaHandle, ipsec::SaInfo>;
    Snapshot snapshot(const std::vector<SaPair*>& sas);
    void compare_batch(Direction dir, std::vector<Packet>& a, std::vector<Packet>& b, const std::vector<Bytes>& in,
                       const std::vector<std::string>& ctx, const Snapshot& before = {}, const Snapshot& after = {});
    void compare_state(const SaPair& sa);
    void compare_events();
    void fail(const std::string& what) {
        if (++failures_ <= 20) ADD_FAILURE() << what;
    }

    Rng rng_;
    std::unique_ptr<ipsec::Engine> soft_, csim_;
    std::map<SaHandle, SaHandle> soft_to_csim_;
    std::map<SaHandle, std::string> label_;
    uint32_t next_spi_ = 0x10000;
    uint64_t packets_ = 0;
    std::map<std::string, uint64_t> tally_;
    int failures_ = 0;
};

Differential::Snapshot Differential::snapshot(const std::vector<SaPair*>& sas) {
    Snapshot s;
    for (const SaPair* p : sas) {
        auto i = soft_->query_sa(p->soft);
        if (i.ok()) s[p->soft] = *i;
    }
    return s;
}

bool Differential::add(SaPair& sa) {
    auto a = soft_->add_sa(sa.params.clone());
    auto b = csim_->add_sa(sa.params.clone());
    if (a.ok() != b.ok()) {
        fail("add_sa disagrees for " + describe(sa.params));
        return false;
    }
    if (!a.ok()) return false;
    sa.soft = *a;
    sa.csim = *b;
    soft_to_csim_[sa.soft] = sa.csim;
    label_[sa.soft] = describe(sa.params);
    return true;
}

void Differential::remove(SaPair& sa) {
    compare_state(sa);
    EXPECT_TRUE(soft_->del_sa(sa.soft).ok());
    EXPECT_TRUE(csim_->del_sa(sa.csim).ok());
}

void Differential::compare_batch(Direction dir, std::vector<Packet>& a, std::vector<Packet>& b,
                                 const std::vector<Bytes>& in, const std::vector<std::string>& ctx,
                                 const Snapshot& before, const Snapshot& after) {
    for (std::size_t i = 0; i < a.size(); ++i) {
        const Packet& x = a[i];
        const Packet& y = b[i];
        ++packets_;
        std::string key = std::string(dir == Direction::outbound ? "out " : "in ") +
                          std::string(ipsec::to_string(x.status));
        tally_[key] += 1;
        std::ostringstream why;
        if (x.status != y.status) why << "status soft=" << ipsec::to_string(x.status) << " csim=" << ipsec::to_string(y.status);
        else if (x.out_len != y.out_len) why << "out_len soft=" << x.out_len << " csim=" << y.out_len;
        else if (x.seq != y.seq) why << "seq soft=" << x.seq << " csim=" << y.seq;
        else if (!std::equal(x.out.begin(), x.out.begin() + x.out_len, y.out.begin()))
            why << "output octets differ";
        else if (dir == Direction::inbound && x.sa != ipsec::kNoSa &&
                 soft_to_csim_.count(x.sa) && soft_to_csim_[x.sa] != y.sa)
            why << "sa handle differs";
        if (!why.str().empty()) {
            std::string sa = label_.count(x.sa) ? label_[x.sa] : "(no sa)";
            if (before.count(x.sa) && after.count(x.sa))
                why << " [window top before " << before.at(x.sa).replay_top << " after " << after.at(x.sa).replay_top
                    << "; seq soft " << x.seq << " csim " << y.seq << "]";
            fail((dir == Direction::outbound ? "outbound" : "inbound") + std::string(" packet ") + std::to_string(i) +
                 " (in " + std::to_string(in[i].size()) + " octets, " + ctx[i] + ") on " + sa + ": " + why.str() +
                 "\n  in[0..160): " + to_hex(ByteView(in[i]).first(std::min<std::size_t>(160, in[i].size()))));
        }
    }
}

std::vector<Bytes> Differential::outbound(const std::vector<SaPair*>& sas, std::size_t n) {
    std::vector<Bytes> in(n), out_a(n), out_b(n);
    std::vector<Packet> a(n), b(n);
    std::vector<std::string> ctx(n);
    for (std::size_t i = 0; i < n; ++i) {
        SaPair& sa = *sas[uniform(rng_, 0, sas.size() - 1)];
        const bool v6 = chance(rng_, 0.5);
        in[i] = random_inner(rng_, v6, random_payload_size(rng_, 9000), true);
        ctx[i] = v6 ? "inner v6" : "inner v4";
        if (chance(rng_, 0.01)) {  // a length field that disagrees with the buffer
            in[i].push_back(0);
            ctx[i] += " +1 octet";
        }
        std::size_t cap = in[i].size() + ipsec::kMaxOverhead;
        if (chance(rng_, 0.02)) {
            cap = std::size_t(uniform(rng_, 0, cap));
            ctx[i] += " out " + std::to_string(cap);
        }
        out_a[i].assign(cap, 0xa5);
        out_b[i].assign(cap, 0x5a);
        a[i].in = in[i];
        b[i].in = in[i];
        a[i].out = out_a[i];
        b[i].out = out_b[i];
        a[i].sa = chance(rng_, 0.005) ? 0xfffff : sa.soft;  // an unknown handle now and then
        b[i].sa = a[i].sa == sa.soft ? sa.csim : a[i].sa;
    }
    soft_->process(Direction::outbound, a);
    csim_->process(Direction::outbound, b);
    compare_batch(Direction::outbound, a, b, in, ctx);
    std::vector<Bytes> produced;
    for (std::size_t i = 0; i < n; ++i)
        if (a[i].status == PacketStatus::ok) produced.emplace_back(out_a[i].begin(), out_a[i].begin() + a[i].out_len);
    return produced;
}

void Differential::inbound(const std::vector<SaPair*>& in_sas, std::vector<Bytes> pkts) {
    // Perturb: duplicates (replays), local reordering, tampering, truncation,
    // trailing octets, junk, and crafted null-ESP packets with bad trailers.
    std::vector<Bytes> extra;
    for (const Bytes& p : pkts) {
        if (chance(rng_, 0.08)) extra.push_back(p);
    }
    pkts.insert(pkts.end(), extra.begin(), extra.end());
    for (std::size_t i = 1; i < pkts.size(); ++i)
        if (chance(rng_, 0.3)) std::swap(pkts[i], pkts[uniform(rng_, i > 8 ? i - 8 : 0, i)]);
    std::vector<std::string> ctx(pkts.size(), "as sent");
    for (std::size_t i = 0; i < pkts.size(); ++i) {
        Bytes& p = pkts[i];
        const uint64_t what = uniform(rng_, 0, 99);
        if (what < 6 && !p.empty()) {
            std::size_t at = uniform(rng_, 0, p.size() - 1);
            p[at] ^= uint8_t(1u << uniform(rng_, 0, 7));
            ctx[i] = "bit flip at " + std::to_string(at);
        } else if (what < 8 && !p.empty()) {
            p.resize(uniform(rng_, 0, p.size() - 1));
            ctx[i] = "truncated";
        } else if (what < 9) {
            for (int k = 0; k < 5; ++k) p.push_back(uint8_t(rng_()));
            ctx[i] = "trailing octets";
        } else if (what < 10) {
            p.resize(uniform(rng_, 0, 200));
            for (auto& x : p) x = uint8_t(rng_());
            ctx[i] = "junk";
        }
    }
    for (SaPair* sa : in_sas) {
        const ipsec::SaParams& q = sa->params;
        if (q.protocol != ipsec::Protocol::esp || q.enc.alg != ipsec::EncAlg::null || q.encap) continue;
        // ICV right, trailer wrong: bad pad length, bad pattern, wrong next header in tunnel mode.
        auto info = soft_->query_sa(sa->soft);
        uint64_t seq = info.ok() ? info->replay_top + 1 + uniform(rng_, 0, 3) : 1;
        Bytes body(uniform(rng_, 0, 40));
        for (auto& x : body) x = uint8_t(rng_());
        Bytes trailer;
        switch (uniform(rng_, 0, 2)) {
            case 0: trailer = {1, 2, 3, 9, 4}; break;   // pad length 9 > what precedes (with short body)
            case 1: trailer = {1, 7, 3, 3, 4}; break;   // padding not 1,2,3
            default: trailer = {0, 6}; break;           // next header 6 (TCP): bad in tunnel mode only
        }
        if (body.size() < 12) body.resize(0);
        pkts.push_back(craft_null_esp(q, seq, body, trailer, q.dst.is_v6()));
        ctx.push_back("crafted trailer");
    }

    const std::size_t n = pkts.size();
    std::vector<Bytes> out_a(n), out_b(n);
    std::vector<Packet> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t cap = pkts[i].size();
        if (chance(rng_, 0.02)) {
            cap = std::size_t(uniform(rng_, 0, cap));
            ctx[i] += ", out " + std::to_string(cap);
        }
        out_a[i].assign(cap, 0xa5);
        out_b[i].assign(cap, 0x5a);
        a[i].in = pkts[i];
        b[i].in = pkts[i];
        a[i].out = out_a[i];
        b[i].out = out_b[i];
        const uint64_t h = uniform(rng_, 0, 99);
        if (h < 20 && !in_sas.empty()) {  // the right or a random SA handle given by the caller
            SaPair& s = *in_sas[uniform(rng_, 0, in_sas.size() - 1)];
            a[i].sa = s.soft;
            b[i].sa = s.csim;
        }
    }
    const Snapshot before = snapshot(in_sas);
    soft_->process(Direction::inbound, a);
    csim_->process(Direction::inbound, b);
    compare_batch(Direction::inbound, a, b, pkts, ctx, before, snapshot(in_sas));
}

void Differential::compare_state(const SaPair& sa) {
    auto x = soft_->query_sa(sa.soft);
    auto y = csim_->query_sa(sa.csim);
    ASSERT_TRUE(x.ok() && y.ok());
    const std::string l = describe(sa.params);
    if (x->next_seq != y->next_seq) fail("next_seq differs on " + l);
    if (x->replay_top != y->replay_top) fail("replay_top differs on " + l);
    if (x->soft_expired != y->soft_expired || x->hard_expired != y->hard_expired) fail("expiry differs on " + l);
    if (x->counters.packets != y->counters.packets || x->counters.bytes != y->counters.bytes)
        fail("packet/byte counters differ on " + l);
    if (x->counters.drops != y->counters.drops) fail("drop counters differ on " + l);
}

void Differential::compare_events() {
    auto ea = soft_->take_events();
    auto eb = csim_->take_events();
    if (ea.size() != eb.size()) {
        fail("event count soft=" + std::to_string(ea.size()) + " csim=" + std::to_string(eb.size()));
        return;
    }
    for (std::size_t i = 0; i < ea.size(); ++i) {
        tally_["event " + std::string(ipsec::to_string(ea[i].kind))] += 1;
        if (soft_to_csim_[ea[i].sa] != eb[i].sa || ea[i].kind != eb[i].kind || ea[i].by_bytes != eb[i].by_bytes ||
            ea[i].spi != eb[i].spi)
            fail("event " + std::to_string(i) + " differs (" + std::string(ipsec::to_string(ea[i].kind)) + " vs " +
                 std::string(ipsec::to_string(eb[i].kind)) + ")");
    }
}

void Differential::round() {
    // A group of 1-3 SA configurations, each as an outbound SA plus a matching
    // inbound SA (or one SA used both ways).
    std::vector<SaPair> outs, ins;
    const std::size_t groups = uniform(rng_, 1, 3);
    for (std::size_t g = 0; g < groups; ++g) {
        const uint32_t spi = next_spi_ += uint32_t(uniform(rng_, 1, 1000));
        const bool both = chance(rng_, 0.2);
        SaPair o;
        o.params = random_sa(rng_, spi, both ? ipsec::SaDirection::both : ipsec::SaDirection::outbound);
        if (!add(o)) continue;
        outs.push_back(std::move(o));
        if (!both) {
            SaPair in;
            in.params = outs.back().params.clone();
            in.params.direction = ipsec::SaDirection::inbound;
            if (add(in)) ins.push_back(std::move(in));
        }
    }
    std::vector<SaPair*> out_ptrs, in_ptrs;
    for (auto& s : outs) {
        out_ptrs.push_back(&s);
        if (s.params.direction == ipsec::SaDirection::both) in_ptrs.push_back(&s);
    }
    for (auto& s : ins) in_ptrs.push_back(&s);
    if (out_ptrs.empty()) return;

    const std::size_t batches = uniform(rng_, 1, 4);
    for (std::size_t k = 0; k < batches; ++k) {
        auto produced = outbound(out_ptrs, uniform(rng_, 1, 48));
        if (chance(rng_, 0.1)) {
            // Limits changed on a live SA (possibly already exceeded).
            SaPair& s = *out_ptrs[uniform(rng_, 0, out_ptrs.size() - 1)];
            ipsec::SaUpdate u;
            ipsec::Lifetime hard{0, uniform(rng_, 1, 60)};
            u.hard = hard;
            u.soft = ipsec::Lifetime{0, uniform(rng_, 1, hard.packets)};
            bool ra = soft_->update_sa(s.soft, u).ok();
            bool rb = csim_->update_sa(s.csim, u).ok();
            if (ra != rb) fail("update_sa disagrees");
        }
        // Sometimes an inbound SA never saw some packets: drop a few.
        if (chance(rng_, 0.3) && !produced.empty()) produced.erase(produced.begin());
        inbound(in_ptrs, std::move(produced));
        compare_events();
    }
    for (auto& s : outs) remove(s);
    for (auto& s : ins) remove(s);
    compare_events();
}

void Differential::final_checks() {
    auto x = soft_->counters();
    auto y = csim_->counters();
    EXPECT_EQ(x.packets, y.packets);
    EXPECT_EQ(x.bytes_in, y.bytes_in);
    EXPECT_EQ(x.bytes_out, y.bytes_out);
    EXPECT_EQ(x.by_status, y.by_status);
}

TEST(CsimDifferential, RandomPacketsMatchSoftBitForBit) {
    const uint64_t seed = env_u64("IKEOFF_DIFF_SEED", 0x1de0ff10ad);
    const uint64_t target = env_u64("IKEOFF_DIFF_PACKETS", 100000);
    Differential d(seed);
    ASSERT_TRUE(d.ready());
    const auto t0 = std::chrono::steady_clock::now();
    while (d.packets() < target && d.failures() < 20) d.round();
    d.final_checks();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::ostringstream s;
    s << "differential: " << d.packets() << " packets compared, seed 0x" << std::hex << seed << std::dec << ", "
      << secs << " s\n";
    for (const auto& [k, v] : d.tally()) s << "  " << k << ": " << v << "\n";
    std::cout << s.str();
    RecordProperty("packets", std::to_string(d.packets()));
    EXPECT_GE(d.packets(), target);
    EXPECT_EQ(d.failures(), 0);
    // The run must actually reach the interesting outcomes, or it proves little.
    for (const char* k : {"out ok", "in ok", "in icv-failure", "in replay", "in before-window", "in malformed",
                          "in unknown-spi", "in bad-padding", "out seq-overflow", "out sa-expired",
                          "out buffer-too-small", "in buffer-too-small", "out malformed", "event soft-expired",
                          "event hard-expired", "event seq-overflow"}) {
        EXPECT_GT(d.tally().count(k) ? d.tally().at(k) : 0, 0u) << "never saw " << k;
    }
}

}  // namespace
}  // namespace ikeoff::hls_test
