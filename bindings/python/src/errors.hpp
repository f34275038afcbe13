// The exception vocabulary of the ikeoffload module.
//
// Library code reports failures as values (Result/Status, PacketStatus);
// this is the one place where they become Python exceptions. Every Errc and
// every failing PacketStatus has its own class, registered at import time
// under the `ikeoffload` name, so nothing ever reaches Python as pybind11's
// catch-all RuntimeError:
//
//   Error                                root of everything raised here
//     ConfigError(Error, ValueError)     invalid_argument: bad keyword, wrong key length, unknown algorithm
//     ParseError(Error, ValueError)      parse_error: malformed capture, JSON or ISAKMP data
//       IsakmpError                      ISAKMP data; .notify names the RFC 2408 notify type
//     UnsupportedError                   unsupported by this driver/build
//     NotFoundError(Error, LookupError)  not_found: no such SA, file, connection
//     AlreadyExistsError                 already_exists: duplicate SPI, name
//     CryptoError, IoError(Error, OSError), NoDeviceError, AbiMismatchError,
//     StateError, DeadlineError(Error, TimeoutError), InternalError
//     PacketError                        a packet the engine refused; .status, .seq
//       IcvError, ReplayError, BeforeWindowError, PaddingError, UnknownSpiError,
//       ExpiredError, MalformedError, SequenceOverflowError, BufferTooSmallError,
//       WrongDirectionError, UnsupportedPacketError
#pragma once

#include <pybind11/pybind11.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "host/common/result.hpp"
#include "host/ipsec/engine.hpp"

namespace ikeoff::pybind {

namespace py = pybind11;

// Creates the classes (and the PacketStatus IntEnum) in `m`.
void init_errors(py::module_& m);

// The exception class for an error code / a failing packet status.
py::handle error_class(Errc code);
py::handle packet_error_class(ipsec::PacketStatus status);

// Sets the Python error for `e` and throws py::error_already_set.
[[noreturn]] void raise_error(const Error& e);
[[noreturn]] void raise_error(Errc code, const std::string& message);
// Same for ConfigError with a message (bad arguments found by the bindings).
[[noreturn]] void raise_config(const std::string& message);

// IsakmpError with .notify set (empty: None, "not the peer's fault").
[[noreturn]] void raise_isakmp(const std::string& message, const std::string& notify);

// An exception instance (not raised) for a failed packet: the class of its
// status with .status and .seq set. `context` prefixes the message.
py::object make_packet_error(ipsec::PacketStatus status, uint64_t seq, std::string_view context);
[[noreturn]] void raise_packet_error(ipsec::PacketStatus status, uint64_t seq, std::string_view context);

// One sentence per status: "icv-failure: the integrity check failed".
std::string describe(ipsec::PacketStatus status);

// The PacketStatus member for a code (a cached IntEnum singleton, so the
// batch results can build lists of them without allocating).
py::object status_member(ipsec::PacketStatus status);
// Python-side names of the statuses ("icv_failure"), the dict keys of counters.
std::string_view status_key(ipsec::PacketStatus status);

template <typename T>
T unwrap(Result<T>&& r) {
    if (!r.ok()) raise_error(r.error());
    return std::move(r).value();
}

inline void check(const Status& s) {
    if (!s.ok()) raise_error(s.error());
}

}  // namespace ikeoff::pybind
