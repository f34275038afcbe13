#include "host/ipsec/esp_format.hpp"

#include <algorithm>

namespace ikeoff::ipsec {

EspSizes esp_sizes(EncAlg enc, IntegAlg integ) {
    EspSizes s;
    s.iv = iv_bytes(enc);
    s.icv = icv_bytes(enc, integ);
    s.block = block_bytes(enc);
    // §2.4: the ciphertext must end on a 4-octet boundary, and block ciphers
    // need whole blocks.
    s.align = std::max<std::size_t>(4, s.block);
    return s;
}

bool parse_esp_trailer(const uint8_t* plain, std::size_t len, std::size_t& payload_len, uint8_t& next_header) {
    if (len < kEspTrailerLen) return false;
    std::size_t pad_len = plain[len - 2];
    if (pad_len + kEspTrailerLen > len) return false;
    // §2.4: a receiver that knows the default padding was used checks it.
    const uint8_t* pad = plain + len - kEspTrailerLen - pad_len;
    uint8_t bad = 0;
    for (std::size_t i = 0; i < pad_len; ++i) bad |= uint8_t(pad[i] ^ uint8_t(i + 1));
    if (bad) return false;
    payload_len = len - kEspTrailerLen - pad_len;
    next_header = plain[len - 1];
    return true;
}

}  // namespace ikeoff::ipsec
