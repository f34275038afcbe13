#include "host/ike/transport.hpp"

#include <algorithm>

namespace ikeoff::ike {

// One side's Transport: forwards to the link with its side attached.
class MemoryLink::End final : public Transport {
public:
    End(MemoryLink& link, Side side) : link_(link), side_(side) {}
    Status send(const Datagram& d) override { return link_.send_from(side_, d); }
    Status send_keepalive(const Endpoint& local, const Endpoint& remote) override {
        return link_.keepalive_from(side_, local, remote);
    }

private:
    MemoryLink& link_;
    Side side_;
};

MemoryLink::MemoryLink() {
    ends_.push_back(std::make_unique<End>(*this, Side::a));
    ends_.push_back(std::make_unique<End>(*this, Side::b));
}

MemoryLink::MemoryLink(Timers& timers, Duration latency) : MemoryLink() {
    timers_ = &timers;
    latency_ = latency;
}

MemoryLink::~MemoryLink() {
    // Delivery timers capture `this`; none may outlive the link.
    if (timers_) {
        for (TimerId id : pending_timers_) timers_->cancel(id);
    }
}

Transport& MemoryLink::transport(Side s) { return *ends_[static_cast<std::size_t>(s)]; }

void MemoryLink::set_receiver(Side s, Receiver r) {
    receivers_[static_cast<std::size_t>(s)] = std::move(r);
}

Status MemoryLink::send_from(Side from, const Datagram& d) {
    ++counters_.sent;
    Datagram copy = d;
    Verdict v = filter_ ? filter_(from, copy) : Verdict::deliver;
    log_.push_back(Record{from, d, v});

    // The receiver sees the datagram from its own side of the wire.
    InFlight f{other(from), Datagram{copy.remote, copy.local, std::move(copy.data)}};
    switch (v) {
        case Verdict::drop:
            ++counters_.dropped;
            break;
        case Verdict::duplicate:
            ++counters_.duplicated;
            enqueue(f);
            enqueue(std::move(f));
            break;
        case Verdict::hold:
            ++counters_.held;
            held_.push_back(std::move(f));
            break;
        case Verdict::deliver:
        default:
            enqueue(std::move(f));
            break;
    }
    return {};
}

Status MemoryLink::keepalive_from(Side from, const Endpoint& local, const Endpoint& remote) {
    ++counters_.keepalives;
    keepalives_.push_back(Keepalive{from, local, remote});
    return {};
}

void MemoryLink::enqueue(InFlight f) {
    queue_.push_back(std::move(f));
    if (!timers_) return;
    // The latency is the same for every message, so timers fire in queue
    // order and each one simply delivers the oldest message.
    auto id = std::make_shared<TimerId>(kNoTimer);
    *id = timers_->schedule_in(latency_, [this, id] {
        auto it = std::find(pending_timers_.begin(), pending_timers_.end(), *id);
        if (it != pending_timers_.end()) pending_timers_.erase(it);
        deliver_one();
    });
    pending_timers_.push_back(*id);
}

void MemoryLink::deliver(InFlight& f) {
    ++counters_.delivered;
    auto& r = receivers_[static_cast<std::size_t>(f.to)];
    if (r) r(f.datagram);
}

bool MemoryLink::deliver_one() {
    if (queue_.empty()) return false;
    InFlight f = std::move(queue_.front());
    queue_.pop_front();
    deliver(f);
    return true;
}

std::size_t MemoryLink::deliver_all(std::size_t limit) {
    std::size_t n = 0;
    while (n < limit && deliver_one()) ++n;
    return n;
}

std::size_t MemoryLink::release_held() {
    std::vector<InFlight> held = std::move(held_);
    held_.clear();
    for (auto& f : held) enqueue(std::move(f));
    return held.size();
}

}  // namespace ikeoff::ike
