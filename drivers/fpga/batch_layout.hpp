// Packet batch -> the buffers one kernel call takes (pkt_in, pkt_out, desc),
// and back. Each packet starts on a kBufferAlign (64-octet, one AXI beat)
// boundary in both packet buffers.
#pragma once

#include <cstdint>
#include <vector>

#include "host/common/bytes.hpp"
#include "ipsec_hls/contract.hpp"

namespace ikeoff::drivers::fpga {

class KernelBatch {
public:
    void clear();
    bool empty() const { return desc_.empty(); }
    std::size_t size() const { return desc_.size(); }

    // Appends one packet: `in` is copied into pkt_in, `out_cap` octets are
    // reserved in pkt_out. `index` is the packet's position in the caller's batch.
    void add(ByteView in, uint32_t out_cap, uint32_t sa_slot, uint8_t op, uint32_t index);

    // Sizes pkt_out (call once after the last add()).
    void finish();

    ByteView pkt_in() const { return in_; }
    MutableByteView pkt_out() { return out_; }
    std::vector<ipsec_hls::contract::PacketDesc>& desc() { return desc_; }
    const std::vector<ipsec_hls::contract::PacketDesc>& desc() const { return desc_; }
    uint32_t index(std::size_t i) const { return index_[i]; }
    // The output octets of descriptor i (out_len of them).
    ByteView output(std::size_t i) const;

private:
    Bytes in_;
    Bytes out_;
    std::size_t out_bytes_ = 0;
    std::vector<ipsec_hls::contract::PacketDesc> desc_;
    std::vector<uint32_t> index_;
};

}  // namespace ikeoff::drivers::fpga
