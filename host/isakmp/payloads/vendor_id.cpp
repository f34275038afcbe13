// Vendor ID payload (RFC 2408 §3.16).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Vendor ID (VID)                        ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Usually a hash (RFC 3947 §3.1: MD5("RFC 3947")); vendor_ids.hpp knows the
// common ones. Unknown vendor IDs are fine; empty ones are malformed.
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

constexpr FieldRule<VendorIdPayload> kRules[] = {
    {.kind = Field::chunk, .name = "Vendor ID (VID)", .bytes = &VendorIdPayload::data},
};
static_assert(well_formed(kRules));

CodecStatus verify(const VendorIdPayload& p) {
    ISAKMP_ENSURE(!p.data.empty(), NotifyType::payload_malformed, "empty vendor ID");
    return {};
}

}  // namespace

template <>
const PayloadSpec<VendorIdPayload>& spec_of<VendorIdPayload>() {
    static constexpr PayloadSpec<VendorIdPayload> spec{"Vendor ID", kRules, verify, NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
