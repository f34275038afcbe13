// Typed parse errors: what went wrong, as the Notify Message Type a peer
// should get back (RFC 2408 §5 says which one per check), plus a sentence
// for the log.
//
// CodecResult<T> is ikeoff::Result<T, CodecError> (ok(), value(), error())
// plus notify() and to_result(), so IKEOFF_TRY / IKEOFF_ASSIGN work on it
// unchanged; ISAKMP_ENSURE is the notify-carrying twin of IKEOFF_ENSURE. Code that speaks Result<T> converts
// with CodecError::to_error() (Errc::parse_error, "PAYLOAD-MALFORMED: ...").
//
// Generating messages cannot fail for protocol reasons, only for caller
// mistakes (a 70000-byte payload, a 300-byte SPI); those functions return
// plain Result<T> with Errc::invalid_argument.
#pragma once

#include <string>
#include <type_traits>
#include <utility>

#include "host/common/result.hpp"
#include "host/isakmp/constants.hpp"

namespace ikeoff::isakmp {

struct CodecError {
    using code_type = NotifyType;  // lets Result<T, CodecError> build one from (notify, message)
    NotifyType notify = NotifyType::payload_malformed;
    std::string message;

    // "INVALID-SPI: proposal 1 (ESP): SPI size 3, expected 4"
    std::string to_string() const;
    Error to_error() const { return Error{Errc::parse_error, to_string()}; }
};

// ikeoff::Result with a CodecError, plus what only a codec result knows:
// the notify to send back, and the conversion to a plain Result<T>.
template <typename T>
class [[nodiscard]] CodecResult : public Result<T, CodecError> {
    using Base = Result<T, CodecError>;

public:
    using Base::Base;
    CodecResult() = default;  // CodecStatus: success (deleted for non-void T)

    NotifyType notify() const { return this->ok() ? NotifyType::none : this->error().notify; }

    // As a plain Result<T> (moves the value out).
    Result<T> to_result() &&
        requires(!std::is_void_v<T>)
    {
        if (this->ok()) return std::move(*this).value();
        return this->error().to_error();
    }
    Status to_result() const
        requires std::is_void_v<T>
    {
        if (this->ok()) return {};
        return this->error().to_error();
    }
};

using CodecStatus = CodecResult<void>;

}  // namespace ikeoff::isakmp

// Return a CodecError carrying `notify` unless `cond` holds.
#define ISAKMP_ENSURE(cond, notify, msg)                                        \
    do {                                                                        \
        if (!(cond)) return ::ikeoff::isakmp::CodecError{(notify), (msg)};      \
    } while (0)
