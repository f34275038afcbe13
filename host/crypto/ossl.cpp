#include "host/crypto/ossl.hpp"

#include <openssl/err.h>

namespace ikeoff::crypto {

std::string ossl_error_text() {
    std::string text;
    unsigned long code;
    while ((code = ERR_get_error()) != 0) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        if (!text.empty()) text += "; ";
        text += buf;
    }
    return text.empty() ? std::string("no OpenSSL error recorded") : text;
}

Error ossl_error(std::string_view what) {
    std::string msg(what);
    msg += ": ";
    msg += ossl_error_text();
    return Error{Errc::crypto_error, std::move(msg)};
}

void ossl_clear_errors() noexcept { ERR_clear_error(); }

}  // namespace ikeoff::crypto
