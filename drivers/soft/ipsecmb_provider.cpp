#include "drivers/soft/crypto_provider.hpp"

namespace ikeoff::drivers::soft {

Result<std::unique_ptr<CryptoProvider>> make_ipsecmb_provider() {
    return Error{Errc::unsupported, "this build has no intel-ipsec-mb"};
}

}  // namespace ikeoff::drivers::soft
