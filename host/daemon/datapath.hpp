// The ESP data path between the TUN device and the NAT-T socket.
//
//   outbound: TUN packet -> SPD lookup -> engine (batch) -> strip the outer
//             IP(/UDP) header the engine built -> send the ESP packet: from
//             our 4500 to the peer's encap port (RFC 3948 ESP-in-UDP), or
//             as IP protocol 50 when the SA has no UDP encapsulation
//   inbound:  ESP from UDP 4500 or from the raw protocol-50 socket ->
//             rebuild the outer IP(/UDP) header the kernel took off (the
//             engine's inbound contract is "an IP packet carrying ESP") ->
//             engine (batch) -> RFC 4301 §5.2 policy check of the inner
//             packet -> TUN write
//
// Nothing here allocates per packet: a batch has fixed slots for input and
// output. Every packet that does not make it lands in exactly one drop
// counter, so `status` can account for all traffic.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/ipsec/engine.hpp"
#include "host/ipsec/spd.hpp"
#include "host/net/endpoint.hpp"

namespace ikeoff::daemon {

// An ESP packet as it came out of a socket. Ports are 0 for ESP received
// as IP protocol 50 (no UDP encapsulation).
struct EspDatagram {
    net::Endpoint local;   // our address (from packet info) and port
    net::Endpoint remote;  // the peer's address and (possibly NAT-mapped) port
    ByteView esp;          // SPI, sequence number, ...
};

struct DataPathCounters {
    // outbound
    uint64_t tun_in = 0;              // packets read from the TUN device
    uint64_t esp_out = 0;             // ESP packets sent
    uint64_t drop_no_policy = 0;      // no outbound policy/SA for the packet
    uint64_t drop_bad_packet = 0;     // not a parsable IPv4/IPv6 packet
    uint64_t drop_too_big = 0;        // larger than a batch slot
    uint64_t drop_no_transport = 0;   // engine produced AH (IP protocol 51): nothing sends it
    uint64_t drop_send = 0;           // the UDP send failed
    // inbound
    uint64_t esp_in = 0;              // ESP-in-UDP packets received
    uint64_t tun_out = 0;             // decrypted packets written to the TUN device
    uint64_t drop_inbound_policy = 0; // inner packet does not match the SA's selectors
    uint64_t drop_tun_write = 0;      // the TUN write failed
    // engine verdicts other than ok, per direction (the engine's own
    // counters say the same per SA)
    ipsec::StatusCounts engine_out{};
    ipsec::StatusCounts engine_in{};
};

class DataPath {
public:
    static constexpr std::size_t kBatch = 32;
    static constexpr std::size_t kSlot = 16384;  // > any TUN MTU we configure + overhead

    // Sends one ESP packet from (src, src_port) to dst; both ports 0 means
    // unencapsulated ESP (IP protocol 50).
    using SendEsp = std::function<Status(const IpAddress& src, uint16_t src_port, const net::Endpoint& dst,
                                         ByteView esp)>;
    // Hands a decrypted packet to the host (the TUN device).
    using Deliver = std::function<Status(ByteView packet)>;

    DataPath(ipsec::Engine& engine, const ipsec::Spd& spd, SendEsp send, Deliver deliver);

    // Any number of packets; processed in batches of kBatch.
    void outbound(std::span<const ByteView> packets);
    void inbound(std::span<const EspDatagram> datagrams);

    const DataPathCounters& counters() const noexcept { return counters_; }

private:
    void outbound_batch(std::span<const ByteView> packets);
    void inbound_batch(std::span<const EspDatagram> datagrams);
    void emit(const ipsec::Packet& p);

    ipsec::Engine& engine_;
    const ipsec::Spd& spd_;
    SendEsp send_;
    Deliver deliver_;
    std::vector<uint8_t> in_slots_;   // kBatch * kSlot
    std::vector<uint8_t> out_slots_;  // kBatch * kSlot
    std::vector<ipsec::Packet> packets_;
    DataPathCounters counters_;
};

// The 20-byte IPv4 or 40-byte IPv6 header, plus a UDP header unless both
// ports are 0 (then the IP protocol is 50, ESP), that the inbound path puts
// in front of an ESP payload. Returns the header length written to `out`
// (which must hold 48 bytes), or 0 if the families of the two endpoints
// differ or the result would exceed 65535 bytes.
std::size_t build_outer_header(const net::Endpoint& src, const net::Endpoint& dst, std::size_t payload_len,
                                MutableByteView out);

}  // namespace ikeoff::daemon
