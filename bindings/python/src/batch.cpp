// Packets through the engine from Python: one at a time (raising on
// failure) or in batches (per-packet statuses, never raising for a packet).
//
// The batch paths are built for throughput: inputs are read in place through
// the buffer protocol, every result is written once, straight into one output
// buffer (a fresh bytearray, or the caller's writable buffer so nothing is
// allocated per call), and the engine runs with the GIL released. Statuses,
// lengths and offsets stay in C++ vectors until Python asks for them.
#include <pybind11/stl.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bindings/python/src/convert.hpp"
#include "bindings/python/src/engine.hpp"
#include "bindings/python/src/errors.hpp"

namespace ikeoff::pybind {

namespace {

// Outbound results may grow by up to kMaxOverhead; inbound ones never grow.
std::size_t overhead(ipsec::Direction dir) { return dir == ipsec::Direction::outbound ? ipsec::kMaxOverhead : 0; }

bool overlaps(ByteView a, ByteView b) {
    if (a.empty() || b.empty()) return false;
    auto a0 = reinterpret_cast<uintptr_t>(a.data()), b0 = reinterpret_cast<uintptr_t>(b.data());
    return a0 < b0 + b.size() && b0 < a0 + a.size();
}

// A fresh bytearray of n bytes whose contents are not initialised (every
// octet a caller can see through the results is written by the engine).
py::object new_bytearray(std::size_t n) {
    PyObject* o = PyByteArray_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(n));
    if (o == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(o);
}

}  // namespace

std::size_t BatchResult::index(Py_ssize_t i) const {
    auto n = static_cast<Py_ssize_t>(size());
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw py::index_error("packet index out of range");
    return static_cast<std::size_t>(i);
}

std::size_t BatchResult::ok_count() const {
    std::size_t n = 0;
    for (const auto& p : packets) n += p.status == ipsec::PacketStatus::ok;
    return n;
}

py::object BatchResult::view(Py_ssize_t idx) const {
    std::size_t i = index(idx);
    if (!ok_at(i)) return py::none();
    // Byte-addressed even when `out` was an array of wider items.
    py::object mv = py::memoryview(buffer).attr("cast")("B");
    return mv[py::slice(static_cast<Py_ssize_t>(offset[i]), static_cast<Py_ssize_t>(offset[i] + length_at(i)), 1)];
}

py::object BatchResult::copy(Py_ssize_t idx) const {
    std::size_t i = index(idx);
    if (!ok_at(i)) return py::none();
    BufferView b(buffer, false, "buffer");
    if (offset[i] + length_at(i) > b.size()) raise_error(Errc::state_error, "the output buffer shrank after the batch call");
    return to_pybytes(b.bytes().subspan(offset[i], length_at(i)));
}

template <typename F>
py::list column(const BatchResult& r, F&& f) {
    py::list l(r.size());
    for (std::size_t i = 0; i < r.size(); ++i) l[i] = py::int_(f(i));
    return l;
}

namespace {

void process(const std::shared_ptr<EngineState>& state, ipsec::Direction dir, std::vector<ipsec::Packet>& packets) {
    std::shared_ptr<ipsec::Engine> engine = state->get();
    if (packets.empty()) return;
    py::gil_scoped_release unlocked;
    engine->process(dir, packets);
}

std::unique_ptr<BatchResult> finish(py::object buffer, std::vector<ipsec::Packet>&& packets,
                                    std::vector<uint64_t>&& offsets) {
    auto r = std::make_unique<BatchResult>();
    r->buffer = std::move(buffer);
    r->packets = std::move(packets);
    r->offset = std::move(offsets);
    return r;
}

}  // namespace

std::unique_ptr<BatchResult> run_buffer_batch(const std::shared_ptr<EngineState>& state, ipsec::Direction dir,
                                              ipsec::SaHandle sa, const py::buffer& data, py::handle offsets,
                                              py::handle lengths, const std::optional<py::buffer>& out,
                                              std::optional<int64_t> stride) {
    BufferView in(data, false, "data");
    IntSeq off(offsets, "offsets");
    IntSeq len(lengths, "lengths");
    if (off.size() != len.size()) {
        raise_config("offsets and lengths differ in length (" + std::to_string(off.size()) + " and " +
                     std::to_string(len.size()) + ")");
    }
    const std::size_t n = off.size();

    // Output layout: fixed slots of `stride` bytes, or each packet's worst
    // case one after the other.
    uint64_t slot = 0;
    if (stride) {
        if (*stride <= 0 || *stride > (int64_t(1) << 31)) raise_config("stride: must be 1..2^31");
        slot = static_cast<uint64_t>(*stride);
    }
    std::vector<ipsec::Packet> packets(n);
    std::vector<uint64_t> out_off(n);
    uint64_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        uint64_t o = off[i], l = len[i];
        if (o > in.size() || l > in.size() - o) {
            raise_config("packet " + std::to_string(i) + ": offset " + std::to_string(o) + " + length " +
                         std::to_string(l) + " is beyond the end of data (" + std::to_string(in.size()) + " bytes)");
        }
        packets[i].in = in.bytes().subspan(o, l);
        packets[i].sa = sa;
        out_off[i] = total;
        total += slot != 0 ? slot : l + overhead(dir);
    }

    py::object buffer = out ? py::object(*out) : new_bytearray(total);
    BufferView dst(buffer, true, "out");
    if (dst.size() < total) {
        raise_config("out: holds " + std::to_string(dst.size()) + " bytes, this batch needs " +
                     std::to_string(total) + (!stride ? " (each packet's length + " +
                                                                     std::to_string(overhead(dir)) + ")"
                                                               : std::string()));
    }
    for (std::size_t i = 0; i < n; ++i) {
        uint64_t cap = slot != 0 ? slot : packets[i].in.size() + overhead(dir);
        packets[i].out = dst.mutable_bytes().subspan(out_off[i], cap);
        if (overlaps(packets[i].in, packets[i].out)) {
            raise_config("packet " + std::to_string(i) + ": its output slot overlaps its input");
        }
    }
    process(state, dir, packets);
    return finish(std::move(buffer), std::move(packets), std::move(out_off));
}

std::unique_ptr<BatchResult> run_list_batch(const std::shared_ptr<EngineState>& state, ipsec::Direction dir,
                                            ipsec::SaHandle sa, const py::iterable& packets_obj) {
    if (py::isinstance<py::str>(packets_obj) || PyObject_CheckBuffer(packets_obj.ptr())) {
        raise_config("packets: expected a sequence of packets (a list of bytes), got one bytes-like object;"
                     " use the *_buffer methods for one buffer with offsets");
    }
    std::vector<BufferView> views;
    if (py::isinstance<py::sequence>(packets_obj)) views.reserve(py::len(packets_obj));
    for (py::handle p : packets_obj) {
        views.emplace_back(p, false, ("packets[" + std::to_string(views.size()) + "]").c_str());
    }
    const std::size_t n = views.size();
    std::vector<uint64_t> out_off(n);
    uint64_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        out_off[i] = total;
        total += views[i].size() + overhead(dir);
    }
    py::object buffer = new_bytearray(total);
    BufferView dst(buffer, true, "out");
    std::vector<ipsec::Packet> packets(n);
    for (std::size_t i = 0; i < n; ++i) {
        packets[i].in = views[i].bytes();
        packets[i].out = dst.mutable_bytes().subspan(out_off[i], views[i].size() + overhead(dir));
        packets[i].sa = sa;
    }
    process(state, dir, packets);
    return finish(std::move(buffer), std::move(packets), std::move(out_off));
}

py::bytes run_single(const std::shared_ptr<EngineState>& state, ipsec::Direction dir, ipsec::SaHandle sa,
                     const py::buffer& packet, const std::string& context) {
    BufferView in(packet, false, "packet");
    // A bytes object of the worst-case size, filled by the engine and then
    // cut to the result: the only copy of the packet. (Never size 0: that is
    // CPython's shared empty bytes.)
    std::size_t cap = std::max<std::size_t>(1, in.size() + overhead(dir));
    PyObject* raw = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(cap));
    if (raw == nullptr) throw py::error_already_set();
    std::vector<ipsec::Packet> one(1);
    one[0].in = in.bytes();
    one[0].out = MutableByteView(reinterpret_cast<uint8_t*>(PyBytes_AS_STRING(raw)), cap);
    one[0].sa = sa;
    try {
        process(state, dir, one);
    } catch (...) {
        Py_DECREF(raw);
        throw;
    }
    if (one[0].status != ipsec::PacketStatus::ok) {
        Py_DECREF(raw);
        raise_packet_error(one[0].status, one[0].seq, context);
    }
    if (_PyBytes_Resize(&raw, static_cast<Py_ssize_t>(one[0].out_len)) != 0) throw py::error_already_set();
    return py::reinterpret_steal<py::bytes>(raw);
}

void init_batch(py::module_& m) {
    py::class_<BatchResult>(m, "BatchResult", R"doc(
The outcome of one batch call: a status per packet, and the results in one buffer.

A batch never raises for a packet that failed: look at ``status`` (one
PacketStatus code per packet, as bytes), or ``statuses()``, and call
``check()`` to raise the first failure as its PacketError.

``result[i]`` copies packet i's output to bytes (None when it failed);
``result.view(i)`` is a memoryview into ``buffer`` without a copy. Packet
i's output is ``buffer[offsets[i]:offsets[i] + lengths[i]]``.
)doc")
        .def("__len__", &BatchResult::size)
        .def("__getitem__", &BatchResult::copy, py::arg("index"),
             "Packet `index`'s output as bytes (a copy), or None when it failed.")
        .def("view", &BatchResult::view, py::arg("index"),
             "Packet `index`'s output as a memoryview into `buffer` (no copy), or None when it failed.")
        .def("packets", [](const BatchResult& r) {
            py::list l;
            for (std::size_t i = 0; i < r.size(); ++i) l.append(r.copy(static_cast<Py_ssize_t>(i)));
            return l;
        }, "Every packet's output as bytes, None where the packet failed.")
        .def("statuses", [](const BatchResult& r) {
            py::list l;
            for (const auto& p : r.packets) l.append(status_member(p.status));
            return l;
        }, "The PacketStatus of each packet.")
        .def("error", [](const BatchResult& r, Py_ssize_t idx) -> py::object {
            std::size_t i = r.index(idx);
            if (r.ok_at(i)) return py::none();
            return make_packet_error(r.packets[i].status, r.packets[i].seq, "packet " + std::to_string(i));
        }, py::arg("index"), "The PacketError packet `index` would have raised on its own, or None if it is ok.")
        .def("check", [](const BatchResult& r) {
            for (std::size_t i = 0; i < r.size(); ++i) {
                if (!r.ok_at(i)) {
                    raise_packet_error(r.packets[i].status, r.packets[i].seq, "packet " + std::to_string(i));
                }
            }
        }, "Raise the first failed packet's PacketError; do nothing when all are ok.")
        .def_property_readonly("status", [](const BatchResult& r) {
            std::string codes(r.size(), '\0');
            for (std::size_t i = 0; i < r.size(); ++i) codes[i] = static_cast<char>(r.packets[i].status);
            return py::bytes(codes);
        }, "One PacketStatus code per packet (0 = ok), as bytes.")
        .def_property_readonly("lengths", [](const BatchResult& r) { return column(r, [&](std::size_t i) { return r.length_at(i); }); },
                               "Output length of each packet (0 when it failed).")
        .def_property_readonly("offsets", [](const BatchResult& r) { return column(r, [&](std::size_t i) { return r.offset[i]; }); },
                               "Where each packet's output starts in `buffer`.")
        .def_property_readonly("seqs", [](const BatchResult& r) { return column(r, [&](std::size_t i) { return r.packets[i].seq; }); },
                               "Full sequence number sent or received per packet (0 when unknown).")
        .def_property_readonly("sa_handles", [](const BatchResult& r) { return column(r, [&](std::size_t i) { return r.packets[i].sa; }); },
                               "The SA handle each packet used (inbound by SPI: the one found; 0 if none).")
        .def_property_readonly("buffer", [](const BatchResult& r) { return r.buffer; },
                               "The output buffer (a bytearray, or the `out` the caller passed).")
        .def_property_readonly("ok", &BatchResult::ok_count, "How many packets came out ok.")
        .def_property_readonly("all_ok", [](const BatchResult& r) { return r.ok_count() == r.size(); },
                               "True when every packet came out ok.")
        .def("__repr__", [](const BatchResult& r) {
            return "<ikeoffload.BatchResult " + std::to_string(r.size()) + " packets, " +
                   std::to_string(r.ok_count()) + " ok>";
        });
}

}  // namespace ikeoff::pybind
