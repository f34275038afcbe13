// The part of inbound processing ESP and AH share: locating the header,
// matching the SA, the direction and lifetime checks, and the replay window
// check (RFC 4303 §3.4.3: infer ESN high bits, check, verify ICV, commit).
#pragma once

#include <cstdint>

#include "ipsec_hls/ip.hpp"
#include "ipsec_hls/replay.hpp"
#include "ipsec_hls/sa_state.hpp"

namespace ipsec_hls {

struct InFrame {
    IpInfo ip;
    IpsecLoc loc;
    uint32_t front;      // transport: octets of the caller's header kept; tunnel: 0
    uint32_t body;       // ESP: ciphertext octets; AH: header length
    uint64_t seq;
};

// Header location and SA identity. The host has already found the SA by
// (protocol, SPI) with the same parser; the kernel re-derives everything
// from the packet and refuses a row that does not match.
static inline uint8_t in_locate(const contract::SaRow& row, const uint8_t* in, uint32_t in_len, uint8_t want_proto,
                                InFrame& f, uint32_t& spi) {
    if (!ip_parse(in, in_len, false, f.ip) || !ip_locate_ipsec(in, f.ip, f.loc)) return contract::kStMalformed;
    spi = load_be32(in + f.loc.offset + (f.loc.protocol == kIpProtoAh ? 4 : 0));
    if (f.loc.protocol != want_proto || row.cfg.protocol != want_proto || row.cfg.spi != spi)
        return contract::kStUnknownSpi;
    if (row.cfg.direction == contract::kSaDirOut) return contract::kStWrongDirection;
    if (row.dyn.state & contract::kStateHardExpired) return contract::kStSaExpired;
    return contract::kStOk;
}

// ESN inference and the window check, before any ICV work.
static inline uint8_t in_replay_check(const contract::SaRow& row, uint32_t seq_lo, uint64_t& seq) {
    seq = seq_lo;
    if ((row.cfg.flags & contract::kSaFlagEsn) && !replay_infer_esn(row.dyn, row.cfg.replay_window, seq_lo, seq))
        return contract::kStBeforeWindow;
    const uint8_t v = replay_check(row.dyn, row.cfg.replay_window, seq);
    return v == kReplaySeen ? contract::kStReplay : v == kReplayBefore ? contract::kStBeforeWindow : contract::kStOk;
}

// Transport mode: restore the received header and let it name what ESP/AH
// carried, with length (and IPv4 checksum) for the shorter packet.
static inline void in_restore_header(const InFrame& f, const uint8_t* in, uint8_t nh, uint32_t inner_len,
                                     uint8_t* out) {
    copy_bytes(out, in, f.front);
    out[f.loc.nh_offset] = nh;
    ip_set_length(out, f.ip.version, f.front + inner_len);
    if (f.ip.version == 4) ipv4_update_checksum(out);
}

}  // namespace ipsec_hls
