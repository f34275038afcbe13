#include "host/wire/reader.hpp"

namespace ikeoff::wire {

bool Reader::u8(uint8_t& out) noexcept {
    if (remaining() < 1) return false;
    out = data_[pos_];
    pos_ += 1;
    return true;
}

bool Reader::u16(uint16_t& out) noexcept {
    if (remaining() < 2) return false;
    out = load_be16(data_.data() + pos_);
    pos_ += 2;
    return true;
}

bool Reader::u32(uint32_t& out) noexcept {
    if (remaining() < 4) return false;
    out = load_be32(data_.data() + pos_);
    pos_ += 4;
    return true;
}

bool Reader::u64(uint64_t& out) noexcept {
    if (remaining() < 8) return false;
    out = load_be64(data_.data() + pos_);
    pos_ += 8;
    return true;
}

bool Reader::uint_be(std::size_t n, uint64_t& out) noexcept {
    if (n > 8 || remaining() < n) return false;
    uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | data_[pos_ + i];
    out = v;
    pos_ += n;
    return true;
}

bool Reader::peek_u8(uint8_t& out) const noexcept {
    if (remaining() < 1) return false;
    out = data_[pos_];
    return true;
}

bool Reader::peek_u16(uint16_t& out) const noexcept {
    if (remaining() < 2) return false;
    out = load_be16(data_.data() + pos_);
    return true;
}

bool Reader::take(std::size_t n, ByteView& out) noexcept {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
}

bool Reader::copy(std::size_t n, Bytes& out) {
    ByteView v;
    if (!take(n, v)) return false;
    out.assign(v.begin(), v.end());
    return true;
}

bool Reader::skip(std::size_t n) noexcept {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
}

bool Reader::sub(std::size_t n, Reader& out) noexcept {
    ByteView v;
    if (!take(n, v)) return false;
    out = Reader(v);
    return true;
}

bool Reader::u8_prefixed(Reader& out) noexcept {
    Reader probe = *this;
    uint8_t len = 0;
    if (!probe.u8(len) || !probe.sub(len, out)) return false;
    *this = probe;
    return true;
}

bool Reader::u16_prefixed(Reader& out) noexcept {
    Reader probe = *this;
    uint16_t len = 0;
    if (!probe.u16(len) || !probe.sub(len, out)) return false;
    *this = probe;
    return true;
}

ByteView Reader::take_rest() noexcept {
    ByteView v = rest();
    pos_ = data_.size();
    return v;
}

}  // namespace ikeoff::wire
