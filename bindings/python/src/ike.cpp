// ikeoffload.ike: the RFC 2409 key derivation functions over bytes, one
// Python function per C++ formula of host/ike/keymat_v1.hpp (nothing is
// recomputed here, so the Python results are the daemon's results).
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "bindings/python/src/convert.hpp"
#include "bindings/python/src/errors.hpp"
#include "host/ike/keymat_v1.hpp"

namespace ikeoff::pybind {

namespace {

using crypto::HashAlg;

py::handle g_children_type;  // SkeyidChildren namedtuple, owned by the submodule

HashAlg hash_arg(const std::string& name, const char* what) {
    for (HashAlg a : {HashAlg::md5, HashAlg::sha1, HashAlg::sha256, HashAlg::sha384, HashAlg::sha512}) {
        if (crypto::hash_name(a) == name) return a;
    }
    raise_config(std::string(what) + ": unknown hash '" + name + "' (expected md5, sha1, sha256, sha384, sha512)");
}

ike::Protocol protocol_arg(py::handle v) {
    if (PyLong_Check(v.ptr()) && !PyBool_Check(v.ptr())) {
        long x = PyLong_AsLong(v.ptr());
        if (x >= 1 && x <= 4) return static_cast<ike::Protocol>(x);
        PyErr_Clear();
        raise_config("protocol: RFC 2407 protocol ids are 1 (isakmp), 2 (ah), 3 (esp), 4 (ipcomp)");
    }
    std::string s = py::str(v);
    if (s == "isakmp") return ike::Protocol::isakmp;
    if (s == "ah") return ike::Protocol::ah;
    if (s == "esp") return ike::Protocol::esp;
    if (s == "ipcomp") return ike::Protocol::ipcomp;
    raise_config("protocol: expected 'esp', 'ah', 'ipcomp', 'isakmp' or 1..4, got '" + s + "'");
}

// Holds the buffers of the arguments for the duration of one call.
struct In {
    BufferView v;
    In(py::handle h, const char* what) : v(h, false, what) {}
    operator ByteView() const { return v.bytes(); }  // NOLINT: argument adapter
};

py::bytes secret_out(Result<SecretBytes>&& r) { return to_pybytes(unwrap(std::move(r)).view()); }
py::bytes bytes_out(Result<Bytes>&& r) { return to_pybytes(unwrap(std::move(r))); }

ike::SkeyidChildren children(const std::string& prf, const py::buffer& skeyid, const py::buffer& gxy,
                             const py::buffer& cky_i, const py::buffer& cky_r) {
    return unwrap(ike::derive_skeyid_children(hash_arg(prf, "prf"), In(skeyid, "skeyid"), In(gxy, "gxy"),
                                              In(cky_i, "cky_i"), In(cky_r, "cky_r")));
}

}  // namespace

void init_ike(py::module_& m) {
    py::tuple hashes = py::make_tuple("md5", "sha1", "sha256", "sha384", "sha512");
    m.attr("HASHES") = hashes;
    py::object nt = py::module_::import("collections").attr("namedtuple");
    py::object children_type = nt("SkeyidChildren", py::make_tuple("d", "a", "e"), py::arg("module") = "ikeoffload.ike");
    children_type.attr("__doc__") = "SKEYID_d, SKEYID_a and SKEYID_e of one ISAKMP SA (RFC 2409 section 5).";
    m.attr("SkeyidChildren") = children_type;
    g_children_type = m.attr("SkeyidChildren");

    m.def("skeyid_psk",
          [](const std::string& prf, const py::buffer& psk, const py::buffer& ni_b, const py::buffer& nr_b) {
              return secret_out(ike::skeyid_pre_shared_key(hash_arg(prf, "prf"), In(psk, "psk"), In(ni_b, "ni_b"),
                                                           In(nr_b, "nr_b")));
          },
          py::arg("prf"), py::arg("psk"), py::arg("ni_b"), py::arg("nr_b"),
          "RFC 2409 section 5, pre-shared keys: SKEYID = prf(pre-shared-key, Ni_b | Nr_b).\n"
          "prf names the hash of the HMAC: 'md5', 'sha1', 'sha256', 'sha384', 'sha512'.");
    m.def("skeyid_signature",
          [](const std::string& prf, const py::buffer& ni_b, const py::buffer& nr_b, const py::buffer& gxy) {
              return secret_out(ike::skeyid_signature(hash_arg(prf, "prf"), In(ni_b, "ni_b"), In(nr_b, "nr_b"),
                                                      In(gxy, "gxy")));
          },
          py::arg("prf"), py::arg("ni_b"), py::arg("nr_b"), py::arg("gxy"),
          "RFC 2409 section 5, signatures: SKEYID = prf(Ni_b | Nr_b, g^xy).");
    m.def("skeyid_pubkey_encryption",
          [](const std::string& prf, const py::buffer& ni_b, const py::buffer& nr_b, const py::buffer& cky_i, const py::buffer& cky_r,
             std::optional<std::string> hash) {
              HashAlg p = hash_arg(prf, "prf");
              return secret_out(ike::skeyid_public_key_encryption(p, hash ? hash_arg(*hash, "hash") : p,
                                                                  In(ni_b, "ni_b"), In(nr_b, "nr_b"),
                                                                  In(cky_i, "cky_i"), In(cky_r, "cky_r")));
          },
          py::arg("prf"), py::arg("ni_b"), py::arg("nr_b"), py::arg("cky_i"), py::arg("cky_r"),
          py::arg("hash") = py::none(),
          "RFC 2409 section 5, public key encryption: SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R).\n"
          "`hash` defaults to the prf's hash.");
    m.def("skeyid_children",
          [](const std::string& prf, const py::buffer& skeyid, const py::buffer& gxy, const py::buffer& cky_i, const py::buffer& cky_r) {
              auto c = children(prf, skeyid, gxy, cky_i, cky_r);
              return g_children_type(to_pybytes(c.d.view()), to_pybytes(c.a.view()), to_pybytes(c.e.view()));
          },
          py::arg("prf"), py::arg("skeyid"), py::arg("gxy"), py::arg("cky_i"), py::arg("cky_r"),
          "SKEYID_d, SKEYID_a, SKEYID_e as a SkeyidChildren(d, a, e) named tuple:\n"
          "  SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)\n"
          "  SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)\n"
          "  SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)");
    m.def("skeyid_d",
          [](const std::string& prf, const py::buffer& skeyid, const py::buffer& gxy, const py::buffer& cky_i, const py::buffer& cky_r) {
              return to_pybytes(children(prf, skeyid, gxy, cky_i, cky_r).d.view());
          },
          py::arg("prf"), py::arg("skeyid"), py::arg("gxy"), py::arg("cky_i"), py::arg("cky_r"),
          "SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)");
    m.def("skeyid_a",
          [](const std::string& prf, const py::buffer& skeyid, const py::buffer& gxy, const py::buffer& cky_i, const py::buffer& cky_r) {
              return to_pybytes(children(prf, skeyid, gxy, cky_i, cky_r).a.view());
          },
          py::arg("prf"), py::arg("skeyid"), py::arg("gxy"), py::arg("cky_i"), py::arg("cky_r"),
          "SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1) (SKEYID_d derived on the way)");
    m.def("skeyid_e",
          [](const std::string& prf, const py::buffer& skeyid, const py::buffer& gxy, const py::buffer& cky_i, const py::buffer& cky_r) {
              return to_pybytes(children(prf, skeyid, gxy, cky_i, cky_r).e.view());
          },
          py::arg("prf"), py::arg("skeyid"), py::arg("gxy"), py::arg("cky_i"), py::arg("cky_r"),
          "SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2) (SKEYID_d, _a derived on the way)");
    m.def("encryption_key",
          [](const std::string& prf, const py::buffer& skeyid_e, std::size_t key_len) {
              return secret_out(ike::phase1_encryption_key(hash_arg(prf, "prf"), In(skeyid_e, "skeyid_e"), key_len));
          },
          py::arg("prf"), py::arg("skeyid_e"), py::arg("key_len"),
          "RFC 2409 Appendix B: the phase-1 cipher key Ka of key_len bytes from SKEYID_e\n"
          "(its prefix, or K1 | K2 | ... with K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1)).");
    m.def("keymat",
          [](const std::string& prf, const py::buffer& skeyid_d, py::object protocol, uint32_t spi, const py::buffer& ni_b,
             const py::buffer& nr_b, std::size_t length, std::optional<py::buffer> gxy_qm) {
              std::optional<In> pfs;
              if (gxy_qm) pfs.emplace(*gxy_qm, "gxy_qm");
              std::optional<ByteView> g;
              if (pfs) g = static_cast<ByteView>(*pfs);
              return secret_out(ike::keymat(hash_arg(prf, "prf"), In(skeyid_d, "skeyid_d"), g, protocol_arg(protocol),
                                            spi, In(ni_b, "ni_b"), In(nr_b, "nr_b"), length));
          },
          py::arg("prf"), py::arg("skeyid_d"), py::arg("protocol"), py::arg("spi"), py::arg("ni_b"),
          py::arg("nr_b"), py::arg("length"), py::arg("gxy_qm") = py::none(),
          "RFC 2409 section 5.5: KEYMAT for one SA, `length` bytes:\n"
          "  K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b), Kn = prf(SKEYID_d, Kn-1 | ...)\n"
          "protocol: 'esp', 'ah', 'ipcomp' (or the RFC 2407 number); spi: the SA's SPI (the one its\n"
          "receiver chose); gxy_qm: the Quick Mode shared secret with PFS. The cipher key (with a\n"
          "GCM salt) comes first, then the integrity key: pass the slices to Engine.add_sa().");
    m.def("hash_i",
          [](const std::string& prf, const py::buffer& skeyid, const py::buffer& gxi, const py::buffer& gxr, const py::buffer& cky_i,
             const py::buffer& cky_r, const py::buffer& sai_b, const py::buffer& idii_b) {
              return bytes_out(ike::hash_i(hash_arg(prf, "prf"), In(skeyid, "skeyid"), In(gxi, "gxi"), In(gxr, "gxr"),
                                           In(cky_i, "cky_i"), In(cky_r, "cky_r"), In(sai_b, "sai_b"),
                                           In(idii_b, "idii_b")));
          },
          py::arg("prf"), py::arg("skeyid"), py::arg("gxi"), py::arg("gxr"), py::arg("cky_i"), py::arg("cky_r"),
          py::arg("sai_b"), py::arg("idii_b"),
          "RFC 2409 section 5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)");
    m.def("hash_r",
          [](const std::string& prf, const py::buffer& skeyid, const py::buffer& gxi, const py::buffer& gxr, const py::buffer& cky_i,
             const py::buffer& cky_r, const py::buffer& sai_b, const py::buffer& idir_b) {
              return bytes_out(ike::hash_r(hash_arg(prf, "prf"), In(skeyid, "skeyid"), In(gxi, "gxi"), In(gxr, "gxr"),
                                           In(cky_i, "cky_i"), In(cky_r, "cky_r"), In(sai_b, "sai_b"),
                                           In(idir_b, "idir_b")));
          },
          py::arg("prf"), py::arg("skeyid"), py::arg("gxi"), py::arg("gxr"), py::arg("cky_i"), py::arg("cky_r"),
          py::arg("sai_b"), py::arg("idir_b"),
          "RFC 2409 section 5: HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)\n"
          "(arguments named as for hash_i; the reordering is done here).");
    m.def("qm_hash1",
          [](const std::string& prf, const py::buffer& skeyid_a, uint32_t mid, const py::buffer& rest) {
              return bytes_out(ike::qm_hash1(hash_arg(prf, "prf"), In(skeyid_a, "skeyid_a"), mid, In(rest, "rest")));
          },
          py::arg("prf"), py::arg("skeyid_a"), py::arg("message_id"), py::arg("rest"),
          "RFC 2409 section 5.5: HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [| KE] [| IDci | IDcr]);\n"
          "`rest` is the message after the HASH payload, payload headers included.");
    m.def("qm_hash2",
          [](const std::string& prf, const py::buffer& skeyid_a, uint32_t mid, const py::buffer& ni_b, const py::buffer& rest) {
              return bytes_out(ike::qm_hash2(hash_arg(prf, "prf"), In(skeyid_a, "skeyid_a"), mid, In(ni_b, "ni_b"),
                                             In(rest, "rest")));
          },
          py::arg("prf"), py::arg("skeyid_a"), py::arg("message_id"), py::arg("ni_b"), py::arg("rest"),
          "RFC 2409 section 5.5: HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [| KE] [| IDci | IDcr]).");
    m.def("qm_hash3",
          [](const std::string& prf, const py::buffer& skeyid_a, uint32_t mid, const py::buffer& ni_b, const py::buffer& nr_b) {
              return bytes_out(ike::qm_hash3(hash_arg(prf, "prf"), In(skeyid_a, "skeyid_a"), mid, In(ni_b, "ni_b"),
                                             In(nr_b, "nr_b")));
          },
          py::arg("prf"), py::arg("skeyid_a"), py::arg("message_id"), py::arg("ni_b"), py::arg("nr_b"),
          "RFC 2409 section 5.5: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b).");
}

}  // namespace ikeoff::pybind
