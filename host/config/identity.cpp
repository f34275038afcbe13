#include "host/config/identity.hpp"

#include <openssl/objects.h>
#include <openssl/x509.h>

#include <cctype>
#include <memory>
#include <vector>

namespace ikeoff::config {

namespace {

struct NameFree {
    void operator()(X509_NAME* n) const { X509_NAME_free(n); }
};
using NamePtr = std::unique_ptr<X509_NAME, NameFree>;

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// strongSwan's short attribute names that OpenSSL spells differently.
// Attribute types are matched case-insensitively ("cn" = "CN").
std::string openssl_attr_name(std::string_view name) {
    std::string n(name);
    std::string up = n;
    for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (up == "E" || up == "EMAIL" || up == "EMAILADDRESS") return "emailAddress";
    if (OBJ_txt2nid(n.c_str()) != NID_undef) return n;
    return up;
}

// Splits "C=CH, O=Example\, Inc., CN=moon" at unescaped commas.
Result<std::vector<std::pair<std::string, std::string>>> split_dn(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> rdns;
    std::string cur;
    auto flush = [&]() -> Status {
        std::string_view item = trim(cur);
        if (item.empty()) return Error{Errc::parse_error, "empty RDN in distinguished name"};
        std::size_t eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0) {
            return Error{Errc::parse_error, "'" + std::string(item) + "' is not of the form type=value"};
        }
        std::string type(trim(item.substr(0, eq)));
        std::string value(trim(item.substr(eq + 1)));
        if (value.empty()) return Error{Errc::parse_error, "empty value for '" + type + "' in distinguished name"};
        rdns.emplace_back(std::move(type), std::move(value));
        cur.clear();
        return {};
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\' && i + 1 < text.size()) {
            cur += text[++i];
        } else if (c == ',') {
            IKEOFF_TRY(flush());
        } else {
            cur += c;
        }
    }
    IKEOFF_TRY(flush());
    return rdns;
}

Result<Bytes> dn_to_der(std::string_view text) {
    IKEOFF_ASSIGN(auto rdns, split_dn(text));
    NamePtr name(X509_NAME_new());
    if (!name) return Error{Errc::crypto_error, "X509_NAME_new failed"};
    for (const auto& [type, value] : rdns) {
        std::string attr = openssl_attr_name(type);
        if (OBJ_txt2nid(attr.c_str()) == NID_undef) {
            return Error{Errc::parse_error, "unknown attribute type '" + type + "' in distinguished name"};
        }
        if (X509_NAME_add_entry_by_txt(name.get(), attr.c_str(), MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) != 1) {
            return Error{Errc::parse_error, "bad value for '" + type + "' in distinguished name"};
        }
    }
    int len = i2d_X509_NAME(name.get(), nullptr);
    if (len <= 0) return Error{Errc::crypto_error, "cannot DER-encode distinguished name"};
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    i2d_X509_NAME(name.get(), &p);
    return der;
}

NamePtr der_to_name(ByteView der) {
    const unsigned char* p = der.data();
    NamePtr n(d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size())));
    if (n && p != der.data() + der.size()) n.reset();  // trailing garbage
    return n;
}

std::string name_to_text(X509_NAME* name) {
    std::string out;
    int count = X509_NAME_entry_count(name);
    for (int i = 0; i < count; ++i) {
        X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
        int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
        std::string type;
        if (nid == NID_pkcs9_emailAddress) {
            type = "E";
        } else if (nid != NID_undef) {
            type = OBJ_nid2sn(nid);
        } else {
            char buf[80];
            OBJ_obj2txt(buf, sizeof buf, X509_NAME_ENTRY_get_object(e), 1);
            type = buf;
        }
        unsigned char* utf8 = nullptr;
        int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
        std::string value = n >= 0 ? std::string(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n)) : "?";
        OPENSSL_free(utf8);
        if (!out.empty()) out += ", ";
        out += type + "=" + value;
    }
    return out;
}

bool is_printable_name(ByteView d) {
    for (uint8_t c : d) {
        if (c < 0x21 || c > 0x7e) return false;
    }
    return !d.empty();
}

}  // namespace

std::string_view identity_type_name(Identity::Type t) {
    switch (t) {
        case Identity::Type::any: return "%any";
        case Identity::Type::ipv4_addr: return "ID_IPV4_ADDR";
        case Identity::Type::fqdn: return "ID_FQDN";
        case Identity::Type::user_fqdn: return "ID_USER_FQDN";
        case Identity::Type::ipv6_addr: return "ID_IPV6_ADDR";
        case Identity::Type::der_asn1_dn: return "ID_DER_ASN1_DN";
        case Identity::Type::key_id: return "ID_KEY_ID";
    }
    return "?";
}

Identity Identity::from_address(const IpAddress& a) {
    if (a.empty()) return {};
    return Identity(a.is_v4() ? Type::ipv4_addr : Type::ipv6_addr, Bytes(a.data(), a.data() + a.size()));
}

Result<Identity> Identity::parse(std::string_view raw) {
    std::string_view text = trim(raw);
    if (text.empty()) return Error{Errc::parse_error, "empty identity"};
    if (text == "%any" || text == "%any6" || text == "%any4") return Identity{};
    if (text.starts_with("@#")) {
        auto bytes = from_hex(text.substr(2));
        if (!bytes.ok() || bytes->empty()) {
            return Error{Errc::parse_error, "'" + std::string(text) + "': @# must be followed by a hex key ID"};
        }
        return Identity(Type::key_id, std::move(*bytes));
    }
    if (text.starts_with("@@")) {
        std::string_view rest = text.substr(2);
        if (rest.empty()) return Error{Errc::parse_error, "'@@' must be followed by user@domain"};
        return Identity(Type::user_fqdn, Bytes(rest.begin(), rest.end()));
    }
    if (text.find('=') != std::string_view::npos) {
        auto der = dn_to_der(text);
        if (!der.ok()) return Error{Errc::parse_error, "'" + std::string(text) + "': " + der.error().message};
        return Identity(Type::der_asn1_dn, std::move(*der));
    }
    if (text.starts_with('%')) {
        return Error{Errc::parse_error, "unknown identity keyword '" + std::string(text) + "' (only %any)"};
    }
    if (text.find_first_of(" \t") != std::string_view::npos) {
        return Error{Errc::parse_error, "identity '" + std::string(text) + "' contains white space"};
    }
    if (text.starts_with('@')) {
        std::string_view rest = text.substr(1);
        if (rest.empty()) return Error{Errc::parse_error, "'@' must be followed by a domain name"};
        return Identity(Type::fqdn, Bytes(rest.begin(), rest.end()));
    }
    if (auto addr = IpAddress::parse(text); addr.ok()) return from_address(*addr);
    if (text.find('@') != std::string_view::npos) return Identity(Type::user_fqdn, Bytes(text.begin(), text.end()));
    return Identity(Type::fqdn, Bytes(text.begin(), text.end()));
}

Result<Identity> Identity::from_wire(uint8_t type, ByteView data) {
    switch (static_cast<Type>(type)) {
        case Type::ipv4_addr:
            if (data.size() != 4) return Error{Errc::parse_error, "ID_IPV4_ADDR needs 4 octets, got " + std::to_string(data.size())};
            return Identity(Type::ipv4_addr, Bytes(data.begin(), data.end()));
        case Type::ipv6_addr:
            if (data.size() != 16) return Error{Errc::parse_error, "ID_IPV6_ADDR needs 16 octets, got " + std::to_string(data.size())};
            return Identity(Type::ipv6_addr, Bytes(data.begin(), data.end()));
        case Type::fqdn:
        case Type::user_fqdn:
            if (!is_printable_name(data)) {
                return Error{Errc::parse_error, std::string(identity_type_name(static_cast<Type>(type))) +
                                                    " is empty or has non-printable characters"};
            }
            return Identity(static_cast<Type>(type), Bytes(data.begin(), data.end()));
        case Type::der_asn1_dn:
            if (!der_to_name(data)) return Error{Errc::parse_error, "ID_DER_ASN1_DN is not a valid DER Name"};
            return Identity(Type::der_asn1_dn, Bytes(data.begin(), data.end()));
        case Type::key_id:
            if (data.empty()) return Error{Errc::parse_error, "ID_KEY_ID is empty"};
            return Identity(Type::key_id, Bytes(data.begin(), data.end()));
        case Type::any:
            break;
    }
    return Error{Errc::unsupported, "ID type " + std::to_string(type) + " is not supported"};
}

IpAddress Identity::address() const {
    if (type_ == Type::ipv4_addr && data_.size() == 4) return IpAddress::v4(data_.data());
    if (type_ == Type::ipv6_addr && data_.size() == 16) return IpAddress::v6(data_.data());
    return {};
}

std::string Identity::to_string() const {
    switch (type_) {
        case Type::any: return "%any";
        case Type::ipv4_addr:
        case Type::ipv6_addr: return address().to_string();
        case Type::fqdn:
        case Type::user_fqdn: return std::string(data_.begin(), data_.end());
        case Type::key_id: return "@#" + to_hex(data_);
        case Type::der_asn1_dn: {
            NamePtr n = der_to_name(data_);
            return n ? name_to_text(n.get()) : "(bad DN)";
        }
    }
    return "?";
}

bool Identity::same_as(const Identity& o) const {
    if (type_ != o.type_) return false;
    switch (type_) {
        case Type::any: return true;
        case Type::fqdn:
        case Type::user_fqdn: {
            // DNS names compare case-insensitively (RFC 4343).
            if (data_.size() != o.data_.size()) return false;
            for (std::size_t i = 0; i < data_.size(); ++i) {
                if (std::tolower(data_[i]) != std::tolower(o.data_[i])) return false;
            }
            return true;
        }
        case Type::der_asn1_dn: {
            if (data_ == o.data_) return true;
            NamePtr a = der_to_name(data_), b = der_to_name(o.data_);
            return a && b && X509_NAME_cmp(a.get(), b.get()) == 0;
        }
        default: return data_ == o.data_;
    }
}

}  // namespace ikeoff::config
