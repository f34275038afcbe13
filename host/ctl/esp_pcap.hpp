// The capture-file data path behind `ikeoffctl esp encap|decap`: frames from
// a Reader, IP packets through an Engine in batches, frames to a Writer.
//
// Kept apart from option parsing and printing so tests can drive it with any
// Engine and so later tools (a replay tool, the bindings) can reuse it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "host/common/result.hpp"
#include "host/ipsec/engine.hpp"
#include "host/pcap/pcap_file.hpp"

namespace ikeoff::ctl {

inline constexpr std::size_t kDefaultBatch = 64;
inline constexpr std::size_t kMaxBatch = 4096;

struct EspPcapStats {
    uint64_t frames = 0;     // records read
    uint64_t non_ip = 0;     // records without IPv4/IPv6 (skipped, not written)
    uint64_t packets = 0;    // IP packets given to the engine
    uint64_t written = 0;    // records written (packets with status ok)
    uint64_t bytes_in = 0;   // IP octets given to the engine
    uint64_t bytes_out = 0;  // IP octets the engine produced for written packets
    uint64_t batches = 0;
    ipsec::StatusCounts status{};  // every packet in exactly one bucket
    std::vector<ipsec::SaEvent> events;

    uint64_t dropped() const { return packets - status[0]; }
};

// Runs every record of `in` through `engine` in direction `dir`, at most
// `batch` packets per Engine::process() call, and writes the packets that
// came back ok to `out` (same link type, same timestamps; Ethernet headers
// kept, EtherType following the new IP version). Outbound packets use `sa`;
// inbound packets are matched by SPI (pass kNoSa) or forced to `sa`.
// Fails only on I/O: a bad record in the capture, or a write error.
Result<EspPcapStats> run_esp_pcap(ipsec::Engine& engine, ipsec::Direction dir, ipsec::SaHandle sa,
                                  pcap::Reader& in, pcap::Writer& out, std::size_t batch = kDefaultBatch);

}  // namespace ikeoff::ctl
