#include "host/ike/auth/pubkey_encryption.hpp"

#include "host/crypto/credential_cache.hpp"
#include "host/crypto/pubkey.hpp"
#include "host/crypto/x509.hpp"
#include "host/ike/keymat_v1.hpp"
#include "host/isakmp/codec.hpp"

namespace ikeoff::ike {

namespace {

using isakmp::NotifyType;
using isakmp::PayloadType;

class PkeAuthenticator final : public Authenticator {
public:
    PkeAuthenticator(config::AuthMethod m, crypto::PrivateKey ours, crypto::PublicKey peer)
        : method_(m), ours_(std::move(ours)), peer_(std::move(peer)) {}

    config::AuthMethod method() const override { return method_; }

    Result<std::vector<isakmp::Payload>> build(ByteView our_hash) override {
        std::vector<isakmp::Payload> out;
        out.emplace_back(isakmp::HashPayload{Bytes(our_hash.begin(), our_hash.end())});
        return out;
    }

    isakmp::CodecStatus verify(const isakmp::Message& m, ByteView expected, const config::Identity&) override {
        const isakmp::HashPayload* h = m.find<isakmp::HashPayload>();
        ISAKMP_ENSURE(h != nullptr, NotifyType::payload_malformed, "no HASH payload");
        ISAKMP_ENSURE(h->data.size() == expected.size() && ct_equal(h->data, expected),
                      NotifyType::authentication_failed, "HASH does not verify");
        return {};
    }

    Result<Bytes> encrypt_for_peer(ByteView plain) override { return peer_.encrypt_pkcs1(plain); }
    Result<SecretBytes> decrypt_from_peer(ByteView ct) override { return ours_.decrypt_pkcs1(ct); }

private:
    config::AuthMethod method_;
    crypto::PrivateKey ours_;
    crypto::PublicKey peer_;
};

// RFC 2409 §5.3 padding: zeros, the last octet counting the ones before it.
Bytes pad(ByteView body, std::size_t bs) {
    Bytes out(body.begin(), body.end());
    const std::size_t n = bs - out.size() % bs;  // 1..bs, never 0
    out.insert(out.end(), n - 1, uint8_t{0});
    out.push_back(static_cast<uint8_t>(n - 1));
    return out;
}

Result<crypto::CbcCipher> revised_cipher(const RevisedCipher& rc, ByteView nonce, ByteView cookie) {
    IKEOFF_ASSIGN(SecretBytes key, revised_pke_key(rc.prf, nonce, cookie, rc.key_len));
    return crypto::CbcCipher::create(rc.alg, key, rc.allow_weak);
}

Result<Bytes> sym_encrypt(crypto::CbcCipher& c, ByteView body) {
    Bytes iv(c.block_size(), 0);
    Bytes p = pad(body, c.block_size());
    auto out = c.encrypt(iv, p);
    secure_zero(p.data(), p.size());
    return out;
}

Result<Bytes> sym_decrypt(crypto::CbcCipher& c, ByteView ct) {
    const std::size_t bs = c.block_size();
    IKEOFF_ENSURE(!ct.empty() && ct.size() % bs == 0, Errc::parse_error, "not a whole number of blocks");
    Bytes iv(bs, 0);
    IKEOFF_ASSIGN(Bytes p, c.decrypt(iv, ct));
    const std::size_t n = std::size_t{p.back()} + 1;
    IKEOFF_ENSURE(n <= bs && n <= p.size(), Errc::parse_error, "bad padding");
    p.resize(p.size() - n);
    return p;
}

const isakmp::OpaquePayload* opaque(const isakmp::Message& m, PayloadType t) {
    const isakmp::Payload* p = m.find(t);
    return p ? p->get<isakmp::OpaquePayload>() : nullptr;
}

}  // namespace

Result<std::unique_ptr<Authenticator>> make_pubkey_encryption_authenticator(const config::Connection& conn,
                                                                            const config::Secrets& secrets,
                                                                            const config::Identity& local) {
    const config::SecretEntry* e = secrets.find_private_key(local, config::SecretType::rsa);
    if (e == nullptr) return Error{Errc::not_found, "no RSA private key for " + local.to_string()};
    std::string pass(e->passphrase.view().begin(), e->passphrase.view().end());
    auto key = crypto::CredentialCache::shared().private_key(e->key_file, pass);
    secure_zero(pass.data(), pass.size());
    if (!key.ok()) return Error{key.error().code, e->key_file + ": " + key.error().message};
    if (conn.remote.cert.empty())
        return Error{Errc::invalid_argument,
                     "authby=" + std::string(config::to_string(conn.auth)) + " needs the peer's certificate (rightcert=)"};
    auto cert = crypto::CredentialCache::shared().certificate(conn.remote.cert);
    if (!cert.ok()) return Error{cert.error().code, conn.remote.cert + ": " + cert.error().message};
    IKEOFF_ASSIGN(crypto::PublicKey peer, cert->public_key());
    if (peer.type() != crypto::KeyType::rsa) return Error{Errc::invalid_argument, conn.remote.cert + ": not an RSA key"};
    return std::unique_ptr<Authenticator>(
        std::make_unique<PkeAuthenticator>(conn.auth, std::move(*key), std::move(peer)));
}

Result<std::vector<isakmp::Payload>> pke_payloads(Authenticator& auth, bool revised, const RevisedCipher& rc,
                                                  ByteView cookie, ByteView nonce, ByteView ke,
                                                  const isakmp::IdPayload& id) {
    IKEOFF_ASSIGN(Bytes id_b, isakmp::encode_body(id));
    std::vector<isakmp::Payload> out;
    IKEOFF_ASSIGN(Bytes enc_nonce, auth.encrypt_for_peer(nonce));
    if (!revised) {
        // §5.2: KE in the clear, ID and nonce each under the peer's key.
        IKEOFF_ASSIGN(Bytes enc_id, auth.encrypt_for_peer(id_b));
        out.emplace_back(isakmp::KePayload{Bytes(ke.begin(), ke.end())});
        out.emplace_back(PayloadType::id, isakmp::OpaquePayload{std::move(enc_id)});
        out.emplace_back(PayloadType::nonce, isakmp::OpaquePayload{std::move(enc_nonce)});
        return out;
    }
    // §5.3: only the nonce under the peer's key; KE and ID under Ke_x.
    IKEOFF_ASSIGN(crypto::CbcCipher c, revised_cipher(rc, nonce, cookie));
    IKEOFF_ASSIGN(Bytes enc_ke, sym_encrypt(c, ke));
    IKEOFF_ASSIGN(Bytes enc_id, sym_encrypt(c, id_b));
    out.emplace_back(PayloadType::nonce, isakmp::OpaquePayload{std::move(enc_nonce)});
    out.emplace_back(PayloadType::ke, isakmp::OpaquePayload{std::move(enc_ke)});
    out.emplace_back(PayloadType::id, isakmp::OpaquePayload{std::move(enc_id)});
    return out;
}

isakmp::CodecResult<PkeOpened> open_pke_payloads(Authenticator& auth, bool revised, const RevisedCipher& rc,
                                                 ByteView cookie, const isakmp::Message& m) {
    // One answer for every failure below: AUTHENTICATION-FAILED, with no
    // hint of which step (RSA padding, symmetric padding, parse) failed.
    const isakmp::CodecError fail{NotifyType::authentication_failed, "cannot decrypt the peer's identity and nonce"};
    const isakmp::OpaquePayload* n = opaque(m, PayloadType::nonce);
    const isakmp::OpaquePayload* i = opaque(m, PayloadType::id);
    if (!n || !i) return fail;
    auto nonce = auth.decrypt_from_peer(n->data);
    if (!nonce.ok() || nonce->size() < 8 || nonce->size() > 256) return fail;
    PkeOpened out;
    out.nonce.assign(nonce->view().begin(), nonce->view().end());
    Result<Bytes> id_b = Error{Errc::parse_error, ""};
    if (!revised) {
        const isakmp::KePayload* ke = m.find<isakmp::KePayload>();
        if (!ke) return fail;
        out.ke = ke->data;
        auto plain = auth.decrypt_from_peer(i->data);
        if (!plain.ok()) return fail;
        id_b = Bytes(plain->view().begin(), plain->view().end());
    } else {
        const isakmp::OpaquePayload* k = opaque(m, PayloadType::ke);
        if (!k) return fail;
        auto c = revised_cipher(rc, out.nonce, cookie);
        if (!c.ok()) return fail;
        auto ke = sym_decrypt(*c, k->data);
        if (!ke.ok()) return fail;
        out.ke = std::move(*ke);
        id_b = sym_decrypt(*c, i->data);
    }
    if (!id_b.ok()) return fail;
    auto id = isakmp::parse_payload_body(PayloadType::id, *id_b);
    if (!id.ok()) return fail;
    out.id = std::get<isakmp::IdPayload>(*id);
    out.id_b = std::move(*id_b);
    return out;
}

}  // namespace ikeoff::ike
