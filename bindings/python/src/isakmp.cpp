// ikeoffload.isakmp: ISAKMP messages <-> plain dicts, over host/isakmp.
//
// Names are the RFCs' spellings that the C++ codec prints (exchange "ID_PROT",
// payload "SA", notify "INVALID-SPI", protocol "ESP", ID "ID_IPV4_ADDR"); a
// value without a name comes out as an int, and builders accept either.
// Parsed payloads also carry informational keys ("raw" body octets, "text",
// "name", ...) that build() accepts and ignores, so parse -> build round trips.
#include <pybind11/stl.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bindings/python/src/convert.hpp"
#include "bindings/python/src/errors.hpp"
#include "host/isakmp/isakmp.hpp"

namespace ikeoff::pybind {

namespace {

using namespace ikeoff::isakmp;

// ---- enum names ------------------------------------------------------------

// name <-> value for an enum whose to_string() prints "<n>" for unknown
// values. The reverse map is built once by asking to_string() about every
// value, so it can never disagree with the C++ names.
template <typename E>
class EnumNames {
public:
    EnumNames(std::function<std::string(E)> name, unsigned max, const char* what)
        : name_(std::move(name)), max_(max), what_(what) {}

    py::object out(E v) const {
        std::string s = name_(v);
        if (!s.empty() && s[0] == '<') return py::int_(static_cast<unsigned>(v));
        return py::str(s);
    }

    E in(py::handle v, const std::string& where) const {
        if (PyLong_Check(v.ptr()) && !PyBool_Check(v.ptr())) {
            long long x = PyLong_AsLongLong(v.ptr());
            if (PyErr_Occurred() || x < 0 || static_cast<unsigned long long>(x) > max_) {
                PyErr_Clear();
                raise_config(where + ": " + what_ + " must be 0.." + std::to_string(max_));
            }
            return static_cast<E>(x);
        }
        if (!PyUnicode_Check(v.ptr())) raise_config(where + ": expected a " + what_ + " name or number");
        const auto& names = reverse();
        auto it = names.find(v.cast<std::string>());
        if (it == names.end()) {
            std::string known;
            for (const auto& [n, _] : names) known += (known.empty() ? "" : ", ") + n;
            raise_config(where + ": unknown " + what_ + " '" + v.cast<std::string>() + "' (known: " + known + ")");
        }
        return it->second;
    }

private:
    const std::map<std::string, E>& reverse() const {
        if (reverse_.empty()) {
            for (unsigned i = 0; i <= max_; ++i) {
                std::string s = name_(static_cast<E>(i));
                if (!s.empty() && s[0] != '<') reverse_.emplace(s, static_cast<E>(i));
            }
        }
        return reverse_;
    }
    std::function<std::string(E)> name_;
    unsigned max_;
    std::string what_;
    mutable std::map<std::string, E> reverse_;  // filled under the GIL
};

const EnumNames<ExchangeType> kExchange([](ExchangeType t) { return to_string(t); }, 255, "exchange type");
const EnumNames<PayloadType> kPayload([](PayloadType t) { return to_string(t); }, 255, "payload type");
const EnumNames<NotifyType> kNotify([](NotifyType t) { return to_string(t); }, 65535, "notify type");
const EnumNames<ProtocolId> kProtocol([](ProtocolId p) { return to_string(p); }, 255, "protocol id");
const EnumNames<IdType> kIdType([](IdType t) { return to_string(t); }, 255, "ID type");
const EnumNames<CertEncoding> kCert([](CertEncoding e) { return to_string(e); }, 255, "certificate encoding");

// ---- parsed -> dict ----------------------------------------------------------

py::bytes b(ByteView v) { return to_pybytes(v); }

py::dict header_dict(const Header& h) {
    py::dict d;
    d["initiator_cookie"] = b(h.initiator_cookie);
    d["responder_cookie"] = b(h.responder_cookie);
    d["next_payload"] = kPayload.out(h.next_payload);
    d["major_version"] = h.major_version;
    d["minor_version"] = h.minor_version;
    d["exchange"] = kExchange.out(h.exchange);
    d["flags"] = h.flags;
    d["message_id"] = h.message_id;
    d["length"] = h.length;
    return d;
}

py::list attributes_list(const std::vector<Attribute>& attrs, bool phase1) {
    py::list l;
    for (const auto& a : attrs) {
        py::dict d;
        d["type"] = a.type;
        d["name"] = attribute_name(phase1, a.type);
        d["tv"] = a.tv;
        auto n = a.as_uint();
        if (a.tv && n) {
            d["value"] = *n;
        } else {
            d["value"] = b(a.value);
            if (n) d["number"] = *n;
        }
        if (n) d["value_name"] = attribute_value_name(phase1, a.type, *n);
        l.append(d);
    }
    return l;
}

py::dict sa_dict(const SaPayload& sa) {
    py::dict d;
    d["doi"] = static_cast<uint32_t>(sa.doi);
    d["situation"] = sa.situation;
    py::list props;
    for (const auto& p : sa.proposals) {
        py::dict pd;
        pd["number"] = p.number;
        pd["protocol"] = kProtocol.out(p.protocol);
        pd["spi"] = b(p.spi);
        py::list ts;
        for (const auto& t : p.transforms) {
            py::dict td;
            td["number"] = t.number;
            td["id"] = t.id;
            td["id_name"] = transform_name(p.protocol, t.id);
            td["attributes"] = attributes_list(t.attributes, p.protocol == ProtocolId::isakmp);
            ts.append(td);
        }
        pd["transforms"] = ts;
        props.append(pd);
    }
    d["proposals"] = props;
    return d;
}

py::dict payload_dict(const Payload& p) {
    py::dict d = std::visit(
        [](const auto& body) -> py::dict {
            using T = std::decay_t<decltype(body)>;
            py::dict r;
            if constexpr (std::is_same_v<T, SaPayload>) {
                r = sa_dict(body);
            } else if constexpr (std::is_same_v<T, IdPayload>) {
                r["id_type"] = kIdType.out(body.type);
                r["protocol"] = body.protocol;
                r["port"] = body.port;
                r["data"] = b(body.data);
                r["text"] = body.to_string();
            } else if constexpr (std::is_same_v<T, CertPayload>) {
                r["encoding"] = kCert.out(body.encoding);
                r["data"] = b(body.data);
            } else if constexpr (std::is_same_v<T, CertRequestPayload>) {
                r["cert_type"] = kCert.out(body.type);
                r["authority"] = b(body.authority);
            } else if constexpr (std::is_same_v<T, NotifyPayload>) {
                r["doi"] = static_cast<uint32_t>(body.doi);
                r["protocol"] = kProtocol.out(body.protocol);
                r["notify_type"] = kNotify.out(body.type);
                r["spi"] = b(body.spi);
                r["data"] = b(body.data);
            } else if constexpr (std::is_same_v<T, DeletePayload>) {
                r["doi"] = static_cast<uint32_t>(body.doi);
                r["protocol"] = kProtocol.out(body.protocol);
                py::list spis;
                for (const auto& s : body.spis) spis.append(b(s));
                r["spis"] = spis;
            } else if constexpr (std::is_same_v<T, NatDPayload>) {
                r["hash"] = b(body.hash);
            } else if constexpr (std::is_same_v<T, NatOaPayload>) {
                r["id_type"] = kIdType.out(body.type);
                r["address"] = b(body.address);
                auto a = body.to_address();
                r["text"] = a.empty() ? py::object(py::none()) : py::object(py::str(a.to_string()));
            } else if constexpr (std::is_same_v<T, OpaquePayload>) {
                r["opaque"] = b(body.data);
            } else {  // KE, HASH, SIG, NONCE, VENDOR_ID: one opaque data field
                r["data"] = b(body.data);
            }
            return r;
        },
        p.body);
    py::dict out;
    out["type"] = kPayload.out(p.type);
    for (auto [k, v] : d) out[k] = v;
    out["raw"] = b(p.raw);
    return out;
}

py::dict message_dict(const Message& m) {
    py::dict d;
    d["header"] = header_dict(m.header);
    py::list ps;
    for (const auto& p : m.payloads) ps.append(payload_dict(p));
    d["payloads"] = ps;
    d["padding"] = m.padding;
    return d;
}

[[noreturn]] void raise_codec(const CodecError& e) {
    raise_isakmp(e.to_string(), e.notify == NotifyType::none ? std::string() : to_string(e.notify));
}

// ---- dict -> structs -----------------------------------------------------------

// Reads one dict, checking that every key is known and naming fields by path.
class DictReader {
public:
    DictReader(py::handle obj, std::string path, std::initializer_list<const char*> known) : path_(std::move(path)) {
        if (!PyDict_Check(obj.ptr())) raise_config(path_ + ": expected a dict");
        d_ = py::reinterpret_borrow<py::dict>(obj);
        for (auto [k, v] : d_) {
            std::string key = py::str(k);
            bool ok = false;
            for (const char* n : known) ok = ok || key == n;
            if (!ok) {
                std::string list;
                for (const char* n : known) list += std::string(list.empty() ? "" : ", ") + n;
                raise_config(at(key) + ": unknown field (expected one of " + list + ")");
            }
        }
    }
    std::string at(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
    bool has(const char* key) const { return d_.contains(key) && !py::object(d_[key]).is_none(); }
    py::object get(const char* key) const { return d_[key]; }

    Bytes bytes(const char* key, bool required = false) const {
        if (!has(key)) {
            if (required) raise_config(at(key) + ": required");
            return {};
        }
        py::object v = get(key);
        if (PyUnicode_Check(v.ptr())) raise_config(at(key) + ": expected bytes, got str");
        BufferView view(v, false, at(key).c_str());
        return Bytes(view.bytes().begin(), view.bytes().end());
    }
    uint64_t uint(const char* key, uint64_t def, uint64_t max) const {
        if (!has(key)) return def;
        py::object v = get(key);
        if (!PyLong_Check(v.ptr()) || PyBool_Check(v.ptr())) raise_config(at(key) + ": expected an integer");
        unsigned long long x = PyLong_AsUnsignedLongLong(v.ptr());
        if (PyErr_Occurred() || x > max) {
            PyErr_Clear();
            raise_config(at(key) + ": must be 0.." + std::to_string(max));
        }
        return x;
    }
    template <typename E>
    E named(const char* key, const EnumNames<E>& names, E def) const {
        return has(key) ? names.in(get(key), at(key)) : def;
    }
    template <typename F>
    void each(const char* key, F&& f) const {
        if (!has(key)) return;
        py::object v = get(key);
        if (!PyList_Check(v.ptr()) && !PyTuple_Check(v.ptr())) raise_config(at(key) + ": expected a list");
        std::size_t i = 0;
        for (py::handle item : v) {
            f(item, at(key) + "[" + std::to_string(i) + "]");
            ++i;
        }
    }

private:
    py::dict d_;
    std::string path_;
};

std::vector<Attribute> attributes_from(const DictReader& r, const char* key) {
    std::vector<Attribute> attrs;
    r.each(key, [&](py::handle item, const std::string& path) {
        DictReader a(item, path, {"type", "value", "tv", "name", "value_name", "number"});
        auto type = static_cast<uint16_t>(a.uint("type", 0, 0x7fff));
        if (!a.has("type")) raise_config(path + ".type: required");
        if (!a.has("value")) raise_config(path + ".value: required");
        py::object v = a.get("value");
        std::optional<bool> tv;
        if (a.has("tv")) tv = py::cast<bool>(a.get("tv"));
        if (PyLong_Check(v.ptr())) {
            uint64_t n = a.uint("value", 0, UINT64_MAX);
            if (tv.value_or(n <= 0xffff) ) {
                if (n > 0xffff) raise_config(path + ".value: a TV attribute holds at most 65535");
                attrs.push_back(Attribute::basic(type, static_cast<uint16_t>(n)));
            } else {
                Attribute at = Attribute::number(type, n);
                if (at.tv) {  // a small number the caller wants as TLV: 4 octets, as peers send lifetimes
                    Bytes be(4);
                    store_be32(be.data(), static_cast<uint32_t>(n));
                    at = Attribute::variable(type, be);
                }
                attrs.push_back(std::move(at));
            }
        } else {
            Bytes value = a.bytes("value");
            if (tv.value_or(false)) {
                if (value.size() != 2) raise_config(path + ".value: a TV attribute holds exactly 2 octets");
                attrs.push_back(Attribute{type, true, value});
            } else {
                attrs.push_back(Attribute::variable(type, value));
            }
        }
    });
    return attrs;
}

SaPayload sa_from(const DictReader& r) {
    SaPayload sa;
    sa.doi = static_cast<Doi>(r.uint("doi", 1, UINT32_MAX));
    sa.situation = static_cast<uint32_t>(r.uint("situation", kSitIdentityOnly, UINT32_MAX));
    r.each("proposals", [&](py::handle item, const std::string& path) {
        DictReader p(item, path, {"number", "protocol", "spi", "transforms"});
        Proposal prop;
        prop.number = static_cast<uint8_t>(p.uint("number", 1, 255));
        prop.protocol = p.named("protocol", kProtocol, ProtocolId::isakmp);
        prop.spi = p.bytes("spi");
        p.each("transforms", [&](py::handle titem, const std::string& tpath) {
            DictReader t(titem, tpath, {"number", "id", "id_name", "attributes"});
            Transform tr;
            tr.number = static_cast<uint8_t>(t.uint("number", 1, 255));
            tr.id = static_cast<uint8_t>(t.uint("id", 0, 255));
            tr.attributes = attributes_from(t, "attributes");
            prop.transforms.push_back(std::move(tr));
        });
        sa.proposals.push_back(std::move(prop));
    });
    return sa;
}

Payload payload_from(py::handle item, const std::string& path) {
    if (!PyDict_Check(item.ptr())) raise_config(path + ": expected a dict with a 'type'");
    py::dict d = py::reinterpret_borrow<py::dict>(item);
    if (!d.contains("type")) raise_config(path + ".type: required (e.g. 'SA', 'NONCE', 'NOTIFICATION')");
    PayloadType type = kPayload.in(d["type"], path + ".type");
    switch (type) {
        case PayloadType::sa: {
            DictReader r(item, path, {"type", "raw", "doi", "situation", "proposals"});
            return Payload(type, sa_from(r));
        }
        case PayloadType::ke:
        case PayloadType::hash:
        case PayloadType::sig:
        case PayloadType::nonce:
        case PayloadType::vendor_id: {
            DictReader r(item, path, {"type", "raw", "data"});
            Bytes data = r.bytes("data", true);
            if (type == PayloadType::ke) return Payload(type, KePayload{data});
            if (type == PayloadType::hash) return Payload(type, HashPayload{data});
            if (type == PayloadType::sig) return Payload(type, SigPayload{data});
            if (type == PayloadType::nonce) return Payload(type, NoncePayload{data});
            return Payload(type, VendorIdPayload{data});
        }
        case PayloadType::id: {
            DictReader r(item, path, {"type", "raw", "id_type", "protocol", "port", "data", "text"});
            IdPayload id;
            id.type = r.named("id_type", kIdType, IdType::ipv4_addr);
            id.protocol = static_cast<uint8_t>(r.uint("protocol", 0, 255));
            id.port = static_cast<uint16_t>(r.uint("port", 0, 65535));
            id.data = r.bytes("data", true);
            return Payload(type, id);
        }
        case PayloadType::cert: {
            DictReader r(item, path, {"type", "raw", "encoding", "data"});
            return Payload(type, CertPayload{r.named("encoding", kCert, CertEncoding::x509_signature), r.bytes("data", true)});
        }
        case PayloadType::cert_request: {
            DictReader r(item, path, {"type", "raw", "cert_type", "authority"});
            return Payload(type, CertRequestPayload{r.named("cert_type", kCert, CertEncoding::x509_signature),
                                                    r.bytes("authority")});
        }
        case PayloadType::notify: {
            DictReader r(item, path, {"type", "raw", "doi", "protocol", "notify_type", "spi", "data"});
            NotifyPayload n;
            n.doi = static_cast<Doi>(r.uint("doi", 1, UINT32_MAX));
            n.protocol = r.named("protocol", kProtocol, ProtocolId::isakmp);
            if (!r.has("notify_type")) raise_config(r.at("notify_type") + ": required");
            n.type = r.named("notify_type", kNotify, NotifyType::none);
            n.spi = r.bytes("spi");
            n.data = r.bytes("data");
            return Payload(type, n);
        }
        case PayloadType::delete_: {
            DictReader r(item, path, {"type", "raw", "doi", "protocol", "spis"});
            DeletePayload del;
            del.doi = static_cast<Doi>(r.uint("doi", 1, UINT32_MAX));
            del.protocol = r.named("protocol", kProtocol, ProtocolId::isakmp);
            r.each("spis", [&](py::handle s, const std::string& spath) {
                BufferView v(s, false, spath.c_str());
                del.spis.emplace_back(v.bytes().begin(), v.bytes().end());
            });
            return Payload(type, del);
        }
        case PayloadType::nat_d:
        case PayloadType::nat_d_draft: {
            DictReader r(item, path, {"type", "raw", "hash"});
            return Payload(type, NatDPayload{r.bytes("hash", true)});
        }
        case PayloadType::nat_oa:
        case PayloadType::nat_oa_draft: {
            DictReader r(item, path, {"type", "raw", "id_type", "address", "text"});
            return Payload(type, NatOaPayload{r.named("id_type", kIdType, IdType::ipv4_addr), r.bytes("address", true)});
        }
        default:
            raise_config(path + ".type: " + to_string(type) + " payloads cannot be built");
    }
}

Header header_from(py::handle obj) {
    DictReader r(obj, "header", {"initiator_cookie", "responder_cookie", "next_payload", "major_version",
                                 "minor_version", "exchange", "flags", "message_id", "length"});
    Header h;
    auto cookie = [&](const char* key, Cookie& c) {
        Bytes v = r.bytes(key);
        if (v.empty()) return;
        if (v.size() != c.size()) raise_config(r.at(key) + ": needs 8 bytes, got " + std::to_string(v.size()));
        std::copy(v.begin(), v.end(), c.begin());
    };
    cookie("initiator_cookie", h.initiator_cookie);
    cookie("responder_cookie", h.responder_cookie);
    h.major_version = static_cast<uint8_t>(r.uint("major_version", kMajorVersion, 15));
    h.minor_version = static_cast<uint8_t>(r.uint("minor_version", kMinorVersion, 15));
    if (!r.has("exchange")) raise_config("header.exchange: required (e.g. 'ID_PROT', 'QUICK_MODE')");
    h.exchange = r.named("exchange", kExchange, ExchangeType::none);
    h.flags = static_cast<uint8_t>(r.uint("flags", 0, 255));
    h.message_id = static_cast<uint32_t>(r.uint("message_id", 0, UINT32_MAX));
    return h;
}

std::vector<Payload> payloads_from(py::handle list) {
    if (!PyList_Check(list.ptr()) && !PyTuple_Check(list.ptr())) raise_config("payloads: expected a list of dicts");
    std::vector<Payload> out;
    std::size_t i = 0;
    for (py::handle item : list) out.push_back(payload_from(item, "payloads[" + std::to_string(i++) + "]"));
    return out;
}

const char* kMessageDoc = R"doc(
Message dicts:
  {"header": {"initiator_cookie": bytes(8), "responder_cookie": bytes(8),
              "exchange": "ID_PROT", "flags": 0, "message_id": 0,
              "major_version": 1, "minor_version": 0,
              "next_payload": "SA", "length": 180},      # the last two: parse only
   "payloads": [{"type": "SA", "doi": 1, "situation": 1, "proposals": [
                   {"number": 1, "protocol": "ISAKMP", "spi": b"", "transforms": [
                      {"number": 1, "id": 1, "attributes": [
                          {"type": 1, "value": 7},               # TV (basic)
                          {"type": 12, "value": b"\x00\x00\x70\x80"}]}]}]},  # TLV
                {"type": "NONCE", "data": b"..."},
                {"type": "VENDOR_ID", "data": b"..."}],
   "padding": 0}                                                # parse only
Payload fields by type: KEY_EXCHANGE/HASH/SIGNATURE/NONCE/VENDOR_ID: data;
ID: id_type, protocol, port, data; CERTIFICATE: encoding, data;
CERTIFICATE_REQUEST: cert_type, authority; NOTIFICATION: doi, protocol,
notify_type, spi, data; DELETE: doi, protocol, spis; NAT_D(_DRAFT): hash;
NAT_OA(_DRAFT): id_type, address. Parsed payloads add "raw" (the body octets
RFC 2409 hashes, e.g. SAi_b) and readable extras (text, name, value_name,
id_name, number), which build() ignores.
)doc";

}  // namespace

void init_isakmp(py::module_& m) {
    m.attr("HEADER_SIZE") = kHeaderSize;
    m.attr("FLAG_ENCRYPTION") = kFlagEncryption;
    m.attr("FLAG_COMMIT") = kFlagCommit;
    m.attr("FLAG_AUTH_ONLY") = kFlagAuthOnly;

    m.def("parse",
          [](const py::buffer& datagram, bool allow_trailing_bytes) {
              BufferView v(datagram, false, "datagram");
              HeaderOptions ho;
              ho.allow_trailing_bytes = allow_trailing_bytes;
              auto msg = parse_message(v.bytes(), ho);
              if (!msg.ok()) raise_codec(msg.error());
              return message_dict(*msg);
          },
          py::arg("datagram"), py::kw_only(), py::arg("allow_trailing_bytes") = false,
          (std::string("parse(datagram) -> dict\n\nParse a cleartext ISAKMP message (header checks of RFC 2408 section 5.2,\n"
                       "then the payload chain). Raises IsakmpError (.notify: the notify a peer would\n"
                       "get) for anything malformed, and for an encrypted message (decrypt its body and\n"
                       "use parse_body()).\n") +
           kMessageDoc)
              .c_str());
    m.def("parse_header",
          [](const py::buffer& datagram, bool allow_trailing_bytes) {
              BufferView v(datagram, false, "datagram");
              HeaderOptions ho;
              ho.allow_trailing_bytes = allow_trailing_bytes;
              auto f = frame(v.bytes(), ho);
              if (!f.ok()) raise_codec(f.error());
              return py::make_tuple(header_dict(f->header), to_pybytes(f->body));
          },
          py::arg("datagram"), py::kw_only(), py::arg("allow_trailing_bytes") = false,
          "Check and parse the 28-octet header; returns (header dict, body bytes), the body\n"
          "being still encrypted when header['flags'] & FLAG_ENCRYPTION.");
    m.def("parse_body",
          [](const py::dict& header, const py::buffer& body, bool allow_padding) {
              Header h = header_from(header);
              if (PyDict_Check(header.ptr())) {
                  py::dict hd = py::reinterpret_borrow<py::dict>(header);
                  if (!hd.contains("next_payload")) raise_config("header.next_payload: required to parse a body");
                  h.next_payload = kPayload.in(hd["next_payload"], "header.next_payload");
              }
              BufferView v(body, false, "body");
              ChainOptions co;
              co.allow_padding = allow_padding;
              auto msg = isakmp::parse_body(h, v.bytes(), co);
              if (!msg.ok()) raise_codec(msg.error());
              return message_dict(*msg);
          },
          py::arg("header"), py::arg("body"), py::kw_only(), py::arg("allow_padding") = true,
          "Parse a (decrypted) body given the header dict from parse_header(); cipher padding\n"
          "after the last payload is allowed by default and reported as 'padding'.");
    m.def("build",
          [](const py::dict& message) {
              if (!PyDict_Check(message.ptr())) raise_config("message: expected a dict with 'header' and 'payloads'");
              py::dict d = py::reinterpret_borrow<py::dict>(message);
              for (auto [k, v] : d) {
                  std::string key = py::str(k);
                  if (key != "header" && key != "payloads" && key != "padding") {
                      raise_config(key + ": unknown field (expected header, payloads)");
                  }
              }
              if (!d.contains("header")) raise_config("header: required");
              Header h = header_from(d["header"]);
              std::vector<Payload> ps = d.contains("payloads") ? payloads_from(d["payloads"]) : std::vector<Payload>{};
              if (h.encrypted()) {
                  raise_config("header.flags: build() makes cleartext messages; encrypt a body from "
                               "build_payloads() yourself");
              }
              return to_pybytes(unwrap(generate_message(h, ps)));
          },
          py::arg("message"),
          (std::string("build(message) -> bytes\n\nGenerate a cleartext ISAKMP message; next_payload and length are computed.\n"
                       "Raises ConfigError naming the field for anything that cannot be encoded.\n") +
           kMessageDoc)
              .c_str());
    m.def("build_payloads",
          [](const py::list& payloads) {
              auto ps = payloads_from(payloads);
              auto body = unwrap(generate_chain(ps));
              return py::make_tuple(to_pybytes(body.bytes), kPayload.out(body.first));
          },
          py::arg("payloads"),
          "Generate a payload chain (for a body you encrypt yourself); returns (bytes, first\n"
          "payload type) where the type goes into the header's next_payload.");
    m.def("encode_body",
          [](const py::dict& payload) {
              Payload p = payload_from(payload, "payload");
              return to_pybytes(unwrap(isakmp::encode_body(p.body)));
          },
          py::arg("payload"),
          "The body octets of one payload as it goes on the wire (generic header excluded):\n"
          "what RFC 2409 calls SAi_b / IDii_b for a payload you send.");
    m.def("describe",
          [](const py::buffer& datagram) {
              BufferView v(datagram, false, "datagram");
              auto f = frame(v.bytes());
              if (!f.ok()) raise_codec(f.error());
              if (f->header.encrypted()) return isakmp::describe(f->header);
              auto msg = isakmp::parse_body(f->header, f->body);
              if (!msg.ok()) raise_codec(msg.error());
              return isakmp::describe(*msg);
          },
          py::arg("datagram"),
          "One line for logs: 'ID_PROT mid=0 [ SA V V ]' (header only for encrypted messages).");
}

}  // namespace ikeoff::pybind
