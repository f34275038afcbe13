// _bench_native: the C++ reference for bench_batch.py.
//
// Runs exactly the engine call that Sa.encap_buffer() makes (same SA, same
// input buffer, same output slots), but from a C++ loop with no Python in
// between, and returns the time of each batch. The benchmark alternates
// this with the same batches issued from Python, so the ratio of the two
// medians is what the bindings cost.
#include <pybind11/stl.h>

#include <chrono>
#include <vector>

#include "bindings/python/src/convert.hpp"
#include "bindings/python/src/engine.hpp"
#include "bindings/python/src/errors.hpp"

namespace ikeoff::pybind {

void init_bench(py::module_& m) {
    m.def("_bench_native",
          [](const PySa& sa, py::handle data, py::handle offsets, py::handle lengths, py::handle out,
             std::size_t batches, bool outbound) {
              BufferView in(data, false, "data");
              BufferView dst(out, true, "out");
              IntSeq off(offsets, "offsets");
              IntSeq len(lengths, "lengths");
              if (off.size() != len.size()) raise_config("offsets and lengths differ in length");
              const std::size_t extra = outbound ? ipsec::kMaxOverhead : 0;
              std::vector<ipsec::Packet> packets(off.size());
              uint64_t at = 0;
              for (std::size_t i = 0; i < packets.size(); ++i) {
                  if (off[i] + len[i] > in.size() || at + len[i] + extra > dst.size()) {
                      raise_config("packet " + std::to_string(i) + " does not fit data/out");
                  }
                  packets[i].in = in.bytes().subspan(off[i], len[i]);
                  packets[i].out = dst.mutable_bytes().subspan(at, len[i] + extra);
                  packets[i].sa = sa.handle;
                  at += len[i] + extra;
              }
              auto engine = sa.state->get();
              const auto dir = outbound ? ipsec::Direction::outbound : ipsec::Direction::inbound;
              std::vector<double> ns(batches);
              bool all_ok = true;
              {
                  py::gil_scoped_release unlocked;
                  for (std::size_t b = 0; b < batches; ++b) {
                      auto t0 = std::chrono::steady_clock::now();
                      engine->process(dir, packets);
                      auto t1 = std::chrono::steady_clock::now();
                      ns[b] = std::chrono::duration<double, std::nano>(t1 - t0).count();
                      for (const auto& p : packets) all_ok = all_ok && p.status == ipsec::PacketStatus::ok;
                  }
              }
              if (!all_ok) raise_error(Errc::internal, "_bench_native: a benchmarked packet did not come out ok");
              return ns;
          },
          py::arg("sa"), py::arg("data"), py::arg("offsets"), py::arg("lengths"), py::arg("out"),
          py::arg("batches"), py::arg("outbound") = true,
          "Benchmark reference (not API): time `batches` engine calls over the same packets and\n"
          "output slots as Sa.encap_buffer(data, offsets, lengths, out=out) would use, from C++.\n"
          "Returns the nanoseconds of each call.");
}

}  // namespace ikeoff::pybind
