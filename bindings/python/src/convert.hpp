// Conversions shared by the binding files: Python buffers <-> byte views,
// Python values -> JSON (the SA JSON is the keyword vocabulary of add_sa),
// and the small dict builders for counters.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/ipsec/engine.hpp"

namespace ikeoff::pybind {

namespace py = pybind11;

// A read-only (or writable) view of any object with the buffer protocol
// (bytes, bytearray, memoryview, array.array, mmap), holding the export for
// its lifetime: the object stays alive and cannot be resized while the GIL
// is released. Non-contiguous buffers are refused with a TypeError.
class BufferView {
public:
    BufferView() = default;
    BufferView(py::handle obj, bool writable, const char* what);
    ~BufferView() { release(); }
    BufferView(BufferView&& o) noexcept : view_(o.view_), held_(o.held_) { o.held_ = false; }
    BufferView& operator=(BufferView&&) = delete;
    BufferView(const BufferView&) = delete;
    BufferView& operator=(const BufferView&) = delete;

    ByteView bytes() const { return {static_cast<const uint8_t*>(view_.buf), size()}; }
    MutableByteView mutable_bytes() { return {static_cast<uint8_t*>(view_.buf), size()}; }
    std::size_t size() const { return static_cast<std::size_t>(view_.len); }
    const Py_buffer& raw() const { return view_; }

private:
    void release() noexcept;
    Py_buffer view_{};
    bool held_ = false;
};

// A sequence of non-negative integers: a buffer of unsigned/signed integers
// (array('I'), array('Q'), memoryview.cast('I'), ...) read in place without
// a copy, or any iterable of ints (converted once). `what` names the
// argument in errors. Use with the GIL held (a negative value raises).
class IntSeq {
public:
    IntSeq(py::handle obj, const char* what);
    ~IntSeq();
    IntSeq(const IntSeq&) = delete;
    IntSeq& operator=(const IntSeq&) = delete;

    std::size_t size() const { return n_; }
    uint64_t operator[](std::size_t i) const {
        if (!held_) return list_[i];
        return read(i);
    }

private:
    uint64_t read(std::size_t i) const;
    Py_buffer view_{};
    bool held_ = false;
    char code_ = 0;
    std::size_t n_ = 0;
    std::vector<uint64_t> list_;
    const char* what_;
};

// Python value -> JSON for the SA/daemon vocabularies: dict -> object,
// list/tuple -> array, str, bool, int, float, None -> null; bytes-like ->
// lowercase hex string; ipaddress objects -> their text. `where` prefixes
// errors ("enc_key: ...").
nlohmann::json to_json(py::handle value, const std::string& where);
// JSON -> Python (dict, list, str, int, float, bool, None).
py::object from_json(const nlohmann::json& j);

// Overwrites the strings of the key fields of an SA JSON object.
void wipe_sa_secrets(nlohmann::json& j);

py::dict status_counts_dict(const ipsec::StatusCounts& c);
py::dict sa_counters_dict(const ipsec::SaCounters& c);
py::dict engine_counters_dict(const ipsec::EngineCounters& c);
py::dict sa_info_dict(const ipsec::SaInfo& info);

inline py::bytes to_pybytes(ByteView v) {
    return py::bytes(reinterpret_cast<const char*>(v.data()), v.size());
}

}  // namespace ikeoff::pybind
