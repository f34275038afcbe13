// The typed payload model: one plain struct per payload body (the bytes
// after the 4-octet generic payload header, RFC 2408 §3.2), a variant over
// them, and the Payload wrapper that also keeps the body's exact wire bytes.
//
// Exchange code builds messages from these structs and reads parsed ones
// through them; it never touches offsets. The wire layout of each struct is
// a rule table in payloads/<name>.cpp, next to the RFC diagram and verify().
//
// IKEv1 hashes cover exact payload bodies (RFC 2409 §5: "SAi_b is the entire
// body of the SA payload (minus the ISAKMP generic header)", likewise IDii_b),
// so a parsed Payload carries `raw`, and encode_body() gives the bytes a
// payload you build will have on the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "host/common/bytes.hpp"
#include "host/common/ip_address.hpp"
#include "host/isakmp/attributes.hpp"
#include "host/isakmp/constants.hpp"
#include "host/isakmp/error.hpp"

namespace ikeoff::isakmp {

// A data attribute (RFC 2408 §3.3). TV (AF=1) carries exactly two value
// octets; TLV (AF=0) carries 0..65535. Lifetimes may arrive as 2-, 4- or
// 8-octet values: use as_uint(), never value.size().
struct Attribute {
    uint16_t type = 0;  // attribute class, without the AF bit
    bool tv = true;     // AF bit: true = TV (basic), false = TLV (variable)
    Bytes value;

    // A number, as TV when it fits 16 bits, otherwise as the shortest of a
    // 4- or 8-octet TLV (the sizes peers expect for lifetimes).
    static Attribute number(uint16_t type, uint64_t v);
    static Attribute basic(uint16_t type, uint16_t v);
    static Attribute variable(uint16_t type, ByteView v);

    // The value as an unsigned integer when it has 1..8 octets.
    std::optional<uint64_t> as_uint() const;

    bool operator==(const Attribute&) const = default;
};

// First attribute of the class, or nullptr.
const Attribute* find_attribute(const std::vector<Attribute>& attrs, uint16_t type);

struct Transform {
    uint8_t number = 1;
    uint8_t id = 0;  // KEY_IKE for ISAKMP, ESP/AH/IPCOMP transform IDs otherwise
    std::vector<Attribute> attributes;

    const Attribute* find(uint16_t type) const { return find_attribute(attributes, type); }
    // Convenience: the attribute's numeric value, if present and numeric.
    std::optional<uint64_t> get(uint16_t type) const;
    bool operator==(const Transform&) const = default;
};

struct Proposal {
    uint8_t number = 1;
    ProtocolId protocol = ProtocolId::isakmp;
    Bytes spi;  // empty for phase 1 (strongSwan) or 16 octets (cookies); 4 for ESP/AH
    std::vector<Transform> transforms;
    bool operator==(const Proposal&) const = default;
};

struct SaPayload {
    Doi doi = Doi::ipsec;
    uint32_t situation = kSitIdentityOnly;
    std::vector<Proposal> proposals;
    bool operator==(const SaPayload&) const = default;
};

struct KePayload {
    Bytes data;
    bool operator==(const KePayload&) const = default;
};

// ID payload (RFC 2408 §3.8 with the IPsec DOI fields of RFC 2407 §4.6.2).
struct IdPayload {
    IdType type = IdType::ipv4_addr;
    uint8_t protocol = 0;  // IP protocol, 0 = any
    uint16_t port = 0;     // 0 = any
    Bytes data;

    static IdPayload address(const IpAddress& a, uint8_t protocol = 0, uint16_t port = 0);
    // ID_IPV4_ADDR_SUBNET / ID_IPV6_ADDR_SUBNET from a prefix length.
    static Result<IdPayload> subnet(const IpAddress& net, unsigned prefix_len,
                                    uint8_t protocol = 0, uint16_t port = 0);
    static Result<IdPayload> range(const IpAddress& first, const IpAddress& last,
                                   uint8_t protocol = 0, uint16_t port = 0);
    static IdPayload fqdn(std::string_view name);
    static IdPayload user_fqdn(std::string_view name);
    static IdPayload key_id(ByteView key);
    static IdPayload der_asn1_dn(ByteView der);

    // For the address types: the first (or only) address and the second
    // (subnet mask, or range end). Empty IpAddress for other types.
    IpAddress first_address() const;
    IpAddress second_address() const;
    // "10.0.0.0/24", "10.0.0.1-10.0.0.9", "vpn.example.org", "key-id:0a0b", ...
    std::string to_string() const;
    bool operator==(const IdPayload&) const = default;
};

struct CertPayload {
    CertEncoding encoding = CertEncoding::x509_signature;
    Bytes data;
    bool operator==(const CertPayload&) const = default;
};

struct CertRequestPayload {
    CertEncoding type = CertEncoding::x509_signature;
    Bytes authority;  // may be empty: "any CA"
    bool operator==(const CertRequestPayload&) const = default;
};

struct HashPayload {
    Bytes data;
    bool operator==(const HashPayload&) const = default;
};

struct SigPayload {
    Bytes data;
    bool operator==(const SigPayload&) const = default;
};

// RFC 2409 §5: "the length of nonce payload MUST be between 8 and 256 bytes
// inclusive" (checked by verify()).
struct NoncePayload {
    Bytes data;
    bool operator==(const NoncePayload&) const = default;
};

struct NotifyPayload {
    Doi doi = Doi::ipsec;
    ProtocolId protocol = ProtocolId::isakmp;
    NotifyType type = NotifyType::none;
    Bytes spi;   // 0 or 16 octets for ISAKMP (the cookies), 4 for ESP/AH
    Bytes data;  // RESPONDER-LIFETIME: attributes; R-U-THERE: 4-octet sequence
    bool operator==(const NotifyPayload&) const = default;
};

struct DeletePayload {
    Doi doi = Doi::ipsec;
    ProtocolId protocol = ProtocolId::isakmp;
    std::vector<Bytes> spis;  // all of one size: 16 for ISAKMP (ICKY|RCKY), 4 for ESP/AH
    bool operator==(const DeletePayload&) const = default;
};

struct VendorIdPayload {
    Bytes data;
    bool operator==(const VendorIdPayload&) const = default;
};

// NAT-D (RFC 3947 §3.2): HASH(CKY-I | CKY-R | IP | Port), one per address.
struct NatDPayload {
    Bytes hash;
    bool operator==(const NatDPayload&) const = default;
};

// NAT-OA (RFC 3947 §5.2): the original address of a peer behind a NAT.
struct NatOaPayload {
    IdType type = IdType::ipv4_addr;  // ID_IPV4_ADDR or ID_IPV6_ADDR only
    Bytes address;                    // 4 or 16 octets

    static NatOaPayload of(const IpAddress& a);
    IpAddress to_address() const;  // empty for a malformed one
    bool operator==(const NatOaPayload&) const = default;
};

// A payload whose body is still ciphertext: the ID/NONCE/KE/CERT bodies of
// RFC 2409 §5.2/§5.3 public-key authentication. Parse it after decrypting
// with parse_payload_body(type, plaintext).
struct OpaquePayload {
    Bytes data;
    bool operator==(const OpaquePayload&) const = default;
};

using PayloadBody = std::variant<SaPayload, KePayload, IdPayload, CertPayload,
                                 CertRequestPayload, HashPayload, SigPayload, NoncePayload,
                                 NotifyPayload, DeletePayload, VendorIdPayload, NatDPayload,
                                 NatOaPayload, OpaquePayload>;

// The standard payload type for a body (NAT-D/NAT-OA: the RFC 3947 values;
// OpaquePayload: none, since the type must be given).
PayloadType default_type(const PayloadBody& body);
// Does `type` fit the struct held by `body` (e.g. nat_d_draft + NatDPayload)?
bool type_matches(PayloadType type, const PayloadBody& body);
// Types allowed as chained top-level payloads (not proposal/transform).
bool is_known_payload(PayloadType type);

struct Payload {
    PayloadType type = PayloadType::none;
    PayloadBody body;
    // Parsed payloads: the body octets exactly as received (after the
    // generic header), and where the payload (generic header included)
    // sits in the message body. Built payloads leave these empty; use
    // encode_body() / EncodedBody::spans instead.
    Bytes raw;
    std::size_t offset = 0;
    std::size_t size = 0;

    Payload() = default;
    // Payload(NoncePayload{...}) picks the standard type for the body;
    // Payload(PayloadType::nat_d_draft, NatDPayload{...}) names it.
    template <typename T>
        requires(!std::is_same_v<std::decay_t<T>, Payload> &&
                 std::is_constructible_v<PayloadBody, T>)
    Payload(T b) : body(std::move(b)) {  // NOLINT: implicit by design
        type = default_type(body);
    }
    template <typename T>
        requires std::is_constructible_v<PayloadBody, T>
    Payload(PayloadType t, T b) : type(t), body(std::move(b)) {}

    template <typename T>
    const T* get() const { return std::get_if<T>(&body); }
    template <typename T>
    T* get() { return std::get_if<T>(&body); }

    // Same type and content (raw bytes and positions are not compared).
    bool same_content(const Payload& o) const { return type == o.type && body == o.body; }
};

}  // namespace ikeoff::isakmp
