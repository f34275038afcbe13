// Vendor ID payloads (RFC 2408 §3.16) that change what we do: NAT-T
// (RFC 3947 §3.1 and the drafts peers still send) and DPD (RFC 3706).
//
// We announce RFC 3947 and the two draft IDs strongSwan and older peers
// understand; a responder answers with the single best version both sides
// support. Unknown vendor IDs are ignored.
#pragma once

#include <vector>

#include "host/isakmp/message.hpp"
#include "host/isakmp/payloads.hpp"
#include "host/isakmp/vendor_ids.hpp"

namespace ikeoff::ike {

struct PeerVendorIds {
    isakmp::NatTVersion natt = isakmp::NatTVersion::none;
    bool dpd = false;
    bool xauth = false;
    bool fragmentation = false;
};

PeerVendorIds scan_vendor_ids(const isakmp::Message& m);

// The VIDs of an initiator's first message (every NAT-T version we speak,
// and DPD).
std::vector<isakmp::Payload> initiator_vendor_ids();
// A responder's answer: DPD, and the one NAT-T version chosen (none: no
// NAT-T VID).
std::vector<isakmp::Payload> responder_vendor_ids(isakmp::NatTVersion chosen);

}  // namespace ikeoff::ike
