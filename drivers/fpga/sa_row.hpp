// SaParams -> SA-table row (contract::SaRow) and back: the marshalling both
// FPGA drivers (csim and xrt) use, so a row written by either is byte-for-byte
// what the kernels expect.
#pragma once

#include <array>
#include <cstdint>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/ipsec/engine.hpp"
#include "ipsec_hls/contract.hpp"

namespace ikeoff::drivers::fpga {

namespace contract = ipsec_hls::contract;

// Fills `row` for a new SA: configuration, precomputed key material (AES
// schedule, GHASH powers of H, HMAC ipad/opad states, 3DES round keys, the
// CBC IV key's schedule) and the initial dynamic state (next_seq = seq,
// replay top = seq - 1, engine.hpp). `params` must already be valid.
void build_sa_row(const ipsec::SaParams& params, const std::array<uint8_t, 16>& iv_key, contract::SaRow& row);

// Re-writes the configuration fields an SaUpdate may change (limits, UDP
// encapsulation, outer addresses) in place; keys and dynamic state stay.
void refresh_sa_config(const ipsec::SaParams& params, contract::SaRow& row);

// The dynamic part of a row as SaInfo fields (next_seq, replay_top, expiry
// flags, packets/bytes, drops).
void describe_dynamic(const contract::SaRow& row, ipsec::SaInfo& info);

// Wipes key material (and everything else) from a row.
void wipe_row(contract::SaRow& row);

// Events a descriptor's event bits stand for, in the order a serial engine
// raises them (seq_overflow, soft, hard).
template <typename F>
void for_each_event(uint8_t bits, F&& f) {
    if (bits & contract::kEvSeqOverflow) f(ipsec::SaEventKind::seq_overflow, false);
    if (bits & contract::kEvSoftExpired) f(ipsec::SaEventKind::soft_expired, (bits & contract::kEvSoftByBytes) != 0);
    if (bits & contract::kEvHardExpired) f(ipsec::SaEventKind::hard_expired, (bits & contract::kEvHardByBytes) != 0);
}

}  // namespace ikeoff::drivers::fpga
