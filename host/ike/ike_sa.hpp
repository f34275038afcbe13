// One ISAKMP SA (RFC 2408 §2.4): what phase 1 negotiated and what every
// later exchange of this SA needs. Plain state, no behaviour beyond small
// accessors: the exchanges (tasks/) fill it in, the task manager sends and
// receives through it, the core indexes it by cookies.
//
// States:
//   connecting   phase 1 in progress (half-open while we are responder)
//   established  authenticated; Quick Mode and Informational may run
//   deleting     a Delete was sent or received; nothing new starts
// Keys (SKEYID*, Ka) live in Phase1Keymat/Phase1Crypto as SecretBytes and
// are wiped when the SA is destroyed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/common/timers.hpp"
#include "host/config/connection.hpp"
#include "host/config/identity.hpp"
#include "host/config/ike_proposal.hpp"
#include "host/crypto/dh.hpp"
#include "host/ike/keymat_v1.hpp"
#include "host/ike/message_crypto.hpp"
#include "host/ike/transport.hpp"
#include "host/isakmp/header.hpp"
#include "host/isakmp/vendor_ids.hpp"

namespace ikeoff::ike {

enum class SaState : uint8_t { connecting, established, deleting };
const char* to_string(SaState s);

// RFC 3947: which NAT-T variant both sides announced, and what NAT-D showed.
struct NatState {
    isakmp::NatTVersion version = isakmp::NatTVersion::none;
    bool local_behind = false;   // the peer saw another address/port than ours
    bool remote_behind = false;  // the peer's address/port is not what it hashed
    bool detected() const noexcept { return local_behind || remote_behind; }
};

struct IsakmpSa {
    uint64_t id = 0;
    const config::Connection* conn = nullptr;  // responder: set once phase 1 picks one
    bool initiator = false;
    bool aggressive = false;
    SaState state = SaState::connecting;

    isakmp::Cookie cky_i{};
    isakmp::Cookie cky_r{};
    Endpoint local;   // where we send from (port 4500 after floating)
    Endpoint remote;  // where the peer is

    NatState nat;
    bool peer_dpd = false;  // the peer announced RFC 3706 DPD

    std::optional<config::IkeTransform> proposal;  // the chosen phase-1 transform
    config::Identity local_id;
    config::Identity remote_id;  // the authenticated peer identity
    std::optional<Phase1Keymat> keymat;
    std::optional<Phase1Crypto> crypto;
    // New Group Mode (RFC 2409 §5.6): private groups agreed on this SA, by
    // Group Description, oldest first (tasks/new_group_mode.hpp).
    std::vector<std::pair<uint16_t, crypto::DhGroup>> private_groups;

    TimePoint created{};
    TimePoint established_at{};
    TimerId expiry_timer = kNoTimer;
    TimerId half_open_timer = kNoTimer;

    bool has_keys() const noexcept { return keymat.has_value() && crypto.has_value(); }
    const std::string& conn_name() const;
    // RFC 2408 §3.15: an ISAKMP SA's "SPI" is CKY-I | CKY-R.
    Bytes spi() const;
    std::string describe() const;  // "#3 conn 'x' (initiator, 10.0.0.1:500 -> 10.0.0.2:500)"
};

// A fresh random non-zero cookie (RFC 2408 §2.5.3 wants it unpredictable;
// the public RNG is the right source for values that go on the wire).
Result<isakmp::Cookie> random_cookie();

// A random non-zero Message ID (RFC 2409 §5.5).
Result<uint32_t> random_message_id();

}  // namespace ikeoff::ike
