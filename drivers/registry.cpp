#include "drivers/registry.hpp"

#include "drivers/csim/csim_engine.hpp"
#include "drivers/soft/soft_engine.hpp"
#include "host/common/log.hpp"
#ifdef IKEOFF_HAVE_XRT
#include "drivers/xrt/xrt_engine.hpp"
#endif

namespace ikeoff::drivers {

namespace {

struct DriverEntry {
    const char* name;
    EngineFactory factory;
};

// Best first. Drivers are listed explicitly (not self-registered from static
// initializers) so a static link can never silently drop one.
std::vector<DriverEntry> builtin_drivers() {
    std::vector<DriverEntry> d;
#ifdef IKEOFF_HAVE_XRT
    d.push_back({"xrt", [](const EngineOptions& o) { return xrt_drv::make_xrt_engine(o); }});
#endif
    d.push_back({"csim", [](const EngineOptions& o) { return csim::make_csim_engine(o); }});
    d.push_back({"soft", [](const EngineOptions& o) { return soft::make_soft_engine(o); }});
    return d;
}

void tell(const EngineOptions& o, const std::string& msg) {
    if (o.notice) o.notice(msg);
    else IKEOFF_LOG(1, "engine", msg);
}

}  // namespace

std::vector<std::string> available_drivers() {
    std::vector<std::string> names;
    for (const auto& d : builtin_drivers()) names.emplace_back(d.name);
    return names;
}

Result<std::unique_ptr<ipsec::Engine>> create_engine(std::string_view name, const EngineOptions& options) {
    auto drivers = builtin_drivers();
    if (name == "auto") {
        std::string why;
        for (const auto& d : drivers) {
            if (std::string_view(d.name) != "xrt") continue;
            auto e = d.factory(options);
            if (e.ok()) {
                tell(options, "engine auto: using xrt");
                return e;
            }
            why = e.error().message;
        }
        if (why.empty()) why = "this build has no xrt driver";
        for (const auto& d : drivers) {
            if (options.fallback != d.name) continue;
            auto e = d.factory(options);
            if (e.ok()) tell(options, "engine auto: no FPGA card (" + why + "); using " + options.fallback);
            return e;
        }
        return Error{Errc::invalid_argument, "engine auto: unknown fallback driver '" + options.fallback + "'"};
    }
    for (const auto& d : drivers) {
        if (name == d.name) return d.factory(options);
    }
    std::string known;
    for (const auto& d : drivers) known += std::string(known.empty() ? "" : ", ") + d.name;
    return Error{Errc::invalid_argument,
                 "unknown engine '" + std::string(name) + "' (this build has: " + known + ", auto)"};
}

}  // namespace ikeoff::drivers
