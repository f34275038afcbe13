// ikeoffload.Engine and ikeoffload.Sa.
#include "bindings/python/src/engine.hpp"

#include <pybind11/stl.h>

#include <cstdio>
#include <limits>

#include "bindings/python/src/convert.hpp"
#include "bindings/python/src/errors.hpp"
#include "drivers/registry.hpp"
#include "host/ipsec/algorithms.hpp"
#include "host/ipsec/sa_json.hpp"

namespace ikeoff::pybind {

EngineState::EngineState(std::shared_ptr<ipsec::Engine> engine, std::vector<std::string> notices)
    : engine_(std::move(engine)),
      driver_(engine_->driver_name()),
      description_(engine_->description()),
      notices_(std::move(notices)) {}

std::shared_ptr<ipsec::Engine> EngineState::get() const {
    std::shared_ptr<ipsec::Engine> e;
    {
        std::lock_guard lock(mu_);
        e = engine_;
    }
    if (!e) raise_error(Errc::state_error, "the engine is closed");
    return e;
}

void EngineState::close() {
    std::shared_ptr<ipsec::Engine> last;
    {
        std::lock_guard lock(mu_);
        last = std::move(engine_);
    }
    // The engine (and its keys) goes here, outside the lock, unless a call
    // in progress still holds it; then it goes when that call returns.
}

bool EngineState::closed() const {
    std::lock_guard lock(mu_);
    return engine_ == nullptr;
}

namespace {

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

std::string summary_of(const ipsec::SaInfo& i) {
    std::string s = std::string(ipsec::to_string(i.protocol)) + " " + std::string(ipsec::to_string(i.mode));
    if (i.protocol == ipsec::Protocol::esp) s += " " + std::string(ipsec::enc_keyword(i.enc));
    if (i.integ != ipsec::IntegAlg::none) {
        s += (i.protocol == ipsec::Protocol::esp ? "-" : " ") + std::string(ipsec::integ_keyword(i.integ));
    }
    return s;
}

PySa make_sa(const std::shared_ptr<EngineState>& state, const ipsec::SaInfo& info) {
    return PySa{state, info.handle, info.spi, summary_of(info)};
}

// Keyword arguments (and an optional mapping) -> SaParams through the SA
// JSON parser, so names, defaults and messages match `ikeoffctl esp` files.
ipsec::SaParams params_from(py::handle mapping, const py::kwargs& kwargs) {
    py::dict merged;
    if (!mapping.is_none()) {
        if (!PyDict_Check(mapping.ptr())) {
            raise_config("add_sa: the positional argument must be a dict of SA fields (as in the SA JSON)");
        }
        for (auto [k, v] : py::reinterpret_borrow<py::dict>(mapping)) merged[k] = v;
    }
    for (auto [k, v] : kwargs) merged[k] = v;
    // The SA JSON spells the SPI as a hex string; Python callers pass ints.
    if (merged.contains("spi") && PyLong_Check(py::object(merged["spi"]).ptr()) &&
        !PyBool_Check(py::object(merged["spi"]).ptr())) {
        py::int_ spi = merged["spi"];
        if (spi < py::int_(0) || spi > py::int_(0xffffffffULL)) {
            raise_config("spi: must be 0..0xffffffff, got " + std::string(py::str(spi)));
        }
        merged["spi"] = hex32(spi.cast<uint32_t>());
    }
    nlohmann::json j = to_json(merged, "");
    auto params = ipsec::sa_from_json(j);
    wipe_sa_secrets(j);
    return unwrap(std::move(params));
}

ipsec::Protocol protocol_arg(const std::string& s) {
    auto p = ipsec::parse_protocol(s);
    if (!p.ok()) raise_config("protocol: " + p.error().message);
    return *p;
}

uint64_t uint_field(py::handle v, const std::string& what) {
    if (!PyLong_Check(v.ptr()) || PyBool_Check(v.ptr())) raise_config(what + ": expected a non-negative integer");
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
    if (overflow > 0) {
        unsigned long long u = PyLong_AsUnsignedLongLong(v.ptr());
        if (PyErr_Occurred()) {
            PyErr_Clear();
            raise_config(what + ": at most 2^64-1");
        }
        return u;
    }
    if (overflow < 0 || x < 0) raise_config(what + ": must not be negative");
    return static_cast<uint64_t>(x);
}

ipsec::Lifetime lifetime_arg(py::handle v, const std::string& what) {
    if (!PyDict_Check(v.ptr())) raise_config(what + ": expected a dict like {'bytes': 0, 'packets': 0}");
    ipsec::Lifetime l;
    for (auto [k, val] : py::reinterpret_borrow<py::dict>(v)) {
        std::string key = py::str(k);
        if (key == "bytes") l.bytes = uint_field(val, what + ".bytes");
        else if (key == "packets") l.packets = uint_field(val, what + ".packets");
        else raise_config(what + "." + key + ": unknown field (expected bytes, packets)");
    }
    return l;
}

std::optional<ipsec::UdpEncap> encap_arg(py::handle v) {
    if (v.is_none() || v.ptr() == Py_False) return std::nullopt;
    if (v.ptr() == Py_True) return ipsec::UdpEncap{};
    if (!PyDict_Check(v.ptr())) raise_config("encap: expected True, False, None or {'sport': 4500, 'dport': 4500}");
    ipsec::UdpEncap e;
    for (auto [k, val] : py::reinterpret_borrow<py::dict>(v)) {
        std::string key = py::str(k);
        uint64_t port = uint_field(val, "encap." + key);
        if (port > 65535) raise_config("encap." + key + ": at most 65535");
        if (key == "sport") e.src_port = static_cast<uint16_t>(port);
        else if (key == "dport") e.dst_port = static_cast<uint16_t>(port);
        else raise_config("encap." + key + ": unknown field (expected sport, dport)");
    }
    return e;
}

IpAddress address_arg(py::handle v, const std::string& what) {
    std::string text = py::str(v);
    auto a = IpAddress::parse(text);
    if (!a.ok()) raise_config(what + ": " + a.error().message);
    return *a;
}

ipsec::SaUpdate update_from(const py::kwargs& kw) {
    ipsec::SaUpdate u;
    for (auto [k, v] : kw) {
        std::string key = py::str(k);
        if (key == "soft") u.soft = lifetime_arg(v, "soft");
        else if (key == "hard") u.hard = lifetime_arg(v, "hard");
        else if (key == "encap") u.encap = encap_arg(v);
        else if (key == "src") u.src = address_arg(v, "src");
        else if (key == "dst") u.dst = address_arg(v, "dst");
        else raise_config(key + ": not a field that can change on a live SA (soft, hard, encap, src, dst)");
    }
    return u;
}

py::list events_list(std::vector<ipsec::SaEvent> events) {
    py::list l;
    for (const auto& e : events) {
        py::dict d;
        d["handle"] = e.sa;
        d["spi"] = e.spi;
        std::string kind(ipsec::to_string(e.kind));
        for (auto& c : kind) c = c == '-' ? '_' : c;
        d["kind"] = kind;
        d["by"] = e.kind == ipsec::SaEventKind::seq_overflow ? py::object(py::none())
                                                            : py::object(py::str(e.by_bytes ? "bytes" : "packets"));
        l.append(d);
    }
    return l;
}

const char* kEngineDoc = R"doc(An ESP/AH engine: a set of SAs and the data path that applies them.

Engine(driver="auto", xclbin=None, *, provider="auto", fallback="soft", manifest=None)

driver
    "soft" (OpenSSL + intel-ipsec-mb on the CPU), "csim" (the FPGA kernels
    compiled for the CPU), "xrt" (an Alveo card; NoDeviceError without one)
    or "auto" (a card if present, else `fallback`). `engine.driver` tells
    which one runs; `engine.notices` says why `auto` chose it.
xclbin, manifest
    xrt only: the bitstream to load, and the manifest describing it.
provider
    soft only: "auto", "openssl" or "ipsec-mb".

Every method is thread-safe; packet calls release the GIL while the engine
works. SAs come from add_sa(); each Sa keeps its engine alive. close() (or
leaving a `with Engine() as e:` block) releases the engine and wipes its
keys; later calls raise StateError.

Example:
    >>> e = Engine("soft")
    >>> sa = e.add_sa(spi=0x1000, src="192.0.2.1", dst="192.0.2.2",
    ...               enc="aes128gcm16", enc_key=bytes(20))
    >>> esp = sa.encap(inner_ip_packet)
    >>> sa.decap(esp) == inner_ip_packet
    True
)doc";

const char* kSaDoc = R"doc(A handle on one SA of an Engine (returned by Engine.add_sa()).

Single packets: encap()/decap() return the result or raise the PacketError
subclass of the failure (IcvError, ReplayError, ...).
Batches: encap_batch()/decap_batch() take a list of packets;
encap_buffer()/decap_buffer() take one buffer plus offsets and lengths and
can write into a caller's buffer. Both return a BatchResult with a status
per packet and never raise for a packet.

A handle keeps its engine alive. After Engine.remove_sa(sa) packet calls
fail with UnknownSpiError and `info` raises NotFoundError.
)doc";

const char* kAddSaDoc = R"doc(add_sa(params=None, /, **fields) -> Sa

Install an SA. The fields are those of the SA JSON of `ikeoffctl esp`, with
the same names, defaults and checks (a dict in `params`, keywords, or both;
keywords win; None means "use the default"):

  spi            int or hex string (required)
  protocol       "esp" (default) | "ah"
  mode           "tunnel" (default) | "transport"
  direction      "both" (default) | "in" | "out"
  src, dst       outer addresses (str or ipaddress objects); required in tunnel mode
  enc            strongSwan keyword: "aes128gcm16", "aes256gcm16", "aes128gmac",
                 "aes128", "aes256", "3des", "null", ... (required for ESP)
  integ          "sha1", "sha256", "sha384", "sha512", "md5", "none" (default)
  enc_key        bytes or hex string; GCM/GMAC: the key followed by the 4-octet salt
  integ_key      bytes or hex string
  seq            first outbound sequence number (default 1)
  esn            64-bit extended sequence numbers (default False)
  replay_window  0..4096 (default 64; 0 disables the replay check)
  encap          True for UDP 4500/4500, or {"sport": ..., "dport": ...}
  allow_weak     needed for md5
  soft, hard     lifetimes {"bytes": n, "packets": n}; 0 = no limit
  iv_seed        16 bytes: the CBC IV key (default: random)

Raises ConfigError (a ValueError) naming the field for anything wrong: an
unknown field, a key of the wrong length, an unknown algorithm.
AlreadyExistsError for an inbound SPI already in use, UnsupportedError when
this driver cannot run the SA.
)doc";

const char* kBufferDoc = R"doc(({dir}) a batch given as one buffer.

data     any contiguous bytes-like object holding the packets
offsets  where each packet starts in `data` (ints, or a buffer of integers
         such as array('I') which is read in place)
lengths  each packet's length
out      optional writable buffer for the results; default: a new bytearray.
         Reusing one `out` across calls avoids allocating one per call
         (passing it positionally is the fastest call).
stride   optional fixed slot size in `out`: packet i's result goes to
         out[i*stride:]. Default: each packet's slot is its length{extra},
         one after the other.

The engine runs with the GIL released; nothing is copied except the results.
Returns a BatchResult (never raises for a packet).
)doc";

std::string buffer_doc(const char* dir, bool outbound) {
    std::string s = kBufferDoc;
    auto rep = [&s](const std::string& key, const std::string& val) {
        auto at = s.find(key);
        if (at != std::string::npos) s.replace(at, key.size(), val);
    };
    rep("{dir}", dir);
    rep("{extra}", outbound ? " + 128 (the worst-case ESP overhead)" : "");
    return s;
}

}  // namespace

void init_engine(py::module_& m) {
    m.def("available_drivers", &drivers::available_drivers,
          "Names of the engine drivers built into this module, best first (e.g. ['xrt', 'csim', 'soft']).");

    // Both classes exist before any method is defined, so signatures name
    // them (ikeoffload.Sa) rather than the C++ types.
    py::class_<PySa> sa_class(m, "Sa", kSaDoc);
    py::class_<PyEngine>(m, "Engine", kEngineDoc)
        .def(py::init([](const std::string& driver, std::optional<std::string> xclbin, const std::string& provider,
                         const std::string& fallback, std::optional<std::string> manifest) {
                 drivers::EngineOptions o;
                 if (xclbin) o.xclbin = *xclbin;
                 if (manifest) o.manifest = *manifest;
                 o.soft_provider = provider;
                 o.fallback = fallback;
                 auto notices = std::make_shared<std::vector<std::string>>();
                 o.notice = [notices](std::string_view n) { notices->emplace_back(n); };
                 Result<std::unique_ptr<ipsec::Engine>> e = Error{Errc::internal, ""};
                 {
                     // Opening a card can take a while; let other threads run.
                     py::gil_scoped_release unlocked;
                     e = drivers::create_engine(driver, o);
                 }
                 if (!e.ok()) {
                     Error err = std::move(e).error();
                     raise_error(err.code, "engine " + driver + ": " + err.message);
                 }
                 std::shared_ptr<ipsec::Engine> shared(std::move(e).value());
                 return PyEngine{std::make_shared<EngineState>(std::move(shared), *notices)};
             }),
             py::arg("driver") = "auto", py::arg("xclbin") = py::none(), py::kw_only(),
             py::arg("provider") = "auto", py::arg("fallback") = "soft", py::arg("manifest") = py::none())
        .def_property_readonly("driver", [](const PyEngine& e) { return e.state->driver(); },
                               "The driver that runs: 'soft', 'csim' or 'xrt'.")
        .def_property_readonly("description", [](const PyEngine& e) { return e.state->description(); },
                               "Human-readable driver description, e.g. 'soft (intel-ipsec-mb 1.3 + OpenSSL 3.0)'.")
        .def_property_readonly("notices", [](const PyEngine& e) { return e.state->notices(); },
                               "What driver selection reported (why 'auto' picked this driver).")
        .def_property_readonly("closed", [](const PyEngine& e) { return e.state->closed(); },
                               "True after close().")
        .def("add_sa",
             [](PyEngine& e, py::object params, py::kwargs kwargs) {
                 ipsec::SaParams p = params_from(params, kwargs);
                 auto engine = e.state->get();
                 ipsec::SaHandle h = unwrap(engine->add_sa(std::move(p)));
                 return make_sa(e.state, unwrap(engine->query_sa(h)));
             },
             py::arg("params") = py::none(), py::pos_only(), kAddSaDoc)
        .def("remove_sa",
             [](PyEngine& e, const PySa& sa) {
                 if (sa.state != e.state) raise_config("remove_sa: this SA belongs to another engine");
                 check(e.state->get()->del_sa(sa.handle));
             },
             py::arg("sa"),
             "Remove an SA (its keys are wiped). Its handles then fail: packets with UnknownSpiError,\n"
             "info/counters with NotFoundError. Removing it twice raises NotFoundError.")
        .def_property_readonly("sas",
                               [](PyEngine& e) {
                                   auto engine = e.state->get();
                                   py::list l;
                                   for (auto h : engine->list_sas()) {
                                       auto info = engine->query_sa(h);
                                       if (info.ok()) l.append(make_sa(e.state, *info));
                                   }
                                   return l;
                               },
                               "Handles on every SA of the engine, oldest first.")
        .def("find_inbound",
             [](PyEngine& e, uint32_t spi, const std::string& protocol) -> py::object {
                 auto engine = e.state->get();
                 auto h = engine->find_inbound(protocol_arg(protocol), spi);
                 if (!h.ok()) {
                     if (h.error().code == Errc::not_found) return py::none();
                     raise_error(h.error());
                 }
                 return py::cast(make_sa(e.state, unwrap(engine->query_sa(*h))));
             },
             py::arg("spi"), py::arg("protocol") = "esp",
             "The inbound SA for (protocol, SPI), or None.")
        .def("allocate_spi",
             [](PyEngine& e, const std::string& protocol) {
                 return unwrap(e.state->get()->allocate_spi(protocol_arg(protocol)));
             },
             py::arg("protocol") = "esp", "Reserve an SPI no inbound SA of this engine uses (IKE's GETSPI).")
        .def_property_readonly("counters",
                               [](PyEngine& e) { return engine_counters_dict(e.state->get()->counters()); },
                               "Totals: {'batches', 'packets', 'bytes_in', 'bytes_out', 'by_status': {status: n}}.\n"
                               "Every packet lands in exactly one by_status bucket.")
        .def("take_events", [](PyEngine& e) { return events_list(e.state->get()->take_events()); },
             "Drain the lifetime/sequence events: [{'handle', 'spi', 'kind': 'soft_expired' |\n"
             "'hard_expired' | 'seq_overflow', 'by': 'bytes' | 'packets' | None}].")
        .def("decap",
             [](PyEngine& e, const py::buffer& packet) {
                 return run_single(e.state, ipsec::Direction::inbound, ipsec::kNoSa, packet, "decap");
             },
             py::arg("packet"),
             "Decapsulate one ESP/AH packet, finding its SA by SPI. Returns the inner packet or raises\n"
             "the PacketError subclass of the failure (UnknownSpiError, IcvError, ReplayError, ...).")
        .def("decap_batch",
             [](PyEngine& e, const py::iterable& packets) {
                 return run_list_batch(e.state, ipsec::Direction::inbound, ipsec::kNoSa, packets);
             },
             py::arg("packets"),
             "Decapsulate a list of packets, each matched to its SA by SPI. Returns a BatchResult.")
        .def("decap_buffer",
             [](PyEngine& e, const py::buffer& data, py::object offsets, py::object lengths,
                std::optional<py::buffer> out, std::optional<int64_t> stride) {
                 return run_buffer_batch(e.state, ipsec::Direction::inbound, ipsec::kNoSa, data, offsets, lengths,
                                         out, stride);
             },
             py::arg("data"), py::arg("offsets"), py::arg("lengths"), py::arg("out") = py::none(),
             py::arg("stride") = py::none(), buffer_doc("decap, SAs by SPI", false).c_str())
        .def("close", [](PyEngine& e) { e.state->close(); },
             "Release the engine (and wipe its keys) once calls in progress return. Idempotent.")
        .def("__enter__", [](PyEngine& e) -> PyEngine& { return e; }, py::return_value_policy::reference)
        .def("__exit__", [](PyEngine& e, py::args) { e.state->close(); })
        .def("__eq__", [](const PyEngine& a, const PyEngine& b) { return a.state == b.state; }, py::is_operator())
        .def("__hash__", [](const PyEngine& e) { return std::hash<const void*>()(e.state.get()); })
        .def("__repr__", [](const PyEngine& e) {
            return "<ikeoffload.Engine driver=" + e.state->driver() + (e.state->closed() ? " closed>" : ">");
        });

    sa_class.def_property_readonly("handle", [](const PySa& s) { return s.handle; },
                               "The engine's handle number (unique within the engine, never reused).")
        .def_property_readonly("spi", [](const PySa& s) { return s.spi; }, "The SPI.")
        .def_property_readonly("engine", [](const PySa& s) { return PyEngine{s.state}; }, "The Engine of this SA.")
        .def_property_readonly("info", [](const PySa& s) { return sa_info_dict(unwrap(s.state->get()->query_sa(s.handle))); },
                               "A snapshot of the SA: the SA JSON fields (without keys) plus next_seq,\n"
                               "replay_top, soft_expired, hard_expired and counters.")
        .def_property_readonly("counters",
                               [](const PySa& s) { return sa_counters_dict(unwrap(s.state->get()->query_sa(s.handle)).counters); },
                               "{'packets', 'bytes', 'drops': {status: n}}: packets and inner octets processed\n"
                               "successfully, and failures attributed to this SA by status.")
        .def("update", [](PySa& s, py::kwargs kw) { check(s.state->get()->update_sa(s.handle, update_from(kw))); },
             "update(*, soft=None, hard=None, encap=..., src=None, dst=None)\n\n"
             "Change what may change on a live SA: lifetimes ({'bytes', 'packets'}), UDP\n"
             "encapsulation (True, None/False to remove, or {'sport', 'dport'}) and the outer addresses.")
        .def("encap",
             [](PySa& s, const py::buffer& packet) {
                 return run_single(s.state, ipsec::Direction::outbound, s.handle, packet, "encap on SA " + hex32(s.spi));
             },
             py::arg("packet"),
             "Encapsulate one inner IPv4/IPv6 packet; returns the ESP/AH packet (with the outer IP\n"
             "header in tunnel mode). Raises MalformedError, ExpiredError, SequenceOverflowError, ...")
        .def("decap",
             [](PySa& s, const py::buffer& packet) {
                 return run_single(s.state, ipsec::Direction::inbound, s.handle, packet, "decap on SA " + hex32(s.spi));
             },
             py::arg("packet"),
             "Decapsulate one ESP/AH packet with this SA; returns the inner packet. A packet for\n"
             "another SPI raises UnknownSpiError; IcvError, ReplayError, BeforeWindowError,\n"
             "PaddingError, ... for the failures of RFC 4303 section 3.4.")
        .def("encap_batch",
             [](PySa& s, const py::iterable& packets) {
                 return run_list_batch(s.state, ipsec::Direction::outbound, s.handle, packets);
             },
             py::arg("packets"), "Encapsulate a list of packets in one engine call (GIL released). Returns a BatchResult.")
        .def("decap_batch",
             [](PySa& s, const py::iterable& packets) {
                 return run_list_batch(s.state, ipsec::Direction::inbound, s.handle, packets);
             },
             py::arg("packets"), "Decapsulate a list of packets in one engine call (GIL released). Returns a BatchResult.")
        .def("encap_buffer",
             [](PySa& s, const py::buffer& data, py::object offsets, py::object lengths, std::optional<py::buffer> out,
                std::optional<int64_t> stride) {
                 return run_buffer_batch(s.state, ipsec::Direction::outbound, s.handle, data, offsets, lengths, out,
                                         stride);
             },
             py::arg("data"), py::arg("offsets"), py::arg("lengths"), py::arg("out") = py::none(),
             py::arg("stride") = py::none(), buffer_doc("encap", true).c_str())
        .def("decap_buffer",
             [](PySa& s, const py::buffer& data, py::object offsets, py::object lengths, std::optional<py::buffer> out,
                std::optional<int64_t> stride) {
                 return run_buffer_batch(s.state, ipsec::Direction::inbound, s.handle, data, offsets, lengths, out,
                                         stride);
             },
             py::arg("data"), py::arg("offsets"), py::arg("lengths"), py::arg("out") = py::none(),
             py::arg("stride") = py::none(), buffer_doc("decap", false).c_str())
        .def("__eq__", [](const PySa& a, const PySa& b) { return a.state == b.state && a.handle == b.handle; },
             py::is_operator())
        .def("__hash__", [](const PySa& s) { return std::hash<const void*>()(s.state.get()) ^ s.handle; })
        .def("__repr__", [](const PySa& s) {
            return "<ikeoffload.Sa spi=" + hex32(s.spi) + " " + s.summary + " on " + s.state->driver() + ">";
        });
}

}  // namespace ikeoff::pybind
