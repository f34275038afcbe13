#include "host/common/result.hpp"

namespace ikeoff {

const char* errc_name(Errc c) noexcept {
    switch (c) {
        case Errc::invalid_argument: return "invalid argument";
        case Errc::unsupported: return "unsupported";
        case Errc::not_found: return "not found";
        case Errc::already_exists: return "already exists";
        case Errc::parse_error: return "parse error";
        case Errc::crypto_error: return "crypto error";
        case Errc::io_error: return "I/O error";
        case Errc::no_device: return "no device";
        case Errc::abi_mismatch: return "ABI mismatch";
        case Errc::state_error: return "invalid state";
        case Errc::timeout: return "timeout";
        case Errc::internal: return "internal error";
    }
    return "unknown error";
}

}  // namespace ikeoff
