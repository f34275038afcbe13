// What keeps negotiated SAs alive and fresh, wired into the IKEv1 core
// (ikev1_core.hpp): IPsec SA rekeying and expiry (lifetimes.hpp), ISAKMP SA
// reauthentication, Dead Peer Detection (tasks/dpd.hpp) and New Group Mode
// (tasks/new_group_mode.hpp).
//
// The core calls the RekeyOps hooks at the points where SAs appear and go;
// RekeyOps (a friend of Ikev1Core) reaches back into the core to start
// exchanges and remove SAs. The state lives in one RekeyState per core.
//
// ISAKMP SA lifetime. IKEv1 cannot rekey an ISAKMP SA; it is replaced by a
// fresh phase 1 ("reauthentication"), started at
//   ikelifetime - rekeymargin - fuzz      (half the margin when the peer
//                                          initiated the SA, as for IPsec SAs)
// from the ports the old SA uses (directly on 4500 after floating, as
// strongSwan does) and without INITIAL-CONTACT, so the peer keeps its
// IPsec SAs. When the new SA is up, it adopts the old one's IPsec SAs (no
// Quick Mode: the pairs stay, only their parent changes) and the old one is
// deleted. The responder side does the same adoption whenever a new ISAKMP
// SA for the same connection, peer and identity comes up without
// INITIAL-CONTACT: that is strongSwan's reauthentication ("detected reauth
// of existing IKE_SA, adopting N children"), and when strongSwan later
// deletes the old ISAKMP SA our IPsec SAs stay. The hard expiry (the core's
// expiry timer) deletes the ISAKMP SA only; IPsec SAs live by their own
// lifetimes.
//
// DPD. One detector per established ISAKMP SA (every SA answers R-U-THERE;
// only the newest SA of a connection asks, and only with dpdaction= set and
// a peer that sent the DPD vendor ID). On a dead peer:
//   clear    the connection's IPsec SAs and ISAKMP SAs with that peer are
//            removed (no Delete: nobody would read it)
//   hold     the same; without traffic-triggered setup (no acquires in this
//            engine) the connection comes back with the next `up`
//   restart  the same, then the connection is initiated again
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "host/ike/ikev1_core.hpp"
#include "host/ike/lifetimes.hpp"
#include "host/ike/tasks/dpd.hpp"
#include "host/ike/tasks/new_group_mode.hpp"

namespace ikeoff::ike {

struct RekeyState {
    RekeyState(Timers& t, ChildLifetimes::Actions actions) : timers(t), children(t, std::move(actions)) {}
    ~RekeyState() {
        for (const auto& [id, t] : reauth_timers) timers.cancel(t);
    }
    RekeyState(const RekeyState&) = delete;
    RekeyState& operator=(const RekeyState&) = delete;

    Timers& timers;
    ChildLifetimes children;
    std::map<uint64_t, TimerId> reauth_timers;  // ISAKMP SA id -> reauthentication timer
    std::map<uint64_t, uint64_t> reauth_of;     // new ISAKMP SA id -> the SA it replaces
    std::map<uint64_t, std::unique_ptr<DeadPeerDetector>> dpd;  // per ISAKMP SA id
    std::map<const Task*, Completion> ngm_waiting;  // our New Group Modes and their requesters
    uint64_t fuzz_state = 0;                        // rekey fuzz PRNG (rekey_core.cpp)
    struct Counters {
        uint64_t reauth_started = 0;
        uint64_t adopted = 0;             // IPsec SAs moved to a new ISAKMP SA
        uint64_t dpd_dead = 0;
        uint64_t dpd_dropped = 0;         // malformed or unexpected DPD notifies
    } counters;
};

struct RekeyOps {
    // ---- hooks called by the core ----
    static void phase1_up(Ikev1Core& core, IsakmpSa& sa, bool initial_contact);
    static void isakmp_gone(Ikev1Core& core, uint64_t id);
    static void child_added(Ikev1Core& core, IsakmpSa& sa, const Ikev1Core::Child& ch, const QuickMode& qm);
    static void child_removed(Ikev1Core& core, ChildSaId id);
    static void child_event(Ikev1Core& core, ChildSaId id, ipsec::SaEventKind kind);
    // A notify in a protected Informational; true when it was DPD's.
    static bool notify(Ikev1Core& core, IsakmpSa& sa, const isakmp::NotifyPayload& n);
    static void annotate(const Ikev1Core& core, IpsecSaStatus& st);
    static std::unique_ptr<Task> new_group_responder(Ikev1Core& core, IsakmpSa& sa, const isakmp::Header& h);
    static void new_group_done(Ikev1Core& core, IsakmpSa& sa, Task& task);
    static void new_group_failed(Ikev1Core& core, IsakmpSa& sa, Task& task, const std::string& reason,
                                 const std::string& detail);

    // ---- requests ----
    // New Group Mode on `conn`'s established ISAKMP SA; `done` runs once.
    static Status new_group(Ikev1Core& core, std::string_view conn, NewGroup group, Completion done);

    // ---- internals ----
    static RekeyState& state(Ikev1Core& core);
    static Ikev1Core::Entry* newest_established(Ikev1Core& core, const config::Connection& c,
                                                const IpAddress* peer = nullptr);
    static void rekey_child(Ikev1Core& core, ChildSaId id);
    static void remove_child(Ikev1Core& core, ChildSaId id);
    static void reauthenticate(Ikev1Core& core, uint64_t id);
    static void start_dpd(Ikev1Core& core, IsakmpSa& sa);
    static void peer_dead(Ikev1Core& core, uint64_t id);
};

}  // namespace ikeoff::ike
