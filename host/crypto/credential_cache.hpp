// Private keys and certificates by file name, decoded once and shared.
//
// Every IKE SA with certificate or public-key authentication needs our key,
// our certificate, the peer's configured certificate and the trusted CAs.
// Decoding them costs far more than the negotiation's own signature (OpenSSL
// 3 decodes an RSA-2048 PEM key in about 0.3 ms), so reading the files per
// negotiation would make the daemon spend most of its time there. Entries
// are checked against the file's identity (device, inode, size, mtime) on
// every lookup: replacing or editing a file is seen at the next negotiation,
// without a reload command. Failures are not remembered, so a fixed file
// works on the next try.
//
// Thread-safe; the shared objects are OpenSSL references, which OpenSSL
// allows several threads to use for signing, verifying and decrypting.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/crypto/pubkey.hpp"
#include "host/crypto/x509.hpp"

namespace ikeoff::crypto {

class CredentialCache {
public:
    // The process's cache (the daemon has one set of credentials).
    static CredentialCache& shared();

    // As PrivateKey::load_file / Certificate::load_file, but decoded only
    // when the file changed since the last successful load. A key is
    // reused only for the same password.
    Result<PrivateKey> private_key(const std::string& path, std::string_view password = {});
    Result<Certificate> certificate(const std::string& path);

    // Entries held (tests, diagnostics).
    std::size_t size() const;
    void clear();

    // What makes a cached decode stale: another file at the path, or the
    // same file rewritten.
    struct FileStamp {
        unsigned long long dev = 0, ino = 0, size = 0;
        long long mtime_s = 0, mtime_ns = 0;
        bool operator==(const FileStamp&) const = default;
    };

private:
    struct KeyEntry {
        FileStamp stamp;
        SecretBytes password;
        PrivateKey key;
    };
    struct CertEntry {
        FileStamp stamp;
        Certificate cert;
    };

    mutable std::mutex mu_;
    std::map<std::string, KeyEntry> keys_;
    std::map<std::string, CertEntry> certs_;
};

}  // namespace ikeoff::crypto
