// The Python-facing Engine and Sa objects and what they share.
//
// Lifetime: the C++ engine lives in an EngineState held by shared_ptr. The
// Python Engine and every Sa handle (and every call in progress with the GIL
// released) hold a reference, so dropping the Engine before its SAs, or
// dropping anything while another thread is inside process(), never frees
// the engine under someone's feet. Engine.close() only detaches the engine
// from the state; calls already running keep their own reference and finish,
// later calls raise StateError.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "host/ipsec/engine.hpp"

namespace ikeoff::pybind {

namespace py = pybind11;

class EngineState {
public:
    EngineState(std::shared_ptr<ipsec::Engine> engine, std::vector<std::string> notices);

    // The engine, or StateError when closed. Call with the GIL held.
    std::shared_ptr<ipsec::Engine> get() const;
    void close();
    bool closed() const;

    const std::string& driver() const { return driver_; }
    const std::string& description() const { return description_; }
    const std::vector<std::string>& notices() const { return notices_; }

private:
    mutable std::mutex mu_;
    std::shared_ptr<ipsec::Engine> engine_;
    std::string driver_, description_;
    std::vector<std::string> notices_;
};

struct PyEngine {
    std::shared_ptr<EngineState> state;
};

// A handle on one SA of one engine. Copies refer to the same SA.
struct PySa {
    std::shared_ptr<EngineState> state;
    ipsec::SaHandle handle = ipsec::kNoSa;
    // Fixed at add_sa() time, for repr() and messages without a query.
    uint32_t spi = 0;
    std::string summary;  // "esp tunnel aes128gcm16"
};

void init_engine(py::module_& m);
void init_batch(py::module_& m);

// Batch entry points, shared by Sa and Engine (sa == kNoSa: inbound by SPI).
py::object run_list_batch(const std::shared_ptr<EngineState>& state, ipsec::Direction dir, ipsec::SaHandle sa,
                          py::handle packets);
py::object run_buffer_batch(const std::shared_ptr<EngineState>& state, ipsec::Direction dir, ipsec::SaHandle sa,
                            py::handle data, py::handle offsets, py::handle lengths, py::handle out,
                            py::handle stride);

// One packet; raises the PacketError subclass of its status on failure.
py::bytes run_single(const std::shared_ptr<EngineState>& state, ipsec::Direction dir, ipsec::SaHandle sa,
                     py::handle packet, const std::string& context);

}  // namespace ikeoff::pybind
