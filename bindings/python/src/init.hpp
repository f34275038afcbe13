// The parts of the _ikeoffload extension, one per topic; module.cpp calls
// them in order (errors first: every other part raises its classes).
#pragma once

#include <pybind11/pybind11.h>

namespace ikeoff::pybind {

namespace py = pybind11;

void init_errors(py::module_& m);   // errors.cpp: exception hierarchy, PacketStatus
void init_batch(py::module_& m);    // batch.cpp: BatchResult
void init_engine(py::module_& m);   // engine.cpp: Engine, Sa, available_drivers
void init_ike(py::module_& m);      // ike.cpp: RFC 2409 key derivation (submodule ike)
void init_isakmp(py::module_& m);   // isakmp.cpp: ISAKMP parse/build (submodule isakmp)
void init_pcap(py::module_& m);     // pcap.cpp: capture files through an SA (submodule pcap)
void init_bench(py::module_& m);    // bench.cpp: _bench_native, the C++ reference loop

}  // namespace ikeoff::pybind
