#include "host/crypto/x509.hpp"

#include <algorithm>
#include <cctype>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "host/common/ip_address.hpp"
#include "host/crypto/pem_der.hpp"

namespace ikeoff::crypto {

namespace {

struct X509StackDeleter {
    void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_free(s); }  // does not free the certs
};
using X509Stack = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;

Result<Bytes> name_der(const X509_NAME* name) { return to_der(name, i2d_X509_NAME, "i2d_X509_NAME"); }

// "C=CH, O=Example, CN=moon": OpenSSL's one-line form without the blanks
// around '=', in certificate order, which is how strongSwan prints DNs.
std::string name_string(const X509_NAME* name) {
    auto bio = own(BIO_new(BIO_s_mem()));
    if (!bio) return {};
    const unsigned long flags = XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ;
    if (X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) {
        ossl_clear_errors();
        return {};
    }
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

AltName alt_name_of(const GENERAL_NAME* gn) {
    AltName a;
    int type = 0;
    void* value = GENERAL_NAME_get0_value(gn, &type);
    switch (type) {
        case GEN_DNS:
        case GEN_EMAIL:
        case GEN_URI: {
            const auto* s = static_cast<const ASN1_IA5STRING*>(value);
            a.kind = type == GEN_DNS ? AltName::Kind::dns : type == GEN_EMAIL ? AltName::Kind::email : AltName::Kind::uri;
            a.raw.assign(ASN1_STRING_get0_data(s), ASN1_STRING_get0_data(s) + ASN1_STRING_length(s));
            a.text.assign(a.raw.begin(), a.raw.end());
            break;
        }
        case GEN_IPADD: {
            const auto* s = static_cast<const ASN1_OCTET_STRING*>(value);
            a.kind = AltName::Kind::ip;
            a.raw.assign(ASN1_STRING_get0_data(s), ASN1_STRING_get0_data(s) + ASN1_STRING_length(s));
            if (a.raw.size() == 4) a.text = IpAddress::v4(a.raw.data()).to_string();
            else if (a.raw.size() == 16) a.text = IpAddress::v6(a.raw.data()).to_string();
            break;
        }
        case GEN_DIRNAME: {
            const auto* n = static_cast<const X509_NAME*>(value);
            a.kind = AltName::Kind::dn;
            if (auto der = name_der(n); der.ok()) a.raw = std::move(der).value();
            a.text = name_string(n);
            break;
        }
        default: a.kind = AltName::Kind::other; break;
    }
    return a;
}

}  // namespace

// ---- Certificate ---------------------------------------------------------------------

Result<Certificate> Certificate::from_der(ByteView der) {
    const unsigned char* p = der.data();
    auto c = own(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!c) return Error{Errc::parse_error, "not a DER X.509 certificate: " + ossl_error_text()};
    IKEOFF_ENSURE(p == der.data() + der.size(), Errc::parse_error, "trailing bytes after the DER certificate");
    return Certificate(std::move(c));
}

Result<Certificate> Certificate::from_pem(std::string_view pem) {
    IKEOFF_ASSIGN(auto bio, mem_bio(pem));
    auto c = own(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!c) return Error{Errc::parse_error, "no PEM certificate: " + ossl_error_text()};
    return Certificate(std::move(c));
}

Result<std::vector<Certificate>> Certificate::all_from_pem(std::string_view pem) {
    IKEOFF_ASSIGN(auto bio, mem_bio(pem));
    std::vector<Certificate> out;
    while (true) {
        auto c = own(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!c) break;
        out.push_back(Certificate(std::move(c)));
    }
    // Running out of PEM blocks ends the loop with "no start line"; anything
    // else is a broken block.
    unsigned long err = ERR_peek_last_error();
    bool clean_end = err == 0 || (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE);
    if (!clean_end) return ossl_error("PEM certificate bundle");
    ossl_clear_errors();
    IKEOFF_ENSURE(!out.empty(), Errc::parse_error, "no PEM certificate found");
    return out;
}

Result<Certificate> Certificate::load_file(const std::string& path) {
    return load_pem_or_der<Certificate>(path, &Certificate::from_pem, &Certificate::from_der);
}

Certificate::Certificate(const Certificate& o) {
    if (o.cert_ && X509_up_ref(o.cert_.get()) == 1) cert_.reset(o.cert_.get());
}

Certificate& Certificate::operator=(const Certificate& o) {
    if (this != &o) {
        Certificate tmp(o);
        cert_ = std::move(tmp.cert_);
    }
    return *this;
}

Result<Bytes> Certificate::der() const { return to_der(cert_.get(), i2d_X509, "i2d_X509"); }

Result<Bytes> Certificate::subject_der() const { return name_der(X509_get_subject_name(cert_.get())); }
std::string Certificate::subject_string() const { return name_string(X509_get_subject_name(cert_.get())); }
Result<Bytes> Certificate::issuer_der() const { return name_der(X509_get_issuer_name(cert_.get())); }
std::string Certificate::issuer_string() const { return name_string(X509_get_issuer_name(cert_.get())); }

std::vector<AltName> Certificate::subject_alt_names() const {
    std::vector<AltName> out;
    auto names = own(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert_.get(), NID_subject_alt_name, nullptr, nullptr)));
    if (!names) {
        ossl_clear_errors();
        return out;
    }
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) out.push_back(alt_name_of(sk_GENERAL_NAME_value(names.get(), i)));
    return out;
}

Result<PublicKey> Certificate::public_key() const {
    EVP_PKEY* k = X509_get_pubkey(cert_.get());  // returns a new reference
    IKEOFF_OSSL_NOTNULL(k, "certificate public key");
    return PublicKey::adopt(own(k));
}

bool Certificate::matches_id(uint8_t id_type, ByteView id_data) const {
    if (id_type == kIdDerAsn1Dn) {
        const unsigned char* p = id_data.data();
        auto name = own(d2i_X509_NAME(nullptr, &p, static_cast<long>(id_data.size())));
        bool eq = name && p == id_data.data() + id_data.size() &&
                  X509_NAME_cmp(name.get(), X509_get_subject_name(cert_.get())) == 0;
        ossl_clear_errors();
        return eq;
    }
    for (const AltName& a : subject_alt_names()) {
        switch (id_type) {
            case kIdFqdn:
                if (a.kind == AltName::Kind::dns && iequals(a.text, as_text(id_data))) return true;
                break;
            case kIdUserFqdn:
                if (a.kind == AltName::Kind::email && iequals(a.text, as_text(id_data))) return true;
                break;
            case kIdIpv4Addr:
            case kIdIpv6Addr:
                if (a.kind == AltName::Kind::ip && a.raw.size() == (id_type == kIdIpv4Addr ? 4u : 16u) &&
                    std::equal(a.raw.begin(), a.raw.end(), id_data.begin(), id_data.end())) {
                    return true;
                }
                break;
            default: return false;
        }
    }
    return false;
}

Result<IdPayloadData> id_from_certificate(const Certificate& cert) {
    IKEOFF_ASSIGN(Bytes dn, cert.subject_der());
    return IdPayloadData{kIdDerAsn1Dn, std::move(dn)};
}

// ---- CertStore ----------------------------------------------------------------------

Result<CertStore> CertStore::create() {
    auto s = own(X509_STORE_new());
    IKEOFF_OSSL_NOTNULL(s, "X509_STORE_new");
    return CertStore(std::move(s));
}

Status CertStore::add_trusted(const Certificate& ca) {
    IKEOFF_OSSL(X509_STORE_add_cert(store_.get(), ca.get()), "add trusted certificate");  // takes its own reference
    ++count_;
    return ok_status();
}

Status CertStore::add_trusted_file(const std::string& path) {
    IKEOFF_ASSIGN(Bytes data, read_file(path));
    if (!looks_like_pem(data)) {
        IKEOFF_ASSIGN(Certificate c, Certificate::from_der(data));
        return add_trusted(c);
    }
    auto certs = Certificate::all_from_pem(as_text(data));
    if (!certs.ok()) return in_file(path, std::move(certs).error());
    for (const auto& c : *certs) IKEOFF_TRY(add_trusted(c));
    return ok_status();
}

Status CertStore::verify(const Certificate& leaf, std::span<const Certificate> intermediates,
                         std::optional<std::time_t> at) const {
    X509Stack chain(sk_X509_new_null());
    IKEOFF_OSSL_NOTNULL(chain, "sk_X509_new_null");
    for (const auto& c : intermediates) {
        IKEOFF_ENSURE(sk_X509_push(chain.get(), c.get()) > 0, Errc::crypto_error, "sk_X509_push");
    }
    auto ctx = own(X509_STORE_CTX_new());
    IKEOFF_OSSL_NOTNULL(ctx, "X509_STORE_CTX_new");
    IKEOFF_OSSL(X509_STORE_CTX_init(ctx.get(), store_.get(), leaf.get(), chain.get()), "X509_STORE_CTX_init");
    if (at) X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), *at);
    int rc = X509_verify_cert(ctx.get());
    if (rc == 1) return ok_status();
    int err = X509_STORE_CTX_get_error(ctx.get());
    ossl_clear_errors();
    return Error{Errc::invalid_argument, "certificate \"" + leaf.subject_string() +
                                             "\" does not verify: " + X509_verify_cert_error_string(err)};
}

}  // namespace ikeoff::crypto
