#include "bindings/python/src/errors.hpp"

#include <array>
#include <cstdio>

namespace ikeoff::pybind {

namespace {

constexpr std::size_t kErrcCount = static_cast<std::size_t>(Errc::internal) + 1;

// Borrowed handles: the module's dictionary owns the classes for the life of
// the interpreter, and these are only used while the module is loaded.
std::array<py::handle, kErrcCount> g_errc_classes;
std::array<py::handle, ipsec::kPacketStatusCount> g_packet_classes;
std::array<py::handle, ipsec::kPacketStatusCount> g_status_members;
py::handle g_config_error;
py::handle g_isakmp_error;

struct ClassSpec {
    const char* name;
    const char* doc;
};

// Python names of the statuses: the C++ enumerators, which are also the
// IntEnum member names and the keys of every counters dict.
constexpr std::array<std::string_view, ipsec::kPacketStatusCount> kStatusKeys{
    "ok",     "icv_failure", "replay",           "before_window",   "bad_padding", "unknown_spi",
    "sa_expired", "malformed", "seq_overflow", "buffer_too_small", "wrong_direction", "unsupported",
};

constexpr std::array<const char*, ipsec::kPacketStatusCount> kStatusSentences{
    "the packet was processed",
    "the integrity check value did not verify",
    "the sequence number was already received (replay)",
    "the sequence number is older than the replay window (or 0)",
    "the padding, pad length or next header is inconsistent",
    "no SA for this SPI (or the SA was removed)",
    "the SA reached its hard lifetime",
    "not a packet this SA could have produced or could process",
    "the outbound sequence number would cycle (RFC 4303 section 3.3.3)",
    "the output buffer cannot hold the result",
    "the SA is not usable in this direction",
    "this driver cannot process this packet or SA",
};

constexpr std::array<ClassSpec, ipsec::kPacketStatusCount> kPacketClasses{{
    {"", ""},  // ok: no exception
    {"IcvError", "The integrity check value (ICV) of an inbound packet did not verify."},
    {"ReplayError", "An inbound packet's sequence number was already received (anti-replay, RFC 4303 3.4.3)."},
    {"BeforeWindowError", "An inbound packet's sequence number is older than the replay window, or is 0."},
    {"PaddingError", "Decrypted padding, pad length or next header is inconsistent."},
    {"UnknownSpiError", "No SA for the packet's SPI, or the SA was removed from its engine."},
    {"ExpiredError", "The SA reached its hard lifetime; it refuses further packets."},
    {"MalformedError", "The packet is not one this SA could have produced (lengths, headers, fragments)."},
    {"SequenceOverflowError", "The outbound sequence number would cycle (RFC 4303 3.3.3); the SA needs a rekey."},
    {"BufferTooSmallError", "The output slot given for the packet cannot hold the result."},
    {"WrongDirectionError", "The SA is not usable in this direction (an inbound-only SA used to encap, ...)."},
    {"UnsupportedPacketError", "This driver cannot process this packet or SA."},
}};

py::handle new_class(py::module_& m, const char* name, const char* doc, py::handle bases) {
    std::string qualified = std::string("ikeoffload.") + name;
    PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases.ptr(), nullptr);
    if (cls == nullptr) throw py::error_already_set();
    m.add_object(name, py::reinterpret_steal<py::object>(cls));
    return m.attr(name);
}

py::tuple bases(std::initializer_list<py::handle> list) {
    py::tuple t(list.size());
    std::size_t i = 0;
    for (auto h : list) t[i++] = py::reinterpret_borrow<py::object>(h);
    return t;
}

void set_errc(Errc c, py::handle cls) { g_errc_classes[static_cast<std::size_t>(c)] = cls; }

// The Errc enumerator's own name ("no_device"), for .code: errc_name() is
// prose ("no device", "I/O error").
std::string code_name(Errc c) {
    switch (c) {
        case Errc::invalid_argument: return "invalid_argument";
        case Errc::unsupported: return "unsupported";
        case Errc::not_found: return "not_found";
        case Errc::already_exists: return "already_exists";
        case Errc::parse_error: return "parse_error";
        case Errc::crypto_error: return "crypto_error";
        case Errc::io_error: return "io_error";
        case Errc::no_device: return "no_device";
        case Errc::abi_mismatch: return "abi_mismatch";
        case Errc::state_error: return "state_error";
        case Errc::timeout: return "timeout";
        case Errc::internal: return "internal";
    }
    return "internal";
}

[[noreturn]] void raise_instance(py::handle cls, const std::string& message, const std::string& code) {
    py::object exc = cls(message);
    exc.attr("code") = code;
    PyErr_SetObject(cls.ptr(), exc.ptr());
    throw py::error_already_set();
}

}  // namespace

void init_errors(py::module_& m) {
    py::handle exception(PyExc_Exception);
    py::handle error = new_class(m, "Error",
                                 "Root of every exception ikeoffload raises.\n\n"
                                 "Attributes:\n"
                                 "    code: the library's error code name ('invalid_argument', 'not_found', ...)\n"
                                 "          or None for errors raised by Python code.",
                                 exception);
    error.attr("code") = py::none();

    py::handle value_error(PyExc_ValueError);
    g_config_error = new_class(m, "ConfigError",
                               "Bad arguments: an unknown keyword or algorithm, a key of the wrong length,\n"
                               "an impossible combination. Also a ValueError.",
                               bases({error, value_error}));
    set_errc(Errc::invalid_argument, g_config_error);
    py::handle parse = new_class(m, "ParseError", "Malformed input data (capture, JSON, wire format). Also a ValueError.",
                                 bases({error, value_error}));
    set_errc(Errc::parse_error, parse);
    py::handle isakmp = new_class(m, "IsakmpError",
                                  "An ISAKMP message that does not parse or validate.\n\n"
                                  "Attributes:\n"
                                  "    notify: the RFC 2408 notify type a peer would be sent\n"
                                  "            ('PAYLOAD-MALFORMED', 'INVALID-SPI', ...), or None.",
                                  parse);
    isakmp.attr("notify") = py::none();
    g_isakmp_error = isakmp;
    set_errc(Errc::unsupported,
             new_class(m, "UnsupportedError", "Valid, but this driver or build cannot do it.", error));
    set_errc(Errc::not_found, new_class(m, "NotFoundError", "No such SA, file or connection. Also a LookupError.",
                                        bases({error, py::handle(PyExc_LookupError)})));
    set_errc(Errc::already_exists,
             new_class(m, "AlreadyExistsError", "Something with that SPI or name already exists.", error));
    set_errc(Errc::crypto_error, new_class(m, "CryptoError", "The crypto library refused an operation.", error));
    set_errc(Errc::io_error, new_class(m, "IoError", "A file or socket operation failed. Also an OSError.",
                                       bases({error, py::handle(PyExc_OSError)})));
    py::handle no_device =
        new_class(m, "NoDeviceError", "No FPGA card, or no XRT runtime, for the xrt driver.", error);
    set_errc(Errc::no_device, no_device);
    set_errc(Errc::abi_mismatch,
             new_class(m, "AbiMismatchError", "The loaded bitstream speaks another host/kernel contract version.",
                       no_device));
    set_errc(Errc::state_error, new_class(m, "StateError", "The operation is not valid in the current state "
                                                           "(a closed engine, ...).", error));
    set_errc(Errc::timeout, new_class(m, "DeadlineError", "A deadline passed. Also a TimeoutError.",
                                      bases({error, py::handle(PyExc_TimeoutError)})));
    set_errc(Errc::internal, new_class(m, "InternalError", "An invariant did not hold: a bug, please report it.", error));

    py::handle packet = new_class(m, "PacketError",
                                  "A packet the engine refused (single-packet calls raise these; batch calls\n"
                                  "report per-packet statuses instead).\n\n"
                                  "Attributes:\n"
                                  "    status: the PacketStatus of the packet\n"
                                  "    seq: the full sequence number when known, else None",
                                  error);
    packet.attr("status") = py::none();
    packet.attr("seq") = py::none();
    for (std::size_t i = 1; i < ipsec::kPacketStatusCount; ++i) {
        g_packet_classes[i] = new_class(m, kPacketClasses[i].name, kPacketClasses[i].doc, packet);
    }

    // PacketStatus: an IntEnum whose values are the engine's stable codes.
    py::list members;
    for (std::size_t i = 0; i < ipsec::kPacketStatusCount; ++i) {
        members.append(py::make_tuple(std::string(kStatusKeys[i]), i));
    }
    py::object int_enum = py::module_::import("enum").attr("IntEnum");
    py::object status = int_enum("PacketStatus", members, py::arg("module") = "ikeoffload");
    status.attr("__doc__") =
        "Per-packet outcome of the engine (values are stable: they cross the\n"
        "host/kernel contract). OK is 0; every other value has a PacketError subclass.";
    m.add_object("PacketStatus", status);
    for (std::size_t i = 0; i < ipsec::kPacketStatusCount; ++i) {
        g_status_members[i] = status.attr(py::str(std::string(kStatusKeys[i])));
    }
}

py::handle error_class(Errc code) {
    auto i = static_cast<std::size_t>(code);
    return i < g_errc_classes.size() ? g_errc_classes[i] : g_errc_classes[static_cast<std::size_t>(Errc::internal)];
}

py::handle packet_error_class(ipsec::PacketStatus status) {
    auto i = static_cast<std::size_t>(status);
    if (i == 0 || i >= g_packet_classes.size()) i = static_cast<std::size_t>(ipsec::PacketStatus::malformed);
    return g_packet_classes[i];
}

void raise_error(const Error& e) { raise_instance(error_class(e.code), e.message, code_name(e.code)); }

void raise_error(Errc code, const std::string& message) { raise_error(Error{code, message}); }

void raise_config(const std::string& message) {
    raise_instance(g_config_error, message, code_name(Errc::invalid_argument));
}

void raise_isakmp(const std::string& message, const std::string& notify) {
    py::object exc = g_isakmp_error(message);
    exc.attr("code") = code_name(Errc::parse_error);
    exc.attr("notify") = notify.empty() ? py::object(py::none()) : py::object(py::str(notify));
    PyErr_SetObject(g_isakmp_error.ptr(), exc.ptr());
    throw py::error_already_set();
}

std::string describe(ipsec::PacketStatus status) {
    auto i = static_cast<std::size_t>(status);
    if (i >= kStatusSentences.size()) return "unknown status " + std::to_string(i);
    return std::string(ipsec::to_string(status)) + ": " + kStatusSentences[i];
}

py::object make_packet_error(ipsec::PacketStatus status, uint64_t seq, std::string_view context) {
    std::string msg(context);
    if (!msg.empty()) msg += ": ";
    msg += describe(status);
    if (seq != 0) msg += " (seq " + std::to_string(seq) + ")";
    py::object exc = packet_error_class(status)(msg);
    exc.attr("status") = status_member(status);
    exc.attr("seq") = seq != 0 ? py::object(py::int_(seq)) : py::object(py::none());
    return exc;
}

void raise_packet_error(ipsec::PacketStatus status, uint64_t seq, std::string_view context) {
    py::object exc = make_packet_error(status, seq, context);
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
    throw py::error_already_set();
}

py::object status_member(ipsec::PacketStatus status) {
    auto i = static_cast<std::size_t>(status);
    if (i >= g_status_members.size()) i = static_cast<std::size_t>(ipsec::PacketStatus::malformed);
    return py::reinterpret_borrow<py::object>(g_status_members[i]);
}

std::string_view status_key(ipsec::PacketStatus status) {
    auto i = static_cast<std::size_t>(status);
    return i < kStatusKeys.size() ? kStatusKeys[i] : std::string_view("malformed");
}

}  // namespace ikeoff::pybind
