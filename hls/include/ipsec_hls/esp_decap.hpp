// Inbound ESP for one packet, on local buffers (RFC 4303 §3.4, in the order
// engine.hpp fixes): lengths, buffer, ESN + replay check, ICV, window commit,
// then padding and next header.
#pragma once

#include <cstdint>

#include "ipsec_hls/cbc.hpp"
#include "ipsec_hls/gcm.hpp"
#include "ipsec_hls/inbound.hpp"
#include "ipsec_hls/packet.hpp"

namespace ipsec_hls {

// RFC 4303 §2.4: pad length must fit, padding must be 1, 2, 3, ...
static inline bool esp_parse_trailer(const uint8_t* plain, uint32_t len, uint32_t& payload_len, uint8_t& nh) {
    if (len < 2) return false;
    const uint32_t pad_len = plain[len - 2];
    if (pad_len + 2 > len) return false;
    const uint8_t* pad = plain + len - 2 - pad_len;
    uint8_t bad = 0;
ESP_PAD_CHECK:
    for (uint32_t i = 0; i < 255; ++i) {
        if (i >= pad_len) break;
        bad = uint8_t(bad | (pad[i] ^ uint8_t(i + 1)));
    }
    if (bad) return false;
    payload_len = len - 2 - pad_len;
    nh = plain[len - 1];
    return true;
}

static inline void esp_decap_packet(contract::SaRow& row, const SaCtx& ctx, const uint8_t* in, uint32_t in_len,
                                    uint8_t* out, uint32_t out_cap, PacketResult& r) {
    const contract::SaConfig& c = row.cfg;
    InFrame f;
    uint32_t spi = 0;
    r.status = in_locate(row, in, in_len, kIpProtoEsp, f, spi);
    r.spi = spi;
    if (r.status != contract::kStOk) return;

    // The encrypted part must hold at least the trailer and whole blocks.
    const uint32_t fixed = 8 + c.iv_len + c.icv_len;
    const uint32_t len = f.ip.total_len - f.loc.offset;
    const uint32_t block = c.enc_alg == contract::kEncAesCbc ? 16u : c.enc_alg == contract::kEncTdesCbc ? 8u : 1u;
    if (len < fixed + 2) {
        r.status = contract::kStMalformed;
        return;
    }
    f.body = len - fixed;
    if (f.body % block != 0) {
        r.status = contract::kStMalformed;
        return;
    }
    const bool tunnel = c.mode == contract::kModeTunnel;
    f.front = tunnel ? 0 : (f.loc.udp ? f.loc.udp_offset : f.loc.offset);
    if (out_cap < f.ip.total_len) {
        r.status = contract::kStBufferTooSmall;
        return;
    }
    const uint8_t* esp = in + f.loc.offset;
    r.status = in_replay_check(row, load_be32(esp + 4), f.seq);
    if (r.status != contract::kStOk) return;

    const bool esn = (c.flags & contract::kSaFlagEsn) != 0;
    uint8_t seq_hi[4];
    store_be32(seq_hi, uint32_t(f.seq >> 32));
    const uint8_t* ct = esp + 8 + c.iv_len;
    const uint8_t* rx_icv = ct + f.body;
    uint8_t* plain = out + f.front;
    bool verified = false;
    if (c.enc_alg == contract::kEncAesGcm16 || c.enc_alg == contract::kEncAesGmac) {
        uint8_t nonce[12], j0[16], tag[16];
    ESP_IN_NONCE:
        for (uint32_t i = 0; i < 4; ++i) nonce[i] = row.keys.salt[i];
    ESP_IN_NONCE_IV:
        for (uint32_t i = 0; i < 8; ++i) nonce[4 + i] = esp[8 + i];
        gcm_j0_96(nonce, j0);
        if (c.enc_alg == contract::kEncAesGcm16) {
            uint8_t aad[12];
        ESP_IN_AAD:
            for (uint32_t i = 0; i < 4; ++i) {
                aad[i] = esp[i];
                aad[4 + i] = esn ? seq_hi[i] : esp[4 + i];
                aad[8 + i] = esp[4 + i];
            }
            gcm_crypt(ctx.enc, row.keys.ghash_h, j0, aad, esn ? 12u : 8u, aad, 0, ct, plain, f.body, false, tag);
        } else {
            copy_bytes(plain, ct, f.body);
            const uint32_t rest = 4 + 8 + f.body;
            if (esn) {
                uint8_t head[8];
            ESP_IN_GMAC_HEAD:
                for (uint32_t i = 0; i < 4; ++i) {
                    head[i] = esp[i];
                    head[4 + i] = seq_hi[i];
                }
                gcm_crypt(ctx.enc, row.keys.ghash_h, j0, head, 8, esp + 4, rest, ct, plain, 0, false, tag);
            } else {
                gcm_crypt(ctx.enc, row.keys.ghash_h, j0, esp, 4 + rest, esp, 0, ct, plain, 0, false, tag);
            }
        }
        verified = ct_equal(tag, rx_icv, 16);
    } else {
        uint8_t mac[kMaxDigestBytes];
        sa_hmac(row, esp, 8 + c.iv_len + f.body, seq_hi, esn ? 4u : 0u, mac);
        verified = ct_equal(mac, rx_icv, c.icv_len);
        if (c.enc_alg == contract::kEncAesCbc) cbc_decrypt<AesCipher>(ctx.dec, esp + 8, ct, plain, f.body);
        else if (c.enc_alg == contract::kEncTdesCbc) cbc_decrypt<TdesCipher>(ctx.tdes, esp + 8, ct, plain, f.body);
        else copy_bytes(plain, ct, f.body);
    }
    if (!verified) {
        r.status = contract::kStIcvFailure;
        return;
    }
    // RFC 4303 §3.4.3: the window advances only for packets that verified.
    replay_commit(row.dyn, c.replay_window, f.seq);
    r.seq = f.seq;

    uint32_t inner_len = 0;
    uint8_t nh = 0;
    if (!esp_parse_trailer(plain, f.body, inner_len, nh)) {
        r.status = contract::kStBadPadding;
        return;
    }
    if (tunnel) {
        if (nh != kIpProtoIpv4 && nh != kIpProtoIpv6) {
            r.status = contract::kStBadPadding;
            return;
        }
        r.out_len = inner_len;
    } else {
        in_restore_header(f, in, nh, inner_len, out);
        r.out_len = f.front + inner_len;
    }
    r.events |= sa_account(row, r.out_len);
}

}  // namespace ipsec_hls
