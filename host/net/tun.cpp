#include "host/net/tun.hpp"

#include <fcntl.h>
#include <net/if.h>
// After <net/if.h>: linux/if_tun.h only needs the ioctl numbers and flags.
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host/net/socket_io.hpp"

namespace ikeoff::net {

Result<TunDevice> TunDevice::create(std::string_view name, unsigned mtu) {
    IKEOFF_ENSURE(!name.empty() && name.size() < IFNAMSIZ, Errc::invalid_argument,
                  "tun: interface name must be 1.." + std::to_string(IFNAMSIZ - 1) + " characters");
    IKEOFF_ENSURE(mtu >= 576 && mtu <= 65535, Errc::invalid_argument, "tun: MTU must be 576..65535");
    Fd fd(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) return sys_error("tun: open /dev/net/tun");

    ifreq ifr{};
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    std::memcpy(ifr.ifr_name, name.data(), name.size());
    if (::ioctl(fd.get(), TUNSETIFF, &ifr) != 0) return sys_error("tun: TUNSETIFF " + std::string(name));
    std::string actual(ifr.ifr_name, ::strnlen(ifr.ifr_name, IFNAMSIZ));

    // MTU and IFF_UP are interface settings, changed through any socket.
    Fd ctl(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!ctl.valid()) return sys_error("tun: control socket");
    ifreq req{};
    std::memcpy(req.ifr_name, actual.data(), actual.size());
    req.ifr_mtu = static_cast<int>(mtu);
    if (::ioctl(ctl.get(), SIOCSIFMTU, &req) != 0) return sys_error("tun: set MTU of " + actual);
    if (::ioctl(ctl.get(), SIOCGIFFLAGS, &req) != 0) return sys_error("tun: get flags of " + actual);
    req.ifr_flags = static_cast<short>(req.ifr_flags | IFF_UP | IFF_RUNNING);
    if (::ioctl(ctl.get(), SIOCSIFFLAGS, &req) != 0) return sys_error("tun: bring up " + actual);

    int ifindex = static_cast<int>(::if_nametoindex(actual.c_str()));
    if (ifindex == 0) return sys_error("tun: index of " + actual);
    return TunDevice(std::move(fd), std::move(actual), ifindex, mtu);
}

Result<std::optional<std::size_t>> TunDevice::read(MutableByteView buf) {
    ssize_t n = ::read(fd_.get(), buf.data(), buf.size());
    if (n < 0) {
        if (would_block(errno)) return std::optional<std::size_t>{};
        return sys_error("tun: read " + name_);
    }
    return std::optional<std::size_t>{static_cast<std::size_t>(n)};
}

Status TunDevice::write(ByteView packet) {
    ssize_t n = ::write(fd_.get(), packet.data(), packet.size());
    if (n < 0) return sys_error("tun: write " + name_);
    IKEOFF_ENSURE(static_cast<std::size_t>(n) == packet.size(), Errc::io_error, "tun: short write to " + name_);
    return {};
}

}  // namespace ikeoff::net
