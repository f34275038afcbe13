// Public-key operations IKEv1 phase 1 needs (RFC 2409 §5.1-§5.3).
//
// Signatures (§5.1). IKEv1 signs HASH_I / HASH_R *as is*:
//  - RSA: PKCS#1 v1.5 block type 1 over the raw hash, WITHOUT the
//    DigestInfo (algorithm OID) wrapper that ordinary PKCS#1 signatures
//    carry. It is the RSA "private encrypt" of 00 01 FF..FF 00 || HASH.
//    strongSwan calls this scheme SIGN_RSA_EMSA_PKCS1_NULL. Verification
//    recovers the block and compares the hash in constant time.
//  - DSS: DSA over the hash (SHA-1 in RFC 2409), with the SIG payload
//    carrying r || s, each left-padded to the size of q (20 + 20 bytes for
//    the classic 1024/160 keys), not the DER SEQUENCE OpenSSL produces.
//
// Encryption (§5.2, §5.3): RSA PKCS#1 v1.5 (block type 2) of nonce and ID
// payload bodies with the peer's public key.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/crypto/ossl.hpp"

namespace ikeoff::crypto {

enum class KeyType : uint8_t { rsa, dsa, ec, other };
std::string_view key_type_name(KeyType t) noexcept;

class PublicKey {
public:
    // SubjectPublicKeyInfo, DER or PEM ("-----BEGIN PUBLIC KEY-----").
    static Result<PublicKey> from_der(ByteView spki);
    static Result<PublicKey> from_pem(std::string_view pem);
    // Takes a reference on an existing key (e.g. from a certificate).
    static PublicKey adopt(OsslPtr<EVP_PKEY> key) { return PublicKey(std::move(key)); }

    PublicKey(const PublicKey& o);
    PublicKey& operator=(const PublicKey& o);
    PublicKey(PublicKey&&) noexcept = default;
    PublicKey& operator=(PublicKey&&) noexcept = default;

    KeyType type() const noexcept;
    std::size_t bits() const noexcept;
    Result<Bytes> spki_der() const;
    bool equals(const PublicKey& other) const noexcept;

    // RFC 2409 §5.1 signature check of `hash` (HASH_I or HASH_R). False for
    // any mismatch or malformed signature; never throws, never logs.
    bool verify_ike(ByteView hash, ByteView signature) const noexcept;

    // RFC 2409 §5.2/§5.3: RSA PKCS#1 v1.5 encryption (random padding from
    // OpenSSL's public DRBG). plaintext at most bits/8 - 11 bytes.
    Result<Bytes> encrypt_pkcs1(ByteView plaintext) const;

    EVP_PKEY* get() const noexcept { return key_.get(); }

private:
    explicit PublicKey(OsslPtr<EVP_PKEY> key) : key_(std::move(key)) {}
    OsslPtr<EVP_PKEY> key_;
};

class PrivateKey {
public:
    // PEM ("PRIVATE KEY", "RSA PRIVATE KEY", "DSA PRIVATE KEY", encrypted
    // PKCS#8 with `password`) or DER (PKCS#8 or the traditional forms).
    static Result<PrivateKey> from_pem(std::string_view pem, std::string_view password = {});
    static Result<PrivateKey> from_der(ByteView der);
    // A file in either encoding (PEM is recognised by its "-----BEGIN").
    static Result<PrivateKey> load_file(const std::string& path, std::string_view password = {});

    // Fresh keys (tests, benchmarks, tools).
    static Result<PrivateKey> generate_rsa(unsigned bits);
    // DSA with the FIPS 186 (L, N) pair for `bits`: 1024 -> q of 160 bits.
    static Result<PrivateKey> generate_dsa(unsigned bits);

    // Copies share the one EVP_PKEY (a reference each), as PublicKey's do.
    PrivateKey(const PrivateKey& o);
    PrivateKey& operator=(const PrivateKey& o);
    PrivateKey(PrivateKey&&) noexcept = default;
    PrivateKey& operator=(PrivateKey&&) noexcept = default;

    KeyType type() const noexcept;
    std::size_t bits() const noexcept;
    Result<PublicKey> public_key() const;
    // Unencrypted PKCS#8 PEM (for writing test fixtures).
    Result<std::string> to_pem() const;

    // RFC 2409 §5.1 signature over `hash` (see the top of this file).
    Result<Bytes> sign_ike(ByteView hash) const;

    // RFC 2409 §5.2/§5.3 decryption. Any failure is reported the same way
    // (Errc::crypto_error, no detail): callers must answer a failed
    // decryption exactly like a failed authentication so that padding
    // errors cannot be told apart (Bleichenbacher).
    Result<SecretBytes> decrypt_pkcs1(ByteView ciphertext) const;

    EVP_PKEY* get() const noexcept { return key_.get(); }

private:
    explicit PrivateKey(OsslPtr<EVP_PKEY> key) : key_(std::move(key)) {}
    OsslPtr<EVP_PKEY> key_;
};

}  // namespace ikeoff::crypto
