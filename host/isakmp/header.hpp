// The ISAKMP header (RFC 2408 §3.1): parse with the RFC 2408 §5.2 checks,
// and encode.
//
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                          Initiator                            !
// !                            Cookie                             !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                          Responder                            !
// !                            Cookie                             !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                          Message ID                           !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !                            Length                             !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "host/common/bytes.hpp"
#include "host/isakmp/constants.hpp"
#include "host/isakmp/error.hpp"
#include "host/wire/writer.hpp"

namespace ikeoff::isakmp {

inline constexpr std::size_t kHeaderSize = 28;
inline constexpr std::size_t kGenericHeaderSize = 4;  // next payload, reserved, length
inline constexpr uint8_t kMajorVersion = 1;
inline constexpr uint8_t kMinorVersion = 0;

using Cookie = std::array<uint8_t, 8>;

bool is_zero(const Cookie& c) noexcept;

struct Header {
    Cookie initiator_cookie{};
    Cookie responder_cookie{};
    PayloadType next_payload = PayloadType::none;
    uint8_t major_version = kMajorVersion;
    uint8_t minor_version = kMinorVersion;
    ExchangeType exchange = ExchangeType::none;
    uint8_t flags = 0;
    uint32_t message_id = 0;
    // Total message length (header + body) as on the wire. The generators
    // compute it; parse_header() reports what the peer sent.
    uint32_t length = 0;

    bool encrypted() const noexcept { return flags & kFlagEncryption; }
    bool commit() const noexcept { return flags & kFlagCommit; }
    bool auth_only() const noexcept { return flags & kFlagAuthOnly; }

    bool operator==(const Header&) const = default;
};

struct HeaderOptions {
    // RFC 2408 §5.2 rejects a message whose Length differs from what was
    // received. Allowing trailing bytes treats the datagram beyond Length as
    // junk (never as part of the message).
    bool allow_trailing_bytes = false;
};

// Checks, in RFC 2408 §5.2 order as far as a header alone allows:
//   fewer than 28 bytes                         -> PAYLOAD-MALFORMED
//   MjVer > 1 / MjVer < 1                       -> INVALID-MAJOR-VERSION
//   MnVer > 0                                   -> INVALID-MINOR-VERSION
//   initiator cookie all zero                   -> INVALID-COOKIE
//   exchange type unknown (not in constants.hpp)-> INVALID-EXCHANGE-TYPE
//   flag bits other than E, C, A                -> INVALID-FLAGS
//   next payload not a known top-level type     -> INVALID-PAYLOAD-TYPE
//   Length < 28 or != datagram size             -> UNEQUAL-PAYLOAD-LENGTHS
// Message-ID and responder-cookie rules depend on the exchange and message
// number and are checked by validate() (rules.hpp).
CodecResult<Header> parse_header(ByteView datagram, const HeaderOptions& opts = {});

// A parsed header and the body bytes it frames: datagram[28 .. Length).
// `body` is a view into the caller's datagram.
struct Framed {
    Header header;
    ByteView body;
};
CodecResult<Framed> frame(ByteView datagram, const HeaderOptions& opts = {});

// Writes the 28 header octets with h.length as given.
void encode_header(const Header& h, wire::Writer& w);
// The header for a message whose body is `body_size` bytes (e.g. the
// ciphertext after phase-1 encryption); fails when the total exceeds 2^32-1.
Result<Bytes> encode_header(const Header& h, std::size_t body_size);

// "ID_PROT i=16079285048c779c r=0000000000000000 mid=00000000 flags=E len=180"
std::string describe(const Header& h);

}  // namespace ikeoff::isakmp
