// The golden file the HLS testbench replays (hls/tb/tb_main.cpp): kernel
// calls exactly as a host would make them, with the soft driver's results as
// the expected answers. Written by gen_golden.cpp (linked with the soft
// driver), read by tb_main.cpp (kernels only, so Vitis csim can build it).
//
// Layout, all integers little-endian:
//   "IKEOFFTB" u32 abi u32 num_rows  SaRow[num_rows]
//   u32 num_calls, then per call:
//     u32 kernel u32 direction u32 num_desc u32 in_bytes u32 out_bytes
//     PacketDesc[num_desc] (request half filled)   u8 pkt_in[in_bytes]
//     per descriptor: u8 status u32 out_len u64 seq, then out_len octets of expected output
#pragma once

#include <cstdint>

namespace ipsec_hls {
namespace tb {
static constexpr char kMagic[8] = {'I', 'K', 'E', 'O', 'F', 'F', 'T', 'B'};
}  // namespace tb
}  // namespace ipsec_hls
