// Per-packet bookkeeping shared by the ESP and AH datapaths.
#pragma once

#include <cstdint>

namespace ipsec_hls {

// Geometry of one outbound packet (see out_prepare()).
struct OutFrame {
    uint8_t version;      // of the header that is written (outer in tunnel mode)
    uint8_t proto;        // protocol octet naming what follows `front` (ESP, UDP or AH)
    uint8_t next_header;  // ESP trailer / AH next header
    uint8_t inner_tos;    // tunnel: copied into the outer header
    bool inner_df;
    uint32_t front;       // octets before UDP/ESP/AH
    uint32_t nh_offset;   // transport: the protocol octet rewritten in the caller's header
    uint32_t payload_at;  // where the protected data starts in the input
    uint32_t sec_offset;  // ESP/AH header offset in the output
    uint32_t body;        // ESP: payload + padding + trailer; AH: header length
    uint32_t total;       // output length
    uint64_t seq;
};

// What a packet handler reports back (becomes the PacketDesc result half).
struct PacketResult {
    uint32_t out_len;
    uint8_t status;
    uint8_t events;
    uint64_t seq;
    uint32_t spi;
};

}  // namespace ipsec_hls
