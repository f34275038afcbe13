// A layer-3 TUN device: the daemon's door between the host's routing table
// and the ESP engine.
//
// Cleartext packets the kernel routes into the device (routes towards remote
// traffic selectors, see route.hpp) are read here, encrypted by the engine
// and sent as ESP-in-UDP; decrypted inbound packets are written here and the
// kernel delivers them as if they had arrived on an interface. IFF_NO_PI: a
// read returns exactly one IP packet, with no extra header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/net/fd.hpp"

namespace ikeoff::net {

class TunDevice {
public:
    // Creates (or attaches to) the device `name` ("ikeoff%d" lets the kernel
    // number it), sets its MTU, brings it up. Needs CAP_NET_ADMIN.
    static Result<TunDevice> create(std::string_view name, unsigned mtu);

    int fd() const noexcept { return fd_.get(); }
    const std::string& name() const noexcept { return name_; }
    int ifindex() const noexcept { return ifindex_; }
    unsigned mtu() const noexcept { return mtu_; }

    // One packet, or nullopt when none is waiting.
    Result<std::optional<std::size_t>> read(MutableByteView buf);
    Status write(ByteView packet);

private:
    TunDevice(Fd fd, std::string name, int ifindex, unsigned mtu)
        : fd_(std::move(fd)), name_(std::move(name)), ifindex_(ifindex), mtu_(mtu) {}

    Fd fd_;
    std::string name_;
    int ifindex_ = 0;
    unsigned mtu_ = 0;
};

}  // namespace ikeoff::net
