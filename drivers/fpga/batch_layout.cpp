#include "drivers/fpga/batch_layout.hpp"

#include <cstring>

namespace ikeoff::drivers::fpga {

namespace {
std::size_t align_up(std::size_t n) {
    const std::size_t a = ipsec_hls::contract::kBufferAlign;
    return (n + a - 1) / a * a;
}
}  // namespace

void KernelBatch::clear() {
    in_.clear();
    out_bytes_ = 0;
    desc_.clear();
    index_.clear();
}

void KernelBatch::add(ByteView in, uint32_t out_cap, uint32_t sa_slot, uint8_t op, uint32_t index) {
    ipsec_hls::contract::PacketDesc d;
    std::memset(&d, 0, sizeof d);
    d.in_off = uint32_t(in_.size());
    d.in_len = uint32_t(in.size());
    d.out_off = uint32_t(out_bytes_);
    d.out_cap = out_cap;
    d.sa_slot = sa_slot;
    d.op = op;
    in_.insert(in_.end(), in.begin(), in.end());
    in_.resize(align_up(in_.size()), 0);
    out_bytes_ += align_up(out_cap);
    desc_.push_back(d);
    index_.push_back(index);
}

void KernelBatch::finish() {
    if (out_.size() < out_bytes_) out_.resize(out_bytes_);
}

ByteView KernelBatch::output(std::size_t i) const {
    const auto& d = desc_[i];
    return ByteView(out_).subspan(d.out_off, d.out_len);
}

}  // namespace ikeoff::drivers::fpga
