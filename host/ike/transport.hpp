// How IKE code sends and receives datagrams, and an in-memory network for
// two-peer tests in one process.
//
// IKE code never touches sockets. It hands a Datagram (local endpoint, remote
// endpoint, ISAKMP message bytes) to a Transport, and the daemon feeds it
// received Datagrams through IkeCore::on_datagram (ike_core.hpp).
//
// NAT-T framing (RFC 3948 §2.2) is the transport's job, not IKE's:
// `Datagram::data` is always the bare ISAKMP message. When the local port is
// 4500 (kNatTPort) the daemon's transport prepends the four-octet non-ESP
// marker on send and has already removed it on receive; keepalives and
// ESP-in-UDP never reach IKE. To "float" to NAT-T, IKE simply sends from local
// port 4500 to remote port 4500.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/common/ip_address.hpp"
#include "host/common/result.hpp"
#include "host/common/timers.hpp"
#include "host/net/endpoint.hpp"

namespace ikeoff::ike {

inline constexpr uint16_t kIkePort = 500;    // the IANA "isakmp" UDP port
inline constexpr uint16_t kNatTPort = 4500;  // RFC 3948 §2.2 / RFC 3947 §4

using net::Endpoint;

struct Datagram {
    Endpoint local;   // our address and port (receive: where it arrived; send: where it leaves from)
    Endpoint remote;  // the peer's address and port
    Bytes data;       // the ISAKMP message, never a non-ESP marker
};

class Transport {
public:
    virtual ~Transport() = default;
    // Queues one datagram. Failing to send is not fatal for IKE (the
    // retransmission timer covers it), but the error says why for the log.
    // `d.local.addr` may be empty ("any local address"); the port must be
    // 500 or 4500 in the daemon, anything in tests.
    virtual Status send(const Datagram& d) = 0;
    // A NAT-keepalive (RFC 3948 §2.3: one octet 0xFF, no marker) from our
    // NAT-T port `local` to `remote`, keeping a NAT mapping alive. Not IKE:
    // the receiving side's transport swallows it. Default: unsupported.
    virtual Status send_keepalive(const Endpoint& local, const Endpoint& remote) {
        (void)local;
        (void)remote;
        return Error{Errc::unsupported, "this transport sends no NAT-keepalives"};
    }
};

// Two transports joined back to back: what side A sends, side B receives
// (with local/remote swapped), and vice versa. Nothing is delivered from
// inside send(): messages wait in a FIFO until the test pumps them
// (deliver_one/deliver_all) or, when constructed with Timers, until a
// delivery timer fires after `latency`, so the test decides the interleaving
// and re-entrancy never happens.
//
// The filter sees every message once, when it is sent, and may change it
// (tamper, truncate), drop it, deliver it twice, or hold it back; held
// messages are re-injected by release_held(), after everything queued before
// the release, which is how tests reorder.
class MemoryLink {
public:
    enum class Side : uint8_t { a = 0, b = 1 };
    enum class Verdict : uint8_t { deliver, drop, duplicate, hold };

    using Receiver = std::function<void(const Datagram&)>;
    using Filter = std::function<Verdict(Side from, Datagram& d)>;

    struct Record {
        Side from;
        Datagram datagram;  // as sent, before the filter touched it
        Verdict verdict;
    };

    struct Counters {
        std::size_t sent = 0;
        std::size_t delivered = 0;
        std::size_t dropped = 0;
        std::size_t duplicated = 0;
        std::size_t held = 0;
        std::size_t keepalives = 0;  // NAT-keepalives sent (never delivered: IKE never sees them)
    };

    // Manual pumping (deliver_one/deliver_all).
    MemoryLink();
    // Automatic delivery through `timers`, `latency` after each send.
    MemoryLink(Timers& timers, Duration latency);
    ~MemoryLink();
    MemoryLink(const MemoryLink&) = delete;
    MemoryLink& operator=(const MemoryLink&) = delete;

    Transport& transport(Side s);
    void set_receiver(Side s, Receiver r);
    void set_filter(Filter f) { filter_ = std::move(f); }
    void clear_filter() { filter_ = nullptr; }

    // Manual mode: deliver the oldest queued message; false when none.
    bool deliver_one();
    // Manual mode: deliver until the queue is empty, including messages sent
    // by receivers meanwhile; stops after `limit` deliveries (a ping-pong
    // bug must not hang a test). Returns the number delivered.
    std::size_t deliver_all(std::size_t limit = 10000);
    // Put held messages back in flight (in the order they were held).
    std::size_t release_held();
    // Forget held messages (they were "lost").
    void drop_held() { held_.clear(); }

    std::size_t in_flight() const noexcept { return queue_.size(); }
    std::size_t held() const noexcept { return held_.size(); }
    const Counters& counters() const noexcept { return counters_; }
    // NAT-keepalives per side, with the endpoints they went between.
    struct Keepalive {
        Side from;
        Endpoint local, remote;
    };
    const std::vector<Keepalive>& keepalives() const noexcept { return keepalives_; }
    // Every send(), in order: the wire log tests inspect.
    const std::vector<Record>& log() const noexcept { return log_; }

private:
    class End;
    struct InFlight {
        Side to;
        Datagram datagram;  // already swapped to the receiver's point of view
    };

    Status send_from(Side from, const Datagram& d);
    Status keepalive_from(Side from, const Endpoint& local, const Endpoint& remote);
    void enqueue(InFlight f);
    void deliver(InFlight& f);

    Timers* timers_ = nullptr;
    Duration latency_{};
    std::vector<std::unique_ptr<End>> ends_;
    Receiver receivers_[2];
    Filter filter_;
    std::deque<InFlight> queue_;
    std::vector<InFlight> held_;
    std::vector<Record> log_;
    std::vector<Keepalive> keepalives_;
    Counters counters_;
    std::vector<TimerId> pending_timers_;
};

inline MemoryLink::Side other(MemoryLink::Side s) {
    return s == MemoryLink::Side::a ? MemoryLink::Side::b : MemoryLink::Side::a;
}

}  // namespace ikeoff::ike
