// Identification payload (RFC 2408 §3.8) with the IPsec DOI fields
// (RFC 2407 §4.6.2).
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !        Payload Length         !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !   ID Type     !  Protocol ID  !             Port              !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                     Identification Data                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RFC 2408 §5.8: identification data that cannot be used ->
// INVALID-ID-INFORMATION. The address types have fixed sizes (RFC 2407
// §4.6.2.2 .. §4.6.2.12): an address, an address + mask, or two addresses.
#include <string>

#include "host/isakmp/field_rules.hpp"

namespace ikeoff::isakmp {
namespace {

constexpr FieldRule<IdPayload> kRules[] = {
    {.kind = Field::u8, .name = "ID Type", .integer = int_ref<&IdPayload::type>()},
    {.kind = Field::u8, .name = "Protocol ID", .integer = int_ref<&IdPayload::protocol>()},
    {.kind = Field::u16, .name = "Port", .integer = int_ref<&IdPayload::port>()},
    {.kind = Field::chunk, .name = "Identification Data", .bytes = &IdPayload::data},
};
static_assert(well_formed(kRules));

// Expected data size for the address types; 0 = variable (must be non-empty).
std::size_t fixed_size(IdType t) {
    switch (t) {
        case IdType::ipv4_addr: return 4;
        case IdType::ipv4_addr_subnet:
        case IdType::ipv4_addr_range: return 8;
        case IdType::ipv6_addr: return 16;
        case IdType::ipv6_addr_subnet:
        case IdType::ipv6_addr_range: return 32;
        default: return 0;
    }
}

bool known(IdType t) { return t >= IdType::ipv4_addr && t <= IdType::key_id; }

CodecStatus verify(const IdPayload& id) {
    ISAKMP_ENSURE(known(id.type), NotifyType::invalid_id_information,
                  "ID type " + std::to_string(uint8_t(id.type)));
    std::size_t want = fixed_size(id.type);
    if (want)
        ISAKMP_ENSURE(id.data.size() == want, NotifyType::invalid_id_information,
                      to_string(id.type) + " with " + std::to_string(id.data.size()) +
                          " bytes of data (expected " + std::to_string(want) + ")");
    else
        ISAKMP_ENSURE(!id.data.empty(), NotifyType::invalid_id_information,
                      to_string(id.type) + " with empty data");
    return {};
}

IpAddress address_at(const Bytes& data, std::size_t offset, bool v6) {
    std::size_t n = v6 ? 16 : 4;
    if (data.size() < offset + n) return {};
    return v6 ? IpAddress::v6(data.data() + offset) : IpAddress::v4(data.data() + offset);
}

// Prefix length of a contiguous mask, or -1.
int prefix_of(const IpAddress& mask) {
    int bits = 0;
    bool zero_seen = false;
    for (std::size_t i = 0; i < mask.size(); ++i) {
        for (int b = 7; b >= 0; --b) {
            bool one = (mask.data()[i] >> b) & 1;
            if (one && zero_seen) return -1;
            if (one) ++bits; else zero_seen = true;
        }
    }
    return bits;
}

}  // namespace

IdPayload IdPayload::address(const IpAddress& a, uint8_t protocol, uint16_t port) {
    IdPayload id;
    id.type = a.is_v6() ? IdType::ipv6_addr : IdType::ipv4_addr;
    id.protocol = protocol;
    id.port = port;
    id.data.assign(a.data(), a.data() + a.size());
    return id;
}

Result<IdPayload> IdPayload::subnet(const IpAddress& net, unsigned prefix_len, uint8_t protocol,
                                    uint16_t port) {
    if (net.empty()) return Error{Errc::invalid_argument, "subnet ID without an address"};
    unsigned bits = unsigned(net.size() * 8);
    if (prefix_len > bits)
        return Error{Errc::invalid_argument, "prefix length " + std::to_string(prefix_len) +
                                                 " exceeds " + std::to_string(bits)};
    IdPayload id;
    id.type = net.is_v6() ? IdType::ipv6_addr_subnet : IdType::ipv4_addr_subnet;
    id.protocol = protocol;
    id.port = port;
    id.data.assign(net.data(), net.data() + net.size());
    for (std::size_t i = 0; i < net.size(); ++i) {
        unsigned have = prefix_len > i * 8 ? prefix_len - unsigned(i * 8) : 0;
        uint8_t m = have >= 8 ? 0xFF : uint8_t(0xFF << (8 - have));
        id.data[i] &= m;  // the network address, host bits cleared
        id.data.push_back(m);
    }
    return id;
}

Result<IdPayload> IdPayload::range(const IpAddress& first, const IpAddress& last,
                                   uint8_t protocol, uint16_t port) {
    if (first.empty() || first.family() != last.family())
        return Error{Errc::invalid_argument, "range ID needs two addresses of one family"};
    IdPayload id;
    id.type = first.is_v6() ? IdType::ipv6_addr_range : IdType::ipv4_addr_range;
    id.protocol = protocol;
    id.port = port;
    id.data.assign(first.data(), first.data() + first.size());
    id.data.insert(id.data.end(), last.data(), last.data() + last.size());
    return id;
}

IdPayload IdPayload::fqdn(std::string_view name) {
    IdPayload id;
    id.type = IdType::fqdn;
    id.data.assign(name.begin(), name.end());
    return id;
}

IdPayload IdPayload::user_fqdn(std::string_view name) {
    IdPayload id;
    id.type = IdType::user_fqdn;
    id.data.assign(name.begin(), name.end());
    return id;
}

IdPayload IdPayload::key_id(ByteView key) {
    IdPayload id;
    id.type = IdType::key_id;
    id.data.assign(key.begin(), key.end());
    return id;
}

IdPayload IdPayload::der_asn1_dn(ByteView der) {
    IdPayload id;
    id.type = IdType::der_asn1_dn;
    id.data.assign(der.begin(), der.end());
    return id;
}

IpAddress IdPayload::first_address() const {
    if (!fixed_size(type)) return {};
    bool v6 = type == IdType::ipv6_addr || type == IdType::ipv6_addr_subnet ||
              type == IdType::ipv6_addr_range;
    return address_at(data, 0, v6);
}

IpAddress IdPayload::second_address() const {
    switch (type) {
        case IdType::ipv4_addr_subnet:
        case IdType::ipv4_addr_range: return address_at(data, 4, false);
        case IdType::ipv6_addr_subnet:
        case IdType::ipv6_addr_range: return address_at(data, 16, true);
        default: return {};
    }
}

std::string IdPayload::to_string() const {
    std::string s;
    switch (type) {
        case IdType::ipv4_addr:
        case IdType::ipv6_addr: {
            IpAddress a = first_address();
            s = a.empty() ? "<malformed>" : a.to_string();
            break;
        }
        case IdType::ipv4_addr_subnet:
        case IdType::ipv6_addr_subnet: {
            IpAddress a = first_address(), m = second_address();
            if (a.empty() || m.empty()) { s = "<malformed>"; break; }
            int p = prefix_of(m);
            s = a.to_string() + "/" + (p >= 0 ? std::to_string(p) : m.to_string());
            break;
        }
        case IdType::ipv4_addr_range:
        case IdType::ipv6_addr_range: {
            IpAddress a = first_address(), b = second_address();
            s = (a.empty() || b.empty()) ? "<malformed>" : a.to_string() + "-" + b.to_string();
            break;
        }
        case IdType::fqdn:
        case IdType::user_fqdn: {
            for (uint8_t c : data) s += (c >= 0x20 && c < 0x7F) ? char(c) : '?';
            break;
        }
        default:
            s = isakmp::to_string(type) + ":" + to_hex(data);
            break;
    }
    if (protocol || port)
        s += "[" + std::to_string(protocol) + "/" + std::to_string(port) + "]";
    return s;
}

template <>
const PayloadSpec<IdPayload>& spec_of<IdPayload>() {
    static constexpr PayloadSpec<IdPayload> spec{"ID", kRules, verify,
                                                  NotifyType::payload_malformed};
    return spec;
}

}  // namespace ikeoff::isakmp
