// The IKEv1 engine behind IkeCore (ike_core.hpp): ISAKMP SAs indexed by
// cookies, one TaskManager each, the IPsec SA pairs Quick Mode installed,
// and the `up` requests waiting for them.
//
// Who does what:
//   ikev1_core.cpp      datagram dispatch, SA lookup and creation, the
//                       task manager hooks (what a finished or failed
//                       exchange means), deferred destruction
//   core_control.cpp    initiate / terminate / shutdown / status, IPsec SA
//                       bookkeeping, deletes, lifetimes
// Destruction is deferred: hooks run inside a TaskManager call, so an SA
// that must go is marked and removed (reap()) once control is back here.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "host/ike/ike_core.hpp"
#include "host/ike/ike_sa.hpp"
#include "host/ike/task.hpp"
#include "host/ike/task_manager.hpp"
#include "host/ike/tuning.hpp"
#include "host/isakmp/header.hpp"

namespace ikeoff::ike {

class QuickMode;
struct RekeyOps;    // rekey_ops.hpp: lifetimes, reauthentication, DPD, New Group Mode
struct RekeyState;

struct CoreCounters {
    uint64_t malformed = 0;          // not even an ISAKMP header
    uint64_t unknown_sa = 0;         // cookies of no SA of ours
    uint64_t no_connection = 0;      // first messages nobody is configured for
    uint64_t half_open_refused = 0;  // first messages over the half-open limit
    uint64_t refused_first = 0;      // first messages the exchange refused
    uint64_t unprotected_notifies = 0;
    uint64_t installed = 0;          // IPsec SA pairs installed
    uint64_t install_failures = 0;
};

class Ikev1Core final : public IkeCore, private TaskManager::Hooks {
public:
    explicit Ikev1Core(const IkeContext& ctx, IkeTuning tuning = {});
    ~Ikev1Core() override;
    Ikev1Core(const Ikev1Core&) = delete;
    Ikev1Core& operator=(const Ikev1Core&) = delete;

    void on_datagram(const Datagram& d) override;
    Status initiate(std::string_view conn, Completion done) override;
    Status terminate(std::string_view conn) override;
    IkeStatus status() const override;
    void on_child_sa_event(ChildSaId id, ipsec::SaEventKind kind) override;
    void shutdown() override;

    // For tests and diagnostics.
    const CoreCounters& counters() const noexcept { return counters_; }
    std::vector<const IsakmpSa*> isakmp_sas() const;
    const TaskManager* task_manager(uint64_t sa_id) const;
    std::size_t child_count() const noexcept { return children_.size(); }
    const RekeyState* rekey_state() const noexcept { return rekey_.get(); }

    // New Group Mode (RFC 2409 §5.6) on `conn`'s established ISAKMP SA:
    // proposes the private MODP `group` under `description` (32768..65535);
    // Quick Mode PFS on that SA then uses it. `done` runs once, later.
    // Defined in rekey_core.cpp.
    Status new_group(std::string_view conn, uint16_t description, crypto::DhGroup group, Completion done);

private:
    struct Entry {
        std::unique_ptr<IsakmpSa> sa;
        std::unique_ptr<TaskManager> tm;
        bool doomed = false;
        TimerId keepalive = kNoTimer;  // RFC 3948 NAT-keepalives while we are the NATed side
    };
    struct Child {
        ChildSaId id = kNoChildSa;
        uint64_t isakmp_sa = 0;
        const config::Connection* conn = nullptr;
        ipsec::Protocol protocol = ipsec::Protocol::esp;
        uint32_t spi_in = 0, spi_out = 0;
        IpAddress peer;
        uint16_t pfs_group = 0;
        uint32_t lifetime_s = 0;
        uint64_t lifetime_kb = 0;
        ipsec::TrafficSelector selector;  // our view (local = our side)
        TimePoint installed{};
        TimerId expiry = kNoTimer;
    };
    using CookiePair = std::pair<isakmp::Cookie, isakmp::Cookie>;

    // TaskManager::Hooks
    void task_done(IsakmpSa& sa, Task& task) override;
    void task_failed(IsakmpSa& sa, Task& task, isakmp::NotifyType notify, const std::string& detail,
                     bool timeout) override;
    void notify_peer(IsakmpSa& sa, isakmp::NotifyType notify) override;
    std::unique_ptr<Task> responder_for(IsakmpSa& sa, const isakmp::Header& h) override;
    void unprotected_informational(IsakmpSa& sa, const Datagram& d) override;

    // ikev1_core.cpp
    Entry* lookup(const isakmp::Header& h, const Datagram& d, bool& tentative_cookie);
    void new_responder(const Datagram& d, const isakmp::Framed& f);
    Entry* add_entry(std::unique_ptr<IsakmpSa> sa);
    Entry* entry(uint64_t id);
    void rekey_cookies(Entry& e);
    std::vector<const config::Connection*> connections_for(const IpAddress& local, const IpAddress& remote) const;
    std::vector<const config::Connection*> quick_mode_candidates(const IsakmpSa& sa) const;
    void phase1_established(IsakmpSa& sa, bool initial_contact);
    void schedule_keepalive(uint64_t id);
    void quick_mode_done(IsakmpSa& sa, QuickMode& qm);
    void informational_done(IsakmpSa& sa, Task& task);
    void doom(uint64_t id);
    void reap();
    std::size_t half_open() const;

    // core_control.cpp
    void start_phase1(const config::Connection& c);
    void start_quick_mode(Entry& e, const config::Connection& c);
    void send_informational(Entry& e, std::vector<isakmp::Payload> payloads);
    void complete(const std::string& conn, const Outcome& o);
    void remove_child(ChildSaId id, bool send_delete);
    void expire_isakmp(uint64_t id);
    void drop_isakmp(Entry& e, bool send_delete);
    Entry* established_for(const config::Connection& c);
    bool quick_mode_running(const Entry& e, const config::Connection& c) const;

    IkeContext ctx_;
    IkeTuning tuning_;
    TaskEnv env_;
    std::map<uint64_t, Entry> sas_;
    std::map<CookiePair, uint64_t> by_cookies_;
    std::multimap<isakmp::Cookie, uint64_t> by_icookie_;
    std::map<ChildSaId, Child> children_;
    std::map<std::string, std::vector<Completion>, std::less<>> pending_;
    std::set<TimerId> timers_;  // one-shot timers of our own (completions, reap, auto=start)
    TimerId reap_timer_ = kNoTimer;
    uint64_t next_id_ = 1;
    bool shutting_down_ = false;
    CoreCounters counters_;
    friend struct RekeyOps;
    std::unique_ptr<RekeyState> rekey_;  // created on first use; declared last so it goes first
};

}  // namespace ikeoff::ike
