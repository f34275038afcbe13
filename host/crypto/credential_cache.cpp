#include "host/crypto/credential_cache.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace ikeoff::crypto {

namespace {

// The file's identity now, or an error naming it (missing, unreadable).
Result<CredentialCache::FileStamp> stamp_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return Error{Errc::io_error, "cannot open " + path + " (" + std::strerror(errno) + ")"};
    CredentialCache::FileStamp s;
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.size = static_cast<unsigned long long>(st.st_size);
    s.mtime_s = st.st_mtim.tv_sec;
    s.mtime_ns = st.st_mtim.tv_nsec;
    return s;
}

}  // namespace

CredentialCache& CredentialCache::shared() {
    static CredentialCache cache;
    return cache;
}

Result<PrivateKey> CredentialCache::private_key(const std::string& path, std::string_view password) {
    IKEOFF_ASSIGN(FileStamp stamp, stamp_of(path));
    const ByteView pw = as_bytes(password);
    std::lock_guard lock(mu_);
    auto it = keys_.find(path);
    if (it != keys_.end() && it->second.stamp == stamp && ct_equal(it->second.password, pw)) return it->second.key;
    // Decoded under the lock: two negotiations starting together would
    // otherwise both pay for it.
    IKEOFF_ASSIGN(PrivateKey key, PrivateKey::load_file(path, password));
    keys_.insert_or_assign(path, KeyEntry{stamp, SecretBytes(pw), key});
    return key;
}

Result<Certificate> CredentialCache::certificate(const std::string& path) {
    IKEOFF_ASSIGN(FileStamp stamp, stamp_of(path));
    std::lock_guard lock(mu_);
    auto it = certs_.find(path);
    if (it != certs_.end() && it->second.stamp == stamp) return it->second.cert;
    IKEOFF_ASSIGN(Certificate cert, Certificate::load_file(path));
    certs_.insert_or_assign(path, CertEntry{stamp, cert});
    return cert;
}

std::size_t CredentialCache::size() const {
    std::lock_guard lock(mu_);
    return keys_.size() + certs_.size();
}

void CredentialCache::clear() {
    std::lock_guard lock(mu_);
    keys_.clear();
    certs_.clear();
}

}  // namespace ikeoff::crypto
