// ESP packet layout (RFC 4303 §2): header, trailer and the per-SA sizes.
//
//   [SPI 4][seq low 32 bits 4][IV][payload | padding | pad length | next header][ICV]
//
// Shared by every driver so soft and the kernels pad and check identically.
#pragma once

#include <cstddef>
#include <cstdint>

#include "host/ipsec/algorithms.hpp"

namespace ikeoff::ipsec {

inline constexpr std::size_t kEspHeaderLen = 8;   // SPI + sequence number
inline constexpr std::size_t kEspTrailerLen = 2;  // pad length + next header

// Sizes that follow from the SA's transforms.
struct EspSizes {
    std::size_t iv = 0;     // explicit IV octets in each packet
    std::size_t icv = 0;    // ICV octets
    std::size_t block = 1;  // the encrypted part must be a multiple of this
    std::size_t align = 4;  // payload + padding + trailer is a multiple of this
};
EspSizes esp_sizes(EncAlg enc, IntegAlg integ);

// RFC 4303 §2.4: the fewest padding octets that make payload + padding + 2
// a multiple of `align` (a power of two: 4, 8 or 16; a mask, not a division,
// since this runs per packet).
inline std::size_t esp_pad_len(std::size_t payload_len, std::size_t align) {
    return (0 - (payload_len + kEspTrailerLen)) & (align - 1);
}

// Writes the default padding 1, 2, 3, ... (RFC 4303 §2.4), the pad length
// and the next header at `p`; returns the octets written.
inline std::size_t write_esp_trailer(uint8_t* p, std::size_t pad_len, uint8_t next_header) {
    for (std::size_t i = 0; i < pad_len; ++i) p[i] = uint8_t(i + 1);
    p[pad_len] = uint8_t(pad_len);
    p[pad_len + 1] = next_header;
    return pad_len + kEspTrailerLen;
}

// Checks the trailer at the end of a decrypted `plain` of `len` octets: the
// pad length must fit and the padding must be 1, 2, 3, ... On success sets
// the payload length and next header.
bool parse_esp_trailer(const uint8_t* plain, std::size_t len, std::size_t& payload_len, uint8_t& next_header);

}  // namespace ikeoff::ipsec
