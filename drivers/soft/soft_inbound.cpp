// Inbound ESP/AH: locate, look up, check, verify, strip (engine.hpp order).
#include <cstring>

#include "drivers/soft/soft_engine_impl.hpp"
#include "host/ipsec/ah_format.hpp"

namespace ikeoff::drivers::soft {

using ipsec::PacketStatus;

namespace {

PacketStatus verdict_status(ipsec::ReplayVerdict v) {
    switch (v) {
        case ipsec::ReplayVerdict::ok: return PacketStatus::ok;
        case ipsec::ReplayVerdict::replay: return PacketStatus::replay;
        case ipsec::ReplayVerdict::before_window: return PacketStatus::before_window;
    }
    return PacketStatus::malformed;
}

// RFC 4303 §3.4.3: infer the high bits (ESN), then check the window. `seq`
// comes in with the received low half and leaves as the full number.
PacketStatus window_check(const SaEntry& e, uint64_t& seq) {
    const uint32_t seq_lo = uint32_t(seq);
    seq = seq_lo;
    if (e.params.esn && !e.state.window.infer_esn(seq_lo, seq)) return PacketStatus::before_window;
    return verdict_status(e.state.window.check(seq));
}

}  // namespace

PacketStatus SoftEngine::prepare_inbound(ipsec::Packet& pkt, Work& w) {
    ipsec::IpHeader ip;
    ipsec::IpsecLocation loc;
    SaEntry* e = nullptr;
    // Batches are mostly one SA: the last one looked up is tried first.
    const PacketStatus found = classify_inbound(pkt, ip, loc, e, cached_);
    if (found != PacketStatus::ok) return found;
    cached_ = e;
    w.sa = e;
    const ipsec::SaParams& p = e->params;
    SoftSa& s = e->state;
    if (p.direction == ipsec::SaDirection::outbound) return PacketStatus::wrong_direction;
    if (s.hard_expired) return PacketStatus::sa_expired;
    // From here on a failure may still become sa_expired (or another window
    // verdict) through an earlier packet of this batch: defer it.
    w.deferred = check_inbound(pkt, w, ip, loc);
    if (w.deferred == PacketStatus::ok) {
        build_inbound_op(pkt, w);
        w.queued = true;
    }
    return PacketStatus::ok;
}

PacketStatus SoftEngine::check_inbound(const ipsec::Packet& pkt, Work& w, const ipsec::IpHeader& ip,
                                       const ipsec::IpsecLocation& loc) {
    const ipsec::SaParams& p = w.sa->params;
    const SoftSa& s = w.sa->state;
    const uint8_t* sec = pkt.in.data() + loc.offset;
    const bool esp = p.protocol == ipsec::Protocol::esp;

    w.version = ip.version;
    w.total = ip.total_len;
    w.sec_offset = loc.offset;
    w.nh_offset = loc.nh_offset;
    std::size_t seq_at = 0;
    if (esp) {
        // The encrypted part must hold at least the trailer and whole blocks.
        std::size_t fixed = ipsec::kEspHeaderLen + s.esp.iv + s.esp.icv;
        std::size_t len = w.total - loc.offset;
        if (len < fixed + ipsec::kEspTrailerLen) return PacketStatus::malformed;
        w.body = len - fixed;
        if (w.body % s.esp.block != 0) return PacketStatus::malformed;
        w.front = p.mode == ipsec::Mode::tunnel ? 0 : (loc.udp ? loc.udp_offset : loc.offset);
        seq_at = loc.offset + 4;
    } else {
        // RFC 4302 §2.2: payload length is the AH length in 32-bit words minus 2;
        // it has to be exactly what this SA's ICV needs.
        std::size_t ah_len = (std::size_t(sec[1]) + 2) * 4;
        if (ah_len != ipsec::ah_header_len(p.integ, ip.version == 6) || loc.offset + ah_len > w.total)
            return PacketStatus::malformed;
        if (!ipsec::mutable_fields_valid(pkt.in.data(), ip.version, loc.offset)) return PacketStatus::malformed;
        w.body = ah_len;
        w.front = loc.offset;
        seq_at = loc.offset + 8;
    }
    if (pkt.out.size() < w.total) return PacketStatus::buffer_too_small;

    // RFC 4303 §3.4.3: infer the high bits (ESN) and check the window before
    // spending any work on the ICV.
    const uint32_t seq_lo = load_be32(pkt.in.data() + seq_at);
    w.seq = seq_lo;  // finish_inbound() re-infers from the low half
    return window_check(*w.sa, w.seq);
}

void SoftEngine::build_inbound_op(const ipsec::Packet& pkt, Work& w) {
    const ipsec::SaParams& p = w.sa->params;
    const SoftSa& s = w.sa->state;
    store_be32(w.seq_hi.data(), uint32_t(w.seq >> 32));
    CryptoOp& op = w.op;
    op.reset();
    op.sa = s.crypto.get();
    op.encrypt = false;

    if (p.protocol == ipsec::Protocol::ah) {
        // RFC 4302 §3.4.3: recompute the ICV over a copy with the mutable
        // fields and the ICV field zeroed; finish_inbound() restores them.
        uint8_t* o = pkt.out.data();
        std::memcpy(o, pkt.in.data(), w.total);
        // Only the ICV itself: the padding after it is covered as received
        // (RFC 4302 §3.3.3.2.1).
        std::memset(o + w.sec_offset + ipsec::kAhFixedLen, 0, ipsec::icv_bytes(p.integ));
        ipsec::zero_mutable_fields(o, w.version, w.sec_offset);
        op.auth[0] = {o, w.total};
        if (p.esn) op.auth[1] = {w.seq_hi.data(), 4};
        op.expected_tag = pkt.in.data() + w.sec_offset + ipsec::kAhFixedLen;
        op.tag_len = ipsec::icv_bytes(p.integ);
        return;
    }

    const uint8_t* esp = pkt.in.data() + w.sec_offset;
    const uint8_t* ct = esp + ipsec::kEspHeaderLen + s.esp.iv;
    uint8_t* plain = pkt.out.data() + w.front;
    op.expected_tag = ct + w.body;
    op.tag_len = s.esp.icv;
    switch (p.enc.alg) {
        case ipsec::EncAlg::aes_gcm16:
        case ipsec::EncAlg::aes_gmac:
            std::memcpy(w.nonce.data(), s.salt.data(), 4);
            std::memcpy(w.nonce.data() + 4, esp + 8, 8);
            op.iv = w.nonce.data();
            op.iv_len = 12;
            if (p.enc.alg == ipsec::EncAlg::aes_gcm16) {
                std::memcpy(w.aad.data(), esp, 4);
                if (p.esn) {
                    std::memcpy(w.aad.data() + 4, w.seq_hi.data(), 4);
                    std::memcpy(w.aad.data() + 8, esp + 4, 4);
                }
                else std::memcpy(w.aad.data() + 4, esp + 4, 4);
                op.auth[0] = {w.aad.data(), p.esn ? 12u : 8u};
                op.in[0] = {ct, w.body};
                op.out = plain;
                op.out_len = w.body;
            } else {
                std::memcpy(plain, ct, w.body);
                std::size_t rest = 4 + 8 + w.body;
                if (p.esn) {
                    op.auth[0] = {esp, 4};
                    op.auth[1] = {w.seq_hi.data(), 4};
                    op.auth[2] = {esp + 4, rest};
                } else {
                    op.auth[0] = {esp, 4 + rest};
                }
            }
            return;
        case ipsec::EncAlg::aes_cbc:
        case ipsec::EncAlg::tdes_cbc:
            std::memcpy(w.nonce.data(), esp + 8, s.esp.iv);
            op.iv = w.nonce.data();
            op.iv_len = s.esp.iv;
            op.in[0] = {ct, w.body};
            op.out = plain;
            op.out_len = w.body;
            break;
        case ipsec::EncAlg::null:
            std::memcpy(plain, ct, w.body);
            break;
    }
    if (p.integ != ipsec::IntegAlg::none) {
        op.auth[0] = {esp, ipsec::kEspHeaderLen + s.esp.iv + w.body};
        if (p.esn) op.auth[1] = {w.seq_hi.data(), 4};
    }
}

PacketStatus SoftEngine::finish_inbound(ipsec::Packet& pkt, Work& w) {
    SaEntry& e = *w.sa;
    const ipsec::SaParams& p = e.params;
    SoftSa& s = e.state;
    // Re-check, in order, what earlier packets of this batch may have
    // changed: the hard lifetime, then the window (and the ESN high bits).
    if (s.hard_expired) return PacketStatus::sa_expired;
    if (w.deferred == PacketStatus::malformed || w.deferred == PacketStatus::buffer_too_small) return w.deferred;
    uint64_t seq = w.seq;
    PacketStatus st = window_check(e, seq);
    if (st != PacketStatus::ok) return st;
    if (!w.queued || seq != w.seq) {
        // The window moved within this batch (rare): the verdict or the
        // inferred high bits changed, and the high bits are ICV input.
        w.seq = seq;
        build_inbound_op(pkt, w);
        w.queued = true;
        s.provider->run_one(w.op);
    }
    if (!w.op.ok) {
        // Never leave unauthenticated plaintext in the caller's buffer.
        std::memset(pkt.out.data(), 0, w.total);
        return PacketStatus::icv_failure;
    }
    // RFC 4303 §3.4.3: the window advances only for verified packets.
    s.window.commit(w.seq);
    pkt.seq = w.seq;

    uint8_t* o = pkt.out.data();
    const bool tunnel = p.mode == ipsec::Mode::tunnel;
    std::size_t inner_len = 0;
    uint8_t nh = 0;
    if (p.protocol == ipsec::Protocol::esp) {
        // RFC 4303 §2.4-2.6: pad length, padding pattern, next header.
        if (!ipsec::parse_esp_trailer(o + w.front, w.body, inner_len, nh)) return PacketStatus::bad_padding;
    } else {
        nh = pkt.in[w.sec_offset];
        inner_len = w.total - w.sec_offset - w.body;
        if (tunnel) std::memmove(o, o + w.sec_offset + w.body, inner_len);
        else std::memmove(o + w.front, o + w.front + w.body, inner_len);
    }
    if (tunnel) {
        if (nh != ipsec::kProtoIpv4 && nh != ipsec::kProtoIpv6) return PacketStatus::bad_padding;
        pkt.out_len = uint32_t(inner_len);
    } else {
        // Restore the received header (mutable fields as they arrived) and
        // let it name what ESP/AH carried.
        std::memcpy(o, pkt.in.data(), w.front);
        o[w.nh_offset] = nh;
        ipsec::set_ip_length(o, w.version, w.front + inner_len);
        if (w.version == 4) ipsec::update_ipv4_checksum(o);
        pkt.out_len = uint32_t(w.front + inner_len);
    }
    account(e, pkt.out_len);
    return PacketStatus::ok;
}

}  // namespace ikeoff::drivers::soft
