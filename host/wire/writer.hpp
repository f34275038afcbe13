// Growable big-endian write cursor with "patch the length later" marks.
//
// The writer owns its buffer. Lengths that precede the data they count are
// written as placeholders (reserve_u8/u16/u32 return a Mark) and filled in
// once the data is known:
//
//   wire::Writer w;
//   w.u8(next_payload); w.u8(0);
//   auto len = w.reserve_u16();            // ISAKMP payload length ...
//   std::size_t start = len.offset - 2;    // ... counts the generic header too
//   w.bytes(body);
//   if (!w.patch_length(len, start)) return error;   // 65535 exceeded
//
// Appending cannot fail (it only allocates). Patching can: a value that
// does not fit the reserved width is refused and nothing is written, so an
// oversize payload is reported instead of silently truncated.
#pragma once

#include <cstddef>
#include <cstdint>

#include "host/common/bytes.hpp"

namespace ikeoff::wire {

class Writer {
public:
    // A placeholder for an integer written later: where it is and how wide.
    struct Mark {
        std::size_t offset = 0;
        uint8_t width = 0;  // 1, 2 or 4 octets
    };

    Writer() = default;
    explicit Writer(std::size_t reserve) { buf_.reserve(reserve); }

    void u8(uint8_t v) { buf_.push_back(v); }
    void u16(uint16_t v);
    void u32(uint32_t v);
    void u64(uint64_t v);
    // `v` as an n-octet big-endian integer (0 <= n <= 8). False, and nothing
    // written, when v does not fit in n octets or n > 8.
    [[nodiscard]] bool uint_be(std::size_t n, uint64_t v);
    void bytes(ByteView data) { buf_.insert(buf_.end(), data.begin(), data.end()); }
    void zeros(std::size_t n) { buf_.insert(buf_.end(), n, uint8_t{0}); }

    Mark reserve_u8() { return reserve(1); }
    Mark reserve_u16() { return reserve(2); }
    Mark reserve_u32() { return reserve(4); }
    // Store `value` at `m`. False when it does not fit m.width octets or the
    // mark does not lie inside the buffer.
    [[nodiscard]] bool patch(Mark m, uint64_t value) noexcept;
    // Store size() - from at `m` (ISAKMP lengths include their own header,
    // so `from` is usually the start of the payload, before the mark).
    [[nodiscard]] bool patch_length(Mark m, std::size_t from) noexcept;
    // Store the number of bytes written after the mark itself (a classic
    // length prefix that does not count itself).
    [[nodiscard]] bool finish_prefixed(Mark m) noexcept;

    std::size_t size() const noexcept { return buf_.size(); }
    ByteView view() const noexcept { return buf_; }
    // Writable window over bytes already written (e.g. to fill in a HASH
    // after the bytes it covers are known). Empty if out of range.
    MutableByteView window(std::size_t offset, std::size_t n) noexcept;
    Bytes take() && { return std::move(buf_); }
    const Bytes& buffer() const noexcept { return buf_; }

private:
    Mark reserve(uint8_t width);
    Bytes buf_;
};

}  // namespace ikeoff::wire
