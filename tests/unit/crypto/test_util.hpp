// Small helpers shared by the crypto and ike_keymat unit tests: loading the
// JSON vector files and turning hex fields into bytes.
#pragma once

#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "host/common/bytes.hpp"
#include "host/crypto/hash.hpp"

namespace ikeoff::testutil {

inline nlohmann::json load_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return nlohmann::json::parse(in);
}

// A file in tests/vectors/ (copied from shared/vectors).
inline nlohmann::json load_vectors(const std::string& name) {
    return load_json(std::string(IKEOFF_TEST_VECTORS) + "/" + name);
}

inline Bytes hexb(const std::string& s) {
    auto r = from_hex(s);
    if (!r.ok()) throw std::runtime_error("bad hex in vector file: " + r.error().message);
    return std::move(r).value();
}

inline Bytes hexb(const char* s) { return hexb(std::string(s)); }
inline Bytes hexb(const nlohmann::json& j) { return hexb(j.get<std::string>()); }

// Vector files store small integers either as JSON numbers or as strings.
inline long num(const nlohmann::json& j) {
    return j.is_string() ? std::stol(j.get<std::string>()) : j.get<long>();
}

inline crypto::HashAlg hash_by_name(const std::string& n) {
    if (n == "md5") return crypto::HashAlg::md5;
    if (n == "sha1") return crypto::HashAlg::sha1;
    if (n == "sha256") return crypto::HashAlg::sha256;
    if (n == "sha384") return crypto::HashAlg::sha384;
    if (n == "sha512") return crypto::HashAlg::sha512;
    throw std::runtime_error("unknown hash " + n);
}

inline bool hash_supported(const std::string& n) {
    return n == "md5" || n == "sha1" || n == "sha256" || n == "sha384" || n == "sha512";
}

inline std::string hex(ByteView b) { return to_hex(b); }

}  // namespace ikeoff::testutil
