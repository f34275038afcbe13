// OpenSSL 3 handles as RAII types, and the error bridge into Result/Status.
//
// Every OpenSSL object the host touches lives in an OsslPtr<T>: a unique_ptr
// whose deleter is the type's own *_free function (BoringSSL's
// bssl::UniquePtr idea). Logic never calls a *_free directly.
//
// Calls that return 1 on success are wrapped with IKEOFF_OSSL(call, "what"),
// which turns any other return value into Errc::crypto_error carrying the
// text of OpenSSL's error queue (and empties the queue, so a stale error
// never shows up in a later, unrelated message).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/dsa.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "host/common/result.hpp"

namespace ikeoff::crypto {

template <typename T>
struct OsslDeleter;  // specialised below, one per OpenSSL type

#define IKEOFF_OSSL_DELETER(T, free_fn)                              \
    template <>                                                      \
    struct OsslDeleter<T> {                                          \
        void operator()(T* p) const noexcept { free_fn(p); }         \
    }

IKEOFF_OSSL_DELETER(EVP_PKEY, EVP_PKEY_free);
IKEOFF_OSSL_DELETER(EVP_PKEY_CTX, EVP_PKEY_CTX_free);
IKEOFF_OSSL_DELETER(EVP_CIPHER_CTX, EVP_CIPHER_CTX_free);
IKEOFF_OSSL_DELETER(EVP_CIPHER, EVP_CIPHER_free);
IKEOFF_OSSL_DELETER(EVP_MAC, EVP_MAC_free);
IKEOFF_OSSL_DELETER(EVP_MAC_CTX, EVP_MAC_CTX_free);
IKEOFF_OSSL_DELETER(EVP_MD, EVP_MD_free);
IKEOFF_OSSL_DELETER(EVP_MD_CTX, EVP_MD_CTX_free);
// BIGNUMs may hold private exponents: always clear before freeing.
IKEOFF_OSSL_DELETER(BIGNUM, BN_clear_free);
IKEOFF_OSSL_DELETER(BN_CTX, BN_CTX_free);
IKEOFF_OSSL_DELETER(EC_GROUP, EC_GROUP_free);
IKEOFF_OSSL_DELETER(EC_POINT, EC_POINT_clear_free);
IKEOFF_OSSL_DELETER(DSA_SIG, DSA_SIG_free);
IKEOFF_OSSL_DELETER(X509, X509_free);
IKEOFF_OSSL_DELETER(X509_STORE, X509_STORE_free);
IKEOFF_OSSL_DELETER(X509_STORE_CTX, X509_STORE_CTX_free);
IKEOFF_OSSL_DELETER(X509_NAME, X509_NAME_free);
IKEOFF_OSSL_DELETER(GENERAL_NAMES, GENERAL_NAMES_free);
IKEOFF_OSSL_DELETER(BIO, BIO_free_all);
IKEOFF_OSSL_DELETER(OSSL_PARAM_BLD, OSSL_PARAM_BLD_free);
IKEOFF_OSSL_DELETER(OSSL_PARAM, OSSL_PARAM_free);

#undef IKEOFF_OSSL_DELETER

template <typename T>
using OsslPtr = std::unique_ptr<T, OsslDeleter<T>>;

// Adopt a freshly returned pointer: OsslPtr<X509> c = own(d2i_X509(...)).
template <typename T>
OsslPtr<T> own(T* p) noexcept {
    return OsslPtr<T>(p);
}

// Drains OpenSSL's per-thread error queue into one readable line.
std::string ossl_error_text();

// Error{crypto_error, "<what>: <queue text>"}; also clears the queue.
Error ossl_error(std::string_view what);

// Clears the queue without reporting (after an expected failure, e.g. a
// signature that does not verify).
void ossl_clear_errors() noexcept;

}  // namespace ikeoff::crypto

// Return Errc::crypto_error unless an OpenSSL call returns exactly 1.
#define IKEOFF_OSSL(call, what)                                              \
    do {                                                                     \
        if ((call) != 1) return ::ikeoff::crypto::ossl_error(what);          \
    } while (0)

// Return Errc::crypto_error if an OpenSSL constructor returned null.
#define IKEOFF_OSSL_NOTNULL(ptr, what)                                       \
    do {                                                                     \
        if (!(ptr)) return ::ikeoff::crypto::ossl_error(what);               \
    } while (0)
