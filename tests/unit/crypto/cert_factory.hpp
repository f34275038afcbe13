// Test-only: makes CA, intermediate and leaf certificates with OpenSSL's
// X509 API, so certificate tests need no fixture files.
#pragma once

#include <ctime>
#include <string>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "host/crypto/pubkey.hpp"
#include "host/crypto/x509.hpp"

namespace ikeoff::testutil {

struct CertSpec {
    std::string subject_cn;
    std::string subject_o = "ikeoffload";
    bool ca = false;
    std::string san;              // OpenSSL syntax: "DNS:a.test,email:x@a.test,IP:10.0.0.1"
    long not_before = -3600;      // seconds relative to now
    long not_after = 365L * 86400;
};

inline CertSpec spec(std::string cn, std::string o, bool ca, std::string san = {}, long not_before = -3600,
                     long not_after = 365L * 86400) {
    CertSpec s;
    s.subject_cn = std::move(cn);
    s.subject_o = std::move(o);
    s.ca = ca;
    s.san = std::move(san);
    s.not_before = not_before;
    s.not_after = not_after;
    return s;
}

// Issues a certificate for `subject_key`, signed by `issuer_key` with
// `issuer` as the issuer (self-signed when issuer is null).
inline crypto::Certificate make_cert(const CertSpec& spec, const crypto::PrivateKey& subject_key,
                                     const crypto::PrivateKey& issuer_key, const crypto::Certificate* issuer) {
    static long serial = 1;
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_gmtime_adj(X509_getm_notBefore(x), spec.not_before);
    X509_gmtime_adj(X509_getm_notAfter(x), spec.not_after);
    X509_set_pubkey(x, subject_key.get());
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("CH"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(spec.subject_o.c_str()), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(spec.subject_cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->get()) : name);

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer->get() : x, x, nullptr, nullptr, 0);
    auto add = [&](int nid, const std::string& value) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
        if (ext) {
            X509_add_ext(x, ext, -1);
            X509_EXTENSION_free(ext);
        }
    };
    add(NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
    add(NID_key_usage, spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
    if (!spec.san.empty()) add(NID_subject_alt_name, spec.san);
    X509_sign(x, issuer_key.get(), EVP_sha256());

    unsigned char* der = nullptr;
    int len = i2d_X509(x, &der);
    auto cert = crypto::Certificate::from_der(ByteView(der, static_cast<std::size_t>(len)));
    OPENSSL_free(der);
    X509_free(x);
    return std::move(cert).value();
}

// The certificate as PEM text (for writing files the loaders read).
inline std::string pem_of(const crypto::Certificate& c) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, c.get());
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string s(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return s;
}

}  // namespace ikeoff::testutil
