// The ESP/AH engine interface: the only way host code touches the data path.
//
// Drivers (drivers/soft, drivers/csim, drivers/xrt) implement it; the IKE
// daemon, ikeoffctl, the packet path and the Python bindings only ever hold an
// Engine&. Every method is thread-safe: a driver serializes internally, so
// several threads may submit batches at once.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"
#include "host/ipsec/sa.hpp"

namespace ikeoff::ipsec {

// Opaque, never reused within one engine's lifetime; 0 is "no SA".
using SaHandle = uint32_t;
inline constexpr SaHandle kNoSa = 0;

// Per-packet outcome. Values are stable (they cross the host/kernel contract
// and the Python bindings).
enum class PacketStatus : uint8_t {
    ok = 0,
    icv_failure = 1,       // integrity check failed
    replay = 2,            // inside the window but already seen
    before_window = 3,     // older than the replay window (or seq 0)
    bad_padding = 4,       // pad length/pattern or next header inconsistent
    unknown_spi = 5,       // no inbound SA for (protocol, SPI)
    sa_expired = 6,        // hard lifetime reached
    malformed = 7,         // not a packet this SA could have produced
    seq_overflow = 8,      // outbound counter would cycle (RFC 4303 §3.3.3)
    buffer_too_small = 9,  // caller's output buffer cannot hold the result
    wrong_direction = 10,  // SA not usable in this direction
    unsupported = 11,      // this driver cannot process this packet/SA
};
inline constexpr std::size_t kPacketStatusCount = 12;

// Kebab-case names ("icv-failure") used by CLI summaries, JSON and Python.
std::string_view to_string(PacketStatus s);

// One packet of a batch. The caller owns both buffers; `out` must not overlap
// `in`. Outbound needs out.size() >= in.size() + kMaxOverhead; inbound needs
// out.size() >= in.size().
//  - outbound: `in` is an inner IPv4/IPv6 packet, `sa` names the SA to apply;
//    `out` receives the ESP/AH packet (with outer IP header in tunnel mode).
//  - inbound: `in` is an IP packet carrying ESP, AH or ESP-in-UDP; if `sa` is
//    kNoSa the engine finds it by (protocol, SPI) and stores it back.
//    `out` receives the inner packet (tunnel) or the restored packet (transport).
struct Packet {
    ByteView in;
    MutableByteView out;
    SaHandle sa = kNoSa;
    uint32_t out_len = 0;
    PacketStatus status = PacketStatus::ok;
    uint64_t seq = 0;  // full sequence number sent or received (when known)
};

using StatusCounts = std::array<uint64_t, kPacketStatusCount>;

struct SaCounters {
    uint64_t packets = 0;  // packets processed successfully
    uint64_t bytes = 0;    // inner octets of those packets (what lifetimes count)
    StatusCounts drops{};  // failed packets attributed to this SA, by status
};

struct SaInfo {
    SaHandle handle = kNoSa;
    uint32_t spi = 0;
    Protocol protocol = Protocol::esp;
    Mode mode = Mode::tunnel;
    SaDirection direction = SaDirection::both;
    IpAddress src, dst;
    EncTransform enc;
    IntegAlg integ = IntegAlg::none;
    bool esn = false;
    uint32_t replay_window = 0;
    Lifetime soft, hard;
    std::optional<UdpEncap> encap;
    uint64_t next_seq = 0;       // next outbound sequence number
    uint64_t replay_top = 0;     // highest authenticated inbound sequence number
    bool soft_expired = false;
    bool hard_expired = false;
    SaCounters counters;
};

struct EngineCounters {
    uint64_t batches = 0;
    uint64_t packets = 0;          // all packets submitted
    uint64_t bytes_in = 0;         // octets submitted
    uint64_t bytes_out = 0;        // octets produced by successful packets
    StatusCounts by_status{};      // every packet lands in exactly one bucket
};

enum class SaEventKind : uint8_t { soft_expired, hard_expired, seq_overflow };
std::string_view to_string(SaEventKind k);

// Lifetime and counter events, queued by the engine and drained by the owner
// (the IKE daemon rekeys on soft_expired and deletes on hard_expired).
struct SaEvent {
    SaHandle sa = kNoSa;
    uint32_t spi = 0;
    SaEventKind kind = SaEventKind::soft_expired;
    bool by_bytes = false;  // which limit fired: bytes (true) or packets
};

// Behaviour every driver shares (the differential tests hold drivers to it):
//
// Order of checks, first failure wins:
//   outbound: sa unknown -> unknown_spi; SA inbound-only -> wrong_direction;
//             hard_expired already set -> sa_expired; `in` not an IPv4/IPv6
//             packet whose header length fields agree with in.size() -> malformed;
//             next seq beyond 2^32-1 (2^64-1 with ESN) -> seq_overflow (and a
//             seq_overflow event, once); out too small -> buffer_too_small.
//   inbound:  too short for the outer header + SPI, or not ESP/AH/UDP-4500 ESP
//             -> malformed; no SA for (protocol, SPI) (or `sa` given and its
//             SPI differs) -> unknown_spi; SA outbound-only -> wrong_direction;
//             hard_expired -> sa_expired; lengths impossible for this SA
//             (payload not a multiple of the block size, shorter than IV+ICV)
//             -> malformed; out too small -> buffer_too_small; seq 0 or older
//             than the window -> before_window; already seen -> replay;
//             ICV mismatch -> icv_failure; [window advances here]; pad length
//             too large, pad bytes not 1,2,3,... or next header not 4/41 in
//             tunnel mode -> bad_padding.
// Sequence numbers: an outbound packet consumes a number only when it
// succeeds. The window advances only for packets whose ICV verified.
// Lifetimes: a packet is refused (sa_expired) only once hard_expired is set.
// After each successful packet the SA's packets/bytes grow (bytes = length of
// the plaintext IP packet: outbound input, inbound output); when they reach a
// soft limit soft_expired is set and one soft_expired event is queued, and the
// same for hard. So hard.packets = N lets exactly N packets through.
// Counters: every packet lands in exactly one EngineCounters::by_status
// bucket; failures with a known SA also land in that SA's drops.
// Details the order above leaves open (soft implements them; others match):
//  - outbound malformed also covers: a result longer than the IP length field
//    allows, and (AH transport) IPv4 options / IPv6 extension headers before
//    the insertion point that do not parse.
//  - inbound: the IP length field may claim fewer octets than in.size()
//    (link-layer padding is ignored); IPv4 fragments, non-atomic IPv6
//    fragments, and UDP-4500 datagrams starting with the non-ESP marker
//    (4 zero octets, RFC 3948 §2.2) are malformed; `out` must hold the IP
//    length of the received packet (else buffer_too_small); an AH whose
//    length field differs from 12 + ICV + padding of the SA is malformed;
//    AH in tunnel mode with a next header other than 4/41 is bad_padding.
//  - inbound window start: top = SaParams::seq - 1 with no bits set, so ESN
//    high bits are inferred relative to it (App. A2.2). replay_window 0 turns
//    off the before_window/replay checks and infers with W = 2^31.
//  - a packet reaching a packet limit and a byte limit at once reports
//    by_bytes = false; a packet may queue soft_expired then hard_expired.
//  - update_sa() re-evaluates the limits at once (events may follow), and
//    never clears soft_expired/hard_expired.
class Engine {
public:
    virtual ~Engine() = default;

    // "soft", "csim" or "xrt".
    virtual std::string_view driver_name() const = 0;
    // Human-readable, e.g. "soft (intel-ipsec-mb 1.3 + OpenSSL 3.0.19)".
    virtual std::string description() const = 0;

    // Ok if this driver can run an SA with these parameters, else `unsupported`
    // with the reason. add_sa() performs the same check after validate().
    virtual Status supports(const SaParams& params) const = 0;

    // Reserve an SPI no inbound SA of this engine uses (IKE's GETSPI).
    virtual Result<uint32_t> allocate_spi(Protocol protocol) = 0;

    virtual Result<SaHandle> add_sa(SaParams params) = 0;
    virtual Status update_sa(SaHandle sa, const SaUpdate& update) = 0;
    virtual Result<SaInfo> query_sa(SaHandle sa) const = 0;
    virtual Status del_sa(SaHandle sa) = 0;  // keys are wiped
    virtual std::vector<SaHandle> list_sas() const = 0;
    virtual Result<SaHandle> find_inbound(Protocol protocol, uint32_t spi) const = 0;

    // Process a batch in one direction; fills out_len/status/seq (and sa for
    // inbound). Never fails as a whole: problems are per-packet statuses.
    virtual void process(Direction dir, std::span<Packet> batch) = 0;

    virtual EngineCounters counters() const = 0;
    virtual std::vector<SaEvent> take_events() = 0;
};

}  // namespace ikeoff::ipsec
