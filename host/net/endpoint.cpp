#include "host/net/endpoint.hpp"

namespace ikeoff::net {

std::string Endpoint::to_string() const {
    std::string a = addr.empty() ? std::string("*") : addr.to_string();
    if (addr.is_v6()) a = "[" + a + "]";
    return a + ":" + std::to_string(port);
}

}  // namespace ikeoff::net
