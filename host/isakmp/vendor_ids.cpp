#include "host/isakmp/vendor_ids.hpp"

#include <algorithm>

namespace ikeoff::isakmp {
namespace {

struct Known {
    KnownVendorId id;
    const char* name;
    uint8_t bytes[20];
    uint8_t size;
    bool prefix;  // match the first `size` octets only
};

constexpr Known kKnown[] = {
    {KnownVendorId::nat_t_rfc3947, "RFC 3947 NAT-T",
     {0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45, 0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f},
     16, false},
    {KnownVendorId::nat_t_draft_02, "draft-ietf-ipsec-nat-t-ike-02",
     {0xcd, 0x60, 0x46, 0x43, 0x35, 0xdf, 0x21, 0xf8, 0x7c, 0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4, 0x48},
     16, false},
    {KnownVendorId::nat_t_draft_02_nl, "draft-ietf-ipsec-nat-t-ike-02\\n",
     {0x90, 0xcb, 0x80, 0x91, 0x3e, 0xbb, 0x69, 0x6e, 0x08, 0x63, 0x81, 0xb5, 0xec, 0x42, 0x7b, 0x1f},
     16, false},
    {KnownVendorId::nat_t_draft_03, "draft-ietf-ipsec-nat-t-ike-03",
     {0x7d, 0x94, 0x19, 0xa6, 0x53, 0x10, 0xca, 0x6f, 0x2c, 0x17, 0x9d, 0x92, 0x15, 0x52, 0x9d, 0x56},
     16, false},
    {KnownVendorId::dpd, "DPD",
     {0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9, 0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00},
     16, false},
    {KnownVendorId::xauth, "XAUTH", {0x09, 0x00, 0x26, 0x89, 0xdf, 0xd6, 0xb7, 0x12}, 8, false},
    {KnownVendorId::ike_fragmentation, "IKE fragmentation",
     {0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85, 0x25, 0xe7, 0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3},
     16, true},
};

}  // namespace

ByteView vendor_id_bytes(KnownVendorId v) {
    for (const Known& k : kKnown)
        if (k.id == v) return ByteView(k.bytes, k.size);
    return {};
}

KnownVendorId identify_vendor_id(ByteView data) {
    for (const Known& k : kKnown) {
        if (k.prefix ? data.size() < k.size : data.size() != k.size) continue;
        if (std::equal(k.bytes, k.bytes + k.size, data.begin())) return k.id;
    }
    return KnownVendorId::unknown;
}

std::string to_string(KnownVendorId v) {
    for (const Known& k : kKnown)
        if (k.id == v) return k.name;
    return "unknown";
}

NatTVersion nat_t_version(KnownVendorId v) {
    switch (v) {
        case KnownVendorId::nat_t_rfc3947: return NatTVersion::rfc3947;
        case KnownVendorId::nat_t_draft_02:
        case KnownVendorId::nat_t_draft_02_nl:
        case KnownVendorId::nat_t_draft_03: return NatTVersion::draft;
        default: return NatTVersion::none;
    }
}

NatTVersion best_nat_t_version(NatTVersion a, NatTVersion b) { return a > b ? a : b; }

}  // namespace ikeoff::isakmp
