#include "host/crypto/pem_der.hpp"

#include <fstream>
#include <iterator>

namespace ikeoff::crypto {

Result<OsslPtr<BIO>> mem_bio(std::string_view text) {
    auto bio = own(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    IKEOFF_OSSL_NOTNULL(bio, "BIO_new_mem_buf");
    return bio;
}

Result<Bytes> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{Errc::io_error, "cannot open " + path};
    Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return Error{Errc::io_error, "cannot read " + path};
    return data;
}

std::string_view as_text(ByteView b) noexcept { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

bool looks_like_pem(ByteView data) noexcept { return as_text(data).find("-----BEGIN") != std::string_view::npos; }

Error in_file(const std::string& path, Error err) { return Error{err.code, path + ": " + err.message}; }

}  // namespace ikeoff::crypto
