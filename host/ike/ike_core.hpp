// THE interface between the daemon and the IKEv1 engine.
//
// The daemon (host/daemon) owns sockets, the event loop, the control socket,
// the ESP engine, the SPD and the TUN device. The IKE engine (host/ike) owns
// ISAKMP SAs, exchanges, retransmissions and lifetimes. They meet here, and
// only here:
//
//   daemon -> IKE:  IkeCore (below): datagrams in, up/down/status requests,
//                   engine lifetime events.
//   IKE -> daemon:  IkeContext: a Transport to send datagrams (transport.hpp),
//                   Timers for every wait (timers.hpp), an SaSink to install
//                   and remove IPsec SAs, the loaded configuration and secrets.
//
// Threading: everything runs on the daemon's one event-loop thread. IkeCore
// methods are never called concurrently or re-entrantly from inside a
// Transport::send(), SaSink call or Completion; callbacks IKE registers
// with Timers run on the same thread. No locks are needed on either side.
//
// Ownership: the daemon creates the IkeCore after everything IkeContext
// refers to and destroys it first, so IKE may keep the references (copy the
// IkeContext itself; the daemon's instance is only valid during the
// create_ike_core() call).
//
// Tests run two IkeCores against each other in one process: a MemoryLink
// (transport.hpp) between them, ManualTimers for virtual time, and as SaSink
// either daemon::SaManager over a soft engine and an Spd (host/daemon/
// sa_manager.hpp: the SAs really land in an engine and can carry packets) or
// a test double that records installs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/common/result.hpp"
#include "host/common/timers.hpp"
#include "host/config/config.hpp"
#include "host/config/secrets.hpp"
#include "host/ike/transport.hpp"
#include "host/ipsec/engine.hpp"
#include "host/ipsec/sa.hpp"
#include "host/ipsec/spd.hpp"

namespace ikeoff::ike {

// ---- initiation results ------------------------------------------------------

// How an `up` ended. `reason` is machine-readable and printed by
// `ikeoffctl up` on failure:
//   - the RFC 2408 §3.14.1 notify name the peer sent or we concluded, in
//     upper case with dashes: "NO-PROPOSAL-CHOSEN", "AUTHENTICATION-FAILED",
//     "INVALID-ID-INFORMATION", "INVALID-KEY-INFORMATION", "PAYLOAD-MALFORMED", ...
//   - "timeout": the peer did not answer after all retransmissions;
//   - "deleted": the SA was torn down (peer Delete, `down`) before it was up;
//   - "config": the connection cannot be initiated (no remote address,
//     missing secret or certificate);
//   - "unsupported": this build cannot do what the connection asks.
struct Outcome {
    bool established = false;
    std::string reason;  // empty when established
    std::string detail;  // one sentence for people: "peer refused all 3 ESP proposals"

    static Outcome success() { return {true, {}, {}}; }
    static Outcome failure(std::string reason, std::string detail) {
        return {false, std::move(reason), std::move(detail)};
    }
};

// Runs exactly once per initiate() call that returned ok.
using Completion = std::function<void(const Outcome&)>;

// ---- installing IPsec SAs ------------------------------------------------------

// The daemon's handle for one installed inbound+outbound SA pair.
using ChildSaId = uint64_t;
inline constexpr ChildSaId kNoChildSa = 0;

// What a finished Quick Mode (or a manual key) produces. Both SaParams are
// complete: SPI, protocol, mode, addresses, algorithms, keys (with GCM salt
// appended to enc_key), replay window, byte/packet lifetimes and, for
// NAT-T, `encap` with the ports in use (RFC 3948). Time lifetimes stay with
// IKE (it owns the clock); the engine enforces byte/packet limits.
//   inbound:  spi = ours (from allocate_spi), src = peer, dst = us,
//             direction = inbound
//   outbound: spi = the peer's, src = us, dst = peer, direction = outbound
struct ChildSaInstall {
    std::string conn;               // connection name (status, `down`, policy owner)
    uint64_t isakmp_sa = 0;         // IKE's id of the phase-1 SA that made it (0: manual)
    ipsec::TrafficSelector selector;  // local = our side (IDci when we initiated)
    ipsec::SaParams inbound;
    ipsec::SaParams outbound;
};

struct ChildSaUsage {
    ipsec::SaCounters inbound;
    ipsec::SaCounters outbound;
};

// Implemented by the daemon (engine + SPD + routes) and by test doubles.
class SaSink {
public:
    virtual ~SaSink() = default;

    // GETSPI (as in PF_KEY, RFC 2367): an inbound SPI no installed or
    // reserved SA uses, to put in our Quick Mode proposal before keys exist.
    virtual Result<uint32_t> allocate_spi(ipsec::Protocol protocol) = 0;
    // Installs both directions and the policy, atomically: on error nothing
    // stays installed. The outbound SA takes over traffic for `selector` at
    // once (a rekey's new pair replaces the old one for new packets; the old
    // inbound SA keeps working until removed).
    virtual Result<ChildSaId> install(ChildSaInstall sa) = 0;
    // Removes both directions and the policy; keys are wiped. not_found for
    // an unknown id.
    virtual Status remove(ChildSaId id) = 0;
    // Engine counters of both directions (idle detection, DPD, status).
    virtual Result<ChildSaUsage> usage(ChildSaId id) const = 0;
};

// ---- status -----------------------------------------------------------------

struct IsakmpSaStatus {
    uint64_t id = 0;                 // IKE's own id, stable while the SA lives
    std::string conn;
    std::string state;               // "connecting", "established", "deleting"
    bool initiator = false;
    std::string exchange;            // "main" | "aggressive"
    std::string auth;                // "psk", "rsasig", "dsssig", "rsaenc", "rsaencrev"
    Endpoint local;                  // current ports (4500 after floating)
    Endpoint remote;
    std::string local_id;            // Identity::to_string()
    std::string remote_id;
    std::string cookie_i;            // 16 hex digits
    std::string cookie_r;            // 16 hex digits; zeros before the first reply
    std::string proposal;            // "aes128-sha1-modp2048" (empty while connecting)
    bool nat_local = false;          // RFC 3947: we are behind a NAT
    bool nat_remote = false;         // the peer is (or fakes being) behind a NAT
    int64_t lifetime_s = 0;          // negotiated, 0 = none
    int64_t age_s = 0;               // since established (or since started)
    int64_t expires_in_s = -1;       // -1: no expiry scheduled
};

// IKE's view of one Quick Mode result; the daemon adds SPIs, algorithms,
// traffic selectors and engine counters from what it installed under `id`,
// so IKE does not have to repeat them.
struct IpsecSaStatus {
    ChildSaId id = kNoChildSa;
    uint64_t isakmp_sa = 0;
    std::string conn;
    std::string state;               // "installed", "rekeying", "rekeyed" (superseded), "deleting"
    uint16_t pfs_group = 0;          // 0 = no PFS
    int64_t lifetime_s = 0;
    uint64_t lifetime_kb = 0;
    int64_t age_s = 0;
    int64_t rekey_in_s = -1;         // -1: no rekey scheduled
    int64_t expires_in_s = -1;
};

struct IkeStatus {
    std::vector<IsakmpSaStatus> isakmp;
    std::vector<IpsecSaStatus> ipsec;
};

// ---- the engine ---------------------------------------------------------------

struct IkeContext {
    Transport& transport;
    Timers& timers;
    SaSink& sas;
    const config::Config& config;
    const config::Secrets& secrets;
    // The sockets the daemon listens on (their local endpoints; 0.0.0.0 or
    // :: for a wildcard socket). IKE sends from these ports only: 500,
    // and 4500 once NAT-T is in use.
    std::vector<Endpoint> listening;
};

class IkeCore {
public:
    virtual ~IkeCore() = default;

    // One received IKE message: on port 500 as it arrived, on 4500 with the
    // non-ESP marker already removed. Keepalives and ESP never come here.
    // Anything malformed is IKE's to drop or answer; it must not throw.
    virtual void on_datagram(const Datagram& d) = 0;

    // Brings `conn` up as initiator (phase 1 if needed, then Quick Mode).
    // Errors (returned, `done` never runs): not_found for an unknown
    // connection. Otherwise `done` runs exactly once, later: success when
    // the connection's IPsec SAs are installed (at once, via a zero timer,
    // if they already are), or failure with a reason. The daemon bounds the
    // wait itself (`ikeoffctl up` timeout), so IKE need not.
    virtual Status initiate(std::string_view conn, Completion done) = 0;

    // Deletes `conn`'s IPsec SAs and ISAKMP SA, sending Delete payloads
    // (RFC 2408 §3.15) and removing the SAs through SaSink; pending
    // initiations complete with reason "deleted". not_found for an unknown
    // connection; ok when there was nothing to delete.
    virtual Status terminate(std::string_view conn) = 0;

    virtual IkeStatus status() const = 0;

    // A byte/packet lifetime event from the engine for one of the SAs of
    // `id` (soft: rekey; hard: the SA is already unusable, delete it).
    virtual void on_child_sa_event(ChildSaId id, ipsec::SaEventKind kind) = 0;

    // The daemon is stopping: send Deletes for everything (best effort; the
    // loop will not run again to retransmit) and remove installed SAs.
    virtual void shutdown() = 0;
};

// The IKE engine's factory; connections with auto=start are initiated by the
// engine itself after creation. Defined in host/ike (ike_core.cpp).
Result<std::unique_ptr<IkeCore>> create_ike_core(const IkeContext& context);

using IkeCoreFactory = std::function<Result<std::unique_ptr<IkeCore>>(const IkeContext&)>;

}  // namespace ikeoff::ike
