#include "drivers/fpga/sa_row.hpp"

#include <algorithm>
#include <cstring>

#include "ipsec_hls/gcm.hpp"
#include "ipsec_hls/sa_state.hpp"

namespace ikeoff::drivers::fpga {

using ipsec::EncAlg;
using ipsec::IntegAlg;

// The contract's codes are the host enums' values; a mismatch would make
// every row mean something else on the card.
static_assert(uint8_t(ipsec::Protocol::esp) == contract::kProtoEsp && uint8_t(ipsec::Protocol::ah) == contract::kProtoAh);
static_assert(uint8_t(ipsec::Mode::tunnel) == contract::kModeTunnel &&
              uint8_t(ipsec::Mode::transport) == contract::kModeTransport);
static_assert(uint8_t(ipsec::SaDirection::outbound) == contract::kSaDirOut &&
              uint8_t(ipsec::SaDirection::inbound) == contract::kSaDirIn &&
              uint8_t(ipsec::SaDirection::both) == contract::kSaDirBoth);
static_assert(uint8_t(EncAlg::null) == contract::kEncNull && uint8_t(EncAlg::aes_cbc) == contract::kEncAesCbc &&
              uint8_t(EncAlg::tdes_cbc) == contract::kEncTdesCbc &&
              uint8_t(EncAlg::aes_gcm16) == contract::kEncAesGcm16 &&
              uint8_t(EncAlg::aes_gmac) == contract::kEncAesGmac);
static_assert(uint8_t(IntegAlg::none) == contract::kIntegNone &&
              uint8_t(IntegAlg::hmac_sha1_96) == contract::kIntegSha1_96 &&
              uint8_t(IntegAlg::hmac_sha256_128) == contract::kIntegSha256_128 &&
              uint8_t(IntegAlg::hmac_sha384_192) == contract::kIntegSha384_192 &&
              uint8_t(IntegAlg::hmac_sha512_256) == contract::kIntegSha512_256 &&
              uint8_t(IntegAlg::hmac_md5_96) == contract::kIntegMd5_96);
static_assert(uint8_t(ipsec::PacketStatus::ok) == contract::kStOk &&
              uint8_t(ipsec::PacketStatus::icv_failure) == contract::kStIcvFailure &&
              uint8_t(ipsec::PacketStatus::replay) == contract::kStReplay &&
              uint8_t(ipsec::PacketStatus::before_window) == contract::kStBeforeWindow &&
              uint8_t(ipsec::PacketStatus::bad_padding) == contract::kStBadPadding &&
              uint8_t(ipsec::PacketStatus::unknown_spi) == contract::kStUnknownSpi &&
              uint8_t(ipsec::PacketStatus::sa_expired) == contract::kStSaExpired &&
              uint8_t(ipsec::PacketStatus::malformed) == contract::kStMalformed &&
              uint8_t(ipsec::PacketStatus::seq_overflow) == contract::kStSeqOverflow &&
              uint8_t(ipsec::PacketStatus::buffer_too_small) == contract::kStBufferTooSmall &&
              uint8_t(ipsec::PacketStatus::wrong_direction) == contract::kStWrongDirection &&
              uint8_t(ipsec::PacketStatus::unsupported) == contract::kStUnsupported &&
              ipsec::kPacketStatusCount == contract::kStatusCount);
static_assert(ipsec::kMaxReplayWindow == contract::kMaxReplayWindow);
static_assert(ipsec::kMaxOverhead == contract::kMaxOverheadBytes);

namespace {

template <class H>
void hmac_states(ByteView key, contract::SaKeys& k) {
    ipsec_hls::hmac_precompute<H>(key.data(), uint32_t(key.size()), k.hmac_inner, k.hmac_outer);
}

void fill_keys(const ipsec::SaParams& p, const std::array<uint8_t, 16>& iv_key, contract::SaKeys& k) {
    const std::size_t key_len = ipsec::enc_key_bytes(p.enc);
    switch (p.enc.alg) {
        case EncAlg::aes_cbc:
        case EncAlg::aes_gcm16:
        case EncAlg::aes_gmac: {
            ipsec_hls::AesKey ak;
            ipsec_hls::aes_expand_key(p.enc_key.data(), p.enc.key_bits, ak);
            ipsec_hls::aes_schedule_to_bytes(ak, k.aes_rk);
            if (p.enc.alg != EncAlg::aes_cbc) {
                ipsec_hls::gcm_hash_powers(ak, k.ghash_h);
                std::memcpy(k.salt, p.enc_key.data() + key_len, 4);
            }
            secure_zero(&ak, sizeof ak);
            break;
        }
        case EncAlg::tdes_cbc: {
            ipsec_hls::TdesKey tk;
            ipsec_hls::tdes_key_schedule(p.enc_key.data(), tk);
            std::memcpy(k.des_ks, tk.ks, sizeof k.des_ks);
            secure_zero(&tk, sizeof tk);
            break;
        }
        case EncAlg::null: break;
    }
    if (p.enc.alg == EncAlg::aes_cbc || p.enc.alg == EncAlg::tdes_cbc) {
        ipsec_hls::AesKey ik;
        ipsec_hls::aes_expand_key(iv_key.data(), 128, ik);
        uint8_t rk[240];
        ipsec_hls::aes_schedule_to_bytes(ik, rk);
        std::memcpy(k.iv_rk, rk, sizeof k.iv_rk);
        secure_zero(&ik, sizeof ik);
        secure_zero(rk, sizeof rk);
    }
    const ByteView ikey = p.integ_key.view();
    switch (p.integ) {
        case IntegAlg::hmac_sha1_96: hmac_states<ipsec_hls::Sha1>(ikey, k); break;
        case IntegAlg::hmac_sha256_128: hmac_states<ipsec_hls::Sha256>(ikey, k); break;
        case IntegAlg::hmac_sha384_192: hmac_states<ipsec_hls::Sha384>(ikey, k); break;
        case IntegAlg::hmac_sha512_256: hmac_states<ipsec_hls::Sha512>(ikey, k); break;
        case IntegAlg::hmac_md5_96: hmac_states<ipsec_hls::Md5>(ikey, k); break;
        case IntegAlg::none: break;
    }
}

}  // namespace

void refresh_sa_config(const ipsec::SaParams& p, contract::SaRow& row) {
    contract::SaConfig& c = row.cfg;
    c.flags = 0;
    if (p.esn) c.flags |= contract::kSaFlagEsn;
    if (p.encap) {
        c.flags |= contract::kSaFlagEncap;
        c.encap_sport = p.encap->src_port;
        c.encap_dport = p.encap->dst_port;
    } else {
        c.encap_sport = c.encap_dport = 0;
    }
    // sa.hpp: the outer header's family follows the destination.
    if (p.dst.is_v6()) c.flags |= contract::kSaFlagOuterV6;
    if (!p.src.empty() && !p.dst.empty()) c.flags |= contract::kSaFlagHasOuter;
    std::memset(c.outer_src, 0, sizeof c.outer_src);
    std::memset(c.outer_dst, 0, sizeof c.outer_dst);
    std::memcpy(c.outer_src, p.src.data(), p.src.size());
    std::memcpy(c.outer_dst, p.dst.data(), p.dst.size());
    c.soft_bytes = p.soft.bytes;
    c.soft_packets = p.soft.packets;
    c.hard_bytes = p.hard.bytes;
    c.hard_packets = p.hard.packets;
}

void build_sa_row(const ipsec::SaParams& p, const std::array<uint8_t, 16>& iv_key, contract::SaRow& row) {
    std::memset(&row, 0, sizeof row);
    contract::SaConfig& c = row.cfg;
    c.magic = contract::kSaRowMagic;
    c.abi = uint16_t(contract::kContractAbi);
    c.protocol = uint8_t(p.protocol);
    c.mode = uint8_t(p.mode);
    c.spi = p.spi;
    c.direction = uint8_t(p.direction);
    c.enc_alg = uint8_t(p.enc.alg);
    c.integ_alg = uint8_t(p.integ);
    c.enc_key_bits = p.enc.key_bits;
    c.iv_len = uint8_t(ipsec::iv_bytes(p.enc.alg));
    c.icv_len = uint8_t(p.protocol == ipsec::Protocol::esp ? ipsec::icv_bytes(p.enc.alg, p.integ)
                                                            : ipsec::icv_bytes(p.integ));
    c.pad_align = uint8_t(std::max<std::size_t>(4, ipsec::block_bytes(p.enc.alg)));
    const bool aes = p.enc.alg == EncAlg::aes_cbc || p.enc.alg == EncAlg::aes_gcm16 || p.enc.alg == EncAlg::aes_gmac;
    c.aes_rounds = aes ? uint8_t(ipsec_hls::aes_rounds_for_bits(p.enc.key_bits)) : 0;
    c.replay_window = p.replay_window;
    refresh_sa_config(p, row);
    fill_keys(p, iv_key, row.keys);
    row.dyn.next_seq = p.seq;
    row.dyn.replay_top = p.seq - 1;  // engine.hpp: an inbound SA starts with seq - 1 as its window top
}

void describe_dynamic(const contract::SaRow& row, ipsec::SaInfo& info) {
    const contract::SaDynamic& d = row.dyn;
    info.next_seq = d.next_seq;  // 0 once an ESN counter is exhausted, as soft reports it
    info.replay_top = d.replay_top;
    info.soft_expired = (d.state & contract::kStateSoftExpired) != 0;
    info.hard_expired = (d.state & contract::kStateHardExpired) != 0;
    info.counters.packets = d.life_packets;
    info.counters.bytes = d.life_bytes;
    for (std::size_t i = 0; i < ipsec::kPacketStatusCount; ++i) info.counters.drops[i] = d.drops[i];
}

void wipe_row(contract::SaRow& row) { secure_zero(&row, sizeof row); }

}  // namespace ikeoff::drivers::fpga
