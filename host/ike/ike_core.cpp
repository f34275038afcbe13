// create_ike_core(): where the daemon gets its IKE engine, the IKEv1
// implementation of ikev1_core.hpp with the default tuning.
#include "host/ike/ike_core.hpp"

#include "host/ike/ikev1_core.hpp"

namespace ikeoff::ike {

Result<std::unique_ptr<IkeCore>> create_ike_core(const IkeContext& context) {
    return std::unique_ptr<IkeCore>(std::make_unique<Ikev1Core>(context));
}

}  // namespace ikeoff::ike
