// NAT Original Address payload (RFC 3947 §5.2; type 21, drafts 131).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !        Payload length         !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !   ID Type     !   RESERVED    !            RESERVED           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !         IPv4 (4 octets) or IPv6 address (16 octets)           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 3947 §5.2: "The ID type is defined in the [RFC2407]. Only
// ID_IPV4_ADDR and ID_IPV6_ADDR types are allowed."
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

constexpr FieldRule<NatOaPayload> kRules[] = {
    {.kind = Field::u8, .name = "ID Type", .integer = int_ref<&NatOaPayload::type>()},
    {.kind = Field::reserved8, .name = "RESERVED"},
    {.kind = Field::reserved16, .name = "RESERVED"},
    {.kind = Field::chunk, .name = "Address", .bytes = &NatOaPayload::address},
};
static_assert(well_formed(kRules));

CodecStatus verify(const NatOaPayload& p) {
    std::size_t want = p.type == IdType::ipv4_addr ? 4 : p.type == IdType::ipv6_addr ? 16 : 0;
    ISAKMP_ENSURE(want != 0, NotifyType::payload_malformed,
                  "NAT-OA ID type " + to_string(p.type) + " (only IPv4/IPv6 addresses)");
    ISAKMP_ENSURE(p.address.size() == want, NotifyType::payload_malformed,
                  "NAT-OA " + to_string(p.type) + " with " + std::to_string(p.address.size()) +
                      " address bytes");
    return {};
}

}  // namespace

NatOaPayload NatOaPayload::of(const IpAddress& a) {
    NatOaPayload p;
    p.type = a.is_v6() ? IdType::ipv6_addr : IdType::ipv4_addr;
    p.address.assign(a.data(), a.data() + a.size());
    return p;
}

IpAddress NatOaPayload::to_address() const {
    if (type == IdType::ipv4_addr && address.size() == 4) return IpAddress::v4(address.data());
    if (type == IdType::ipv6_addr && address.size() == 16) return IpAddress::v6(address.data());
    return {};
}

template <>
const PayloadSpec<NatOaPayload>& spec_of<NatOaPayload>() {
    static constexpr PayloadSpec<NatOaPayload> spec{"NAT-OA", kRules, verify,
                                                     NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
