#include "drivers/xrt/manifest.hpp"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <system_error>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "host/common/bytes.hpp"

namespace ikeoff::drivers::xrt_manifest {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Error bad(const std::string& where, const std::string& what) {
    return Error{Errc::parse_error, "manifest: " + where + ": " + what};
}

Result<std::string> get_string(const json& obj, const char* key, const std::string& where) {
    auto it = obj.find(key);
    if (it == obj.end()) return bad(where, std::string("missing \"") + key + "\"");
    if (!it->is_string()) return bad(where + "." + key, "must be a string");
    return it->get<std::string>();
}

bool is_lower_hex(const std::string& s) {
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

Result<KernelEntry> parse_kernel(const json& k, const std::string& where) {
    if (!k.is_object()) return bad(where, "must be an object");
    KernelEntry e;
    IKEOFF_ASSIGN(e.name, get_string(k, "name", where));
    auto cus = k.find("compute_units");
    if (cus == k.end() || !cus->is_array() || cus->empty())
        return bad(where + ".compute_units", "must be a non-empty array of instance names");
    for (const auto& cu : *cus) {
        if (!cu.is_string()) return bad(where + ".compute_units", "must hold strings");
        e.compute_units.push_back(cu.get<std::string>());
    }
    return e;
}

Result<BitstreamEntry> parse_entry(const json& b, const fs::path& base_dir, const std::string& where) {
    if (!b.is_object()) return bad(where, "must be an object");
    BitstreamEntry e;
    IKEOFF_ASSIGN(e.name, get_string(b, "name", where));
    IKEOFF_ASSIGN(std::string xclbin, get_string(b, "xclbin", where));
    if (xclbin.empty()) return bad(where + ".xclbin", "must not be empty");
    e.xclbin = fs::path(xclbin).is_absolute() ? fs::path(xclbin) : base_dir / xclbin;
    IKEOFF_ASSIGN(e.platform, get_string(b, "platform", where));
    IKEOFF_ASSIGN(e.target, get_string(b, "target", where));
    if (e.target != "hw" && e.target != "hw_emu") return bad(where + ".target", "must be \"hw\" or \"hw_emu\"");
    auto abi = b.find("abi");
    if (abi == b.end() || !abi->is_number_unsigned() || abi->get<uint64_t>() > UINT32_MAX)
        return bad(where + ".abi", "must be an unsigned 32-bit number (the contract's kContractAbi)");
    e.abi = abi->get<uint32_t>();
    IKEOFF_ASSIGN(e.sha256, get_string(b, "sha256", where));
    if (e.sha256.size() != 64 || !is_lower_hex(e.sha256))
        return bad(where + ".sha256", "must be 64 lowercase hex digits");
    auto kernels = b.find("kernels");
    if (kernels == b.end() || !kernels->is_array() || kernels->empty())
        return bad(where + ".kernels", "must be a non-empty array");
    for (std::size_t i = 0; i < kernels->size(); ++i) {
        IKEOFF_ASSIGN(auto k, parse_kernel((*kernels)[i], where + ".kernels[" + std::to_string(i) + "]"));
        e.kernels.push_back(std::move(k));
    }
    IKEOFF_ASSIGN(e.tool_version, get_string(b, "tool_version", where));
    IKEOFF_ASSIGN(e.build_date, get_string(b, "build_date", where));
    return e;
}

fs::path as_manifest_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec) ? p / "manifest.json" : p;
}

struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

Result<Manifest> parse_manifest(std::string_view json_text, const fs::path& base_dir) {
    json doc = json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return bad("document", "not valid JSON");
    if (!doc.is_object()) return bad("document", "must be a JSON object");
    IKEOFF_ASSIGN(std::string format, get_string(doc, "format", "document"));
    if (format != kFormat)
        return bad("format", "is \"" + format + "\", this build reads \"" + std::string(kFormat) + "\"");
    Manifest m;
    if (auto ex = doc.find("example"); ex != doc.end()) {
        if (!ex->is_boolean()) return bad("example", "must be true or false");
        m.example = ex->get<bool>();
    }
    auto list = doc.find("bitstreams");
    if (list == doc.end() || !list->is_array()) return bad("bitstreams", "must be an array");
    for (std::size_t i = 0; i < list->size(); ++i) {
        IKEOFF_ASSIGN(auto e, parse_entry((*list)[i], base_dir, "bitstreams[" + std::to_string(i) + "]"));
        m.bitstreams.push_back(std::move(e));
    }
    return m;
}

Result<Manifest> load_manifest(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{Errc::not_found, "manifest: cannot open " + path.string()};
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto m = parse_manifest(text, path.parent_path());
    if (!m.ok()) return Error{m.error().code, path.string() + ": " + m.error().message};
    m->path = path;
    return m;
}

std::vector<fs::path> manifest_candidates(const std::string& explicit_path) {
    if (!explicit_path.empty()) return {as_manifest_file(explicit_path)};
    std::vector<fs::path> out;
    if (const char* env = std::getenv("IKEOFF_BITSTREAMS"); env && *env) out.push_back(as_manifest_file(env));
    std::error_code ec;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) out.push_back(exe.parent_path().parent_path() / "share" / "ikeoffload" / "bitstreams" / "manifest.json");
#ifdef IKEOFF_SOURCE_DIR
    out.push_back(fs::path(IKEOFF_SOURCE_DIR) / "bitstreams" / "manifest.json");
#endif
    return out;
}

Result<fs::path> find_manifest(const std::string& explicit_path) {
    std::string tried;
    for (const auto& p : manifest_candidates(explicit_path)) {
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) return p;
        tried += (tried.empty() ? "" : ", ") + p.string();
    }
    return Error{Errc::not_found,
                 "xrt: no bitstream manifest found (tried " + tried +
                     "); build one with `make -C hw PLATFORM=...` or pass --manifest/--xclbin"};
}

std::string board_of(const std::string& platform) {
    // Vitis platform names are <vendor>_<board>_<shell...>.
    auto a = platform.find('_');
    if (a == std::string::npos) return {};
    auto b = platform.find('_', a + 1);
    return platform.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
}

Result<BitstreamEntry> select_bitstream(const Manifest& m, const std::string& target,
                                        const std::optional<std::string>& device_name, const fs::path& xclbin) {
    std::string where = m.path.empty() ? std::string("manifest") : m.path.string();
    if (m.example)
        return Error{Errc::invalid_argument,
                     "xrt: " + where + " is an example manifest (\"example\": true); build real bitstreams with hw/"};
    if (!xclbin.empty()) {
        std::error_code ec;
        fs::path want = fs::weakly_canonical(xclbin, ec);
        for (const auto& e : m.bitstreams)
            if (fs::weakly_canonical(e.xclbin, ec) == want) return e;
        return Error{Errc::not_found, "xrt: " + where + " does not describe " + xclbin.string() +
                                          ", so its ABI cannot be checked (hw/ writes <name>.json next to each xclbin)"};
    }
    std::vector<const BitstreamEntry*> fit;
    for (const auto& e : m.bitstreams)
        if (e.target == target) fit.push_back(&e);
    if (fit.size() > 1 && device_name) {
        std::vector<const BitstreamEntry*> on_board;
        for (const auto* e : fit) {
            std::string board = board_of(e->platform);
            if (e->platform == *device_name || (!board.empty() && device_name->find("_" + board + "_") != std::string::npos))
                on_board.push_back(e);
        }
        fit = on_board;
    }
    if (fit.size() == 1) return *fit.front();
    std::string want = "target " + target + (device_name ? " on card " + *device_name : std::string());
    if (fit.empty()) return Error{Errc::not_found, "xrt: " + where + " has no bitstream for " + want};
    std::string names;
    for (const auto* e : fit) names += (names.empty() ? "" : ", ") + e->name;
    return Error{Errc::invalid_argument,
                 "xrt: " + where + " has several bitstreams for " + want + " (" + names + "); choose one with --xclbin"};
}

Result<std::string> sha256_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{Errc::not_found, "xrt: cannot open xclbin " + path.string()};
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        return Error{Errc::crypto_error, "xrt: SHA-256 initialisation failed"};
    std::array<char, 1 << 16> buf{};
    while (in) {
        in.read(buf.data(), buf.size());
        if (in.gcount() > 0 && EVP_DigestUpdate(ctx.get(), buf.data(), std::size_t(in.gcount())) != 1)
            return Error{Errc::crypto_error, "xrt: SHA-256 update failed"};
    }
    if (in.bad()) return Error{Errc::io_error, "xrt: read error on " + path.string()};
    std::array<uint8_t, 32> md{};
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx.get(), md.data(), &len) != 1 || len != md.size())
        return Error{Errc::crypto_error, "xrt: SHA-256 finalisation failed"};
    return to_hex(md);
}

Status verify_bitstream(const BitstreamEntry& e, uint32_t host_abi) {
    if (e.abi != host_abi)
        return Error{Errc::abi_mismatch, "xrt: " + e.xclbin.filename().string() + " was built for contract ABI " +
                                             std::to_string(e.abi) + " but this host speaks ABI " +
                                             std::to_string(host_abi) + "; rebuild it with `make -C hw`"};
    IKEOFF_ASSIGN(std::string actual, sha256_file(e.xclbin));
    if (actual != e.sha256)
        return Error{Errc::invalid_argument, "xrt: " + e.xclbin.string() + " has sha256 " + actual +
                                                 " but the manifest says " + e.sha256 +
                                                 "; the file changed after the build (rebuild or re-run `make -C hw manifest`)"};
    return {};
}

}  // namespace ikeoff::drivers::xrt_manifest
