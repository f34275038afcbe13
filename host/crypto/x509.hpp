// X.509 certificates for IKEv1 RSA/DSS signature authentication: loading
// (PEM or DER), the public key, the subject DN (DER, as the ID_DER_ASN1_DN
// payload carries it, and as text), subjectAltNames, matching an ID payload
// against a certificate, and chain verification against trusted CAs.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/crypto/ossl.hpp"
#include "host/crypto/pubkey.hpp"

namespace ikeoff::crypto {

struct AltName {
    enum class Kind : uint8_t { dns, email, ip, uri, dn, other };
    Kind kind = Kind::other;
    std::string text;  // "moon.example.org", "alice@example.org", "10.0.0.1", "C=CH, CN=x"
    Bytes raw;         // the name's own bytes: IA5 string, 4/16 address octets, DER Name
};

// ID payload types (RFC 2407 §4.6.2.1) a certificate can name.
inline constexpr uint8_t kIdIpv4Addr = 1;
inline constexpr uint8_t kIdFqdn = 2;
inline constexpr uint8_t kIdUserFqdn = 3;
inline constexpr uint8_t kIdIpv6Addr = 5;
inline constexpr uint8_t kIdDerAsn1Dn = 9;

class Certificate {
public:
    static Result<Certificate> from_der(ByteView der);
    // The first certificate in a PEM text.
    static Result<Certificate> from_pem(std::string_view pem);
    // Every certificate in a PEM text (a CA bundle, a chain file).
    static Result<std::vector<Certificate>> all_from_pem(std::string_view pem);
    // A file holding one certificate, PEM or DER.
    static Result<Certificate> load_file(const std::string& path);

    Certificate(const Certificate& o);
    Certificate& operator=(const Certificate& o);
    Certificate(Certificate&&) noexcept = default;
    Certificate& operator=(Certificate&&) noexcept = default;

    Result<Bytes> der() const;                 // for the CERT payload (encoding 4, X.509 signature)
    Result<Bytes> subject_der() const;         // ID_DER_ASN1_DN data
    std::string subject_string() const;        // "C=CH, O=Example, CN=moon" (strongSwan's order and style)
    Result<Bytes> issuer_der() const;
    std::string issuer_string() const;
    std::vector<AltName> subject_alt_names() const;
    Result<PublicKey> public_key() const;

    // Does the certificate name the identity of an ID payload? ID_DER_ASN1_DN
    // is compared with the subject (canonical DN comparison), ID_FQDN /
    // ID_USER_FQDN (case-insensitive) and ID_IPV4/6_ADDR with the
    // subjectAltNames. Other types never match.
    bool matches_id(uint8_t id_type, ByteView id_data) const;

    X509* get() const noexcept { return cert_.get(); }

private:
    explicit Certificate(OsslPtr<X509> c) : cert_(std::move(c)) {}
    OsslPtr<X509> cert_;
};

// The ID payload body for "my identity is my certificate's subject":
// type ID_DER_ASN1_DN, data the DER subject Name.
struct IdPayloadData {
    uint8_t type = 0;
    Bytes data;
};
Result<IdPayloadData> id_from_certificate(const Certificate& cert);

// Trusted CAs and chain verification.
class CertStore {
public:
    static Result<CertStore> create();

    Status add_trusted(const Certificate& ca);
    // Adds every certificate of a PEM file (or the one of a DER file).
    Status add_trusted_file(const std::string& path);
    std::size_t trusted_count() const noexcept { return count_; }

    // Verifies `leaf` up to a trusted CA, using `intermediates` (e.g. further
    // CERT payloads) as untrusted helpers. `at` is the verification time
    // (injectable for tests); the current time when absent. Errors:
    // Errc::invalid_argument with OpenSSL's reason ("certificate has expired",
    // "unable to get local issuer certificate", ...).
    Status verify(const Certificate& leaf, std::span<const Certificate> intermediates = {},
                  std::optional<std::time_t> at = std::nullopt) const;

private:
    explicit CertStore(OsslPtr<X509_STORE> s) : store_(std::move(s)) {}
    OsslPtr<X509_STORE> store_;
    std::size_t count_ = 0;
};

}  // namespace ikeoff::crypto
