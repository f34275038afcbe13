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
#include <optional>
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

// The outcome of one batch call (ikeoffload.BatchResult). It keeps the
// engine's Packet records as they came back (only status, out_len, seq and
// sa are read afterwards; the spans in them are never dereferenced) and
// where each output slot began in `buffer`.
class BatchResult {
public:
    py::object buffer;  // where the results are: a bytearray, or the caller's `out`
    std::vector<ipsec::Packet> packets;
    std::vector<uint64_t> offset;

    std::size_t size() const { return packets.size(); }
    std::size_t index(Py_ssize_t i) const;  // negative from the end; IndexError when out of range
    bool ok_at(std::size_t i) const { return packets[i].status == ipsec::PacketStatus::ok; }
    uint32_t length_at(std::size_t i) const { return ok_at(i) ? packets[i].out_len : 0; }
    std::size_t ok_count() const;
    py::object view(Py_ssize_t idx) const;  // memoryview into buffer, or None
    py::object copy(Py_ssize_t idx) const;  // bytes, or None
};

// Batch entry points, shared by Sa and Engine (sa == kNoSa: inbound by SPI).
std::unique_ptr<BatchResult> run_list_batch(const std::shared_ptr<EngineState>& state, ipsec::Direction dir,
                                            ipsec::SaHandle sa, const py::iterable& packets);
std::unique_ptr<BatchResult> run_buffer_batch(const std::shared_ptr<EngineState>& state, ipsec::Direction dir,
                                              ipsec::SaHandle sa, const py::buffer& data, py::handle offsets,
                                              py::handle lengths, const std::optional<py::buffer>& out,
                                              std::optional<int64_t> stride);

// One packet; raises the PacketError subclass of its status on failure.
py::bytes run_single(const std::shared_ptr<EngineState>& state, ipsec::Direction dir, ipsec::SaHandle sa,
                     const py::buffer& packet, const std::string& context);

}  // namespace ikeoff::pybind
