// Bounds-checked big-endian read cursor over a byte range.
//
// Every wire byte the host parses goes through a Reader (STYLE.md §3.5). A
// Reader is a view: it never owns or copies the input, and the input must
// outlive it. All getters are [[nodiscard]] and return false when fewer
// bytes remain than requested; a failed read consumes NOTHING, so a caller
// can report the exact offset (position()) where the input ran short.
//
//   wire::Reader r(datagram);
//   uint8_t type; uint16_t len; wire::Reader body;
//   if (!r.u8(type) || !r.skip(1) || !r.u16(len) || len < 4 || !r.sub(len - 4, body))
//       return error;
//
// There is no way to read past the end: take()/sub() hand out views and
// sub-readers that are themselves bounded by the parent's limit.
#pragma once

#include <cstddef>
#include <cstdint>

#include "host/common/bytes.hpp"

namespace ikeoff::wire {

class Reader {
public:
    Reader() = default;
    explicit Reader(ByteView data) noexcept : data_(data) {}

    std::size_t remaining() const noexcept { return data_.size() - pos_; }
    bool empty() const noexcept { return remaining() == 0; }
    // Bytes consumed since construction (offset of the cursor in the input).
    std::size_t position() const noexcept { return pos_; }
    std::size_t size() const noexcept { return data_.size(); }
    // The unread bytes, without consuming them.
    ByteView rest() const noexcept { return data_.subspan(pos_); }

    [[nodiscard]] bool u8(uint8_t& out) noexcept;
    [[nodiscard]] bool u16(uint16_t& out) noexcept;
    [[nodiscard]] bool u32(uint32_t& out) noexcept;
    [[nodiscard]] bool u64(uint64_t& out) noexcept;
    // An unsigned big-endian integer of `n` octets, 0 <= n <= 8 (n == 0
    // yields 0). Fails without consuming when n > 8 or input is short.
    [[nodiscard]] bool uint_be(std::size_t n, uint64_t& out) noexcept;

    [[nodiscard]] bool peek_u8(uint8_t& out) const noexcept;
    [[nodiscard]] bool peek_u16(uint16_t& out) const noexcept;

    // Consume `n` bytes, handing them out as a view into the input.
    [[nodiscard]] bool take(std::size_t n, ByteView& out) noexcept;
    // Consume `n` bytes into an owned copy.
    [[nodiscard]] bool copy(std::size_t n, Bytes& out);
    [[nodiscard]] bool skip(std::size_t n) noexcept;
    // Consume `n` bytes as a child reader limited to exactly those bytes.
    [[nodiscard]] bool sub(std::size_t n, Reader& out) noexcept;
    // Length-prefixed child: a u8/u16 length L (of what follows the prefix),
    // then L bytes. Either both prefix and body are consumed or nothing is.
    [[nodiscard]] bool u8_prefixed(Reader& out) noexcept;
    [[nodiscard]] bool u16_prefixed(Reader& out) noexcept;

    // Consume everything that is left.
    ByteView take_rest() noexcept;

private:
    ByteView data_;
    std::size_t pos_ = 0;
};

}  // namespace ikeoff::wire
