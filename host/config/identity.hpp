// IKE identities (leftid/rightid, ipsec.secrets selectors, ID payloads).
//
// Text forms, as strongSwan reads them:
//   10.0.0.1, 2001:db8::1         ID_IPV4_ADDR / ID_IPV6_ADDR
//   @moon.example.org             ID_FQDN (the '@' keeps it from being resolved)
//   moon.example.org              ID_FQDN as well (we never resolve names)
//   alice@example.org, @@alice@x  ID_USER_FQDN
//   "C=CH, O=Example, CN=moon"    ID_DER_ASN1_DN (any value containing '=')
//   @#0a1b2c                      ID_KEY_ID (hex)
//   %any                          matches every identity (selectors, rightid)
//
// Types and wire data follow RFC 2407 §4.6.2.1; a DN is kept as DER and
// compared with OpenSSL's canonical form (case and string type do not
// matter, RDN order does).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/common/ip_address.hpp"
#include "host/common/result.hpp"

namespace ikeoff::config {

class Identity {
public:
    // RFC 2407 §4.6.2.1 ID type numbers; `any` is ours (never on the wire).
    enum class Type : uint8_t {
        any = 0,
        ipv4_addr = 1,
        fqdn = 2,
        user_fqdn = 3,
        ipv6_addr = 5,
        der_asn1_dn = 9,
        key_id = 11,
    };

    Identity() = default;   // %any
    static Identity any() { return {}; }
    static Identity from_address(const IpAddress& a);
    static Result<Identity> parse(std::string_view text);
    // The body of an ID payload (after the DOI-specific header). Types we do
    // not handle (subnets, ranges, GN) are an error naming the type.
    static Result<Identity> from_wire(uint8_t type, ByteView data);

    Type type() const noexcept { return type_; }
    uint8_t wire_type() const noexcept { return static_cast<uint8_t>(type_); }
    ByteView data() const noexcept { return data_; }
    bool is_any() const noexcept { return type_ == Type::any; }
    // The address of an ipv4_addr/ipv6_addr identity (empty otherwise).
    IpAddress address() const;

    std::string to_string() const;

    // Exact identity (DNs compared canonically). %any equals only %any.
    bool same_as(const Identity& o) const;
    // `this` used as a pattern: %any matches everything, else same_as().
    bool matches(const Identity& o) const { return is_any() || same_as(o); }

private:
    Identity(Type t, Bytes d) : type_(t), data_(std::move(d)) {}
    Type type_ = Type::any;
    Bytes data_;
};

std::string_view identity_type_name(Identity::Type t);

}  // namespace ikeoff::config
