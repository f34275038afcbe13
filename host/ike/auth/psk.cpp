// Pre-shared key authentication (RFC 2409 §5.4): the proof is HASH_I /
// HASH_R itself, carried in a HASH payload; SKEYID already depends on the
// key, so a wrong key shows up as a HASH that does not match.
#include "host/ike/auth/authenticator.hpp"

namespace ikeoff::ike {

namespace {

class PskAuthenticator final : public Authenticator {
public:
    explicit PskAuthenticator(SecretBytes psk) : psk_(std::move(psk)) {}

    config::AuthMethod method() const override { return config::AuthMethod::psk; }
    ByteView pre_shared_key() const override { return psk_; }

    Result<std::vector<isakmp::Payload>> build(ByteView our_hash) override {
        std::vector<isakmp::Payload> out;
        out.emplace_back(isakmp::HashPayload{Bytes(our_hash.begin(), our_hash.end())});
        return out;
    }

    isakmp::CodecStatus verify(const isakmp::Message& m, ByteView expected, const config::Identity&) override {
        const isakmp::HashPayload* h = m.find<isakmp::HashPayload>();
        ISAKMP_ENSURE(h != nullptr, isakmp::NotifyType::payload_malformed, "no HASH payload");
        ISAKMP_ENSURE(h->data.size() == expected.size(), isakmp::NotifyType::invalid_hash_information,
                      "HASH of " + std::to_string(h->data.size()) + " bytes, expected " +
                          std::to_string(expected.size()));
        // Constant time: the comparison must not tell a forger how many
        // leading bytes were right.
        ISAKMP_ENSURE(ct_equal(h->data, expected), isakmp::NotifyType::authentication_failed,
                      "HASH does not verify (wrong pre-shared key?)");
        return {};
    }

private:
    SecretBytes psk_;
};

}  // namespace

std::unique_ptr<Authenticator> make_psk_authenticator(SecretBytes psk) {
    return std::make_unique<PskAuthenticator>(std::move(psk));
}

}  // namespace ikeoff::ike
