#include "bindings/python/src/convert.hpp"

#include <cstring>
#include <limits>

#include "bindings/python/src/errors.hpp"
#include "host/ipsec/algorithms.hpp"

namespace ikeoff::pybind {

BufferView::BufferView(py::handle obj, bool writable, const char* what) {
    int flags = writable ? PyBUF_WRITABLE : PyBUF_SIMPLE;
    if (PyObject_GetBuffer(obj.ptr(), &view_, flags) != 0) {
        // Replace CPython's generic message with one naming the argument.
        PyErr_Clear();
        std::string msg = std::string(what) + ": expected a " + (writable ? "writable " : "") +
                          "contiguous bytes-like object (bytes, bytearray, memoryview), got " +
                          std::string(py::str(py::type::handle_of(obj).attr("__name__")));
        throw py::type_error(msg);
    }
    held_ = true;
}

void BufferView::release() noexcept {
    if (held_) {
        PyBuffer_Release(&view_);
        held_ = false;
    }
}

namespace {

// Element i of a buffer of integers of type T; negative values are reported.
template <typename T>
uint64_t read_as(const void* base, std::size_t i, bool& negative) {
    T v;
    std::memcpy(&v, static_cast<const char*>(base) + i * sizeof(T), sizeof(T));
    if constexpr (std::numeric_limits<T>::is_signed) {
        if (v < 0) {
            negative = true;
            return 0;
        }
    }
    return static_cast<uint64_t>(v);
}

bool int_format(const char* fmt, char& code) {
    if (fmt == nullptr) return false;
    std::string_view f(fmt);
    if (!f.empty() && (f[0] == '@' || f[0] == '=')) f.remove_prefix(1);
    if (f.size() != 1) return false;
    code = f[0];
    return std::string_view("bBhHiIlLqQnN").find(code) != std::string_view::npos;
}

}  // namespace

IntSeq::IntSeq(py::handle obj, const char* what) : what_(what) {
    if (PyObject_CheckBuffer(obj.ptr()) && !PyBytes_Check(obj.ptr()) && !PyByteArray_Check(obj.ptr())) {
        if (PyObject_GetBuffer(obj.ptr(), &view_, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS) == 0) {
            held_ = true;
            if (!int_format(view_.format, code_) || view_.ndim > 1) {
                PyBuffer_Release(&view_);  // the destructor does not run for a throwing constructor
                held_ = false;
                raise_config(std::string(what) + ": a buffer of integers is needed (array('I'), array('Q'), ...)");
            }
            n_ = static_cast<std::size_t>(view_.len / view_.itemsize);
            return;
        }
        PyErr_Clear();
    }
    if (!py::isinstance<py::iterable>(obj) || py::isinstance<py::str>(obj)) {
        raise_config(std::string(what) + ": expected a sequence of integers");
    }
    for (py::handle item : obj) {
        if (!PyLong_Check(item.ptr()) || PyBool_Check(item.ptr())) {
            raise_config(std::string(what) + ": expected integers, got " +
                         std::string(py::str(py::type::handle_of(item).attr("__name__"))));
        }
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(item.ptr(), &overflow);
        if (overflow != 0 || v < 0) raise_config(std::string(what) + ": values must be in 0..2^63-1");
        list_.push_back(static_cast<uint64_t>(v));
    }
    n_ = list_.size();
}

IntSeq::~IntSeq() {
    if (held_) PyBuffer_Release(&view_);
}

uint64_t IntSeq::read(std::size_t i) const {
    bool negative = false;
    uint64_t v = 0;
    const void* b = view_.buf;
    switch (code_) {
        case 'b': v = read_as<signed char>(b, i, negative); break;
        case 'B': v = read_as<unsigned char>(b, i, negative); break;
        case 'h': v = read_as<short>(b, i, negative); break;
        case 'H': v = read_as<unsigned short>(b, i, negative); break;
        case 'i': v = read_as<int>(b, i, negative); break;
        case 'I': v = read_as<unsigned int>(b, i, negative); break;
        case 'l': v = read_as<long>(b, i, negative); break;
        case 'L': v = read_as<unsigned long>(b, i, negative); break;
        case 'q': v = read_as<long long>(b, i, negative); break;
        case 'Q': v = read_as<unsigned long long>(b, i, negative); break;
        case 'n': v = read_as<Py_ssize_t>(b, i, negative); break;
        default: v = read_as<std::size_t>(b, i, negative); break;
    }
    if (negative) raise_config(std::string(what_) + ": values must not be negative");
    return v;
}

nlohmann::json to_json(py::handle value, const std::string& where) {
    using nlohmann::json;
    PyObject* p = value.ptr();
    if (p == Py_None) return nullptr;
    if (PyBool_Check(p)) return p == Py_True;
    if (PyLong_Check(p)) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(p, &overflow);
        if (overflow == 0) return static_cast<int64_t>(v);
        if (overflow > 0) {
            unsigned long long u = PyLong_AsUnsignedLongLong(p);
            if (!PyErr_Occurred()) return static_cast<uint64_t>(u);
            PyErr_Clear();
        }
        raise_config(where + ": integer out of range");
    }
    if (PyFloat_Check(p)) return PyFloat_AsDouble(p);
    if (PyUnicode_Check(p)) return value.cast<std::string>();
    if (PyBytes_Check(p) || PyByteArray_Check(p) || PyMemoryView_Check(p)) {
        BufferView b(value, false, where.c_str());
        std::string hex = to_hex(b.bytes());
        return hex;
    }
    if (PyDict_Check(p)) {
        json obj = json::object();
        for (auto [k, v] : py::reinterpret_borrow<py::dict>(value)) {
            if (!PyUnicode_Check(k.ptr())) raise_config(where + ": dictionary keys must be strings");
            std::string key = k.cast<std::string>();
            if (v.is_none()) continue;  // None means "not given": the default applies
            obj[key] = to_json(v, where.empty() ? key : where + "." + key);
        }
        return obj;
    }
    if (PyList_Check(p) || PyTuple_Check(p)) {
        json arr = json::array();
        for (py::handle item : value) arr.push_back(to_json(item, where));
        return arr;
    }
    // ipaddress.IPv4Address / IPv6Address / networks: their text form.
    py::object ipaddress = py::module_::import("ipaddress");
    if (py::isinstance(value, ipaddress.attr("_BaseAddress")) || py::isinstance(value, ipaddress.attr("_BaseNetwork"))) {
        return py::str(value).cast<std::string>();
    }
    raise_config((where.empty() ? std::string("value") : where) + ": unsupported type " +
                 std::string(py::str(py::type::handle_of(value).attr("__name__"))));
}

py::object from_json(const nlohmann::json& j) {
    using nlohmann::json;
    switch (j.type()) {
        case json::value_t::null: return py::none();
        case json::value_t::boolean: return py::bool_(j.get<bool>());
        case json::value_t::number_integer: return py::int_(j.get<int64_t>());
        case json::value_t::number_unsigned: return py::int_(j.get<uint64_t>());
        case json::value_t::number_float: return py::float_(j.get<double>());
        case json::value_t::string: return py::str(j.get_ref<const std::string&>());
        case json::value_t::array: {
            py::list l;
            for (const auto& e : j) l.append(from_json(e));
            return l;
        }
        case json::value_t::object: {
            py::dict d;
            for (const auto& [k, v] : j.items()) d[py::str(k)] = from_json(v);
            return d;
        }
        default: return py::none();
    }
}

void wipe_sa_secrets(nlohmann::json& j) {
    if (!j.is_object()) return;
    for (const char* name : {"enc_key", "integ_key", "iv_seed"}) {
        auto it = j.find(name);
        if (it != j.end() && it->is_string()) {
            auto& s = it->get_ref<std::string&>();
            secure_zero(s.data(), s.size());
        }
    }
}

py::dict status_counts_dict(const ipsec::StatusCounts& c) {
    py::dict d;
    for (std::size_t i = 0; i < c.size(); ++i) {
        d[py::str(std::string(status_key(static_cast<ipsec::PacketStatus>(i))))] = c[i];
    }
    return d;
}

py::dict sa_counters_dict(const ipsec::SaCounters& c) {
    py::dict d;
    d["packets"] = c.packets;
    d["bytes"] = c.bytes;
    d["drops"] = status_counts_dict(c.drops);
    return d;
}

py::dict engine_counters_dict(const ipsec::EngineCounters& c) {
    py::dict d;
    d["batches"] = c.batches;
    d["packets"] = c.packets;
    d["bytes_in"] = c.bytes_in;
    d["bytes_out"] = c.bytes_out;
    d["by_status"] = status_counts_dict(c.by_status);
    return d;
}

namespace {

py::dict lifetime_dict(const ipsec::Lifetime& l) {
    py::dict d;
    d["bytes"] = l.bytes;
    d["packets"] = l.packets;
    return d;
}

}  // namespace

py::dict sa_info_dict(const ipsec::SaInfo& info) {
    py::dict d;
    d["handle"] = info.handle;
    d["spi"] = info.spi;
    d["protocol"] = std::string(ipsec::to_string(info.protocol));
    d["mode"] = std::string(ipsec::to_string(info.mode));
    d["direction"] = std::string(ipsec::to_string(info.direction));
    d["src"] = info.src.empty() ? py::object(py::none()) : py::object(py::str(info.src.to_string()));
    d["dst"] = info.dst.empty() ? py::object(py::none()) : py::object(py::str(info.dst.to_string()));
    d["enc"] = info.protocol == ipsec::Protocol::esp ? py::object(py::str(std::string(ipsec::enc_keyword(info.enc))))
                                                     : py::object(py::none());
    d["integ"] = std::string(ipsec::integ_keyword(info.integ));
    d["esn"] = info.esn;
    d["replay_window"] = info.replay_window;
    d["soft"] = lifetime_dict(info.soft);
    d["hard"] = lifetime_dict(info.hard);
    if (info.encap) {
        py::dict e;
        e["sport"] = info.encap->src_port;
        e["dport"] = info.encap->dst_port;
        d["encap"] = e;
    } else {
        d["encap"] = py::none();
    }
    d["next_seq"] = info.next_seq;
    d["replay_top"] = info.replay_top;
    d["soft_expired"] = info.soft_expired;
    d["hard_expired"] = info.hard_expired;
    d["counters"] = sa_counters_dict(info.counters);
    return d;
}

}  // namespace ikeoff::pybind
