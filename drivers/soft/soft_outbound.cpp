// Outbound ESP/AH: checks, sequence numbers and framing (sa.hpp formats).
#include <cstring>

#include "drivers/soft/soft_engine_impl.hpp"
#include "host/ipsec/ah_format.hpp"

namespace ikeoff::drivers::soft {

using ipsec::PacketStatus;

namespace {

// Big-endian stores as one byte-swapped word each (the byte-by-byte helpers
// of bytes.hpp are not merged by the compiler here, and this runs per packet).
inline void put16(uint8_t* p, uint16_t v) {
    v = __builtin_bswap16(v);
    std::memcpy(p, &v, 2);
}
inline void put32(uint8_t* p, uint32_t v) {
    v = __builtin_bswap32(v);
    std::memcpy(p, &v, 4);
}
inline void put64(uint8_t* p, uint64_t v) {
    v = __builtin_bswap64(v);
    std::memcpy(p, &v, 8);
}

// RFC 4303 §2.4 default padding: 1, 2, 3, ...
constexpr std::array<uint8_t, 32> kPadPattern = [] {
    std::array<uint8_t, 32> a{};
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = uint8_t(i + 1);
    return a;
}();

}  // namespace

PacketStatus SoftEngine::prepare_outbound(ipsec::Packet& pkt, Work& w) {
    // engine.hpp check order: SA, direction, hard lifetime, packet, sequence, buffer.
    SaEntry* e = lookup(pkt.sa);
    if (!e) return PacketStatus::unknown_spi;
    w.sa = e;
    const ipsec::SaParams& p = e->params;
    SoftSa& s = e->state;
    if (p.direction == ipsec::SaDirection::inbound) return PacketStatus::wrong_direction;
    if (s.hard_expired) return PacketStatus::sa_expired;

    ipsec::IpHeader ip;
    if (!ipsec::parse_ip_header(pkt.in, true, ip)) return PacketStatus::malformed;
    const bool tunnel = p.mode == ipsec::Mode::tunnel;
    if (tunnel) {
        w.version = p.dst.is_v6() ? 6 : 4;
        w.front = w.version == 6 ? ipsec::kIpv6HeaderLen : ipsec::kIpv4HeaderLen;
        w.payload_at = 0;
        w.next_header = ip.version == 4 ? ipsec::kProtoIpv4 : ipsec::kProtoIpv6;
        w.inner_tos = ip.tos;
        w.inner_df = ip.version == 4 && ip.df;
    } else {
        ipsec::InsertPoint ins;
        if (!ipsec::find_insert_point(pkt.in, ip, ins)) return PacketStatus::malformed;
        w.version = ip.version;
        w.front = ins.offset;
        w.nh_offset = ins.nh_offset;
        w.payload_at = ins.offset;
        w.next_header = ins.next;
    }
    const std::size_t payload = pkt.in.size() - w.payload_at;
    if (p.protocol == ipsec::Protocol::esp) {
        w.proto = p.encap ? ipsec::kProtoUdp : ipsec::kProtoEsp;
        w.sec_offset = w.front + (p.encap ? ipsec::kUdpHeaderLen : 0);
        w.body = payload + ipsec::esp_pad_len(payload, s.esp.align) + ipsec::kEspTrailerLen;
        w.total = w.sec_offset + ipsec::kEspHeaderLen + s.esp.iv + w.body + s.esp.icv;
    } else {
        w.proto = ipsec::kProtoAh;
        w.sec_offset = w.front;
        w.body = ipsec::ah_header_len(p.integ, w.version == 6);
        w.total = w.front + w.body + payload;
        if (!tunnel && !ipsec::mutable_fields_valid(pkt.in.data(), ip.version, w.front))
            return PacketStatus::malformed;
    }
    // The result must still be expressible in the IP length field.
    if (w.total > (w.version == 6 ? 0xffff + ipsec::kIpv6HeaderLen : 0xffff)) return PacketStatus::malformed;

    // RFC 4303 §3.3.3 / RFC 4302 §3.3.2: the counter must not cycle; the SA
    // has to be rekeyed instead.
    if (s.seq_exhausted || (!p.esn && s.next_seq > 0xffffffffULL)) {
        if (!s.overflow_reported) {
            s.overflow_reported = true;
            push_event(*e, ipsec::SaEventKind::seq_overflow, false);
        }
        return PacketStatus::seq_overflow;
    }
    if (pkt.out.size() < w.total) return PacketStatus::buffer_too_small;

    w.seq = s.next_seq++;
    if (s.next_seq == 0) s.seq_exhausted = true;  // sent 2^64-1
    // Outbound crypto cannot fail on valid input, so the packet counts now
    // and a hard limit reached here refuses the rest of the batch.
    account(*e, pkt.in.size());

    write_front(pkt, w);
    if (p.protocol == ipsec::Protocol::esp) frame_esp(pkt, w);
    else frame_ah(pkt, w);
    w.queued = true;
    return PacketStatus::ok;
}

// The outer IP header (tunnel) or the caller's header up to the insertion
// point with its protocol, length and checksum updated (transport), and the
// RFC 3948 UDP header.
void SoftEngine::write_front(const ipsec::Packet& pkt, const Work& w) {
    const ipsec::SaParams& p = w.sa->params;
    const SoftSa& s = w.sa->state;
    uint8_t* o = pkt.out.data();
    if (p.mode == ipsec::Mode::tunnel) {
        // sa.hpp: TOS/traffic class copied; IPv4 ID = low 16 bits of the
        // sequence number, DF copied from an IPv4 inner header, TTL 64.
        // A fixed-size copy of the whole template compiles to a few vector
        // moves; what it writes past the header is overwritten below and by
        // framing. Every tunnel packet is longer than the template, but
        // check anyway.
        // (AH rewrites its header after the ICV: exact length there.)
        if (w.proto != ipsec::kProtoAh && pkt.out.size() >= s.outer.size()) {
            std::memcpy(o, s.outer.data(), s.outer.size());
        } else {
            std::memcpy(o, s.outer.data(), w.front + (w.proto == ipsec::kProtoUdp ? ipsec::kUdpHeaderLen : 0));
        }
        if (w.version == 4) {
            const uint16_t flags = w.inner_df ? 0x4000 : 0;
            o[1] = w.inner_tos;
            put16(o + 2, uint16_t(w.total));
            put16(o + 4, uint16_t(w.seq));
            put16(o + 6, flags);
            uint32_t sum = s.outer_sum + w.inner_tos + uint32_t(w.total) + uint16_t(w.seq) + flags;
            sum = (sum & 0xffff) + (sum >> 16);
            sum = (sum & 0xffff) + (sum >> 16);
            put16(o + 10, uint16_t(~sum));
        } else {
            o[0] = uint8_t(0x60 | w.inner_tos >> 4);
            o[1] = uint8_t(w.inner_tos << 4);
            put16(o + 4, uint16_t(w.total - ipsec::kIpv6HeaderLen));
        }
    } else {
        std::memcpy(o, pkt.in.data(), w.front);
        o[w.nh_offset] = w.proto;
        ipsec::set_ip_length(o, w.version, w.total);
        if (w.version == 4) ipsec::update_ipv4_checksum(o);
        if (w.proto == ipsec::kProtoUdp) {
            put16(o + w.front, p.encap->src_port);
            put16(o + w.front + 2, p.encap->dst_port);
        }
    }
    if (w.proto == ipsec::kProtoUdp) {
        // RFC 3948 §2.1: ports from the SA (above), checksum zero.
        uint8_t* u = o + w.front;
        put16(u + 4, uint16_t(w.total - w.front));
        put16(u + 6, 0);
    }
}

void SoftEngine::frame_esp(const ipsec::Packet& pkt, Work& w) {
    // Everything read from w/params first: the byte stores into the packet
    // below may alias them as far as the compiler knows, and would force
    // reloads.
    const ipsec::SaParams& p = w.sa->params;
    const SoftSa& s = w.sa->state;
    const uint64_t seq = w.seq;
    const uint32_t spi = p.spi;
    const bool esn = p.esn;
    const ipsec::EncAlg alg = p.enc.alg;
    const bool integ = p.integ != ipsec::IntegAlg::none;
    const std::size_t iv_len = s.esp.iv;
    const std::size_t icv_len = s.esp.icv;
    const std::size_t body = w.body;
    const uint8_t next_header = w.next_header;
    uint8_t* esp = pkt.out.data() + w.sec_offset;
    uint8_t* ct = esp + ipsec::kEspHeaderLen + iv_len;
    uint8_t* icv = ct + body;
    const uint8_t* payload = pkt.in.data() + w.payload_at;
    const std::size_t payload_len = pkt.in.size() - w.payload_at;
    const std::size_t trailer_len = body - payload_len;
    CryptoOp& op = w.op;

    put32(esp, spi);
    put32(esp + 4, uint32_t(seq));  // RFC 4303 §2.2.1: only the low 32 bits travel
    // The cipher input is [payload in `in`][trailer]. GCM reads the trailer
    // from the work item, which is in L1: written into `out` first, the
    // provider's read of it waited for those lines to arrive (on AVX-512 at
    // 1420 B that was a fifth of the per-packet cost outside the cipher).
    // The other transforms need it in place (GMAC, null) or are far from
    // memory-bound.
    // (esp_format.hpp: the alignment is at most 16, so the trailer is at
    // most 15 + 2 octets and fits.)
    const bool gcm = alg == ipsec::EncAlg::aes_gcm16;
    uint8_t* trailer = gcm ? w.trailer.data() : ct + payload_len;
    if (gcm) {
        // A fixed-size copy of the whole 1, 2, 3, ... pattern (two vector
        // stores) instead of a byte loop, then the two trailer fields.
        const std::size_t pad_len = trailer_len - ipsec::kEspTrailerLen;
        std::memcpy(trailer, kPadPattern.data(), kPadPattern.size());
        trailer[pad_len] = uint8_t(pad_len);
        trailer[pad_len + 1] = next_header;
    } else {
        ipsec::write_esp_trailer(trailer, trailer_len - ipsec::kEspTrailerLen, next_header);
    }

    if (gcm) {
        // sa.hpp: the explicit IV is the 64-bit sequence number; RFC 4106
        // §4: nonce = salt || IV; §5: AAD = SPI || seq, i.e. the ESP header
        // as sent, or SPI || seq high || seq low with ESN.
        put64(esp + 8, seq);
        std::memcpy(w.nonce.data(), s.salt.data(), 4);
        put64(w.nonce.data() + 4, seq);
        // The common case fills the op field by field (no reset first).
        op.sa = s.crypto.get();
        op.encrypt = true;
        op.derive_iv = false;
        op.iv = w.nonce.data();
        op.iv_len = 12;
        op.in[0] = {payload, payload_len};
        op.in[1] = {trailer, trailer_len};
        op.out = ct;
        op.out_len = body;
        if (esn) {
            std::memcpy(w.aad.data(), esp, 4);
            put64(w.aad.data() + 4, seq);
            op.auth[0] = {w.aad.data(), 12};
        } else {
            op.auth[0] = {esp, 8};
        }
        op.auth[1] = {nullptr, 0};
        op.auth[2] = {nullptr, 0};
        op.tag = icv;
        op.expected_tag = nullptr;
        op.tag_len = icv_len;
        return;
    }

    op.reset();
    op.sa = s.crypto.get();
    op.encrypt = true;
    op.tag = icv;
    op.tag_len = icv_len;
    op.out = ct;
    op.out_len = body;
    put32(w.seq_hi.data(), uint32_t(seq >> 32));
    switch (alg) {
        case ipsec::EncAlg::aes_gmac: {
            // RFC 4543 §3.2/§5: GMAC authenticates SPI, seq (with its high
            // half when ESN), IV and the whole unencrypted payload.
            put64(esp + 8, seq);
            std::memcpy(w.nonce.data(), s.salt.data(), 4);
            put64(w.nonce.data() + 4, seq);
            op.iv = w.nonce.data();
            op.iv_len = 12;
            std::memcpy(ct, payload, payload_len);
            op.out = nullptr;
            op.out_len = 0;
            std::size_t rest = 4 + 8 + body;  // seq low, IV, payload + trailer
            if (esn) {
                op.auth[0] = {esp, 4};
                op.auth[1] = {w.seq_hi.data(), 4};
                op.auth[2] = {esp + 4, rest};
            } else {
                op.auth[0] = {esp, 4 + rest};
            }
            return;
        }
        case ipsec::EncAlg::aes_cbc:
        case ipsec::EncAlg::tdes_cbc:
            op.derive_iv = true;
            op.iv_seq = seq;
            op.iv = esp + 8;
            op.iv_len = iv_len;
            op.in[0] = {payload, payload_len};
            op.in[1] = {trailer, trailer_len};
            break;
        case ipsec::EncAlg::null:
            std::memcpy(ct, payload, payload_len);
            op.out = nullptr;
            op.out_len = 0;
            break;
        case ipsec::EncAlg::aes_gcm16:
            break;  // handled above
    }
    if (integ) {
        // RFC 4303 §2.2.1: with ESN the high half is appended (implicitly) to
        // the ICV input. Putting it where the ICV goes keeps the input in one
        // piece; the ICV overwrites it.
        std::size_t len = ipsec::kEspHeaderLen + iv_len + body;
        if (esn) {
            std::memcpy(icv, w.seq_hi.data(), 4);
            len += 4;
        }
        op.auth[0] = {esp, len};
    }
}

void SoftEngine::frame_ah(const ipsec::Packet& pkt, Work& w) {
    const ipsec::SaParams& p = w.sa->params;
    const SoftSa& s = w.sa->state;
    uint8_t* o = pkt.out.data();
    uint8_t* ah = o + w.front;
    const std::size_t payload_len = pkt.in.size() - w.payload_at;

    // RFC 4302 §2: next header, payload length in 32-bit words minus 2, reserved.
    ah[0] = w.next_header;
    ah[1] = uint8_t(w.body / 4 - 2);
    ah[2] = ah[3] = 0;
    store_be32(ah + 4, p.spi);
    store_be32(ah + 8, uint32_t(w.seq));
    std::memset(ah + ipsec::kAhFixedLen, 0, w.body - ipsec::kAhFixedLen);
    std::memcpy(ah + w.body, pkt.in.data() + w.payload_at, payload_len);
    store_be32(w.seq_hi.data(), uint32_t(w.seq >> 32));
    // The ICV is computed over the packet with mutable fields zeroed;
    // finish_outbound() writes the real header back.
    ipsec::zero_mutable_fields(o, w.version, w.front);

    CryptoOp& op = w.op;
    op.reset();
    op.sa = s.crypto.get();
    op.encrypt = true;
    op.auth[0] = {o, w.total};
    // RFC 4302 §3.3.3.1: ESN high bits appended after the payload.
    if (p.esn) op.auth[1] = {w.seq_hi.data(), 4};
    op.tag = ah + ipsec::kAhFixedLen;
    op.tag_len = ipsec::icv_bytes(p.integ);
}

}  // namespace ikeoff::drivers::soft
