// libFuzzer target: see isakmp_fuzz_driver.hpp (datagram).
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/isakmp_fuzz_driver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (!ikeoff::isakmp::fuzz::datagram(ikeoff::ByteView(data, size)).invariants_hold) __builtin_trap();
    return 0;
}
