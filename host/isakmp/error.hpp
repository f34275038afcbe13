// Typed parse errors: what went wrong, as the Notify Message Type a peer
// should get back (RFC 2408 §5 says which one per check), plus a sentence
// for the log.
//
// CodecResult<T> mirrors ikeoff::Result<T> (ok(), value(), error()), so
// IKEOFF_TRY / IKEOFF_ASSIGN work on it unchanged; ISAKMP_ENSURE is the
// notify-carrying twin of IKEOFF_ENSURE. Code that speaks Result<T> converts
// with CodecError::to_error() (Errc::parse_error, "PAYLOAD-MALFORMED: ...").
//
// Generating messages cannot fail for protocol reasons, only for caller
// mistakes (a 70000-byte payload, a 300-byte SPI); those functions return
// plain Result<T> with Errc::invalid_argument.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "host/common/result.hpp"
#include "host/isakmp/constants.hpp"

namespace ikeoff::isakmp {

struct CodecError {
    NotifyType notify = NotifyType::payload_malformed;
    std::string message;

    // "INVALID-SPI: proposal 1 (ESP): SPI size 3, expected 4"
    std::string to_string() const;
    Error to_error() const { return Error{Errc::parse_error, to_string()}; }
};

template <typename T>
class [[nodiscard]] CodecResult {
public:
    CodecResult(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
    CodecResult(CodecError err) : v_(std::move(err)) {}  // NOLINT
    CodecResult(NotifyType n, std::string msg) : v_(CodecError{n, std::move(msg)}) {}

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(v_); }
    const T& value() const& { assert(ok()); return std::get<0>(v_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const CodecError& error() const& { assert(!ok()); return std::get<1>(v_); }
    CodecError&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }
    NotifyType notify() const { return ok() ? NotifyType::none : error().notify; }
    // As a plain Result<T> (moves the value out).
    Result<T> to_result() && {
        if (ok()) return std::move(*this).value();
        return error().to_error();
    }

private:
    std::variant<T, CodecError> v_;
};

template <>
class [[nodiscard]] CodecResult<void> {
public:
    CodecResult() = default;
    CodecResult(CodecError err) : err_(std::move(err)), failed_(true) {}  // NOLINT
    CodecResult(NotifyType n, std::string msg) : err_{n, std::move(msg)}, failed_(true) {}

    bool ok() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return ok(); }
    const CodecError& error() const& { assert(failed_); return err_; }
    CodecError&& error() && { assert(failed_); return std::move(err_); }
    NotifyType notify() const { return ok() ? NotifyType::none : err_.notify; }
    Status to_result() const {
        if (ok()) return {};
        return err_.to_error();
    }

private:
    CodecError err_{NotifyType::none, {}};
    bool failed_ = false;
};

using CodecStatus = CodecResult<void>;

}  // namespace ikeoff::isakmp

// Return a CodecError carrying `notify` unless `cond` holds.
#define ISAKMP_ENSURE(cond, notify, msg)                                        \
    do {                                                                        \
        if (!(cond)) return ::ikeoff::isakmp::CodecError{(notify), (msg)};      \
    } while (0)
