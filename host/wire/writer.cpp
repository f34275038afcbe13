#include "host/wire/writer.hpp"

namespace ikeoff::wire {

void Writer::u16(uint16_t v) {
    uint8_t b[2];
    store_be16(b, v);
    bytes(b);
}

void Writer::u32(uint32_t v) {
    uint8_t b[4];
    store_be32(b, v);
    bytes(b);
}

void Writer::u64(uint64_t v) {
    uint8_t b[8];
    store_be64(b, v);
    bytes(b);
}

bool Writer::uint_be(std::size_t n, uint64_t v) {
    if (n > 8) return false;
    if (n < 8 && (v >> (8 * n)) != 0) return false;
    for (std::size_t i = n; i > 0; --i) buf_.push_back(uint8_t(v >> (8 * (i - 1))));
    return true;
}

Writer::Mark Writer::reserve(uint8_t width) {
    Mark m{buf_.size(), width};
    zeros(width);
    return m;
}

bool Writer::patch(Mark m, uint64_t value) noexcept {
    if (m.width == 0 || m.width > 4) return false;
    if (m.offset > buf_.size() || buf_.size() - m.offset < m.width) return false;
    if ((value >> (8 * m.width)) != 0) return false;
    for (uint8_t i = 0; i < m.width; ++i)
        buf_[m.offset + i] = uint8_t(value >> (8 * (m.width - 1 - i)));
    return true;
}

bool Writer::patch_length(Mark m, std::size_t from) noexcept {
    if (from > buf_.size()) return false;
    return patch(m, buf_.size() - from);
}

bool Writer::finish_prefixed(Mark m) noexcept {
    return patch_length(m, m.offset + m.width);
}

MutableByteView Writer::window(std::size_t offset, std::size_t n) noexcept {
    if (offset > buf_.size() || buf_.size() - offset < n) return {};
    return MutableByteView(buf_).subspan(offset, n);
}

}  // namespace ikeoff::wire
