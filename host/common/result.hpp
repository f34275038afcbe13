// Typed error values for host/ and drivers/.
//
// Every fallible operation returns Result<T> (or Status = Result<void>).
// The error carries a code a program can branch on and a sentence a user
// can act on ("enc_key: aes128gcm16 needs 20 bytes (16 key + 4 salt), got 16").
// Exceptions are left to the edges (CLI mains, Python bindings), which map
// Errc values to their own error vocabulary.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace ikeoff {

enum class Errc {
    invalid_argument,   // a caller passed something that can never work
    unsupported,        // valid, but this driver/build cannot do it
    not_found,          // no such SA / connection / file
    already_exists,     // duplicate SPI, name, ...
    parse_error,        // malformed input (config, JSON, pcap, wire data)
    crypto_error,       // the crypto library refused (should not happen with valid input)
    io_error,           // files, sockets
    no_device,          // FPGA card / XRT runtime absent
    abi_mismatch,       // host/kernel contract versions differ
    state_error,        // operation not valid in the current state
    timeout,
    internal,           // a bug: an invariant did not hold
};

const char* errc_name(Errc c) noexcept;

struct Error {
    using code_type = Errc;  // lets Result<T, E> build an E from (code, message)
    Errc code = Errc::internal;
    std::string message;
};

// Result<T, E>: a T, or an error E. E is an aggregate {code, message} that
// names its code type as E::code_type. Host code uses the default E = Error;
// the ISAKMP codec uses its own error (which carries a Notify Message Type)
// with the same machinery, so IKEOFF_TRY / IKEOFF_ASSIGN work on both.
template <typename T, typename E = Error>
class [[nodiscard]] Result {
public:
    using error_type = E;

    Result(T value) : v_(std::move(value)) {}                  // NOLINT: implicit by design
    Result(E err) : v_(std::move(err)) {}                      // NOLINT
    Result(typename E::code_type code, std::string msg) : v_(E{code, std::move(msg)}) {}

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(v_); }
    const T& value() const& { assert(ok()); return std::get<0>(v_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const E& error() const& { assert(!ok()); return std::get<1>(v_); }
    E&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

private:
    std::variant<T, E> v_;
};

template <typename E>
class [[nodiscard]] Result<void, E> {
public:
    using error_type = E;

    Result() = default;
    Result(E err) : err_(std::move(err)), failed_(true) {}  // NOLINT
    Result(typename E::code_type code, std::string msg) : err_{code, std::move(msg)}, failed_(true) {}

    bool ok() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return ok(); }
    const E& error() const& { assert(failed_); return err_; }
    E&& error() && { assert(failed_); return std::move(err_); }

private:
    E err_{};
    bool failed_ = false;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace ikeoff

// Return early with an error unless `cond` holds.
#define IKEOFF_ENSURE(cond, code, msg)                                      \
    do {                                                                    \
        if (!(cond)) return ::ikeoff::Error{(code), (msg)};                 \
    } while (0)

// Propagate the error of a Result/Status expression.
#define IKEOFF_TRY(expr)                                                    \
    do {                                                                    \
        auto ikeoff_try_r_ = (expr);                                        \
        if (!ikeoff_try_r_.ok()) return std::move(ikeoff_try_r_).error();   \
    } while (0)

#define IKEOFF_CONCAT_INNER_(a, b) a##b
#define IKEOFF_CONCAT_(a, b) IKEOFF_CONCAT_INNER_(a, b)
// IKEOFF_ASSIGN(auto x, make_x()); binds the value or returns the error.
#define IKEOFF_ASSIGN(decl, expr)                                           \
    IKEOFF_ASSIGN_IMPL_(IKEOFF_CONCAT_(ikeoff_assign_r_, __LINE__), decl, expr)
#define IKEOFF_ASSIGN_IMPL_(tmp, decl, expr)                                \
    auto tmp = (expr);                                                      \
    if (!tmp.ok()) return std::move(tmp).error();                           \
    decl = std::move(tmp).value()
