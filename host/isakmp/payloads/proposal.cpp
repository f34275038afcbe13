// Proposal substructure (RFC 2408 §3.5), only found inside an SA payload.
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Proposal #   !  Protocol-Id  !    SPI Size   !# of Transforms!
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                        SPI (variable)                         !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                  Transform payloads (§3.6) ...                ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 2408 §5.5: unsupported Protocol-Id -> INVALID-PROTOCOL-ID; invalid
// SPI -> INVALID-SPI; proposals not laid out as §3.5/§4.2 say ->
// BAD-PROPOSAL-SYNTAX (the nesting itself is checked by the generic parser).
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

CodecStatus check_protocol(uint32_t p) {
    ISAKMP_ENSURE(p >= uint8_t(ProtocolId::isakmp) && p <= uint8_t(ProtocolId::ipcomp),
                  NotifyType::invalid_protocol_id, "protocol ID " + std::to_string(p));
    return {};
}

constexpr FieldRule<Proposal> kRules[] = {
    {.kind = Field::u8, .name = "Proposal #", .integer = int_ref<&Proposal::number>()},
    {.kind = Field::u8, .name = "Protocol-Id", .integer = int_ref<&Proposal::protocol>(),
     .check = check_protocol},
    {.kind = Field::spi_size, .name = "SPI Size", .bytes = &Proposal::spi},
    {.kind = Field::count8, .name = "# of Transforms", .transforms = &Proposal::transforms},
    {.kind = Field::spi, .name = "SPI", .bytes = &Proposal::spi},
    {.kind = Field::transforms, .name = "Transforms", .transforms = &Proposal::transforms},
};
static_assert(well_formed(kRules));

bool all_zero(const Bytes& b) {
    for (uint8_t v : b)
        if (v) return false;
    return true;
}

// RFC 2407 §4.4.1/§4.6.2 and RFC 2409 §5: the SPI of an ISAKMP proposal is
// the cookie pair (16 octets) or, as most implementations send, empty; ESP
// and AH SPIs are 4 octets and never 0 (RFC 4303 §2.1 reserves 0); an IPCOMP
// CPI is 2 octets (some send it in 4).
CodecStatus verify(const Proposal& p) {
    const std::string who = to_string(p.protocol);
    switch (p.protocol) {
        case ProtocolId::isakmp:
            ISAKMP_ENSURE(p.spi.empty() || p.spi.size() == 16, NotifyType::invalid_spi,
                          "ISAKMP proposal SPI size " + std::to_string(p.spi.size()) +
                              " (expected 0 or 16)");
            break;
        case ProtocolId::ah:
        case ProtocolId::esp:
            ISAKMP_ENSURE(p.spi.size() == 4, NotifyType::invalid_spi,
                          who + " proposal SPI size " + std::to_string(p.spi.size()) +
                              " (expected 4)");
            ISAKMP_ENSURE(!all_zero(p.spi), NotifyType::invalid_spi, who + " SPI 0");
            break;
        case ProtocolId::ipcomp:
            ISAKMP_ENSURE(p.spi.size() == 2 || p.spi.size() == 4, NotifyType::invalid_spi,
                          "IPCOMP CPI size " + std::to_string(p.spi.size()));
            break;
        case ProtocolId::none:
        default:
            return CodecError{NotifyType::invalid_protocol_id,
                              "protocol ID " + std::to_string(uint8_t(p.protocol))};
    }
    ISAKMP_ENSURE(!p.transforms.empty(), NotifyType::bad_proposal_syntax,
                  who + " proposal without transforms");
    // RFC 2407 §4.4.2: KEY_IKE is the only ISAKMP transform (§5.6:
    // "Determine if the Transform is supported" -> INVALID-TRANSFORM-ID).
    if (p.protocol == ProtocolId::isakmp)
        for (const Transform& t : p.transforms)
            ISAKMP_ENSURE(t.id == kTransformKeyIke, NotifyType::invalid_transform_id,
                          "ISAKMP transform ID " + std::to_string(t.id) + " (expected KEY_IKE)");
    return {};
}

}  // namespace

template <>
const PayloadSpec<Proposal>& spec_of<Proposal>() {
    static constexpr PayloadSpec<Proposal> spec{"Proposal", kRules, verify,
                                                 NotifyType::bad_proposal_syntax};
    return spec;
}

}  // namespace ikeoff::isakmp
