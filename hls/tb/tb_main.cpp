// Vitis HLS C-simulation testbench for the three kernels (add_files -tb).
// Replays the golden file written by gen_golden.cpp (kernel calls laid out
// as the host lays them out, the soft driver's answers as expectations)
// through the kernel tops and compares every descriptor's status, out_len,
// sequence number and output octets. The SA table persists across calls, so
// sequence numbers and the replay window are checked as the card keeps them.
//
//   tb_main <golden file>      (Vitis: csim_design -argv golden.dat)
// Exit status 0 when everything matches (what csim_design reports as pass).
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "golden_format.hpp"
#include "ipsec_hls/kernels.hpp"

namespace contract = ipsec_hls::contract;

namespace {

template <typename T>
bool get(std::ifstream& f, T& v) {
    return bool(f.read(reinterpret_cast<char*>(&v), sizeof v));
}

}  // namespace

int main(int argc, char** argv) {
    const char* path = argc > 1 ? argv[1] : "golden.dat";
    std::ifstream f(path, std::ios::binary);
    char magic[8];
    uint32_t abi = 0, num_rows = 0, num_calls = 0;
    if (!f.read(magic, 8) || std::memcmp(magic, ipsec_hls::tb::kMagic, 8) != 0 || !get(f, abi) || !get(f, num_rows)) {
        std::printf("tb: %s is not a golden file\n", path);
        return 1;
    }
    if (abi != contract::kContractAbi) {
        std::printf("tb: golden file has contract ABI %u, kernels have %u; regenerate it\n", abi, contract::kContractAbi);
        return 1;
    }
    std::vector<contract::SaRow> table(num_rows);
    f.read(reinterpret_cast<char*>(table.data()), std::streamsize(num_rows * sizeof(contract::SaRow)));
    get(f, num_calls);
    unsigned packets = 0, mismatches = 0;
    for (uint32_t c = 0; c < num_calls && f; ++c) {
        uint32_t kernel = 0, direction = 0, n = 0, in_bytes = 0, out_bytes = 0;
        get(f, kernel);
        get(f, direction);
        get(f, n);
        get(f, in_bytes);
        get(f, out_bytes);
        std::vector<contract::PacketDesc> desc(n);
        std::vector<uint8_t> pkt_in(in_bytes), pkt_out(out_bytes, 0);
        f.read(reinterpret_cast<char*>(desc.data()), std::streamsize(n * sizeof(contract::PacketDesc)));
        f.read(reinterpret_cast<char*>(pkt_in.data()), in_bytes);
        if (kernel == contract::kKernelEspEncap)
            ikeoff_esp_encap(pkt_in.data(), pkt_out.data(), desc.data(), table.data(), n, num_rows);
        else if (kernel == contract::kKernelEspDecap)
            ikeoff_esp_decap(pkt_in.data(), pkt_out.data(), desc.data(), table.data(), n, num_rows);
        else
            ikeoff_ah(pkt_in.data(), pkt_out.data(), desc.data(), table.data(), n, num_rows, direction);
        for (uint32_t i = 0; i < n; ++i) {
            uint8_t status = 0;
            uint32_t out_len = 0;
            uint64_t seq = 0;
            get(f, status);
            get(f, out_len);
            get(f, seq);
            std::vector<uint8_t> want(out_len);
            f.read(reinterpret_cast<char*>(want.data()), out_len);
            ++packets;
            const contract::PacketDesc& d = desc[i];
            const bool same = d.status == status && d.out_len == out_len && d.seq == seq &&
                              (out_len == 0 || std::memcmp(pkt_out.data() + d.out_off, want.data(), out_len) == 0);
            if (!same) {
                ++mismatches;
                std::printf("tb: call %u (%s) packet %u: status %u/%u out_len %u/%u seq %llu/%llu (kernel/expected)\n",
                            c, contract::kKernels[kernel].name, i, d.status, status, d.out_len, out_len,
                            static_cast<unsigned long long>(d.seq), static_cast<unsigned long long>(seq));
            }
        }
    }
    if (!f) {
        std::printf("tb: golden file %s is truncated\n", path);
        return 1;
    }
    std::printf("tb: %u calls, %u packets, %u mismatches\n", num_calls, packets, mismatches);
    return mismatches == 0 ? 0 : 1;
}
