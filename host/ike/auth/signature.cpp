// RSA and DSS signature authentication (RFC 2409 §5.1) with X.509
// certificates (RFC 2408 §3.9/§3.10 CERT and CR payloads).
//
//   SIG_I / SIG_R: HASH_I / HASH_R signed with our private key, carried as
//   is in the SIG payload (crypto/pubkey.hpp has the exact encodings).
//
// The peer's certificate comes from its CERT payload (X.509 signature,
// encoding 4) and must chain to one of our `ca` sections, or is the one
// configured as rightcert=. It must name the identity of the peer's ID
// payload (subject DN, or a subjectAltName for addresses and names).
// We ask for certificates with one CR per trusted CA (strongSwan's default
// is to send its certificate only when asked), and send ours unless
// leftsendcert=never.
#include "host/common/log.hpp"
#include "host/crypto/credential_cache.hpp"
#include "host/crypto/pubkey.hpp"
#include "host/crypto/x509.hpp"
#include "host/ike/auth/authenticator.hpp"

namespace ikeoff::ike {

namespace {

using isakmp::NotifyType;

class SignatureAuthenticator final : public Authenticator {
public:
    SignatureAuthenticator(config::AuthMethod m, crypto::PrivateKey key, std::optional<crypto::Certificate> cert,
                           crypto::CertStore store, std::vector<crypto::Certificate> cas,
                           std::optional<crypto::Certificate> peer_cert, bool send_cert)
        : method_(m),
          key_(std::move(key)),
          cert_(std::move(cert)),
          store_(std::move(store)),
          cas_(std::move(cas)),
          peer_cert_(std::move(peer_cert)),
          send_cert_(send_cert) {}

    config::AuthMethod method() const override { return method_; }

    std::vector<isakmp::Payload> cert_requests() const override {
        std::vector<isakmp::Payload> out;
        for (const crypto::Certificate& ca : cas_) {
            auto dn = ca.subject_der();
            if (!dn.ok()) continue;
            out.emplace_back(isakmp::CertRequestPayload{isakmp::CertEncoding::x509_signature, std::move(*dn)});
        }
        // RFC 2408 §3.10: an empty authority asks for any certificate.
        if (out.empty()) out.emplace_back(isakmp::CertRequestPayload{isakmp::CertEncoding::x509_signature, {}});
        return out;
    }

    Result<std::vector<isakmp::Payload>> build(ByteView our_hash) override {
        std::vector<isakmp::Payload> out;
        if (cert_ && send_cert_) {
            IKEOFF_ASSIGN(Bytes der, cert_->der());
            out.emplace_back(isakmp::CertPayload{isakmp::CertEncoding::x509_signature, std::move(der)});
        }
        IKEOFF_ASSIGN(Bytes sig, key_.sign_ike(our_hash));
        out.emplace_back(isakmp::SigPayload{std::move(sig)});
        return out;
    }

    isakmp::CodecStatus verify(const isakmp::Message& m, ByteView expected, const config::Identity& peer_id) override {
        const isakmp::SigPayload* sig = m.find<isakmp::SigPayload>();
        ISAKMP_ENSURE(sig != nullptr, NotifyType::payload_malformed, "no SIG payload");
        std::vector<crypto::Certificate> received;
        for (const isakmp::CertPayload* c : m.all<isakmp::CertPayload>()) {
            ISAKMP_ENSURE(c->encoding == isakmp::CertEncoding::x509_signature, NotifyType::cert_type_unsupported,
                          "certificate encoding " + isakmp::to_string(c->encoding) + " is not supported");
            auto cert = crypto::Certificate::from_der(c->data);
            ISAKMP_ENSURE(cert.ok(), NotifyType::invalid_certificate,
                          cert.ok() ? std::string() : cert.error().message);
            received.push_back(std::move(*cert));
        }
        const crypto::Certificate* leaf = nullptr;
        if (!received.empty()) {
            leaf = &received.front();
            std::span<const crypto::Certificate> chain(received.data() + 1, received.size() - 1);
            auto st = store_.verify(*leaf, chain);
            ISAKMP_ENSURE(st.ok(), NotifyType::invalid_certificate,
                          "peer certificate " + leaf->subject_string() + ": " + (st.ok() ? "" : st.error().message));
        } else {
            ISAKMP_ENSURE(peer_cert_.has_value(), NotifyType::certificate_unavailable,
                          "the peer sent no certificate and none is configured (rightcert=)");
            leaf = &*peer_cert_;
        }
        if (peer_cert_ && !received.empty()) {
            // rightcert= pins the peer to exactly that certificate's key.
            auto a = leaf->public_key();
            auto b = peer_cert_->public_key();
            ISAKMP_ENSURE(a.ok() && b.ok() && a->equals(*b), NotifyType::invalid_certificate,
                          "peer certificate is not the configured rightcert");
        }
        ISAKMP_ENSURE(leaf->matches_id(peer_id.wire_type(), peer_id.data()), NotifyType::invalid_id_information,
                      "certificate " + leaf->subject_string() + " does not name " + peer_id.to_string());
        auto pub = leaf->public_key();
        ISAKMP_ENSURE(pub.ok(), NotifyType::invalid_certificate, "certificate without a usable public key");
        const crypto::KeyType want =
            method_ == config::AuthMethod::dss_sig ? crypto::KeyType::dsa : crypto::KeyType::rsa;
        ISAKMP_ENSURE(pub->type() == want, NotifyType::invalid_certificate,
                      std::string("certificate key is ") + std::string(crypto::key_type_name(pub->type())) +
                          ", the method needs " + std::string(crypto::key_type_name(want)));
        ISAKMP_ENSURE(pub->verify_ike(expected, sig->data), NotifyType::invalid_signature,
                      "signature does not verify");
        return {};
    }

private:
    config::AuthMethod method_;
    crypto::PrivateKey key_;
    std::optional<crypto::Certificate> cert_;
    crypto::CertStore store_;
    std::vector<crypto::Certificate> cas_;
    std::optional<crypto::Certificate> peer_cert_;
    bool send_cert_;
};

}  // namespace

Result<std::unique_ptr<Authenticator>> make_signature_authenticator(const config::Connection& conn,
                                                                    const config::Config& config,
                                                                    const config::Secrets& secrets,
                                                                    const config::Identity& local) {
    const bool dss = conn.auth == config::AuthMethod::dss_sig;
    const config::SecretType type = dss ? config::SecretType::dsa : config::SecretType::rsa;
    const config::SecretEntry* e = secrets.find_private_key(local, type);
    if (e == nullptr)
        return Error{Errc::not_found,
                     std::string("no ") + (dss ? "DSA" : "RSA") + " private key for " + local.to_string()};
    std::string pass(e->passphrase.view().begin(), e->passphrase.view().end());
    auto key = crypto::CredentialCache::shared().private_key(e->key_file, pass);
    secure_zero(pass.data(), pass.size());
    if (!key.ok()) return Error{key.error().code, e->key_file + ": " + key.error().message};

    std::optional<crypto::Certificate> cert;
    if (!conn.local.cert.empty()) {
        auto c = crypto::CredentialCache::shared().certificate(conn.local.cert);
        if (!c.ok()) return Error{c.error().code, conn.local.cert + ": " + c.error().message};
        cert.emplace(std::move(*c));
    }
    std::optional<crypto::Certificate> peer;
    if (!conn.remote.cert.empty()) {
        auto c = crypto::CredentialCache::shared().certificate(conn.remote.cert);
        if (!c.ok()) return Error{c.error().code, conn.remote.cert + ": " + c.error().message};
        peer.emplace(std::move(*c));
    }
    IKEOFF_ASSIGN(crypto::CertStore store, crypto::CertStore::create());
    std::vector<crypto::Certificate> cas;
    for (const config::CaConfig& ca : config.cas) {
        auto c = crypto::CredentialCache::shared().certificate(ca.cacert);
        if (!c.ok()) return Error{c.error().code, ca.cacert + ": " + c.error().message};
        IKEOFF_TRY(store.add_trusted(*c));
        cas.push_back(std::move(*c));
    }
    return std::unique_ptr<Authenticator>(std::make_unique<SignatureAuthenticator>(
        conn.auth, std::move(*key), std::move(cert), std::move(store), std::move(cas), std::move(peer),
        conn.local.sendcert != config::SendCert::never));
}

}  // namespace ikeoff::ike
