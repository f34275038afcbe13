#include "tests/xrt/link_config.hpp"

#include <fstream>
#include <regex>
#include <sstream>

namespace ikeoff::test_xrt {
namespace fs = std::filesystem;

namespace {

Result<std::string> read_text(const fs::path& p) {
    std::ifstream in(p);
    if (!in) return Error{Errc::not_found, "cannot open " + p.string()};
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

}  // namespace

fs::path source_dir() { return fs::path(IKEOFF_SOURCE_DIR); }

Result<LinkConfig> parse_link_config(const fs::path& path) {
    IKEOFF_ASSIGN(std::string text, read_text(path));
    LinkConfig cfg;
    static const std::regex nk(R"(^nk\s*=\s*(\w+):(\d+)(?::([\w.]+))?\s*$)");
    static const std::regex sp(R"(^sp\s*=\s*(\w+)\.(\w+):(\w+\[\d+\])\s*$)");
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
        std::smatch m;
        if (std::regex_match(line, m, nk)) {
            NkLine n{m[1], {}};
            int count = std::stoi(m[2]);
            if (m[3].matched) {
                std::string cus = m[3];
                std::istringstream cs(cus);
                for (std::string cu; std::getline(cs, cu, '.');) n.instances.push_back(cu);
            } else {
                for (int i = 1; i <= count; ++i) n.instances.push_back(n.kernel + "_" + std::to_string(i));
            }
            if (int(n.instances.size()) != count)
                return Error{Errc::parse_error, path.string() + ": nk count mismatch for " + n.kernel};
            cfg.nk.push_back(std::move(n));
        } else if (std::regex_match(line, m, sp)) {
            cfg.sp.push_back({m[1], m[2], m[3]});
        }
    }
    return cfg;
}

Result<std::string> platform_name(const std::string& short_name) {
    IKEOFF_ASSIGN(std::string text, read_text(source_dir() / "hw" / "platforms.mk"));
    std::regex re("^PLATFORM_" + short_name + R"(\s*\??=\s*(\S+)\s*$)");
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_match(line, m, re)) return std::string(m[1]);
    }
    return Error{Errc::not_found, "hw/platforms.mk has no PLATFORM_" + short_name};
}

}  // namespace ikeoff::test_xrt
