// Delete payload (RFC 2408 §3.15).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !              Domain of Interpretation  (DOI)                  !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Protocol-Id  !   SPI Size    !           # of SPIs           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~               Security Parameter Index(es) (SPI)              ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 2408 §5.15: DOI -> DOI-NOT-SUPPORTED, Protocol-Id ->
// INVALID-PROTOCOL-ID, SPI -> INVALID-SPI. An ISAKMP SA is named by its
// cookie pair (16 octets, RFC 2408 §3.15), ESP/AH SAs by 4-octet SPIs,
// IPCOMP by its CPI (2 octets, 4 from some peers).
#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

CodecStatus check_doi(uint32_t doi) {
    ISAKMP_ENSURE(doi == uint32_t(Doi::isakmp) || doi == uint32_t(Doi::ipsec),
                  NotifyType::doi_not_supported, "delete DOI " + std::to_string(doi));
    return {};
}

CodecStatus check_protocol(uint32_t p) {
    ISAKMP_ENSURE(p >= uint8_t(ProtocolId::isakmp) && p <= uint8_t(ProtocolId::ipcomp),
                  NotifyType::invalid_protocol_id, "delete protocol ID " + std::to_string(p));
    return {};
}

constexpr FieldRule<DeletePayload> kRules[] = {
    {.kind = Field::u32, .name = "Domain of Interpretation",
     .integer = int_ref<&DeletePayload::doi>(), .check = check_doi},
    {.kind = Field::u8, .name = "Protocol-Id", .integer = int_ref<&DeletePayload::protocol>(),
     .check = check_protocol},
    {.kind = Field::spi_size, .name = "SPI Size", .list = &DeletePayload::spis},
    {.kind = Field::count16, .name = "# of SPIs", .list = &DeletePayload::spis},
    {.kind = Field::spis, .name = "SPIs", .list = &DeletePayload::spis},
};
static_assert(well_formed(kRules));

CodecStatus verify(const DeletePayload& d) {
    IKEOFF_TRY(check_doi(uint32_t(d.doi)));
    IKEOFF_TRY(check_protocol(uint8_t(d.protocol)));
    ISAKMP_ENSURE(!d.spis.empty(), NotifyType::payload_malformed, "delete without SPIs");
    for (const Bytes& spi : d.spis) {
        std::size_t s = spi.size();
        bool ok = d.protocol == ProtocolId::isakmp ? s == 16
                  : d.protocol == ProtocolId::ipcomp ? (s == 2 || s == 4)
                                                     : s == 4;
        ISAKMP_ENSURE(ok, NotifyType::invalid_spi,
                      "delete " + to_string(d.protocol) + ": SPI of " + std::to_string(s) +
                          " bytes");
    }
    return {};
}

}  // namespace

template <>
const PayloadSpec<DeletePayload>& spec_of<DeletePayload>() {
    static constexpr PayloadSpec<DeletePayload> spec{"D", kRules, verify,
                                                      NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
