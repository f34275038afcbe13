#include "host/common/bytes.hpp"

#include <openssl/crypto.h>

namespace ikeoff {

std::string to_hex(ByteView data) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (uint8_t b : data) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0xf]);
    }
    return out;
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}
}  // namespace

Result<Bytes> from_hex(std::string_view text) {
    if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
    Bytes out;
    out.reserve(text.size() / 2);
    int pending = -1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if ((c == ':' || c == ' ') && pending < 0) continue;
        int v = hex_value(c);
        if (v < 0) {
            return Error{Errc::parse_error,
                         "invalid hex character '" + std::string(1, c) + "' at position " + std::to_string(i)};
        }
        if (pending < 0) {
            pending = v;
        } else {
            out.push_back(uint8_t(pending << 4 | v));
            pending = -1;
        }
    }
    if (pending >= 0) return Error{Errc::parse_error, "hex string has an odd number of digits"};
    return out;
}

void secure_zero(void* p, std::size_t n) noexcept { OPENSSL_cleanse(p, n); }

bool ct_equal(ByteView a, ByteView b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ikeoff
