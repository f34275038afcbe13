// A minimal stand-in for Vitis HLS's hls::stream, used only when the Vitis
// headers are absent (CI, developer machines). Kernel code is written against
// the subset below, which the real <hls_stream.h> also provides.
//
// Unlike a software queue, reading an empty stream is fatal: in hardware that
// read would block forever (a dataflow deadlock), so in C simulation it must
// fail the test loudly instead of returning a default value.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

namespace hls {

template <typename T>
class stream {
public:
    stream() : name_("(unnamed)") {}
    explicit stream(const char* name) : name_(name) {}
    stream(const stream&) = delete;
    stream& operator=(const stream&) = delete;

    void write(const T& v) { q_.push_back(v); }
    void operator<<(const T& v) { write(v); }

    T read() {
        if (q_.empty()) {
            std::fprintf(stderr,
                         "hls::stream '%s': read from an empty stream; in hardware this read would block "
                         "forever (dataflow deadlock)\n",
                         name_.c_str());
            std::abort();
        }
        T v = q_.front();
        q_.pop_front();
        return v;
    }
    void read(T& v) { v = read(); }
    void operator>>(T& v) { v = read(); }

    bool read_nb(T& v) {
        if (q_.empty()) return false;
        v = read();
        return true;
    }
    bool write_nb(const T& v) {
        write(v);
        return true;
    }

    bool empty() const { return q_.empty(); }
    bool full() const { return false; }  // C simulation streams are unbounded, as in Vitis csim
    std::size_t size() const { return q_.size(); }

private:
    std::string name_;
    std::deque<T> q_;
};

}  // namespace hls
