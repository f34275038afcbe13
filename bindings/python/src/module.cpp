// _ikeoffload: the compiled half of the `ikeoffload` Python package.
//
// The package (bindings/python/ikeoffload/) re-exports what is public from
// here and adds the pure-Python parts (the ikeoffd controller). Library code
// never throws; each binding turns Result/Status/PacketStatus values into the
// exception classes of errors.hpp at the edge.
#include <pybind11/pybind11.h>

#include "bindings/python/src/init.hpp"
#include "host/common/log.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_ikeoffload, m) {
    using namespace ikeoff::pybind;
    m.doc() = "Compiled core of ikeoffload (import the `ikeoffload` package instead).";
    m.attr("__version__") = IKEOFF_VERSION;
    // Classes take their qualified name from the module's __name__ when they
    // are created: make it the package's, so reprs, help() and signatures say
    // ikeoffload.Engine. (Restored before the submodules, whose sys.modules
    // names must not shadow the package's own ike/isakmp/pcap modules.)
    py::object real_name = m.attr("__name__");
    m.attr("__name__") = "ikeoffload";
    init_errors(m);
    init_batch(m);
    init_engine(m);
    m.attr("__name__") = real_name;
    py::module_ ike = m.def_submodule("ike", "IKEv1 key derivation (RFC 2409 section 5 and Appendix B).");
    py::module_ isakmp = m.def_submodule("isakmp", "ISAKMP messages (RFC 2408/2407/2409, RFC 3947) <-> dicts.");
    py::module_ pcap = m.def_submodule("pcap", "Capture files through an SA (the code behind `ikeoffctl esp`).");
    init_ike(ike);
    init_isakmp(isakmp);
    init_pcap(pcap);
    init_bench(m);

    m.def("set_log_level", &ikeoff::log::set_level, py::arg("level"),
          "Library log level on stderr: 0 silent, 1 events (default), 2 control flow, 3 packets,\n"
          "4 key material.");
    m.def("log_level", &ikeoff::log::level, "The library log level (see set_log_level).");
}
