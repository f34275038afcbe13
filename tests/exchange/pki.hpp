// A throw-away PKI made with the openssl command line, once per test run:
// a CA, and RSA and DSA host keys/certificates for the two test peers
// (subjectAltName IP: their addresses). Files live in the build tree.
#pragma once

#include <string>

namespace ikeoff::ike::test {

struct Pki {
    std::string dir;
    std::string ca;          // CA certificate (PEM)
    std::string other_ca;    // an unrelated CA nobody trusts
    std::string a_cert, a_key, b_cert, b_key;            // RSA, SAN = the peer's address
    std::string a_dsa_cert, a_dsa_key, b_dsa_cert, b_dsa_key;
    std::string b_untrusted_cert, b_untrusted_key;       // issued by other_ca
    std::string b_wrong_id_cert, b_wrong_id_key;         // SAN names another address
    bool ok = false;
    std::string error;
};

// Made on first use; later calls return the same files.
const Pki& test_pki();

}  // namespace ikeoff::ike::test
