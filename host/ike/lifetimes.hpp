// When IPsec SAs are rekeyed and when they go: the soft/hard life of every
// SA pair a Quick Mode installed, on the injectable Timers.
//
// RFC 2409 leaves rekeying to the implementation ("the lifetime is the
// maximum"); what is implemented is what ipsec.conf users expect from
// strongSwan and pluto:
//
//   rekey at   life - margin - random(0 .. margin * rekeyfuzz%)
//   delete at  life (the core's own expiry timer, and the engine's
//              hard byte/packet event)
//
// A rekey is a fresh Quick Mode for the same connection and selector (new
// SPIs, new KEYMAT). When it is up, the old pair is "rekeyed": it keeps
// working for packets still in flight, and the side that ran the rekey
// deletes it `rekeyed_delete_delay` later with a Delete payload, as
// strongSwan's IKEv1 quick_mode does (its DELETE_REKEYED_DELAY). When the
// peer rekeys, the old pair is marked rekeyed too and waits for the peer's
// Delete (or its hard expiry); we never rekey it again.
//
// Who rekeys first. Both sides run the timer, but the side that did not
// initiate the Quick Mode uses half the margin (pluto's habit), so with
// equal lifetimes the initiator normally rekeys first and the responder's
// timer is cancelled by the new pair.
//
// Collisions. If both sides still start a rekey of the same pair at once
// (equal timers, or the engine's soft byte limit firing on both), two new
// pairs appear. Both sides see both, and pick the same redundant one: the
// pair whose lowest SPI is lowest (both sides know all four SPIs). Whoever
// created the redundant pair deletes it; the other waits for that Delete.
// A peer-created pair counts as colliding with ours when it appears while
// our rekey runs or within `collision_window` after ours came up (the peer
// cannot have known about ours when it started).
//
// Families: pairs replace each other only within one connection and
// selector ("family", a string the core builds). The pairs one Quick Mode
// made (an AH+ESP bundle gives two) form a batch: they are rekeyed, replaced
// and deleted together and never replace each other.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "host/common/timers.hpp"
#include "host/ike/ike_core.hpp"

namespace ikeoff::ike {

struct LifetimeTuning {
    // strongSwan IKEv1 deletes a rekeyed CHILD_SA this long after the new
    // one is installed.
    Duration rekeyed_delete_delay = std::chrono::seconds(5);
    // A peer-created pair this soon after our rekey is a collision, not a
    // rekey of our new pair. At least one whole Quick Mode with all its
    // retransmissions (tuning.hpp: 30 s).
    Duration collision_window = std::chrono::seconds(30);
    // After a failed rekey, the next try (while the pair still lives).
    Duration retry_delay = std::chrono::seconds(10);
    // A rekey with no result after this long (phase 1 and Quick Mode with
    // all retransmissions) counts as failed. After `keyingtries` failures
    // (ipsec.conf; 0 = no limit) the pair is left to its hard expiry.
    Duration rekey_timeout = std::chrono::seconds(75);
};

// The time from installation to the rekey. `random` is any uniformly
// distributed value (the fuzz is random % (margin * fuzz% + 1 s)).
// A margin as long as the life itself is cut to half the life, so an SA
// with a short lifetime is still rekeyed before it expires.
Duration rekey_delay(Duration life, Duration margin, unsigned fuzz_percent, bool initiator, uint64_t random);

// What the core tells the scheduler about one installed pair.
struct ChildFacts {
    ChildSaId id = kNoChildSa;
    std::string family;     // connection + selector
    uint64_t batch = 0;     // the Quick Mode that made it (shared by a bundle)
    bool ours = false;      // we initiated the Quick Mode that made it
    bool can_rekey = false; // rekey=yes, and our Quick Mode would ask for this selector
    uint32_t spi_in = 0, spi_out = 0;
    Duration life{};        // negotiated lifetime; zero = none
    Duration margin{};      // rekeymargin
    unsigned fuzz_percent = 100;
    unsigned keyingtries = 0;  // rekey attempts before giving up (0 = until the hard expiry)
};

enum class ChildLifeState : uint8_t {
    installed,  // current pair of its family
    rekeying,   // our Quick Mode replacing it is running
    rekeyed,    // replaced; deleted soon by whoever rekeyed it, or at hard expiry
};
const char* to_string(ChildLifeState s);

class ChildLifetimes {
public:
    struct Actions {
        // Start a Quick Mode that replaces `id` (same connection and
        // selector). Its result reaches added() with ours = true, or
        // rekey_failed(id) is called.
        std::function<void(ChildSaId)> rekey;
        // Delete `id`: Delete payload to the peer, remove from the engine.
        // The core calls removed() from there.
        std::function<void(ChildSaId)> remove;
    };

    ChildLifetimes(Timers& timers, Actions actions, LifetimeTuning tuning = {});
    ~ChildLifetimes();
    ChildLifetimes(const ChildLifetimes&) = delete;
    ChildLifetimes& operator=(const ChildLifetimes&) = delete;

    // A pair was installed. `random` feeds the rekey fuzz.
    void added(const ChildFacts& f, uint64_t random);
    // The pair is gone (hard expiry, Delete from either side, DPD, down).
    void removed(ChildSaId id);
    // The engine's soft byte/packet limit: rekey now.
    void soft_limit(ChildSaId id);
    // The Quick Mode replacing `id` failed: try again after retry_delay.
    void rekey_failed(ChildSaId id);

    struct View {
        ChildLifeState state = ChildLifeState::installed;
        std::optional<Duration> rekey_in;  // when a rekey is scheduled
    };
    std::optional<View> view(ChildSaId id) const;
    std::size_t size() const noexcept { return children_.size(); }

    struct Counters {
        uint64_t rekeys_started = 0;
        uint64_t rekeyed_by_us = 0;
        uint64_t rekeyed_by_peer = 0;
        uint64_t collisions = 0;
        uint64_t redundant_deleted = 0;  // our redundant pairs deleted after a collision
    };
    const Counters& counters() const noexcept { return counters_; }

private:
    struct Child {
        ChildFacts facts;
        ChildLifeState state = ChildLifeState::installed;
        TimePoint installed{};
        TimePoint rekey_started{};
        bool replaced_one = false;  // ours, made by a rekey
        unsigned attempts = 0;      // rekeys of its batch that failed
        TimerId rekey_timer = kNoTimer;  // the rekey, or while rekeying its timeout
        TimePoint rekey_at{};
        TimerId delete_timer = kNoTimer;
    };

    void start_rekey(ChildSaId id);
    void lose_batch(uint64_t batch);
    void schedule_rekey(Child& c, Duration after);
    void mark_rekeyed(Child& c);
    void delete_later(Child& c, Duration after);
    void collide(Child& ours, Child& theirs);
    static uint32_t low_spi(const Child& c);

    Timers& timers_;
    Actions actions_;
    LifetimeTuning tuning_;
    std::map<ChildSaId, Child> children_;
    std::map<uint64_t, TimePoint> lost_batches_;  // redundant after a collision (pruned)
    Counters counters_;
};

}  // namespace ikeoff::ike
