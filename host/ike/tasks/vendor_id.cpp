#include "host/ike/tasks/vendor_id.hpp"

namespace ikeoff::ike {

using isakmp::KnownVendorId;
using isakmp::NatTVersion;

namespace {

isakmp::Payload vid(KnownVendorId id) {
    ByteView b = isakmp::vendor_id_bytes(id);
    return isakmp::Payload(isakmp::VendorIdPayload{Bytes(b.begin(), b.end())});
}

}  // namespace

PeerVendorIds scan_vendor_ids(const isakmp::Message& m) {
    PeerVendorIds out;
    for (const isakmp::VendorIdPayload* v : m.all<isakmp::VendorIdPayload>()) {
        KnownVendorId id = isakmp::identify_vendor_id(v->data);
        out.natt = isakmp::best_nat_t_version(out.natt, isakmp::nat_t_version(id));
        out.dpd |= id == KnownVendorId::dpd;
        out.xauth |= id == KnownVendorId::xauth;
        out.fragmentation |= id == KnownVendorId::ike_fragmentation;
    }
    return out;
}

std::vector<isakmp::Payload> initiator_vendor_ids() {
    // RFC 3947 §3.1: send the RFC's VID; the draft ones let peers that
    // stopped at a draft still negotiate (with the draft payload numbers).
    return {vid(KnownVendorId::nat_t_rfc3947), vid(KnownVendorId::nat_t_draft_03),
            vid(KnownVendorId::nat_t_draft_02_nl), vid(KnownVendorId::dpd)};
}

std::vector<isakmp::Payload> responder_vendor_ids(NatTVersion chosen) {
    // RFC 3706 §5.3: each side announces DPD support with the DPD vendor
    // ID; we answer R-U-THERE always (tasks/dpd.hpp).
    std::vector<isakmp::Payload> out{vid(KnownVendorId::dpd)};
    switch (chosen) {
        case NatTVersion::rfc3947: out.push_back(vid(KnownVendorId::nat_t_rfc3947)); break;
        case NatTVersion::draft: out.push_back(vid(KnownVendorId::nat_t_draft_02_nl)); break;
        case NatTVersion::none: break;
    }
    return out;
}

}  // namespace ikeoff::ike
