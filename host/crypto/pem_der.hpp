// Reading and writing the two encodings keys and certificates come in:
// DER, and PEM (base64 of the DER between "-----BEGIN ...-----" lines).
// PublicKey/PrivateKey and Certificate share these, so every loader treats
// files, PEM detection and error messages the same way.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/crypto/ossl.hpp"

namespace ikeoff::crypto {

// A read-only memory BIO over `text` (which must outlive it).
Result<OsslPtr<BIO>> mem_bio(std::string_view text);

// The whole file, as bytes.
Result<Bytes> read_file(const std::string& path);

std::string_view as_text(ByteView b) noexcept;

// PEM if it holds a "-----BEGIN" line anywhere, else taken as DER.
bool looks_like_pem(ByteView data) noexcept;

// `err` with "<path>: " in front of its message.
Error in_file(const std::string& path, Error err);

// Reads `path` and decodes it with from_pem(std::string_view) or
// from_der(ByteView), whichever its content calls for. The file's bytes
// are wiped before returning (key files hold secrets); errors name the file.
template <typename T, typename FromPem, typename FromDer>
Result<T> load_pem_or_der(const std::string& path, FromPem&& from_pem, FromDer&& from_der) {
    IKEOFF_ASSIGN(Bytes data, read_file(path));
    SecretBytes guard(std::move(data));
    Result<T> r = looks_like_pem(guard) ? from_pem(as_text(guard)) : from_der(ByteView(guard));
    if (!r.ok()) return in_file(path, std::move(r).error());
    return r;
}

// The DER encoding of `obj` by OpenSSL's i2d_* function `i2d` (called once
// for the size, once to write); `what` names it in errors.
template <typename T, typename I2d>
Result<Bytes> to_der(const T* obj, I2d i2d, const char* what) {
    int len = i2d(obj, nullptr);
    IKEOFF_ENSURE(len > 0, Errc::crypto_error, what);
    Bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    IKEOFF_ENSURE(i2d(obj, &p) == len, Errc::crypto_error, what);
    return out;
}

}  // namespace ikeoff::crypto
