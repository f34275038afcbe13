// ikeoffload.pcap: capture files through an SA, over ctl::run_esp_pcap (the
// same code as `ikeoffctl esp encap|decap`, so the files are identical).
#include <filesystem>
#include <string>

#include "bindings/python/src/convert.hpp"
#include "bindings/python/src/engine.hpp"
#include "bindings/python/src/errors.hpp"
#include "host/ctl/esp_pcap.hpp"

namespace ikeoff::pybind {

namespace {

std::string path_arg(py::handle p) {
    // str, pathlib.Path or anything os.fspath() accepts.
    return py::module_::import("os").attr("fspath")(p).cast<std::string>();
}

py::dict stats_dict(const ctl::EspPcapStats& s) {
    py::dict d;
    d["frames"] = s.frames;
    d["non_ip"] = s.non_ip;
    d["packets"] = s.packets;
    d["written"] = s.written;
    d["dropped"] = s.dropped();
    d["bytes_in"] = s.bytes_in;
    d["bytes_out"] = s.bytes_out;
    d["batches"] = s.batches;
    d["status"] = status_counts_dict(s.status);
    py::list events;
    for (const auto& e : s.events) {
        py::dict ev;
        ev["handle"] = e.sa;
        ev["spi"] = e.spi;
        std::string kind(ipsec::to_string(e.kind));
        for (auto& c : kind) c = c == '-' ? '_' : c;
        ev["kind"] = kind;
        ev["by"] = e.kind == ipsec::SaEventKind::seq_overflow ? py::object(py::none())
                                                             : py::object(py::str(e.by_bytes ? "bytes" : "packets"));
        events.append(ev);
    }
    d["events"] = events;
    return d;
}

py::dict run_file(ipsec::Direction dir, py::handle in_path, py::handle out_path, const PySa& sa, std::size_t batch) {
    std::string in = path_arg(in_path), out = path_arg(out_path);
    std::error_code ec;
    if (std::filesystem::equivalent(in, out, ec) && !ec) raise_config("out_path: must not be the input file " + in);
    if (batch < 1 || batch > ctl::kMaxBatch) {
        raise_config("batch: must be 1.." + std::to_string(ctl::kMaxBatch) + ", got " + std::to_string(batch));
    }
    std::shared_ptr<ipsec::Engine> engine = sa.state->get();
    Result<ctl::EspPcapStats> stats = Error{Errc::internal, ""};
    {
        py::gil_scoped_release unlocked;
        auto reader = pcap::Reader::open(in);
        if (!reader.ok()) {
            stats = std::move(reader).error();
        } else {
            auto writer = pcap::Writer::create(out, reader->link_type());
            if (!writer.ok()) {
                stats = std::move(writer).error();
            } else {
                stats = ctl::run_esp_pcap(*engine, dir, sa.handle, *reader, *writer, batch);
                Status closed = writer->close();
                if (stats.ok() && !closed.ok()) stats = closed.error();
                // As ikeoffctl: a half-written capture would look like a result.
                if (!stats.ok()) std::filesystem::remove(out, ec);
            }
        }
    }
    return stats_dict(unwrap(std::move(stats)));
}

}  // namespace

void init_pcap(py::module_& m) {
    m.def("encap_file",
          [](const py::object& in_path, const py::object& out_path, const PySa& sa, std::size_t batch) {
              return run_file(ipsec::Direction::outbound, in_path, out_path, sa, batch);
          },
          py::arg("in_path"), py::arg("out_path"), py::arg("sa"), py::kw_only(), py::arg("batch") = ctl::kDefaultBatch,
          "Encapsulate every IP packet of the capture `in_path` (pcap/pcapng, Ethernet or raw IP)\n"
          "with `sa` and write the ESP/AH packets to `out_path` (pcap, same link type and\n"
          "timestamps; non-IP frames are skipped). Same code as `ikeoffctl esp encap`.\n\n"
          "Returns statistics: {'frames', 'non_ip', 'packets', 'written', 'dropped', 'bytes_in',\n"
          "'bytes_out', 'batches', 'status': {status: n}, 'events': [...]}. Packets that fail are\n"
          "counted in 'status', not raised. Raises NotFoundError / ParseError / UnsupportedError for\n"
          "an unreadable input, IoError when the output cannot be written (it is then removed).");
    m.def("decap_file",
          [](const py::object& in_path, const py::object& out_path, const PySa& sa, std::size_t batch) {
              return run_file(ipsec::Direction::inbound, in_path, out_path, sa, batch);
          },
          py::arg("in_path"), py::arg("out_path"), py::arg("sa"), py::kw_only(), py::arg("batch") = ctl::kDefaultBatch,
          "Decapsulate the ESP/AH packets of the capture `in_path` with `sa` and write the packets\n"
          "that verified to `out_path`. Packets for other SPIs count as 'unknown_spi'. Same code\n"
          "as `ikeoffctl esp decap`; returns the same statistics as encap_file().");
}

}  // namespace ikeoff::pybind
