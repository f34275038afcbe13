// ISAKMP (RFC 2408), IPsec DOI (RFC 2407), IKEv1 (RFC 2409) and NAT-T
// (RFC 3947, RFC 3706) numbers, with names for logs.
//
// The enums have fixed underlying types so any value read from the wire can
// be held in them; "known" is a separate question answered by the codec
// (is_known_payload_type(), ...). to_string() gives the RFC's name, or the
// decimal number in angle brackets ("<77>") for values it does not know.
//
// Data-attribute classes and their values live in attributes.hpp.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

namespace ikeoff::isakmp {

// RFC 2408 §3.1 "Exchange Type"; 32/33 from RFC 2409 (DOI-specific range).
enum class ExchangeType : uint8_t {
    none = 0,
    base = 1,
    identity_protection = 2,  // IKEv1 Main Mode
    authentication_only = 3,
    aggressive = 4,
    informational = 5,
    transaction = 6,  // draft-ietf-ipsec-isakmp-mode-cfg (XAUTH/Mode Config); not implemented
    quick = 32,
    new_group = 33,
};

// RFC 2408 §3.1 "Next Payload"; NAT-D/NAT-OA from RFC 3947 §3.2/§5.2 and
// the values the NAT-T drafts used before IANA assignment.
enum class PayloadType : uint8_t {
    none = 0,
    sa = 1,
    proposal = 2,   // only inside an SA payload
    transform = 3,  // only inside a Proposal
    ke = 4,
    id = 5,
    cert = 6,
    cert_request = 7,
    hash = 8,
    sig = 9,
    nonce = 10,
    notify = 11,
    delete_ = 12,
    vendor_id = 13,
    attributes = 14,  // Mode Config (draft); not implemented
    nat_d = 20,
    nat_oa = 21,
    nat_d_draft = 130,
    nat_oa_draft = 131,
    fragment = 132,   // Cisco/strongSwan IKE fragmentation; not implemented
};

// Notify Message Types: RFC 2408 §3.14.1 errors (1..30) and status
// (16384), RFC 2407 §4.6.3 IPsec DOI status, RFC 3706 DPD.
enum class NotifyType : uint16_t {
    none = 0,  // "no protocol error" (used by CodecError for caller mistakes)
    invalid_payload_type = 1,
    doi_not_supported = 2,
    situation_not_supported = 3,
    invalid_cookie = 4,
    invalid_major_version = 5,
    invalid_minor_version = 6,
    invalid_exchange_type = 7,
    invalid_flags = 8,
    invalid_message_id = 9,
    invalid_protocol_id = 10,
    invalid_spi = 11,
    invalid_transform_id = 12,
    attributes_not_supported = 13,
    no_proposal_chosen = 14,
    bad_proposal_syntax = 15,
    payload_malformed = 16,
    invalid_key_information = 17,
    invalid_id_information = 18,
    invalid_cert_encoding = 19,
    invalid_certificate = 20,
    cert_type_unsupported = 21,
    invalid_cert_authority = 22,
    invalid_hash_information = 23,
    authentication_failed = 24,
    invalid_signature = 25,
    address_notification = 26,
    notify_sa_lifetime = 27,
    certificate_unavailable = 28,
    unsupported_exchange_type = 29,
    unequal_payload_lengths = 30,
    connected = 16384,
    responder_lifetime = 24576,
    replay_status = 24577,
    initial_contact = 24578,
    dpd_r_u_there = 36136,
    dpd_r_u_there_ack = 36137,
};

// RFC 2408 §3.14.1: types below 8192 are errors, the rest status.
constexpr bool is_error(NotifyType t) { return uint16_t(t) != 0 && uint16_t(t) < 8192; }

// Domain of Interpretation (RFC 2408 §3.4, RFC 2407 §4.2).
enum class Doi : uint32_t { isakmp = 0, ipsec = 1 };

// RFC 2407 §4.2 Situation bits.
inline constexpr uint32_t kSitIdentityOnly = 0x01;
inline constexpr uint32_t kSitSecrecy = 0x02;
inline constexpr uint32_t kSitIntegrity = 0x04;

// Protocol-ID (RFC 2407 §4.4.1).
enum class ProtocolId : uint8_t { none = 0, isakmp = 1, ah = 2, esp = 3, ipcomp = 4 };

// ISAKMP transform (RFC 2407 §4.4.2).
inline constexpr uint8_t kTransformKeyIke = 1;

// AH transform IDs (RFC 2407 §4.4.3, RFC 4868 / RFC 4543 registry).
enum class AhTransform : uint8_t {
    md5 = 2, sha = 3, des = 4, sha2_256 = 5, sha2_384 = 6, sha2_512 = 7, ripemd = 8,
    aes_xcbc_mac = 9, aes_128_gmac = 11, aes_192_gmac = 12, aes_256_gmac = 13,
};

// ESP transform IDs (RFC 2407 §4.4.4 and the IANA registry).
enum class EspTransform : uint8_t {
    des_iv64 = 1, des = 2, triple_des = 3, rc5 = 4, idea = 5, cast = 6, blowfish = 7,
    three_idea = 8, des_iv32 = 9, rc4 = 10, null_ = 11, aes_cbc = 12, aes_ctr = 13,
    aes_ccm_8 = 14, aes_ccm_12 = 15, aes_ccm_16 = 16, aes_gcm_8 = 18, aes_gcm_12 = 19,
    aes_gcm_16 = 20, seed_cbc = 21, camellia_cbc = 22, null_auth_aes_gmac = 23,
};

// IPCOMP transform IDs (RFC 2407 §4.4.5).
enum class IpcompTransform : uint8_t { oui = 1, deflate = 2, lzs = 3, lzjh = 4 };

// Identification Type (RFC 2407 §4.6.2.1).
enum class IdType : uint8_t {
    reserved = 0,
    ipv4_addr = 1,
    fqdn = 2,
    user_fqdn = 3,
    ipv4_addr_subnet = 4,
    ipv6_addr = 5,
    ipv6_addr_subnet = 6,
    ipv4_addr_range = 7,
    ipv6_addr_range = 8,
    der_asn1_dn = 9,
    der_asn1_gn = 10,
    key_id = 11,
};

// Certificate Encoding (RFC 2408 §3.9), also used as CR "Cert Type".
enum class CertEncoding : uint8_t {
    none = 0,
    pkcs7 = 1,
    pgp = 2,
    dns_signed_key = 3,
    x509_signature = 4,
    x509_key_exchange = 5,
    kerberos = 6,
    crl = 7,
    arl = 8,
    spki = 9,
    x509_attribute = 10,
};

// Header flags (RFC 2408 §3.1).
inline constexpr uint8_t kFlagEncryption = 0x01;
inline constexpr uint8_t kFlagCommit = 0x02;
inline constexpr uint8_t kFlagAuthOnly = 0x04;
inline constexpr uint8_t kKnownFlags = kFlagEncryption | kFlagCommit | kFlagAuthOnly;

std::string to_string(ExchangeType t);
std::string to_string(PayloadType t);
std::string to_string(NotifyType t);
std::string to_string(ProtocolId p);
std::string to_string(IdType t);
std::string to_string(CertEncoding e);
// Transform ID names depend on the protocol they belong to.
std::string transform_name(ProtocolId protocol, uint8_t transform_id);
// Short payload tag for one-line message summaries: "SA", "KE", "No", "N", "V", ...
std::string short_name(PayloadType t);

// Stream the names (logs, test diagnostics).
std::ostream& operator<<(std::ostream& os, ExchangeType t);
std::ostream& operator<<(std::ostream& os, PayloadType t);
std::ostream& operator<<(std::ostream& os, NotifyType t);

}  // namespace ikeoff::isakmp
