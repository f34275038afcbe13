// Kernel top: AH (RFC 4302) in both directions; `direction` 0 = outbound
// (add AH), 1 = inbound (verify and strip), with the anti-replay window and
// lifetimes kept in the card's SA table.
// Interface and argument order: contract::kKernels (contract.hpp).
#include "ipsec_hls/batch.hpp"
#include "ipsec_hls/kernels.hpp"

extern "C" void ikeoff_ah(const uint8_t* pkt_in, uint8_t* pkt_out, ipsec_hls::contract::PacketDesc* desc,
                          ipsec_hls::contract::SaRow* sa_table, uint32_t num_desc, uint32_t num_sa,
                          uint32_t direction) {
#pragma HLS INTERFACE m_axi port = pkt_in offset = slave bundle = gmem0 max_read_burst_length = 64
#pragma HLS INTERFACE m_axi port = pkt_out offset = slave bundle = gmem1 max_write_burst_length = 64
#pragma HLS INTERFACE m_axi port = desc offset = slave bundle = gmem2
#pragma HLS INTERFACE m_axi port = sa_table offset = slave bundle = gmem3
#pragma HLS INTERFACE s_axilite port = num_desc bundle = control
#pragma HLS INTERFACE s_axilite port = num_sa bundle = control
#pragma HLS INTERFACE s_axilite port = direction bundle = control
#pragma HLS INTERFACE s_axilite port = return bundle = control
    ipsec_hls::run_batch(direction == 0 ? ipsec_hls::kPathAhEncap : ipsec_hls::kPathAhDecap, pkt_in, pkt_out, desc,
                         sa_table, num_desc, num_sa);
}
