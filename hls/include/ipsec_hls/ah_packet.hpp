// AH (RFC 4302) for one packet in either direction, on local buffers.
//
//   [IP header][next header|payload len|reserved|SPI|seq_lo|ICV+pad][payload]
//
// The ICV covers the whole packet with the mutable fields and the ICV field
// zeroed (ah_mutable.hpp), plus the ESN high bits appended when ESN is on.
#pragma once

#include <cstdint>

#include "ipsec_hls/ah_mutable.hpp"
#include "ipsec_hls/esp_encap.hpp"
#include "ipsec_hls/inbound.hpp"

namespace ipsec_hls {

// Outbound: `out` already passed out_prepare() for AH.
static inline void ah_encap_frame(const contract::SaRow& row, const OutFrame& f, const uint8_t* in, uint32_t in_len,
                                  uint8_t* out) {
    const contract::SaConfig& c = row.cfg;
    out_write_front(row, f, in, out);
    uint8_t* ah = out + f.front;
    // RFC 4302 §2.2: payload length = AH length in 32-bit words minus 2.
    ah[0] = f.next_header;
    ah[1] = uint8_t(f.body / 4 - 2);
    ah[2] = ah[3] = 0;
    store_be32(ah + 4, c.spi);
    store_be32(ah + 8, uint32_t(f.seq));
AH_OUT_ZERO_ICV:
    for (uint32_t i = 12; i < 64; ++i)
        if (i < f.body) ah[i] = 0;
    copy_bytes(ah + f.body, in + f.payload_at, in_len - f.payload_at);
    // ICV over the packet with mutable fields zeroed; the real header is written back after.
    ah_zero_mutable(out, f.version, f.front, true);
    uint8_t seq_hi[4];
    store_be32(seq_hi, uint32_t(f.seq >> 32));
    uint8_t mac[kMaxDigestBytes];
    sa_hmac(row, out, f.total, seq_hi, (c.flags & contract::kSaFlagEsn) ? 4u : 0u, mac);
AH_OUT_ICV:
    for (uint32_t i = 0; i < kMaxIcvBytes; ++i)
        if (i < c.icv_len) ah[12 + i] = mac[i];
    out_write_front(row, f, in, out);
}

static inline void ah_decap_packet(contract::SaRow& row, const uint8_t* in, uint32_t in_len, uint8_t* out,
                                   uint32_t out_cap, PacketResult& r) {
    const contract::SaConfig& c = row.cfg;
    InFrame f;
    uint32_t spi = 0;
    r.status = in_locate(row, in, in_len, kIpProtoAh, f, spi);
    r.spi = spi;
    if (r.status != contract::kStOk) return;

    const uint8_t* ah = in + f.loc.offset;
    const uint32_t ah_len = (uint32_t(ah[1]) + 2) * 4;
    if (ah_len != ah_header_len(c.icv_len, f.ip.version == 6) || f.loc.offset + ah_len > f.ip.total_len ||
        !ah_zero_mutable(const_cast<uint8_t*>(in), f.ip.version, f.loc.offset, false)) {
        r.status = contract::kStMalformed;
        return;
    }
    f.body = ah_len;
    f.front = f.loc.offset;
    if (out_cap < f.ip.total_len) {
        r.status = contract::kStBufferTooSmall;
        return;
    }
    r.status = in_replay_check(row, load_be32(ah + 8), f.seq);
    if (r.status != contract::kStOk) return;

    // RFC 4302 §3.4.3: recompute over a copy with mutable fields and the ICV
    // zeroed. Only the ICV itself: its padding is covered as received
    // (§3.3.3.2.1: "These padding bytes are included in the ICV calculation").
    copy_bytes(out, in, f.ip.total_len);
AH_IN_ZERO_ICV:
    for (uint32_t i = 0; i < kMaxIcvBytes; ++i)
        if (i < c.icv_len) out[f.loc.offset + 12 + i] = 0;
    ah_zero_mutable(out, f.ip.version, f.loc.offset, true);
    uint8_t seq_hi[4];
    store_be32(seq_hi, uint32_t(f.seq >> 32));
    uint8_t mac[kMaxDigestBytes];
    sa_hmac(row, out, f.ip.total_len, seq_hi, (c.flags & contract::kSaFlagEsn) ? 4u : 0u, mac);
    if (!ct_equal(mac, ah + 12, c.icv_len)) {
        r.status = contract::kStIcvFailure;
        return;
    }
    replay_commit(row.dyn, c.replay_window, f.seq);
    r.seq = f.seq;

    const uint8_t nh = ah[0];
    const uint32_t inner_len = f.ip.total_len - f.loc.offset - f.body;
    if (c.mode == contract::kModeTunnel) {
        copy_bytes(out, out + f.loc.offset + f.body, inner_len);  // moves down: forward copy is safe
        if (nh != kIpProtoIpv4 && nh != kIpProtoIpv6) {
            r.status = contract::kStBadPadding;
            return;
        }
        r.out_len = inner_len;
    } else {
        copy_bytes(out + f.front, out + f.front + f.body, inner_len);
        in_restore_header(f, in, nh, inner_len, out);
        r.out_len = f.front + inner_len;
    }
    r.events |= sa_account(row, r.out_len);
}

}  // namespace ipsec_hls
