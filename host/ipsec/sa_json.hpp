// SA descriptions in JSON -> SaParams (used by `ikeoffctl esp` and the
// Python bindings).
//
//   {
//     "spi": "0x1234abcd",            required, hex string
//     "protocol": "esp",              esp | ah                    (default esp)
//     "mode": "tunnel",               tunnel | transport          (default tunnel)
//     "direction": "both",            in | out | both             (default both)
//     "src": "192.0.2.1",             outer addresses; required in tunnel mode
//     "dst": "192.0.2.2",
//     "enc": "aes128gcm16",           strongSwan keyword; required for ESP, absent for AH
//     "integ": "sha256",              strongSwan keyword          (default none)
//     "enc_key": "00112233...",       hex; GCM/GMAC: key followed by the 4-octet salt
//     "integ_key": "...",             hex
//     "seq": 1,                       first outbound sequence number (default 1)
//     "esn": false,                   64-bit extended sequence numbers (default false)
//     "replay_window": 64,            0..4096                     (default 64)
//     "encap": {"sport": 4500, "dport": 4500},   or true for 4500/4500 (default none)
//     "allow_weak": false,            needed for md5
//     "soft": {"bytes": 0, "packets": 0},        lifetimes, 0 = no limit
//     "hard": {"bytes": 0, "packets": 0},
//     "iv_seed": "<32 hex digits>"    CBC IV key (default: random per SA)
//   }
//
// Every error names the field it is about ("enc_key: ...", "encap.sport: ...");
// unknown fields are errors, so a misspelt "replay_windw" is not silently
// ignored. The result has passed ipsec::validate().
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "host/common/result.hpp"
#include "host/ipsec/sa.hpp"

namespace ikeoff::ipsec {

Result<SaParams> sa_from_json(const nlohmann::json& j);

// Reads and parses a file; errors start with the path. Missing file:
// not_found; malformed JSON: parse_error with line and column.
Result<SaParams> load_sa_file(const std::string& path);

}  // namespace ikeoff::ipsec
