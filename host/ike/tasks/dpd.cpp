#include "host/ike/tasks/dpd.hpp"

#include <algorithm>

#include "host/common/log.hpp"

namespace ikeoff::ike {

using isakmp::NotifyType;

isakmp::Payload dpd_notify(const IsakmpSa& sa, NotifyType type, uint32_t seq) {
    // RFC 3706 §5.1: Protocol-ID ISAKMP, SPI size 16, SPI = the cookie
    // pair, Notification Data = the 32-bit sequence number.
    isakmp::NotifyPayload n;
    n.protocol = isakmp::ProtocolId::isakmp;
    n.type = type;
    n.spi = sa.spi();
    n.data.resize(4);
    store_be32(n.data.data(), seq);
    return isakmp::Payload(std::move(n));
}

bool is_dpd_notify(NotifyType t) { return t == NotifyType::dpd_r_u_there || t == NotifyType::dpd_r_u_there_ack; }

Result<DpdMessage> parse_dpd_notify(const IsakmpSa& sa, const isakmp::NotifyPayload& n) {
    IKEOFF_ENSURE(is_dpd_notify(n.type), Errc::invalid_argument, "not a DPD notify");
    IKEOFF_ENSURE(n.protocol == isakmp::ProtocolId::isakmp, Errc::parse_error,
                  "DPD notify with protocol " + isakmp::to_string(n.protocol) + " (RFC 3706 §5.1: ISAKMP)");
    // The cookies bind the notify to this ISAKMP SA; the HASH(1) of the
    // informational already proves the sender.
    IKEOFF_ENSURE(n.spi == sa.spi(), Errc::parse_error, "DPD notify names another ISAKMP SA");
    IKEOFF_ENSURE(n.data.size() == 4, Errc::parse_error,
                  "DPD notify with " + std::to_string(n.data.size()) + " octets of data (a 4-octet sequence number)");
    return DpdMessage{n.type == NotifyType::dpd_r_u_there_ack, load_be32(n.data.data())};
}

DeadPeerDetector::DeadPeerDetector(Timers& timers, DpdSettings settings, Hooks hooks, uint32_t first_seq)
    : timers_(timers), settings_(settings), hooks_(std::move(hooks)), next_seq_(first_seq) {}

DeadPeerDetector::~DeadPeerDetector() {
    timers_.cancel(timer_);
    timers_.cancel(dead_timer_);
}

void DeadPeerDetector::start() {
    last_activity_ = timers_.now();
    last_inbound_ = hooks_.inbound_packets ? hooks_.inbound_packets() : 0;
    if (settings_.active && settings_.delay > Duration::zero()) arm(settings_.delay);
}

void DeadPeerDetector::arm(Duration after) {
    timers_.cancel(timer_);
    timer_ = timers_.schedule_in(after, [this] {
        timer_ = kNoTimer;
        check();
    });
}

void DeadPeerDetector::on_activity() {
    last_activity_ = timers_.now();
    // Traffic from the peer answers the question as well as an ACK would.
    waiting_ = false;
}

void DeadPeerDetector::send_r_u_there() {
    const uint32_t seq = next_seq_++;
    if (!waiting_) {
        waiting_ = true;
        waiting_since_ = timers_.now();
        first_outstanding_ = seq;
    }
    ++counters_.sent;
    IKEOFF_LOG(2, "ike", "DPD: sending R-U-THERE " << seq);
    if (hooks_.send) hooks_.send(NotifyType::dpd_r_u_there, seq);
}

void DeadPeerDetector::check() {
    const TimePoint now = timers_.now();
    const uint64_t inbound = hooks_.inbound_packets ? hooks_.inbound_packets() : 0;
    if (inbound != last_inbound_) {
        last_inbound_ = inbound;
        on_activity();
    }
    if (waiting_) {
        // RFC 3706 §5.5: after the chosen number of unanswered
        // R-U-THEREs (here: dpdtimeout) the peer is considered dead.
        if (now - waiting_since_ >= settings_.timeout) {
            IKEOFF_LOG(1, "ike", "DPD: no answer for " << to_seconds(now - waiting_since_) << " s, peer is dead");
            auto dead = hooks_.dead;  // may destroy *this
            dead_timer_ = timers_.schedule_in(Duration{}, [dead] {
                if (dead) dead();
            });
            return;
        }
        send_r_u_there();
        arm(std::min(settings_.delay, waiting_since_ + settings_.timeout - now));
        return;
    }
    if (now - last_activity_ >= settings_.delay) {
        send_r_u_there();
        arm(std::min(settings_.delay, settings_.timeout));
        return;
    }
    arm(last_activity_ + settings_.delay - now);
}

bool DeadPeerDetector::on_r_u_there(uint32_t seq) {
    // Replay protection: only numbers above the last accepted one (with
    // wrap-around, as a serial number).
    if (peer_seq_ && static_cast<int32_t>(seq - *peer_seq_) <= 0) {
        ++counters_.stale;
        IKEOFF_LOG(1, "ike", "DPD: dropping R-U-THERE " << seq << " (last was " << *peer_seq_ << ")");
        return false;
    }
    peer_seq_ = seq;
    ++counters_.answered;
    last_activity_ = timers_.now();
    // RFC 3706 §5.2: the ACK echoes the sequence number.
    if (hooks_.send) hooks_.send(NotifyType::dpd_r_u_there_ack, seq);
    return true;
}

bool DeadPeerDetector::on_ack(uint32_t seq) {
    // Answers to any R-U-THERE of the current round count: the first ones
    // may just have been slow.
    const uint32_t sent = next_seq_ - first_outstanding_;
    if (!waiting_ || seq - first_outstanding_ >= sent) {
        ++counters_.stale;
        IKEOFF_LOG(2, "ike", "DPD: ignoring R-U-THERE-ACK " << seq << " (nothing outstanding with that number)");
        return false;
    }
    ++counters_.acked;
    waiting_ = false;
    last_activity_ = timers_.now();
    return true;
}

}  // namespace ikeoff::ike
