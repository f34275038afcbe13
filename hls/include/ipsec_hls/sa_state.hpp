// Per-SA work inside the kernels: the key contexts unpacked from an SA-table
// row, integrity (HMAC) dispatch, and the lifetime/counter rules of
// host/ipsec/engine.hpp applied to the row's dynamic state.
#pragma once

#include <cstdint>

#include "ipsec_hls/aes.hpp"
#include "ipsec_hls/contract.hpp"
#include "ipsec_hls/des.hpp"
#include "ipsec_hls/hmac.hpp"
#include "ipsec_hls/md5.hpp"
#include "ipsec_hls/sha1.hpp"
#include "ipsec_hls/sha2.hpp"

namespace ipsec_hls {

// Key schedules in the form the datapath uses, rebuilt whenever the kernel
// switches to another SA row (kept next to the cached row).
struct SaCtx {
    AesKey enc;    // AES encryption schedule (CTR/GCM/CBC encrypt)
    AesKey dec;    // AES-CBC decryption schedule (inbound CBC only)
    AesKey ivk;    // CBC IV key (AES-128)
    TdesKey tdes;  // 3DES-EDE round keys
};

static inline void sa_ctx_load(const contract::SaRow& row, bool inbound, SaCtx& ctx) {
    const contract::SaConfig& c = row.cfg;
    const bool aes = c.enc_alg == contract::kEncAesCbc || c.enc_alg == contract::kEncAesGcm16 ||
                     c.enc_alg == contract::kEncAesGmac;
    if (aes) aes_schedule_from_bytes(row.keys.aes_rk, c.aes_rounds, ctx.enc);
    if (c.enc_alg == contract::kEncAesCbc && inbound) aes_make_decrypt_key(ctx.enc, ctx.dec);
    if (c.enc_alg == contract::kEncAesCbc || c.enc_alg == contract::kEncTdesCbc)
        aes_schedule_from_bytes(row.keys.iv_rk, 10, ctx.ivk);
    if (c.enc_alg == contract::kEncTdesCbc) {
    SA_TDES_KEYS:
        for (uint32_t k = 0; k < 3; ++k)
            for (uint32_t r = 0; r < 16; ++r) ctx.tdes.ks[k][r] = row.keys.des_ks[k][r];
    }
}

// Full-length HMAC of msg || tail from the row's precomputed ipad/opad states.
static inline void sa_hmac(const contract::SaRow& row, const uint8_t* msg, uint32_t len, const uint8_t* tail,
                           uint32_t tail_len, uint8_t mac[kMaxDigestBytes]) {
    const uint64_t* in = row.keys.hmac_inner;
    const uint64_t* out = row.keys.hmac_outer;
    switch (row.cfg.integ_alg) {
        case contract::kIntegSha1_96: hmac_from_states<Sha1>(in, out, msg, len, tail, tail_len, mac); break;
        case contract::kIntegSha256_128: hmac_from_states<Sha256>(in, out, msg, len, tail, tail_len, mac); break;
        case contract::kIntegSha384_192: hmac_from_states<Sha384>(in, out, msg, len, tail, tail_len, mac); break;
        case contract::kIntegSha512_256: hmac_from_states<Sha512>(in, out, msg, len, tail, tail_len, mac); break;
        case contract::kIntegMd5_96: hmac_from_states<Md5>(in, out, msg, len, tail, tail_len, mac); break;
        default: break;
    }
}

// engine.hpp: when packets/bytes reach a limit the flag is set and one event
// is raised (packets checked before bytes, soft before hard). Also run by the
// host after update_sa() changes the limits.
static inline uint8_t sa_check_limits(contract::SaRow& row) {
    contract::SaDynamic& d = row.dyn;
    const contract::SaConfig& c = row.cfg;
    uint8_t ev = 0;
    if (!(d.state & contract::kStateSoftExpired)) {
        const bool by_packets = c.soft_packets && d.life_packets >= c.soft_packets;
        const bool by_bytes = c.soft_bytes && d.life_bytes >= c.soft_bytes;
        if (by_packets || by_bytes) {
            d.state |= contract::kStateSoftExpired;
            ev |= contract::kEvSoftExpired;
            if (!by_packets) ev |= contract::kEvSoftByBytes;
        }
    }
    if (!(d.state & contract::kStateHardExpired)) {
        const bool by_packets = c.hard_packets && d.life_packets >= c.hard_packets;
        const bool by_bytes = c.hard_bytes && d.life_bytes >= c.hard_bytes;
        if (by_packets || by_bytes) {
            d.state |= contract::kStateHardExpired;
            ev |= contract::kEvHardExpired;
            if (!by_packets) ev |= contract::kEvHardByBytes;
        }
    }
    return ev;
}

// After each successful packet the SA's packets/bytes grow (bytes = length of
// the plaintext IP packet), then the limits are checked.
static inline uint8_t sa_account(contract::SaRow& row, uint32_t inner_bytes) {
    row.dyn.life_packets += 1;
    row.dyn.life_bytes += inner_bytes;
    return sa_check_limits(row);
}

static inline void sa_count_drop(contract::SaRow& row, uint8_t status) {
    if (status != contract::kStOk && status < contract::kStatusCount) row.dyn.drops[status] += 1;
}

}  // namespace ipsec_hls
