// Vendor IDs (RFC 2408 §3.16) that change behaviour: NAT-T (RFC 3947 and
// the drafts peers still send), DPD (RFC 3706), XAUTH, IKE fragmentation.
//
// Most are MD5 hashes of a string (RFC 3947 §3.1: MD5("RFC 3947")); the
// tests recompute them. identify_vendor_id() matches exact values, and the
// fragmentation ID by its 16-octet prefix (4 flag octets follow).
#pragma once

#include <string>

#include "host/common/bytes.hpp"

namespace ikeoff::isakmp {

enum class KnownVendorId : uint8_t {
    unknown,
    nat_t_rfc3947,       // MD5("RFC 3947")
    nat_t_draft_02,      // MD5("draft-ietf-ipsec-nat-t-ike-02")
    nat_t_draft_02_nl,   // MD5("draft-ietf-ipsec-nat-t-ike-02\n")  (what strongSwan sends)
    nat_t_draft_03,      // MD5("draft-ietf-ipsec-nat-t-ike-03")
    dpd,                 // RFC 3706 §5.3, version 1.0
    xauth,               // draft-beaulieu-ike-xauth
    ike_fragmentation,   // Cisco-style IKE fragmentation (prefix match)
};

// The wire bytes we send for a known vendor ID (empty for unknown).
ByteView vendor_id_bytes(KnownVendorId v);
KnownVendorId identify_vendor_id(ByteView data);
std::string to_string(KnownVendorId v);

// RFC 3947 §3.1: which NAT-T variant a peer announced.
enum class NatTVersion : uint8_t { none, draft, rfc3947 };
NatTVersion nat_t_version(KnownVendorId v);
// The best version among several vendor IDs (RFC 3947 beats the drafts).
NatTVersion best_nat_t_version(NatTVersion a, NatTVersion b);

}  // namespace ikeoff::isakmp
