// Outbound ESP for one packet, on local buffers: the check order, sequence
// number, lifetime accounting and framing of host/ipsec/sa.hpp and
// engine.hpp, then the cipher/ICV work.
//
//   [outer IP | caller's header][UDP if encap][SPI|seq_lo|IV][payload|pad|padlen|nh][ICV]
#pragma once

#include <cstdint>

#include "ipsec_hls/cbc.hpp"
#include "ipsec_hls/gcm.hpp"
#include "ipsec_hls/ip.hpp"
#include "ipsec_hls/packet.hpp"
#include "ipsec_hls/sa_state.hpp"

namespace ipsec_hls {

// Outer header (tunnel) or the caller's header with protocol, length and
// checksum updated (transport), then the RFC 3948 UDP header if any.
static inline void out_write_front(const contract::SaRow& row, const OutFrame& f, const uint8_t* in, uint8_t* out) {
    const contract::SaConfig& c = row.cfg;
    if (c.mode == contract::kModeTunnel) {
        if (f.version == 4) {
            // sa.hpp: ID = low 16 bits of the sequence number, DF copied, TTL 64.
            ip_write_ipv4(out, f.inner_tos, uint16_t(f.total), uint16_t(f.seq), f.inner_df, f.proto, c.outer_src,
                          c.outer_dst);
        } else {
            ip_write_ipv6(out, f.inner_tos, uint16_t(f.total - kIpv6HeaderLen), f.proto, c.outer_src, c.outer_dst);
        }
    } else {
        copy_bytes(out, in, f.front);
        out[f.nh_offset] = f.proto;
        ip_set_length(out, f.version, f.total);
        if (f.version == 4) ipv4_update_checksum(out);
    }
    if (f.proto == kIpProtoUdp) {
        uint8_t* u = out + f.front;
        store_be16(u, c.encap_sport);
        store_be16(u + 2, c.encap_dport);
        store_be16(u + 4, uint16_t(f.total - f.front));
        store_be16(u + 6, 0);  // RFC 3948 §2.1: checksum zero
    }
}

// The checks every outbound packet goes through (engine.hpp order) and the
// frame geometry; on kStOk the sequence number is consumed and accounted.
// `sec_len(payload)` is the protocol-specific part: ESP/AH header to the end.
static inline uint8_t out_prepare(contract::SaRow& row, const uint8_t* in, uint32_t in_len, uint32_t out_cap,
                                  bool esp, OutFrame& f, uint8_t& events) {
    const contract::SaConfig& c = row.cfg;
    contract::SaDynamic& d = row.dyn;
    if (c.direction == contract::kSaDirIn) return contract::kStWrongDirection;
    if (d.state & contract::kStateHardExpired) return contract::kStSaExpired;
    IpInfo ip;
    if (!ip_parse(in, in_len, true, ip)) return contract::kStMalformed;
    const bool tunnel = c.mode == contract::kModeTunnel;
    f.inner_tos = 0;
    f.inner_df = false;
    f.nh_offset = 0;
    if (tunnel) {
        f.version = (c.flags & contract::kSaFlagOuterV6) ? 6 : 4;
        f.front = f.version == 6 ? kIpv6HeaderLen : kIpv4HeaderLen;
        f.payload_at = 0;
        f.next_header = ip.version == 4 ? kIpProtoIpv4 : kIpProtoIpv6;
        f.inner_tos = ip.tos;
        f.inner_df = ip.version == 4 && ip.df;
    } else {
        if (!ip_insert_point(in, ip, f.front, f.nh_offset, f.next_header)) return contract::kStMalformed;
        f.version = ip.version;
        f.payload_at = f.front;
    }
    const uint32_t payload = in_len - f.payload_at;
    if (esp) {
        const bool encap = (c.flags & contract::kSaFlagEncap) != 0;
        f.proto = encap ? kIpProtoUdp : kIpProtoEsp;
        f.sec_offset = f.front + (encap ? kUdpHeaderLen : 0);
        // RFC 4303 §2.4: the fewest octets making payload + pad + 2 a multiple of the alignment.
        const uint32_t pad = (c.pad_align - (payload + 2) % c.pad_align) % c.pad_align;
        f.body = payload + pad + 2;
        f.total = f.sec_offset + 8 + c.iv_len + f.body + c.icv_len;
    } else {
        f.proto = kIpProtoAh;
        f.sec_offset = f.front;
        f.body = ah_header_len(c.icv_len, f.version == 6);
        f.total = f.front + f.body + payload;
        if (!tunnel && !ah_zero_mutable(const_cast<uint8_t*>(in), ip.version, f.front, false))
            return contract::kStMalformed;
    }
    // The result must still fit the IP length field.
    if (f.total > (f.version == 6 ? 0xffffu + kIpv6HeaderLen : 0xffffu)) return contract::kStMalformed;
    // RFC 4303 §3.3.3 / RFC 4302 §3.3.2: the counter must not cycle. next_seq
    // 0 means an ESN counter already used 2^64-1.
    const bool esn = (c.flags & contract::kSaFlagEsn) != 0;
    if (d.next_seq == 0 || (!esn && d.next_seq > 0xffffffffull)) {
        if (!(d.state & contract::kStateOverflowReported)) {
            d.state |= contract::kStateOverflowReported;
            events |= contract::kEvSeqOverflow;
        }
        return contract::kStSeqOverflow;
    }
    if (out_cap < f.total) return contract::kStBufferTooSmall;
    f.seq = d.next_seq;
    d.next_seq += 1;  // wraps to 0 after 2^64-1: exhausted
    events |= sa_account(row, in_len);
    return contract::kStOk;
}

// RFC 4303 ESP framing and crypto for a packet that passed out_prepare().
static inline void esp_encap_frame(const contract::SaRow& row, const SaCtx& ctx, const OutFrame& f,
                                   const uint8_t* in, uint32_t in_len, uint8_t* out) {
    const contract::SaConfig& c = row.cfg;
    const bool esn = (c.flags & contract::kSaFlagEsn) != 0;
    out_write_front(row, f, in, out);
    uint8_t* esp = out + f.sec_offset;
    uint8_t* ct = esp + 8 + c.iv_len;
    uint8_t* icv = ct + f.body;
    const uint32_t payload_len = in_len - f.payload_at;
    const uint32_t pad_len = f.body - payload_len - 2;

    store_be32(esp, c.spi);
    store_be32(esp + 4, uint32_t(f.seq));  // §2.2.1: only the low 32 bits travel
    uint8_t seq_hi[4];
    store_be32(seq_hi, uint32_t(f.seq >> 32));

    // Plaintext payload || padding 1,2,3,... || pad length || next header, in place.
    copy_bytes(ct, in + f.payload_at, payload_len);
ESP_PAD:
    for (uint32_t i = 0; i < 255; ++i) {
        if (i >= pad_len) break;
        ct[payload_len + i] = uint8_t(i + 1);
    }
    ct[payload_len + pad_len] = uint8_t(pad_len);
    ct[payload_len + pad_len + 1] = f.next_header;

    if (c.enc_alg == contract::kEncAesGcm16 || c.enc_alg == contract::kEncAesGmac) {
        // sa.hpp: explicit IV = the 64-bit sequence number; RFC 4106 §4: nonce = salt || IV.
        store_be64(esp + 8, f.seq);
        uint8_t nonce[12], j0[16];
    ESP_NONCE:
        for (uint32_t i = 0; i < 4; ++i) nonce[i] = row.keys.salt[i];
    ESP_NONCE_IV:
        for (uint32_t i = 0; i < 8; ++i) nonce[4 + i] = esp[8 + i];
        gcm_j0_96(nonce, j0);
        if (c.enc_alg == contract::kEncAesGcm16) {
            // RFC 4106 §5: AAD = SPI || seq (SPI || seq_hi || seq_lo with ESN).
            uint8_t aad[12];
        ESP_AAD:
            for (uint32_t i = 0; i < 4; ++i) {
                aad[i] = esp[i];
                aad[4 + i] = esn ? seq_hi[i] : esp[4 + i];
                aad[8 + i] = esp[4 + i];
            }
            gcm_crypt(ctx.enc, row.keys.ghash_h, j0, aad, esn ? 12u : 8u, aad, 0, ct, ct, f.body, true, icv);
        } else {
            // RFC 4543 §3.2: GMAC authenticates SPI, seq (with seq_hi under ESN),
            // IV and the unencrypted payload; nothing is encrypted.
            const uint32_t rest = 4 + 8 + f.body;
            if (esn) {
                uint8_t head[8];
            ESP_GMAC_HEAD:
                for (uint32_t i = 0; i < 4; ++i) {
                    head[i] = esp[i];
                    head[4 + i] = seq_hi[i];
                }
                gcm_crypt(ctx.enc, row.keys.ghash_h, j0, head, 8, esp + 4, rest, ct, ct, 0, true, icv);
            } else {
                gcm_crypt(ctx.enc, row.keys.ghash_h, j0, esp, 4 + rest, esp, 0, ct, ct, 0, true, icv);
            }
        }
        return;
    }
    if (c.enc_alg == contract::kEncAesCbc || c.enc_alg == contract::kEncTdesCbc) {
        // sa.hpp: IV = first iv_len octets of AES-128-ECB(iv_key, 0^64 || be64(seq)).
        uint8_t blk[16] = {0}, ivb[16];
        store_be64(blk + 8, f.seq);
        aes_encrypt_block(ctx.ivk, blk, ivb);
    ESP_IV:
        for (uint32_t i = 0; i < 16; ++i)
            if (i < c.iv_len) esp[8 + i] = ivb[i];
        if (c.enc_alg == contract::kEncAesCbc) cbc_encrypt<AesCipher>(ctx.enc, esp + 8, ct, ct, f.body);
        else cbc_encrypt<TdesCipher>(ctx.tdes, esp + 8, ct, ct, f.body);
    }
    if (c.integ_alg != contract::kIntegNone) {
        // RFC 4303 §2.2.1, §3.3.2: ICV over ESP header, IV and ciphertext,
        // with the ESN high bits appended (not transmitted).
        uint8_t mac[kMaxDigestBytes];
        sa_hmac(row, esp, 8 + c.iv_len + f.body, seq_hi, esn ? 4u : 0u, mac);
    ESP_ICV:
        for (uint32_t i = 0; i < kMaxIcvBytes; ++i)
            if (i < c.icv_len) icv[i] = mac[i];
    }
}

}  // namespace ipsec_hls
