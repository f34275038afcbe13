#include "host/ike/tasks/nat_d.hpp"

#include "host/common/log.hpp"
#include "host/crypto/rng.hpp"
#include "host/isakmp/natt.hpp"

namespace ikeoff::ike {

namespace {

Result<Bytes> nat_d_hash(const IsakmpSa& sa, crypto::HashAlg hash, const Endpoint& e) {
    Bytes in = isakmp::natd_hash_input(sa.cky_i, sa.cky_r, e.addr, e.port);
    return crypto::hash(hash, in);
}

}  // namespace

Result<std::vector<isakmp::Payload>> build_nat_d(const IsakmpSa& sa, crypto::HashAlg hash, const Endpoint& local,
                                                  const Endpoint& remote, bool fake_local) {
    const isakmp::PayloadType type = isakmp::natd_payload_type(sa.nat.version);
    IKEOFF_ASSIGN(Bytes theirs, nat_d_hash(sa, hash, remote));
    Bytes ours;
    if (fake_local) {
        IKEOFF_ASSIGN(ours, crypto::rng::public_bytes(crypto::hash_size(hash)));
    } else {
        IKEOFF_ASSIGN(ours, nat_d_hash(sa, hash, local));
    }
    std::vector<isakmp::Payload> out;
    out.emplace_back(type, isakmp::NatDPayload{std::move(theirs)});
    out.emplace_back(type, isakmp::NatDPayload{std::move(ours)});
    return out;
}

Status check_nat_d(IsakmpSa& sa, crypto::HashAlg hash, const isakmp::Message& m, const Endpoint& local,
                   const Endpoint& remote) {
    std::vector<const isakmp::NatDPayload*> ds = m.all<isakmp::NatDPayload>();
    if (ds.empty()) {
        // RFC 3947 §3.2: NAT-T needs NAT-D from both sides; without them
        // the peer is not doing NAT-T after all.
        sa.nat.version = isakmp::NatTVersion::none;
        return {};
    }
    IKEOFF_ASSIGN(Bytes me, nat_d_hash(sa, hash, local));
    IKEOFF_ASSIGN(Bytes peer, nat_d_hash(sa, hash, remote));
    sa.nat.local_behind = !ct_equal(ds.front()->hash, me);
    bool peer_matched = false;
    for (std::size_t i = 1; i < ds.size(); ++i) peer_matched |= ct_equal(ds[i]->hash, peer);
    sa.nat.remote_behind = !peer_matched;
    IKEOFF_LOG(2, "ike", sa.describe() << ": NAT-D: " << (sa.nat.local_behind ? "we are behind a NAT" : "no NAT here")
                                       << ", " << (sa.nat.remote_behind ? "peer is behind a NAT" : "no NAT at the peer"));
    return {};
}

}  // namespace ikeoff::ike
