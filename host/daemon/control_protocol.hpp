// The control protocol between ikeoffctl (or any script) and ikeoffd.
//
// Transport: a Unix stream socket (default kDefaultControlSocket, mode 0600).
// Framing: JSON lines. The client writes one JSON object per line; the
// daemon answers each with one JSON object on one line. Replies to one
// connection come in the order the requests completed, which is not always
// the order they were sent (an `up` waits for IKE), so a client that
// pipelines requests sets "id" and matches it in the reply.
//
// Requests ("cmd" selects the command; other fields are its arguments):
//   {"cmd":"status"}                  -> {"ok":true,"status":{...}}   see status_json.hpp
//   {"cmd":"up","conn":"NAME","timeout":30}
//                                     -> {"ok":true} once the connection's IPsec SAs are
//                                        installed, or {"ok":false,"reason":"NO-PROPOSAL-CHOSEN",
//                                        "error":"..."} when it failed; "timeout" (seconds,
//                                        default 30) bounds the wait: reason "timeout"
//   {"cmd":"down","conn":"NAME"}      -> {"ok":true} after Delete notifications went out
//   {"cmd":"manual-sa-add","name":"N","local_ts":"10.1.0.0/24","remote_ts":"10.2.0.0/24",
//    "inbound":{SA JSON},"outbound":{SA JSON}}
//                                     -> {"ok":true,"id":N}  manually keyed SA pair (RFC 4301
//                                        §4.5 manual keying); SA JSON as in host/ipsec/sa_json.hpp
//   {"cmd":"manual-sa-del","name":"N"}-> {"ok":true}
//   {"cmd":"version"}                 -> {"ok":true,"version":"...","engine":"soft"}
// Every failure is {"ok":false,"error":"<one sentence>"}, plus "reason" where
// a protocol-level reason exists.
#pragma once

#include <cstddef>

namespace ikeoff::daemon {

inline constexpr const char* kDefaultControlSocket = "/run/ikeoffd.ctl";
// A request line longer than this is refused and the connection closed: a
// bounded buffer per client, whatever a client sends.
inline constexpr std::size_t kMaxRequestLine = 1 << 20;

}  // namespace ikeoff::daemon
