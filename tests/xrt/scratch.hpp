// A fresh scratch directory per test case (ctest -j runs cases in parallel,
// so cases must never share one).
#pragma once

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace ikeoff::test_xrt {

inline std::filesystem::path scratch_dir(const std::string& tag) {
    const auto* t = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = t ? std::string(t->test_suite_name()) + "." + t->name() : std::string("no-test");
    for (char& c : name)
        if (c == '/') c = '_';
    auto d = std::filesystem::path(IKEOFF_BINARY_DIR) / "tests" / "xrt-scratch" / name / tag;
    std::filesystem::remove_all(d);
    return d;
}

}  // namespace ikeoff::test_xrt
