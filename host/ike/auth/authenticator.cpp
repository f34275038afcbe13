#include "host/ike/auth/authenticator.hpp"

#include "host/ike/auth/pubkey_encryption.hpp"

namespace ikeoff::ike {

Result<std::unique_ptr<Authenticator>> create_authenticator(const config::Connection& conn,
                                                            const config::Config& config,
                                                            const config::Secrets& secrets,
                                                            const config::Identity& local,
                                                            const config::Identity& remote) {
    switch (conn.auth) {
        case config::AuthMethod::psk: {
            const config::SecretEntry* e = secrets.find_psk(local, remote);
            if (e == nullptr) {
                return Error{Errc::not_found,
                             "no pre-shared key for " + local.to_string() + " - " + remote.to_string()};
            }
            return make_psk_authenticator(e->psk.clone());
        }
        case config::AuthMethod::rsa_sig:
        case config::AuthMethod::dss_sig:
            return make_signature_authenticator(conn, config, secrets, local);
        case config::AuthMethod::rsa_enc:
        case config::AuthMethod::rsa_enc_revised:
            return make_pubkey_encryption_authenticator(conn, secrets, local);
    }
    return Error{Errc::unsupported,
                 "authby=" + std::string(config::to_string(conn.auth)) + " is not a known authentication method"};
}

}  // namespace ikeoff::ike
