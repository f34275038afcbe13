#include "host/daemon/datapath.hpp"

#include <algorithm>
#include <cstring>

#include "host/common/log.hpp"

namespace ikeoff::daemon {

namespace {

uint16_t ipv4_header_checksum(const uint8_t* h) {
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += load_be16(h + i);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

}  // namespace

std::size_t build_outer_header(const net::Endpoint& src, const net::Endpoint& dst, std::size_t payload_len,
                               MutableByteView out) {
    if (out.size() < 48 || src.addr.family() != dst.addr.family()) return 0;
    uint8_t* h = out.data();
    bool udp = src.port != 0 || dst.port != 0;
    uint8_t proto = udp ? 17 : 50;
    std::size_t udp_len = (udp ? 8 : 0) + payload_len;
    std::size_t ip_len;
    if (src.addr.is_v4()) {
        if (20 + udp_len > 0xffff) return 0;
        std::memset(h, 0, 20);
        h[0] = 0x45;
        store_be16(h + 2, static_cast<uint16_t>(20 + udp_len));
        h[8] = 64;  // TTL
        h[9] = proto;
        std::memcpy(h + 12, src.addr.data(), 4);
        std::memcpy(h + 16, dst.addr.data(), 4);
        store_be16(h + 10, ipv4_header_checksum(h));
        ip_len = 20;
    } else if (src.addr.is_v6()) {
        if (udp_len > 0xffff) return 0;
        std::memset(h, 0, 40);
        h[0] = 0x60;
        store_be16(h + 4, static_cast<uint16_t>(udp_len));
        h[6] = proto;
        h[7] = 64;
        std::memcpy(h + 8, src.addr.data(), 16);
        std::memcpy(h + 24, dst.addr.data(), 16);
        ip_len = 40;
    } else {
        return 0;
    }
    if (!udp) return ip_len;
    uint8_t* u = h + ip_len;
    store_be16(u, src.port);
    store_be16(u + 2, dst.port);
    store_be16(u + 4, static_cast<uint16_t>(udp_len));
    store_be16(u + 6, 0);  // RFC 3948 §2.1: the sender may send a zero checksum
    return ip_len + 8;
}

DataPath::DataPath(ipsec::Engine& engine, const ipsec::Spd& spd, SendEsp send, Deliver deliver)
    : engine_(engine),
      spd_(spd),
      send_(std::move(send)),
      deliver_(std::move(deliver)),
      in_slots_(kBatch * kSlot),
      out_slots_(kBatch * kSlot) {
    packets_.reserve(kBatch);
}

void DataPath::outbound(std::span<const ByteView> packets) {
    while (!packets.empty()) {
        std::size_t n = std::min(packets.size(), kBatch);
        outbound_batch(packets.first(n));
        packets = packets.subspan(n);
    }
}

void DataPath::inbound(std::span<const EspDatagram> datagrams) {
    while (!datagrams.empty()) {
        std::size_t n = std::min(datagrams.size(), kBatch);
        inbound_batch(datagrams.first(n));
        datagrams = datagrams.subspan(n);
    }
}

void DataPath::outbound_batch(std::span<const ByteView> packets) {
    packets_.clear();
    for (ByteView pkt : packets) {
        ++counters_.tun_in;
        if (pkt.size() + ipsec::kMaxOverhead > kSlot) {
            ++counters_.drop_too_big;
            continue;
        }
        auto key = ipsec::PacketKey::from_packet(pkt);
        if (!key.ok()) {
            ++counters_.drop_bad_packet;
            continue;
        }
        auto sa = spd_.lookup_outbound(*key);
        if (!sa) {
            ++counters_.drop_no_policy;
            continue;
        }
        std::size_t slot = packets_.size();
        ipsec::Packet p;
        p.in = pkt;
        p.out = MutableByteView(out_slots_.data() + slot * kSlot, kSlot);
        p.sa = *sa;
        packets_.push_back(p);
    }
    if (packets_.empty()) return;
    engine_.process(ipsec::Direction::outbound, packets_);
    for (const auto& p : packets_) {
        if (p.status != ipsec::PacketStatus::ok) {
            ++counters_.engine_out[static_cast<std::size_t>(p.status)];
            continue;
        }
        emit(p);
    }
}

// Takes the engine's [outer IP][UDP][ESP] (or [outer IP][ESP]) apart and
// sends the ESP part: the kernel builds the IP and UDP headers itself.
void DataPath::emit(const ipsec::Packet& p) {
    ByteView out(p.out.data(), p.out_len);
    std::size_t ip_len = 0;
    uint8_t proto = 0;
    IpAddress src, dst;
    if (out.size() >= 20 && out[0] >> 4 == 4) {
        ip_len = std::size_t(out[0] & 0x0f) * 4;
        proto = out[9];
        src = IpAddress::v4(&out[12]);
        dst = IpAddress::v4(&out[16]);
    } else if (out.size() >= 40 && out[0] >> 4 == 6) {
        ip_len = 40;
        proto = out[6];
        src = IpAddress::v6(&out[8]);
        dst = IpAddress::v6(&out[24]);
    }
    uint16_t sport = 0, dport = 0;
    std::size_t hdr = ip_len;
    if (proto == 17 && out.size() >= ip_len + 8) {
        sport = load_be16(&out[ip_len]);
        dport = load_be16(&out[ip_len + 2]);
        hdr += 8;
    } else if (proto != 50) {
        // AH (51) would need a raw socket of its own; the daemon negotiates
        // ESP only for now, so this is a counted drop, not a silent one.
        ++counters_.drop_no_transport;
        return;
    }
    auto sent = send_(src, sport, net::Endpoint{dst, dport}, out.subspan(hdr));
    if (!sent.ok()) {
        ++counters_.drop_send;
        IKEOFF_LOG(2, "esp", "send failed: " << sent.error().message);
        return;
    }
    ++counters_.esp_out;
}

void DataPath::inbound_batch(std::span<const EspDatagram> datagrams) {
    packets_.clear();
    for (const auto& d : datagrams) {
        ++counters_.esp_in;
        std::size_t slot = packets_.size();
        uint8_t* in = in_slots_.data() + slot * kSlot;
        if (d.esp.size() + 48 > kSlot) {
            ++counters_.drop_too_big;
            continue;
        }
        std::size_t hdr = build_outer_header(d.remote, d.local, d.esp.size(), MutableByteView(in, 48));
        if (hdr == 0) {
            ++counters_.drop_bad_packet;
            continue;
        }
        std::memcpy(in + hdr, d.esp.data(), d.esp.size());
        ipsec::Packet p;
        p.in = ByteView(in, hdr + d.esp.size());
        p.out = MutableByteView(out_slots_.data() + slot * kSlot, kSlot);
        packets_.push_back(p);
    }
    if (packets_.empty()) return;
    engine_.process(ipsec::Direction::inbound, packets_);
    for (const auto& p : packets_) {
        if (p.status != ipsec::PacketStatus::ok) {
            ++counters_.engine_in[static_cast<std::size_t>(p.status)];
            continue;
        }
        ByteView inner(p.out.data(), p.out_len);
        auto key = ipsec::PacketKey::from_packet(inner);
        // RFC 4301 §5.2 step 4: a packet that authenticated under an SA must
        // still be one that SA's policy allows.
        if (!key.ok() || !spd_.check_inbound(p.sa, *key)) {
            ++counters_.drop_inbound_policy;
            continue;
        }
        auto written = deliver_(inner);
        if (!written.ok()) {
            ++counters_.drop_tun_write;
            IKEOFF_LOG(2, "esp", "deliver failed: " << written.error().message);
            continue;
        }
        ++counters_.tun_out;
    }
}

}  // namespace ikeoff::daemon
