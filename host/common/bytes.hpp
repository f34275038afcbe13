// Byte buffers, hex conversion and secret storage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/common/result.hpp"

namespace ikeoff {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
using MutableByteView = std::span<uint8_t>;

// Lowercase hex, no separators.
std::string to_hex(ByteView data);
// Accepts upper/lower case, an optional "0x" prefix and ':' or ' ' separators
// between octets. Odd digit counts and other characters are errors.
Result<Bytes> from_hex(std::string_view text);

inline ByteView as_bytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Overwrite memory in a way the optimiser may not elide.
void secure_zero(void* p, std::size_t n) noexcept;

// Constant-time comparison for ICVs, HASH payloads and tags: the time taken
// depends only on the lengths, never on where the first difference is.
bool ct_equal(ByteView a, ByteView b) noexcept;

// Key material. Zeroized on destruction, on move-from and on clear(); copies
// must be explicit (clone()) so a key is never duplicated by accident.
class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(ByteView data) : buf_(data.begin(), data.end()) {}
    explicit SecretBytes(std::size_t n) : buf_(n, 0) {}
    explicit SecretBytes(Bytes&& data) : buf_(std::move(data)) {}
    ~SecretBytes() { clear(); }

    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    SecretBytes(SecretBytes&& o) noexcept : buf_(std::move(o.buf_)) { o.clear(); }
    SecretBytes& operator=(SecretBytes&& o) noexcept {
        if (this != &o) {
            clear();
            buf_ = std::move(o.buf_);
            o.clear();
        }
        return *this;
    }

    SecretBytes clone() const { return SecretBytes(ByteView(buf_)); }
    void clear() noexcept {
        if (!buf_.empty()) secure_zero(buf_.data(), buf_.size());
        buf_.clear();
    }
    void resize(std::size_t n) {
        // Grow through a fresh buffer so a reallocation never leaves a stale
        // copy of the secret in freed memory.
        SecretBytes tmp(n);
        std::size_t keep = n < buf_.size() ? n : buf_.size();
        for (std::size_t i = 0; i < keep; ++i) tmp.buf_[i] = buf_[i];
        *this = std::move(tmp);
    }
    void append(ByteView more) {
        SecretBytes tmp(buf_.size() + more.size());
        for (std::size_t i = 0; i < buf_.size(); ++i) tmp.buf_[i] = buf_[i];
        for (std::size_t i = 0; i < more.size(); ++i) tmp.buf_[buf_.size() + i] = more[i];
        *this = std::move(tmp);
    }

    std::size_t size() const noexcept { return buf_.size(); }
    bool empty() const noexcept { return buf_.empty(); }
    const uint8_t* data() const noexcept { return buf_.data(); }
    uint8_t* data() noexcept { return buf_.data(); }
    ByteView view() const noexcept { return buf_; }
    MutableByteView mutable_view() noexcept { return buf_; }
    operator ByteView() const noexcept { return buf_; }  // NOLINT: read-only view is safe

private:
    Bytes buf_;
};

// Big-endian loads and stores, used all over the wire formats.
inline uint16_t load_be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t load_be32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline uint64_t load_be64(const uint8_t* p) {
    return uint64_t(load_be32(p)) << 32 | load_be32(p + 4);
}
inline void store_be16(uint8_t* p, uint16_t v) { p[0] = uint8_t(v >> 8); p[1] = uint8_t(v); }
inline void store_be32(uint8_t* p, uint32_t v) {
    p[0] = uint8_t(v >> 24); p[1] = uint8_t(v >> 16); p[2] = uint8_t(v >> 8); p[3] = uint8_t(v);
}
inline void store_be64(uint8_t* p, uint64_t v) {
    store_be32(p, uint32_t(v >> 32));
    store_be32(p + 4, uint32_t(v));
}

}  // namespace ikeoff
