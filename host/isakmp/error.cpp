#include "host/isakmp/error.hpp"

namespace ikeoff::isakmp {

std::string CodecError::to_string() const {
    return isakmp::to_string(notify) + ": " + message;
}

}  // namespace ikeoff::isakmp
