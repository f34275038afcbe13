// Notification payload (RFC 2408 §3.14).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !              Domain of Interpretation  (DOI)                  !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                Security Parameter Index (SPI)                 ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       Notification Data                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 2408 §5.14: unsupported DOI -> DOI-NOT-SUPPORTED, Protocol-ID ->
// INVALID-PROTOCOL-ID, SPI -> INVALID-SPI. Received notifies are advisory,
// so the SPI rules accept every size peers are known to use: ISAKMP 0 or 16
// (the cookies; RFC 3706 DPD uses 16) or 8, ESP/AH 0 or 4, IPCOMP 0, 2 or 4.
// Protocol 0 is accepted with an empty SPI (errors that concern no SA).
// Unknown notify types are not an error: the receiver ignores them.
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

CodecStatus check_doi(uint32_t doi) {
    ISAKMP_ENSURE(doi == uint32_t(Doi::isakmp) || doi == uint32_t(Doi::ipsec),
                  NotifyType::doi_not_supported, "notify DOI " + std::to_string(doi));
    return {};
}

CodecStatus check_protocol(uint32_t p) {
    ISAKMP_ENSURE(p <= uint8_t(ProtocolId::ipcomp), NotifyType::invalid_protocol_id,
                  "notify protocol ID " + std::to_string(p));
    return {};
}

constexpr FieldRule<NotifyPayload> kRules[] = {
    {.kind = Field::u32, .name = "Domain of Interpretation",
     .integer = int_ref<&NotifyPayload::doi>(), .check = check_doi},
    {.kind = Field::u8, .name = "Protocol-ID", .integer = int_ref<&NotifyPayload::protocol>(),
     .check = check_protocol},
    {.kind = Field::spi_size, .name = "SPI Size", .bytes = &NotifyPayload::spi},
    {.kind = Field::u16, .name = "Notify Message Type", .integer = int_ref<&NotifyPayload::type>()},
    {.kind = Field::spi, .name = "SPI", .bytes = &NotifyPayload::spi},
    {.kind = Field::chunk, .name = "Notification Data", .bytes = &NotifyPayload::data},
};
static_assert(well_formed(kRules));

CodecStatus verify(const NotifyPayload& n) {
    IKEOFF_TRY(check_doi(uint32_t(n.doi)));
    IKEOFF_TRY(check_protocol(uint8_t(n.protocol)));
    std::size_t s = n.spi.size();
    bool ok = false;
    switch (n.protocol) {
        case ProtocolId::none: ok = s == 0; break;
        case ProtocolId::isakmp: ok = s == 0 || s == 8 || s == 16; break;
        case ProtocolId::ah:
        case ProtocolId::esp: ok = s == 0 || s == 4; break;
        case ProtocolId::ipcomp: ok = s == 0 || s == 2 || s == 4; break;
    }
    ISAKMP_ENSURE(ok, NotifyType::invalid_spi,
                  "notify " + to_string(n.type) + ": " + to_string(n.protocol) + " SPI of " +
                      std::to_string(s) + " bytes");
    ISAKMP_ENSURE(n.type != NotifyType::none, NotifyType::payload_malformed,
                  "notify message type 0");
    return {};
}

}  // namespace

template <>
const PayloadSpec<NotifyPayload>& spec_of<NotifyPayload>() {
    static constexpr PayloadSpec<NotifyPayload> spec{"N", kRules, verify,
                                                      NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
