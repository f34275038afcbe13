#include "host/crypto/dh.hpp"

#include <array>
#include <bit>
#include <string>

#include <openssl/core_names.h>
#include <openssl/dh.h>

#include "host/crypto/modp_primes.hpp"

namespace ikeoff::crypto {

struct DhGroup::Data {
    uint16_t id = 0;
    DhKind kind = DhKind::modp;
    std::string name;
    std::size_t bits = 0;
    std::size_t field_bytes = 0;   // bytes of p (MODP) or of a coordinate (ECP)
    int priv_bits = 0;             // MODP private exponent length
    Bytes prime, generator;        // MODP
    const char* curve = nullptr;   // ECP: OpenSSL group name
    OsslPtr<BIGNUM> p, g, p_minus_1;  // MODP: p, g; ECP: p in `p`
    OsslPtr<EC_GROUP> ec_group;    // ECP
    OsslPtr<EVP_PKEY> params;      // domain-parameter template for keygen
};

namespace {

using Data = DhGroup::Data;

constexpr std::array<uint16_t, 11> kSupported{1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21};

struct ModpDef {
    uint16_t id;
    const char* prime_hex;
};
constexpr std::array<ModpDef, 8> kModp{{
    {1, modp::kModp1Prime}, {2, modp::kModp2Prime}, {5, modp::kModp5Prime}, {14, modp::kModp14Prime},
    {15, modp::kModp15Prime}, {16, modp::kModp16Prime}, {17, modp::kModp17Prime}, {18, modp::kModp18Prime},
}};

struct EcpDef {
    uint16_t id;
    const char* curve;  // RFC 5903 §3: NIST P-256, P-384, P-521
    std::size_t bits;
};
// OpenSSL's names for NIST P-256, P-384 and P-521.
constexpr std::array<EcpDef, 3> kEcp{{{19, "prime256v1", 256}, {20, "secp384r1", 384}, {21, "secp521r1", 521}}};

// Private exponent length: twice the group's security strength (NIST SP
// 800-56A; RFC 3526 §8 gives the same order of magnitude). A full-length
// exponent would make every key generation several times slower for no
// gain: with a safe prime the strength is bounded by the modulus anyway.
int modp_private_bits(std::size_t prime_bits) {
    if (prime_bits <= 1024) return 160;
    if (prime_bits <= 1536) return 192;
    if (prime_bits <= 2048) return 224;
    if (prime_bits <= 3072) return 256;
    if (prime_bits <= 4096) return 304;
    if (prime_bits <= 6144) return 352;
    return 400;
}

Result<OsslPtr<BIGNUM>> bn_from(ByteView be) {
    auto bn = own(BN_bin2bn(be.data(), static_cast<int>(be.size()), nullptr));
    IKEOFF_OSSL_NOTNULL(bn, "BN_bin2bn");
    return bn;
}

Result<Bytes> bn_to_padded(const BIGNUM* bn, std::size_t len) {
    Bytes out(len);
    IKEOFF_ENSURE(BN_bn2binpad(bn, out.data(), static_cast<int>(len)) == static_cast<int>(len), Errc::internal,
                  "big number does not fit the group size");
    return out;
}

// Fills p, g, p-1 and the EVP domain-parameter template of a MODP group.
Status finish_modp(Data& d) {
    IKEOFF_ASSIGN(d.p, bn_from(d.prime));
    IKEOFF_ASSIGN(d.g, bn_from(d.generator));
    d.p_minus_1 = own(BN_dup(d.p.get()));
    IKEOFF_OSSL_NOTNULL(d.p_minus_1, "BN_dup");
    IKEOFF_OSSL(BN_sub_word(d.p_minus_1.get(), 1), "BN_sub_word");
    d.bits = static_cast<std::size_t>(BN_num_bits(d.p.get()));
    d.field_bytes = d.prime.size();
    d.priv_bits = modp_private_bits(d.bits);

    auto bld = own(OSSL_PARAM_BLD_new());
    IKEOFF_OSSL_NOTNULL(bld, "OSSL_PARAM_BLD_new");
    IKEOFF_OSSL(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, d.p.get()), "push p");
    IKEOFF_OSSL(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, d.g.get()), "push g");
    auto params = own(OSSL_PARAM_BLD_to_param(bld.get()));
    IKEOFF_OSSL_NOTNULL(params, "OSSL_PARAM_BLD_to_param");
    auto ctx = own(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr));
    IKEOFF_OSSL_NOTNULL(ctx, "EVP_PKEY_CTX_new_from_name(DH)");
    IKEOFF_OSSL(EVP_PKEY_fromdata_init(ctx.get()), "DH fromdata init");
    EVP_PKEY* pk = nullptr;
    IKEOFF_OSSL(EVP_PKEY_fromdata(ctx.get(), &pk, EVP_PKEY_KEY_PARAMETERS, params.get()), "DH domain parameters");
    d.params = own(pk);
    return ok_status();
}

Result<std::shared_ptr<const Data>> make_modp(const ModpDef& def) {
    auto d = std::make_shared<Data>();
    d->id = def.id;
    d->kind = DhKind::modp;
    IKEOFF_ASSIGN(d->prime, from_hex(def.prime_hex));
    d->generator = Bytes{2};
    IKEOFF_TRY(finish_modp(*d));
    d->name = "modp" + std::to_string(d->bits);
    return std::shared_ptr<const Data>(std::move(d));
}

Result<std::shared_ptr<const Data>> make_ecp(const EcpDef& def) {
    auto d = std::make_shared<Data>();
    d->id = def.id;
    d->kind = DhKind::ecp;
    d->curve = def.curve;
    d->bits = def.bits;
    d->field_bytes = (def.bits + 7) / 8;
    d->name = "ecp" + std::to_string(def.bits);
    d->ec_group = own(EC_GROUP_new_by_curve_name(OBJ_txt2nid(def.curve)));
    IKEOFF_OSSL_NOTNULL(d->ec_group, std::string("EC group ") + def.curve);
    d->p = own(BN_new());
    IKEOFF_OSSL_NOTNULL(d->p, "BN_new");
    IKEOFF_OSSL(EC_GROUP_get_curve(d->ec_group.get(), d->p.get(), nullptr, nullptr, nullptr), "EC_GROUP_get_curve");

    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(def.curve), 0),
        OSSL_PARAM_construct_end(),
    };
    auto ctx = own(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    IKEOFF_OSSL_NOTNULL(ctx, "EVP_PKEY_CTX_new_from_name(EC)");
    IKEOFF_OSSL(EVP_PKEY_fromdata_init(ctx.get()), "EC fromdata init");
    EVP_PKEY* pk = nullptr;
    IKEOFF_OSSL(EVP_PKEY_fromdata(ctx.get(), &pk, EVP_PKEY_KEY_PARAMETERS, params), "EC domain parameters");
    d->params = own(pk);
    return std::shared_ptr<const Data>(std::move(d));
}

// All well-known groups, built once (thread-safe static init). A group that
// failed to build keeps its error so well_known() can report it.
struct WellKnown {
    std::array<std::shared_ptr<const Data>, kSupported.size()> groups;
    std::array<std::string, kSupported.size()> errors;
    WellKnown() {
        std::size_t i = 0;
        for (const auto& m : kModp) {
            auto r = make_modp(m);
            if (r.ok()) groups[i] = std::move(r).value(); else errors[i] = r.error().message;
            ++i;
        }
        for (const auto& e : kEcp) {
            auto r = make_ecp(e);
            if (r.ok()) groups[i] = std::move(r).value(); else errors[i] = r.error().message;
            ++i;
        }
    }
};

const WellKnown& well_known_groups() {
    static const WellKnown wk;
    return wk;
}

// Point (x, y) from KE payload data, checked to lie on the curve.
Result<OsslPtr<EC_POINT>> ecp_point(const Data& d, ByteView xy) {
    const std::size_t n = d.field_bytes;
    IKEOFF_ENSURE(xy.size() == 2 * n, Errc::invalid_argument,
                  d.name + ": public value must be " + std::to_string(2 * n) + " bytes (x || y), got " +
                      std::to_string(xy.size()));
    IKEOFF_ASSIGN(auto x, bn_from(xy.first(n)));
    IKEOFF_ASSIGN(auto y, bn_from(xy.subspan(n)));
    // Coordinates must be field elements; otherwise x mod p would be taken
    // silently and two encodings would name the same point.
    IKEOFF_ENSURE(BN_cmp(x.get(), d.p.get()) < 0 && BN_cmp(y.get(), d.p.get()) < 0, Errc::invalid_argument,
                  d.name + ": public value coordinate not below the field prime");
    auto bnctx = own(BN_CTX_new());
    IKEOFF_OSSL_NOTNULL(bnctx, "BN_CTX_new");
    auto pt = own(EC_POINT_new(d.ec_group.get()));
    IKEOFF_OSSL_NOTNULL(pt, "EC_POINT_new");
    if (EC_POINT_set_affine_coordinates(d.ec_group.get(), pt.get(), x.get(), y.get(), bnctx.get()) != 1 ||
        EC_POINT_is_on_curve(d.ec_group.get(), pt.get(), bnctx.get()) != 1) {
        ossl_clear_errors();
        return Error{Errc::invalid_argument, d.name + ": public value is not a point on the curve"};
    }
    return pt;
}

Result<Bytes> ecp_encode_point(const Data& d, const EC_POINT* pt) {
    auto bnctx = own(BN_CTX_new());
    IKEOFF_OSSL_NOTNULL(bnctx, "BN_CTX_new");
    Bytes buf(1 + 2 * d.field_bytes);
    std::size_t len = EC_POINT_point2oct(d.ec_group.get(), pt, POINT_CONVERSION_UNCOMPRESSED, buf.data(),
                                         buf.size(), bnctx.get());
    IKEOFF_ENSURE(len == buf.size() && buf[0] == 0x04, Errc::crypto_error, "EC point encoding");
    return buf;
}

// Our public value in KE payload encoding.
Result<Bytes> public_value_of(const Data& d, EVP_PKEY* key) {
    if (d.kind == DhKind::modp) {
        BIGNUM* raw = nullptr;
        IKEOFF_OSSL(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PUB_KEY, &raw), "DH public value");
        auto pub = own(raw);
        return bn_to_padded(pub.get(), d.field_bytes);
    }
    // RFC 5903 §7: the KE payload is x | y, without the SEC1 0x04 prefix.
    Bytes enc(1 + 2 * d.field_bytes);
    std::size_t len = 0;
    IKEOFF_OSSL(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, enc.data(), enc.size(),
                                                &len),
                "EC public value");
    IKEOFF_ENSURE(len == enc.size() && enc[0] == 0x04, Errc::crypto_error, "EC public value not uncompressed");
    return Bytes(enc.begin() + 1, enc.end());
}

Result<OsslPtr<EVP_PKEY>> key_fromdata(const char* type, int selection, OSSL_PARAM* params, const char* what) {
    auto ctx = own(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    IKEOFF_OSSL_NOTNULL(ctx, what);
    IKEOFF_OSSL(EVP_PKEY_fromdata_init(ctx.get()), what);
    EVP_PKEY* pk = nullptr;
    IKEOFF_OSSL(EVP_PKEY_fromdata(ctx.get(), &pk, selection, params), what);
    return own(pk);
}

// The peer's (already validated) public value as an EVP_PKEY: a copy of the
// group's domain-parameter template with the public value set. Measured 4x
// cheaper than building the key with EVP_PKEY_fromdata, which looks the
// group up by name and rebuilds it on every call.
Result<OsslPtr<EVP_PKEY>> peer_key(const Data& d, ByteView peer) {
    auto key = own(EVP_PKEY_dup(d.params.get()));
    IKEOFF_OSSL_NOTNULL(key, "EVP_PKEY_dup");
    if (d.kind == DhKind::modp) {
        // For DH the "encoded public key" is the big-endian value itself.
        IKEOFF_OSSL(EVP_PKEY_set1_encoded_public_key(key.get(), peer.data(), peer.size()), "DH peer key");
        return key;
    }
    Bytes enc;  // SEC1 uncompressed point: 0x04 || x || y
    enc.reserve(peer.size() + 1);
    enc.push_back(0x04);
    enc.insert(enc.end(), peer.begin(), peer.end());
    IKEOFF_OSSL(EVP_PKEY_set1_encoded_public_key(key.get(), enc.data(), enc.size()), "EC peer key");
    return key;
}

}  // namespace

// ---- DhGroup ---------------------------------------------------------------------

Result<DhGroup> DhGroup::well_known(uint16_t id) {
    const WellKnown& wk = well_known_groups();
    for (std::size_t i = 0; i < kSupported.size(); ++i) {
        if (kSupported[i] != id) continue;
        if (!wk.groups[i]) return Error{Errc::crypto_error, "DH group " + std::to_string(id) + ": " + wk.errors[i]};
        return DhGroup(wk.groups[i]);
    }
    return Error{Errc::unsupported, "DH group " + std::to_string(id) + " is not supported"};
}

std::span<const uint16_t> DhGroup::supported_ids() noexcept { return kSupported; }

Result<DhGroup> DhGroup::custom_modp(ByteView prime, ByteView generator) {
    // Strip leading zero octets so that the size is the size of p.
    while (!prime.empty() && prime[0] == 0) prime = prime.subspan(1);
    while (!generator.empty() && generator[0] == 0) generator = generator.subspan(1);
    const std::size_t bits = prime.empty() ? 0 : (prime.size() - 1) * 8 + std::bit_width(prime[0]);
    IKEOFF_ENSURE(bits >= 768 && bits <= 8192, Errc::unsupported,
                  "New Group Mode: MODP prime of " + std::to_string(bits) + " bits (768..8192 supported)");
    auto d = std::make_shared<Data>();
    d->kind = DhKind::modp;
    d->prime.assign(prime.begin(), prime.end());
    d->generator.assign(generator.begin(), generator.end());
    IKEOFF_TRY(finish_modp(*d));
    d->name = "modp" + std::to_string(d->bits) + "-custom";

    // 1 < g < p-1
    IKEOFF_ENSURE(BN_cmp(d->g.get(), BN_value_one()) > 0 && BN_cmp(d->g.get(), d->p_minus_1.get()) < 0,
                  Errc::invalid_argument, "New Group Mode: generator out of range");
    auto bnctx = own(BN_CTX_new());
    IKEOFF_OSSL_NOTNULL(bnctx, "BN_CTX_new");
    auto q = own(BN_dup(d->p_minus_1.get()));
    IKEOFF_OSSL_NOTNULL(q, "BN_dup");
    IKEOFF_OSSL(BN_rshift1(q.get(), q.get()), "BN_rshift1");
    int p_prime = BN_check_prime(d->p.get(), bnctx.get(), nullptr);
    int q_prime = p_prime == 1 ? BN_check_prime(q.get(), bnctx.get(), nullptr) : 0;
    if (p_prime < 0 || q_prime < 0) return ossl_error("BN_check_prime");
    IKEOFF_ENSURE(p_prime == 1 && q_prime == 1, Errc::unsupported,
                  "New Group Mode: the prime is not a safe prime; only safe-prime MODP groups are accepted");
    return DhGroup(std::shared_ptr<const Data>(std::move(d)));
}

uint16_t DhGroup::id() const noexcept { return d_->id; }
DhKind DhGroup::kind() const noexcept { return d_->kind; }
std::string_view DhGroup::name() const noexcept { return d_->name; }
std::size_t DhGroup::bits() const noexcept { return d_->bits; }
std::size_t DhGroup::public_value_size() const noexcept {
    return d_->kind == DhKind::modp ? d_->field_bytes : 2 * d_->field_bytes;
}
std::size_t DhGroup::shared_secret_size() const noexcept { return d_->field_bytes; }
bool DhGroup::is_weak() const noexcept { return d_->kind == DhKind::modp && d_->bits < 2048; }
ByteView DhGroup::prime() const noexcept { return d_->prime; }
ByteView DhGroup::generator() const noexcept { return d_->generator; }

Status DhGroup::check_public_value(ByteView peer) const {
    const Data& d = *d_;
    if (d.kind == DhKind::ecp) {
        // On-curve check. The RFC 5903 curves have cofactor 1, so every point
        // on the curve other than infinity (which x || y cannot encode) lies
        // in the prime-order group: no subgroup check is needed.
        IKEOFF_ASSIGN(auto pt, ecp_point(d, peer));
        (void)pt;
        return ok_status();
    }
    IKEOFF_ENSURE(peer.size() == d.field_bytes, Errc::invalid_argument,
                  d.name + ": public value must be " + std::to_string(d.field_bytes) + " bytes, got " +
                      std::to_string(peer.size()));
    // Range check 1 < y < p-1 instead of OpenSSL's full public-key check.
    //
    // Why: OpenSSL's default check (EVP_PKEY_derive_set_peer) verifies
    // y^q == 1 mod p, which is a second full modular exponentiation per
    // exchange; measured here it cuts MODP-2048 Main Modes from ~1600 to
    // ~385 per second and core. Every group we accept is a safe prime
    // p = 2q + 1 (the RFC 2409/3526 groups by construction, New Group Mode
    // groups by the check in custom_modp), whose only subgroups have order
    // 1, 2, q and 2q. Excluding y = 0, 1 and p-1 leaves only elements of
    // order q or 2q, so a malicious y can at most leak the lowest bit of our
    // private exponent, and our exponents are ephemeral (one per exchange).
    // This is the choice RFC 2409 implementations and NIST SP 800-56A
    // ("partial validation" for safe-prime groups) make as well.
    IKEOFF_ASSIGN(auto y, bn_from(peer));
    IKEOFF_ENSURE(BN_cmp(y.get(), BN_value_one()) > 0 && BN_cmp(y.get(), d.p_minus_1.get()) < 0,
                  Errc::invalid_argument, d.name + ": public value out of range (must be 1 < y < p-1)");
    return ok_status();
}

// ---- DhKeyExchange ------------------------------------------------------------------

Result<DhKeyExchange> DhKeyExchange::generate(const DhGroup& group) {
    const Data& d = group.data();
    auto ctx = own(EVP_PKEY_CTX_new_from_pkey(nullptr, d.params.get(), nullptr));
    IKEOFF_OSSL_NOTNULL(ctx, "keygen context");
    IKEOFF_OSSL(EVP_PKEY_keygen_init(ctx.get()), "keygen init");
    if (d.kind == DhKind::modp) {
        // OpenSSL ignores a priv_len inside the parameter template for groups
        // it does not know by name, so it is set on the keygen context.
        int priv_bits = d.priv_bits;
        OSSL_PARAM p[] = {OSSL_PARAM_construct_int(OSSL_PKEY_PARAM_DH_PRIV_LEN, &priv_bits), OSSL_PARAM_construct_end()};
        IKEOFF_OSSL(EVP_PKEY_CTX_set_params(ctx.get(), p), "DH private length");
    }
    EVP_PKEY* raw = nullptr;
    IKEOFF_OSSL(EVP_PKEY_keygen(ctx.get(), &raw), "DH key generation");
    auto key = own(raw);
    IKEOFF_ASSIGN(Bytes pub, public_value_of(d, key.get()));
    return DhKeyExchange(group, std::move(key), std::move(pub));
}

Result<DhKeyExchange> DhKeyExchange::from_private(const DhGroup& group, ByteView private_value) {
    const Data& d = group.data();
    IKEOFF_ASSIGN(auto x, bn_from(private_value));
    IKEOFF_ENSURE(!BN_is_zero(x.get()), Errc::invalid_argument, "private value is zero");
    auto bnctx = own(BN_CTX_new());
    IKEOFF_OSSL_NOTNULL(bnctx, "BN_CTX_new");
    auto bld = own(OSSL_PARAM_BLD_new());
    IKEOFF_OSSL_NOTNULL(bld, "OSSL_PARAM_BLD_new");
    OsslPtr<OSSL_PARAM> params;
    const char* type = nullptr;
    // The builder keeps pointers to the BIGNUMs and buffers pushed, so they
    // must outlive OSSL_PARAM_BLD_to_param().
    Bytes ec_pub;
    auto y = own(BN_new());
    IKEOFF_OSSL_NOTNULL(y, "BN_new");
    if (d.kind == DhKind::modp) {
        IKEOFF_ENSURE(BN_cmp(x.get(), d.p_minus_1.get()) < 0, Errc::invalid_argument, "private value >= p-1");
        IKEOFF_OSSL(BN_mod_exp_mont_consttime(y.get(), d.g.get(), x.get(), d.p.get(), bnctx.get(), nullptr),
                    "g^x mod p");
        IKEOFF_OSSL(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, d.p.get()), "push p");
        IKEOFF_OSSL(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, d.g.get()), "push g");
        IKEOFF_OSSL(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y.get()), "push pub");
        IKEOFF_OSSL(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, x.get()), "push priv");
        type = "DH";
    } else {
        auto pt = own(EC_POINT_new(d.ec_group.get()));
        IKEOFF_OSSL_NOTNULL(pt, "EC_POINT_new");
        IKEOFF_OSSL(EC_POINT_mul(d.ec_group.get(), pt.get(), x.get(), nullptr, nullptr, bnctx.get()), "d*G");
        IKEOFF_ASSIGN(ec_pub, ecp_encode_point(d, pt.get()));
        IKEOFF_OSSL(OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, d.curve, 0), "push group");
        IKEOFF_OSSL(OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, ec_pub.data(), ec_pub.size()),
                    "push pub");
        IKEOFF_OSSL(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, x.get()), "push priv");
        type = "EC";
    }
    params = own(OSSL_PARAM_BLD_to_param(bld.get()));
    IKEOFF_OSSL_NOTNULL(params, "OSSL_PARAM_BLD_to_param");
    IKEOFF_ASSIGN(auto key, key_fromdata(type, EVP_PKEY_KEYPAIR, params.get(), "DH key from private value"));
    IKEOFF_ASSIGN(Bytes pub, public_value_of(d, key.get()));
    return DhKeyExchange(group, std::move(key), std::move(pub));
}

Result<SecretBytes> DhKeyExchange::derive(ByteView peer_public) const {
    const Data& d = group_.data();
    IKEOFF_TRY(group_.check_public_value(peer_public));
    IKEOFF_ASSIGN(auto peer, peer_key(d, peer_public));
    auto ctx = own(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
    IKEOFF_OSSL_NOTNULL(ctx, "derive context");
    IKEOFF_OSSL(EVP_PKEY_derive_init(ctx.get()), "derive init");
    if (d.kind == DhKind::modp) {
        // g^xy left-padded to the size of p (OpenSSL strips leading zeros by
        // default, which would break SKEYID for 1 in 256 exchanges).
        IKEOFF_OSSL(EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1), "DH pad");
    }
    // validate = 0: check_public_value() above already did the check that
    // fits the group (see there for why not OpenSSL's own).
    IKEOFF_OSSL(EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), 0), "derive set peer");
    std::size_t len = 0;
    IKEOFF_OSSL(EVP_PKEY_derive(ctx.get(), nullptr, &len), "derive length");
    SecretBytes secret(len);
    IKEOFF_OSSL(EVP_PKEY_derive(ctx.get(), secret.data(), &len), "derive");
    IKEOFF_ENSURE(len == d.field_bytes, Errc::crypto_error,
                  d.name + ": shared secret has " + std::to_string(len) + " bytes, expected " +
                      std::to_string(d.field_bytes));
    return secret;
}

}  // namespace ikeoff::crypto
