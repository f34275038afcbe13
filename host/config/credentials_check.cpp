#include "host/config/credentials_check.hpp"
#include <algorithm>

namespace ikeoff::config {

const SecretEntry* find_connection_psk(const Connection& conn, const Secrets& secrets, const Identity& local,
                                       const Identity& remote) {
    if (const SecretEntry* e = secrets.find_psk(local, remote)) return e;
    Identity la = conn.local.host_kind == HostKind::address ? Identity::from_address(conn.local.address) : local;
    Identity ra = conn.remote.host_kind == HostKind::address ? Identity::from_address(conn.remote.address) : remote;
    return secrets.find_psk(la, ra);
}

Status check_credentials(const Config& cfg, const Secrets& secrets) {
    std::string problems;
    auto add = [&](const Connection& c, const std::string& msg) {
        if (!problems.empty()) problems += '\n';
        problems += c.where.to_string() + ": conn '" + c.name + "': " + msg;
    };
    for (const auto& c : cfg.connections) {
        switch (c.auth) {
            case AuthMethod::psk:
                if (find_connection_psk(c, secrets, c.local.id, c.remote.id) == nullptr) {
                    add(c, "authby=secret but the secrets have no PSK for " + c.local.id.to_string() + " <-> " +
                               c.remote.id.to_string());
                }
                break;
            case AuthMethod::rsa_sig:
            case AuthMethod::rsa_enc:
            case AuthMethod::rsa_enc_revised:
                // Any RSA key may belong to leftcert; the IKE side matches them by public key.
                if (std::none_of(secrets.entries().begin(), secrets.entries().end(),
                                 [](const SecretEntry& e) { return e.type == SecretType::rsa; })) {
                    add(c, "authby=" + std::string(to_string(c.auth)) + " but the secrets have no RSA private key");
                }
                break;
            case AuthMethod::dss_sig:
                if (std::none_of(secrets.entries().begin(), secrets.entries().end(),
                                 [](const SecretEntry& e) { return e.type == SecretType::dsa; })) {
                    add(c, "authby=dsssig but the secrets have no DSA private key");
                }
                break;
        }
    }
    if (!problems.empty()) return Error{Errc::not_found, problems};
    return {};
}

}  // namespace ikeoff::config
