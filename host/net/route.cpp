#include "host/net/route.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "host/net/fd.hpp"
#include "host/net/socket_io.hpp"

namespace ikeoff::net {

namespace {

struct Request {
    nlmsghdr nh;
    rtmsg rt;
    uint8_t attrs[128];
};

void add_attr(Request& req, uint16_t type, const void* data, std::size_t len) {
    auto* rta = reinterpret_cast<rtattr*>(reinterpret_cast<uint8_t*>(&req) + NLMSG_ALIGN(req.nh.nlmsg_len));
    rta->rta_type = type;
    rta->rta_len = static_cast<unsigned short>(RTA_LENGTH(len));
    std::memcpy(RTA_DATA(rta), data, len);
    req.nh.nlmsg_len = static_cast<uint32_t>(NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len));
}

Status transact(uint16_t type, uint16_t flags, const RouteSpec& r) {
    IKEOFF_ENSURE(r.dst.is_v4() || r.dst.is_v6(), Errc::invalid_argument, "route: no destination");
    IKEOFF_ENSURE(r.preferred_src.empty() || r.preferred_src.family() == r.dst.family(), Errc::invalid_argument,
                  "route: source and destination families differ");
    Fd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!fd.valid()) return sys_error("route: netlink socket");

    Request req{};
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
    req.nh.nlmsg_type = type;
    req.nh.nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
    req.nh.nlmsg_seq = 1;
    req.rt.rtm_family = static_cast<unsigned char>(r.dst.is_v4() ? AF_INET : AF_INET6);
    req.rt.rtm_dst_len = r.prefix_len;
    req.rt.rtm_table = static_cast<unsigned char>(r.table < 256 ? r.table : unsigned(RT_TABLE_UNSPEC));
    req.rt.rtm_protocol = kRouteProtocol;
    req.rt.rtm_scope = RT_SCOPE_LINK;
    req.rt.rtm_type = RTN_UNICAST;
    add_attr(req, RTA_DST, r.dst.data(), r.dst.size());
    if (r.ifindex != 0) {
        uint32_t oif = static_cast<uint32_t>(r.ifindex);
        add_attr(req, RTA_OIF, &oif, sizeof oif);
    }
    if (!r.preferred_src.empty()) add_attr(req, RTA_PREFSRC, r.preferred_src.data(), r.preferred_src.size());
    if (r.table >= 256) add_attr(req, RTA_TABLE, &r.table, sizeof r.table);

    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd.get(), &req, req.nh.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
        return sys_error("route: netlink send");

    alignas(nlmsghdr) uint8_t buf[4096];
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n < 0) return sys_error("route: netlink receive");
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, static_cast<unsigned>(n)); h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_type != NLMSG_ERROR) continue;
        int err = -reinterpret_cast<nlmsgerr*>(NLMSG_DATA(h))->error;
        if (err == 0) return {};
        if (type == RTM_DELROUTE && err == ESRCH) return {};
        std::string what = std::string(type == RTM_NEWROUTE ? "add" : "delete") + " route " + r.dst.to_string() +
                           "/" + std::to_string(r.prefix_len);
        return Error{Errc::io_error, "route: " + what + ": " + std::strerror(err)};
    }
    return Error{Errc::io_error, "route: no acknowledgement from the kernel"};
}

}  // namespace

Status add_route(const RouteSpec& r) { return transact(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, r); }
Status del_route(const RouteSpec& r) { return transact(RTM_DELROUTE, 0, r); }

}  // namespace ikeoff::net
