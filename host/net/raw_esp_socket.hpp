// ESP directly over IP (protocol 50), for SAs without UDP encapsulation.
//
// With no NAT between the peers, RFC 3947 leaves ESP unencapsulated, and
// the packets are IP protocol 50. This kernel-side ESP is not used (the
// engine is the ESP implementation), so the daemon reads and writes the
// protocol through a raw socket: the kernel hands every received ESP packet
// to it and builds the IP header of the ones it sends.
//
// Receive: an IPv4 raw socket returns the whole packet, IP header included;
// an IPv6 one returns the payload only, with the addresses in packet info.
// Either way the caller gets (local address, remote address, ESP bytes).
#pragma once

#include <optional>

#include "host/common/bytes.hpp"
#include "host/common/ip_address.hpp"
#include "host/common/result.hpp"
#include "host/net/fd.hpp"

namespace ikeoff::net {

struct RawReceived {
    IpAddress local;   // destination address of the packet
    IpAddress remote;  // its source
    ByteView esp;      // from the SPI on, inside the caller's buffer
};

class RawEspSocket {
public:
    // Needs CAP_NET_RAW.
    static Result<RawEspSocket> open(IpAddress::Family family);

    int fd() const noexcept { return fd_.get(); }
    IpAddress::Family family() const noexcept { return family_; }

    Result<std::optional<RawReceived>> receive(MutableByteView buf);
    // Sends `esp` as the payload of an IP packet from `source` (empty: the
    // routing table chooses) to `dst`.
    Status send(const IpAddress& source, const IpAddress& dst, ByteView esp);

private:
    RawEspSocket(Fd fd, IpAddress::Family family) : fd_(std::move(fd)), family_(family) {}

    Fd fd_;
    IpAddress::Family family_ = IpAddress::Family::none;
};

}  // namespace ikeoff::net
