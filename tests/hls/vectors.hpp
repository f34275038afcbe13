// Loading the shared known-answer files (tests/vectors/*.json) for the HLS tests.
#pragma once

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "host/common/bytes.hpp"

namespace ikeoff::hls_test {

inline nlohmann::json load_vectors(const std::string& file) {
    std::ifstream in(std::string(IKEOFF_TEST_VECTORS) + "/" + file);
    if (!in) {
        ADD_FAILURE() << "cannot open vector file " << file;
        return nlohmann::json::object({{"vectors", nlohmann::json::array()}});
    }
    return nlohmann::json::parse(in);
}

// Hex field of a vector; an empty string or null is the empty byte string.
inline Bytes hexfield(const nlohmann::json& v, const char* name) {
    if (!v.contains(name) || v[name].is_null()) return {};
    auto r = from_hex(v[name].get<std::string>());
    if (!r.ok()) {
        ADD_FAILURE() << "bad hex in field " << name;
        return {};
    }
    return *r;
}

}  // namespace ikeoff::hls_test
