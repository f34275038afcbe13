// The kernel entry points as the host sees them (drivers/csim calls them
// directly; on a card XRT starts them by name). Signatures match
// contract::kKernels argument for argument.
#pragma once

#include <cstdint>

#include "ipsec_hls/contract.hpp"

extern "C" {
void ikeoff_esp_encap(const uint8_t* pkt_in, uint8_t* pkt_out, ipsec_hls::contract::PacketDesc* desc,
                      ipsec_hls::contract::SaRow* sa_table, uint32_t num_desc, uint32_t num_sa);
void ikeoff_esp_decap(const uint8_t* pkt_in, uint8_t* pkt_out, ipsec_hls::contract::PacketDesc* desc,
                      ipsec_hls::contract::SaRow* sa_table, uint32_t num_desc, uint32_t num_sa);
void ikeoff_ah(const uint8_t* pkt_in, uint8_t* pkt_out, ipsec_hls::contract::PacketDesc* desc,
               ipsec_hls::contract::SaRow* sa_table, uint32_t num_desc, uint32_t num_sa, uint32_t direction);
}
