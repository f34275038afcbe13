#include "pki.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace ikeoff::ike::test {

namespace {

bool run(const std::string& cmd, std::string& error) {
    std::string full = cmd + " >/dev/null 2>&1";
    if (std::system(full.c_str()) != 0) {
        error = "command failed: " + cmd;
        return false;
    }
    return true;
}

bool make_ca(const std::string& dir, const std::string& name, std::string& error) {
    return run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/" + name + ".key -out " + dir + "/" +
                   name + ".pem -days 3 -subj '/O=ikeoffload exchange tests/CN=" + name +
                   "' -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
               error);
}

// A host key of `keyspec` ("rsa:2048" or "dsa:<paramfile>") certified by CA `ca`.
bool make_host(const std::string& dir, const std::string& name, const std::string& keyspec, const std::string& ip,
               const std::string& ca, std::string& error) {
    const std::string base = dir + "/" + name;
    std::ofstream(base + ".ext") << "subjectAltName=IP:" << ip
                                 << "\nkeyUsage=critical,digitalSignature,keyEncipherment\n";
    return run("openssl req -newkey " + keyspec + " -nodes -keyout " + base + ".key -out " + base + ".csr -subj '/O=ikeoffload exchange tests/CN=" + name + "'", error) &&
           run("openssl x509 -req -in " + base + ".csr -CA " + dir + "/" + ca + ".pem -CAkey " + dir + "/" + ca +
                   ".key -CAcreateserial -out " + base + ".pem -days 3 -extfile " + base + ".ext",
               error);
}

// Makes the files in a private directory and renames it into place, so
// test processes that CTest runs in parallel never see half-made files:
// the first rename wins, the others use its result.
Pki build() {
    Pki p;
    p.dir = std::string(IKEOFF_BINARY_DIR) + "/exchange-pki";
    if (!std::filesystem::exists(p.dir + "/b-dsa.pem")) {
        const std::string tmp = p.dir + ".tmp." + std::to_string(::getpid());
        std::filesystem::remove_all(tmp);
        std::filesystem::create_directories(tmp);
        auto f = [&tmp](const std::string& n) { return tmp + "/" + n; };
        bool ok = make_ca(tmp, "ca", p.error) && make_ca(tmp, "other-ca", p.error) &&
                  make_host(tmp, "a", "rsa:2048", "10.0.0.1", "ca", p.error) &&
                  make_host(tmp, "b", "rsa:2048", "10.0.0.2", "ca", p.error) &&
                  make_host(tmp, "b-untrusted", "rsa:2048", "10.0.0.2", "other-ca", p.error) &&
                  make_host(tmp, "b-wrong-id", "rsa:2048", "10.0.0.99", "ca", p.error) &&
                  run("openssl genpkey -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:1024 "
                      "-pkeyopt dsa_paramgen_q_bits:160 -out " + f("dsa.param"), p.error) &&
                  make_host(tmp, "a-dsa", "dsa:" + f("dsa.param"), "10.0.0.1", "ca", p.error) &&
                  make_host(tmp, "b-dsa", "dsa:" + f("dsa.param"), "10.0.0.2", "ca", p.error);
        if (!ok) {
            std::filesystem::remove_all(tmp);
            return p;
        }
        // Renaming onto an existing directory fails: another process was first.
        std::error_code ec;
        std::filesystem::rename(tmp, p.dir, ec);
        if (ec) std::filesystem::remove_all(tmp);
    }
    auto f = [&p](const std::string& n) { return p.dir + "/" + n; };
    p.ca = f("ca.pem");
    p.other_ca = f("other-ca.pem");
    p.a_cert = f("a.pem");
    p.a_key = f("a.key");
    p.b_cert = f("b.pem");
    p.b_key = f("b.key");
    p.a_dsa_cert = f("a-dsa.pem");
    p.a_dsa_key = f("a-dsa.key");
    p.b_dsa_cert = f("b-dsa.pem");
    p.b_dsa_key = f("b-dsa.key");
    p.b_untrusted_cert = f("b-untrusted.pem");
    p.b_untrusted_key = f("b-untrusted.key");
    p.b_wrong_id_cert = f("b-wrong-id.pem");
    p.b_wrong_id_key = f("b-wrong-id.key");
    p.ok = std::filesystem::exists(p.b_dsa_cert);
    if (!p.ok) p.error = "test PKI directory " + p.dir + " is incomplete";
    return p;
}

}  // namespace

const Pki& test_pki() {
    static const Pki pki = build();
    return pki;
}

}  // namespace ikeoff::ike::test
