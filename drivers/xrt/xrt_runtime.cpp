#include "drivers/xrt/xrt_runtime.hpp"

#include <dlfcn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <vector>

#include <experimental/xrt_system.h>

#include "host/common/log.hpp"

namespace ikeoff::drivers::xrt_rt {
namespace fs = std::filesystem;

namespace {

std::string env_or_empty(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

// The directory the dynamic loader took libxrt_coreutil from. Asking the
// loader (rather than guessing /usr/lib/<triplet>) keeps this right on other
// multiarch layouts and with LD_LIBRARY_PATH overrides.
Result<fs::path> xrt_library_dir() {
    Dl_info info{};
    auto* sym = reinterpret_cast<void*>(&xrt::system::enumerate_devices);
    if (dladdr(sym, &info) == 0 || info.dli_fname == nullptr)
        return Error{Errc::no_device, "xrt: cannot locate libxrt_coreutil (dladdr failed)"};
    std::error_code ec;
    fs::path lib = fs::canonical(info.dli_fname, ec);
    if (ec) lib = info.dli_fname;
    return lib.parent_path();
}

// A directory only we can write, so nobody can swap the `lib` symlink under
// us and make XRT dlopen() a library of their choosing.
bool owned_private_dir(const fs::path& dir) {
    struct stat st {};
    if (lstat(dir.c_str(), &st) != 0) return false;
    return S_ISDIR(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 022) == 0;
}

Status point_lib_at(const fs::path& root, const fs::path& libdir) {
    std::error_code ec;
    fs::path link = root / "lib";
    if (fs::is_symlink(link, ec) && fs::read_symlink(link, ec) == libdir) return {};
    // Replace atomically: a concurrent process sees either the old or the new link.
    fs::path tmp = root / ("lib.tmp." + std::to_string(getpid()));
    fs::remove(tmp, ec);
    fs::create_directory_symlink(libdir, tmp, ec);
    if (ec) return Error{Errc::io_error, "xrt: cannot create " + tmp.string() + ": " + ec.message()};
    fs::rename(tmp, link, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return Error{Errc::io_error, "xrt: cannot create " + link.string() + ": " + ec.message()};
    }
    return {};
}

Result<std::string> make_private_root(const fs::path& libdir) {
    fs::path root = fs::temp_directory_path() / ("ikeoffload-xrt-" + std::to_string(geteuid()));
    if (mkdir(root.c_str(), 0700) != 0 && errno != EEXIST)
        return Error{Errc::io_error, "xrt: cannot create " + root.string() + ": " + std::strerror(errno)};
    if (!owned_private_dir(root)) {
        // Someone else owns the well-known name: use a fresh unique directory.
        std::string templ = (fs::temp_directory_path() / "ikeoffload-xrt-XXXXXX").string();
        if (mkdtemp(templ.data()) == nullptr)
            return Error{Errc::io_error, std::string("xrt: mkdtemp failed: ") + std::strerror(errno)};
        root = templ;
    }
    IKEOFF_TRY(point_lib_at(root, libdir));
    return root.string();
}

Result<std::string> do_ensure_xilinx_xrt() {
    if (std::string cur = env_or_empty("XILINX_XRT"); !cur.empty()) return cur;
    // XRT loads its shims from $XILINX_XRT/lib, so that must be where the
    // libxrt_coreutil this process runs came from: mixing installations
    // would load shims of another XRT version.
    IKEOFF_ASSIGN(fs::path libdir, xrt_library_dir());
    std::string chosen;
    if (libdir.filename() == "lib") {
        chosen = libdir.parent_path().string();  // /opt/xilinx/xrt/lib, /usr/lib, ...
    } else {
        IKEOFF_ASSIGN(chosen, make_private_root(libdir));  // Debian: /usr/lib/<triplet>
    }
    // Only this driver calls XRT, and it does so after this point; overwrite=0
    // keeps a value a concurrent caller might have set meanwhile.
    if (setenv("XILINX_XRT", chosen.c_str(), 0) != 0)
        return Error{Errc::io_error, std::string("xrt: setenv(XILINX_XRT) failed: ") + std::strerror(errno)};
    IKEOFF_LOG(2, "xrt", "XILINX_XRT was unset; using " << chosen);
    return env_or_empty("XILINX_XRT");
}

bool file_exists(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// What XRT's hw_emu shim needs before it can be touched safely.
Status check_hw_emu_prerequisites() {
    if (env_or_empty("XILINX_VITIS").empty())
        return Error{Errc::no_device,
                     "xrt: XCL_EMULATION_MODE=hw_emu needs Vitis (source <vitis>/settings64.sh so XILINX_VITIS is set); "
                     "use --engine csim to run the kernels on the CPU"};
    std::vector<fs::path> places;
    if (std::string p = env_or_empty("XCL_EMCONFIG_PATH"); !p.empty()) places.emplace_back(p);
    std::error_code ec;
    places.push_back(fs::current_path(ec));
    places.push_back(fs::read_symlink("/proc/self/exe", ec).parent_path());
    for (const auto& dir : places)
        if (file_exists(dir / "emconfig.json")) return {};
    return Error{Errc::no_device,
                 "xrt: XCL_EMULATION_MODE=hw_emu but no emconfig.json (run `make -C hw emconfig PLATFORM=...` and set "
                 "XCL_EMCONFIG_PATH to its directory)"};
}

}  // namespace

EmulationMode emulation_mode() {
    std::string m = env_or_empty("XCL_EMULATION_MODE");
    if (m == "noop") return EmulationMode::noop;
    if (m == "hw_emu") return EmulationMode::hw_emu;
    if (m == "sw_emu") return EmulationMode::sw_emu;
    return EmulationMode::none;
}

const char* to_string(EmulationMode m) {
    switch (m) {
        case EmulationMode::none: return "hw";
        case EmulationMode::noop: return "noop";
        case EmulationMode::hw_emu: return "hw_emu";
        case EmulationMode::sw_emu: return "sw_emu";
    }
    return "?";
}

Result<std::string> ensure_xilinx_xrt() {
    static std::once_flag once;
    static Result<std::string> result{Errc::internal, "xrt: environment not initialised"};
    std::call_once(once, [] { result = do_ensure_xilinx_xrt(); });
    return result;
}

Result<xrt::device> open_device(unsigned index) {
    std::string mode_env = env_or_empty("XCL_EMULATION_MODE");
    EmulationMode mode = emulation_mode();
    if (!mode_env.empty() && mode == EmulationMode::none)
        return Error{Errc::invalid_argument,
                     "xrt: XCL_EMULATION_MODE='" + mode_env + "' is not one of hw_emu, noop (or unset for a card)"};
    if (mode == EmulationMode::sw_emu)
        return Error{Errc::unsupported,
                     "xrt: sw_emu is not supported (Vitis retired it); use --engine csim to run the kernels on the CPU"};
    if (mode == EmulationMode::hw_emu) IKEOFF_TRY(check_hw_emu_prerequisites());
    IKEOFF_TRY(ensure_xilinx_xrt());

    try {
        if (mode == EmulationMode::none) {
            unsigned n = xrt::system::enumerate_devices();
            if (n == 0)
                return Error{Errc::no_device,
                             "xrt: no Alveo card found (xrt::system::enumerate_devices() = 0); use --engine soft or csim"};
            if (index >= n)
                return Error{Errc::no_device, "xrt: device index " + std::to_string(index) + " requested but only " +
                                                  std::to_string(n) + " card(s) found"};
        }
        return xrt::device(index);
    } catch (const std::exception& e) {
        return Error{Errc::no_device, std::string("xrt: cannot open device ") + std::to_string(index) + " (" +
                                          to_string(mode) + "): " + e.what()};
    }
}

}  // namespace ikeoff::drivers::xrt_rt
