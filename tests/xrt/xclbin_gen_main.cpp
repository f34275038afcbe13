// ikeoff_xclbin_gen: writes a metadata-only xclbin for the contract's
// kernels plus its manifest, so the xrt driver can be exercised under
// XCL_EMULATION_MODE=noop without Vitis:
//
//   ikeoff_xclbin_gen --platform u280 --out /tmp/bits
//   XCL_EMULATION_MODE=noop ikeoffctl ... --engine xrt --manifest /tmp/bits
//
// (noop runs the whole host flow but no kernel: outputs are not computed.)
#include <cstdlib>
#include <iostream>
#include <string>

#include "ipsec_hls/contract.hpp"
#include "tests/xrt/contract_xclbin.hpp"

int main(int argc, char** argv) {
    std::string platform = "u250";
    std::string out;
    uint32_t abi = ipsec_hls::contract::kContractAbi;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "ikeoff_xclbin_gen: " << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--platform") platform = next();
        else if (a == "--out") out = next();
        else if (a == "--abi") abi = uint32_t(std::stoul(next()));
        else {
            std::cerr << "usage: ikeoff_xclbin_gen --platform u250|u280|u55c --out DIR [--abi N]\n";
            return 2;
        }
    }
    if (out.empty()) {
        std::cerr << "ikeoff_xclbin_gen: --out DIR is required\n";
        return 2;
    }
    auto g = ikeoff::test_xrt::generate(out, platform, abi);
    if (!g.ok()) {
        std::cerr << "ikeoff_xclbin_gen: " << g.error().message << "\n";
        return 1;
    }
    std::cout << g->xclbin.string() << "\n" << g->manifest.string() << "\n";
    return 0;
}
