// Cost of the IKEv1 crypto building blocks on this machine, one core, and
// the Main Mode + Quick Mode rate they allow (the ceiling the negotiation
// benchmark compares itself with).
//
//   ikeoff_ike_crypto_bench [--quick] [--json]
//
// Also measures, in the same run, what OpenSSL's default peer-key check
// (EVP_PKEY_derive_set_peer) would cost compared with the range / on-curve
// check host/crypto/dh.cpp does instead, so the claim in dh.cpp is
// re-checked on every machine this runs on.
#include <cstdio>
#include <cstring>
#include <string>

#include <openssl/core_names.h>
#include <openssl/dh.h>
#include <openssl/param_build.h>

#include "host/crypto/ossl.hpp"
#include "host/ike/keymat_v1.hpp"
#include "tests/bench/crypto_costs.hpp"

using namespace ikeoff;
using namespace ikeoff::bench;

namespace {

// Raw OpenSSL key pair for a group (MODP by p/g, ECP by curve name).
crypto::OsslPtr<EVP_PKEY> raw_keygen(const crypto::DhGroup& g) {
    using crypto::own;
    crypto::OsslPtr<EVP_PKEY_CTX> ctx;
    if (g.kind() == crypto::DhKind::modp) {
        auto p = own(BN_bin2bn(g.prime().data(), static_cast<int>(g.prime().size()), nullptr));
        auto gen = own(BN_bin2bn(g.generator().data(), static_cast<int>(g.generator().size()), nullptr));
        auto bld = own(OSSL_PARAM_BLD_new());
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_P, p.get());
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_FFC_G, gen.get());
        auto params = own(OSSL_PARAM_BLD_to_param(bld.get()));
        auto pctx = own(EVP_PKEY_CTX_new_from_name(nullptr, "DH", nullptr));
        EVP_PKEY* dom = nullptr;
        EVP_PKEY_fromdata_init(pctx.get());
        EVP_PKEY_fromdata(pctx.get(), &dom, EVP_PKEY_KEY_PARAMETERS, params.get());
        auto domain = own(dom);
        ctx = own(EVP_PKEY_CTX_new_from_pkey(nullptr, domain.get(), nullptr));
        EVP_PKEY_keygen_init(ctx.get());
        int priv_bits = 224;
        OSSL_PARAM pl[] = {OSSL_PARAM_construct_int(OSSL_PKEY_PARAM_DH_PRIV_LEN, &priv_bits), OSSL_PARAM_construct_end()};
        EVP_PKEY_CTX_set_params(ctx.get(), pl);
    } else {
        ctx = own(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
        EVP_PKEY_keygen_init(ctx.get());
        OSSL_PARAM pl[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>("prime256v1"), 0),
                           OSSL_PARAM_construct_end()};
        EVP_PKEY_CTX_set_params(ctx.get(), pl);
    }
    EVP_PKEY* k = nullptr;
    if (EVP_PKEY_keygen(ctx.get(), &k) != 1) {
        std::fprintf(stderr, "keygen failed\n");
        std::exit(1);
    }
    return own(k);
}

// ns per derive with OpenSSL's own peer validation on or off.
double raw_derive_ns(EVP_PKEY* mine, EVP_PKEY* peer, bool openssl_check, double secs) {
    return ns_per_op(
        [&] {
            auto ctx = crypto::own(EVP_PKEY_CTX_new_from_pkey(nullptr, mine, nullptr));
            if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) return false;
            if (EVP_PKEY_is_a(mine, "DH")) EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1);
            int rc = openssl_check ? EVP_PKEY_derive_set_peer(ctx.get(), peer)
                                   : EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, 0);
            if (rc != 1) return false;
            unsigned char out[256];
            std::size_t len = sizeof out;
            return EVP_PKEY_derive(ctx.get(), out, &len) == 1;
        },
        secs);
}

double phase1_keymat_ns(double secs) {
    Bytes psk(16, 1), ni(32, 2), nr(32, 3), ci(8, 4), cr(8, 5), gxy(256, 6);
    ike::Phase1Input in;
    in.prf = in.hash = crypto::HashAlg::sha1;
    in.auth = ike::AuthMethod::psk;
    in.pre_shared_key = psk;
    in.ni_b = ni;
    in.nr_b = nr;
    in.cky_i = ci;
    in.cky_r = cr;
    in.gxy = gxy;
    in.enc_key_len = 16;
    return ns_per_op([&] { return ike::Phase1Keymat::derive(in).ok(); }, secs);
}

void row(const char* name, double ns) {
    std::printf("  %-44s %12.1f us  %12.0f /s\n", name, ns / 1000.0, 1e9 / ns);
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false, json = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            quick = true;
        } else if (std::strcmp(argv[i], "--json") == 0) {
            json = true;
        } else {
            std::fprintf(stderr, "usage: %s [--quick] [--json]\n", argv[0]);
            return 2;
        }
    }
    const double secs = quick ? 0.05 : 0.25;

    CryptoCosts c = measure_crypto_costs(secs);

    // The peer-check decision (host/crypto/dh.cpp), measured on raw OpenSSL keys.
    auto g14 = std::move(crypto::DhGroup::well_known(14)).value();
    auto g19 = std::move(crypto::DhGroup::well_known(19)).value();
    auto m1 = raw_keygen(g14), m2 = raw_keygen(g14), e1 = raw_keygen(g19), e2 = raw_keygen(g19);
    double modp_fast = raw_derive_ns(m1.get(), m2.get(), false, secs);
    double modp_full = raw_derive_ns(m1.get(), m2.get(), true, secs);
    double ecp_fast = raw_derive_ns(e1.get(), e2.get(), false, secs);
    double ecp_full = raw_derive_ns(e1.get(), e2.get(), true, secs);
    double keymat_ns = phase1_keymat_ns(secs);

    struct Scenario {
        const char* name;
        Group group;
        Auth auth;
        bool pfs;
    };
    const Scenario scenarios[] = {
        {"psk modp2048", Group::modp2048, Auth::psk, false},
        {"psk modp2048 pfs", Group::modp2048, Auth::psk, true},
        {"psk ecp256", Group::ecp256, Auth::psk, false},
        {"psk ecp256 pfs", Group::ecp256, Auth::psk, true},
        {"rsa2048 modp2048", Group::modp2048, Auth::rsa_sig, false},
        {"rsa2048 modp2048 pfs", Group::modp2048, Auth::rsa_sig, true},
        {"rsa2048 ecp256", Group::ecp256, Auth::rsa_sig, false},
        {"rsa2048 ecp256 pfs", Group::ecp256, Auth::rsa_sig, true},
    };

    if (json) {
        std::printf("{\"ns_per_op\": {\"modp2048_keygen\": %.0f, \"modp2048_derive\": %.0f, \"ecp256_keygen\": %.0f, "
                    "\"ecp256_derive\": %.0f, \"rsa2048_sign\": %.0f, \"rsa2048_verify\": %.0f, \"prf_sha1\": %.0f, "
                    "\"prf_sha256\": %.0f, \"hash_sha1\": %.0f, \"cbc_aes128\": %.0f, \"phase1_keymat\": %.0f, "
                    "\"modp2048_derive_openssl_check\": %.0f, \"modp2048_derive_no_check\": %.0f, "
                    "\"ecp256_derive_openssl_check\": %.0f, \"ecp256_derive_no_check\": %.0f},\n \"ceiling_per_s\": {",
                    c.modp2048.keygen_ns, c.modp2048.derive_ns, c.ecp256.keygen_ns, c.ecp256.derive_ns,
                    c.rsa2048_sign_ns, c.rsa2048_verify_ns, c.prf_sha1_ns, c.prf_sha256_ns, c.hash_sha1_ns,
                    c.cbc_aes128_ns, keymat_ns, modp_full, modp_fast, ecp_full, ecp_fast);
        bool first = true;
        for (const auto& s : scenarios) {
            std::printf("%s\"%s\": %.1f", first ? "" : ", ", s.name,
                        ceiling_per_second(c, s.group, main_quick_mode_ops(s.auth, s.pfs)));
            first = false;
        }
        std::printf("}}\n");
        return 0;
    }

    std::printf("IKEv1 crypto cost per operation (thread CPU time, one core; %s)\n", OPENSSL_VERSION_TEXT);
    row("MODP-2048 key pair", c.modp2048.keygen_ns);
    row("MODP-2048 derive (range check 1<y<p-1)", c.modp2048.derive_ns);
    row("ECP-256 key pair", c.ecp256.keygen_ns);
    row("ECP-256 derive (on-curve check)", c.ecp256.derive_ns);
    row("RSA-2048 sign (PKCS#1, no DigestInfo)", c.rsa2048_sign_ns);
    row("RSA-2048 verify", c.rsa2048_verify_ns);
    row("PRF HMAC-SHA1, 600 bytes", c.prf_sha1_ns);
    row("PRF HMAC-SHA256, 600 bytes", c.prf_sha256_ns);
    row("SHA-1, 100 bytes", c.hash_sha1_ns);
    row("AES-128-CBC key setup + 128 bytes", c.cbc_aes128_ns);
    row("Phase-1 keymat (SKEYID, d/a/e, Ka)", keymat_ns);

    std::printf("\nPeer-value check (host/crypto/dh.cpp decision), raw OpenSSL derive:\n");
    row("MODP-2048 derive, OpenSSL full check", modp_full);
    row("MODP-2048 derive, no OpenSSL check", modp_fast);
    std::printf("  -> OpenSSL's check makes MODP-2048 derive %.2fx as expensive\n", modp_full / modp_fast);
    row("ECP-256 derive, OpenSSL full check", ecp_full);
    row("ECP-256 derive, no OpenSSL check", ecp_fast);
    std::printf("  -> OpenSSL's check makes ECP-256 derive %.2fx as expensive\n", ecp_full / ecp_fast);

    std::printf("\nMain Mode + Quick Mode ceiling, both peers on one core, crypto only:\n");
    for (const auto& s : scenarios) {
        NegotiationOps o = main_quick_mode_ops(s.auth, s.pfs);
        std::printf("  %-24s %9.1f negotiations/s  (%5.1f us of crypto each)\n", s.name,
                    ceiling_per_second(c, s.group, o), negotiation_crypto_ns(c, s.group, o) / 1000.0);
    }
    // The same ceiling if every MODP derive paid OpenSSL's full check.
    NegotiationOps o = main_quick_mode_ops(Auth::psk, false);
    CryptoCosts slow = c;
    slow.modp2048.derive_ns += modp_full - modp_fast;
    std::printf("  psk modp2048 with OpenSSL's check: %.1f negotiations/s (%.2fx lower)\n",
                ceiling_per_second(slow, Group::modp2048, o),
                ceiling_per_second(c, Group::modp2048, o) / ceiling_per_second(slow, Group::modp2048, o));
    return 0;
}
