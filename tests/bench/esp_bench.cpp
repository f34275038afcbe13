// ikeoff_esp_bench: soft-driver ESP throughput against the raw throughput of
// the same crypto provider on the same buffers, in the same run.
//
//   ikeoff_esp_bench [--quick] [--seconds S] [--provider openssl|ipsec-mb]
//                    [--transform NAME] [--size N] [--check]
//
// For each provider (OpenSSL EVP, intel-ipsec-mb), transform (aes128gcm16,
// aes256gcm16, aes128-sha1, aes256-sha256) and inner packet size (64, 512,
// 1420 octets) it measures, on one pinned core and in batches of 32:
//   ESP   the soft engine's process() in tunnel mode (encap: outbound;
//         decap: inbound, replay window off so the same 32 packets can be
//         replayed; every result is checked to be ok);
//   raw   the provider alone over the same 32 buffers (the inner packets in,
//         ESP's ciphertext position out): a plain EVP loop with one context
//         and a fresh IV per buffer, or a plain intel-ipsec-mb job loop in
//         batches of 32 (CBC lengths rounded up to 16 octets).
// ESP and raw batches alternate for S seconds (default 1, --quick 0.15) and
// each rate comes from the median batch time, so both see the same machine
// and preempted batches do not count. Gbit/s counts the inner packet octets. --check exits 1 if aes128gcm16 encap at 1420 B is
// below 0.85 of raw for a provider.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sched.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "drivers/registry.hpp"
#include "drivers/soft/crypto_provider.hpp"
#include "host/ipsec/engine.hpp"
#include "host/ipsec/ip_packet.hpp"

#ifdef IKEOFF_HAVE_IPSECMB
#include <intel-ipsec-mb.h>
#endif

namespace {

using namespace ikeoff;
using Clock = std::chrono::steady_clock;
constexpr std::size_t kBatch = 32;

struct Options {
    double seconds = 1.0;  // per direction and configuration
    std::string provider;   // empty: both
    std::string transform;  // empty: all
    std::size_t size = 0;   // 0: all
    bool check = false;
};

struct Transform {
    const char* name;
    const char* enc;
    const char* integ;
    std::size_t key_bytes;
    bool gcm;
};

const Transform kTransforms[] = {
    {"aes128gcm16", "aes128gcm16", "none", 16, true},
    {"aes256gcm16", "aes256gcm16", "none", 32, true},
    {"aes128-sha1", "aes128", "sha1", 16, false},
    {"aes256-sha256", "aes256", "sha256", 32, false},
};
const std::size_t kSizes[] = {64, 512, 1420};

Bytes fill(std::size_t n, uint8_t seed) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = uint8_t(seed * 31 + i * 7);
    return b;
}

// Times `a` and `b` (each one batch of kBatch packets) alternately, batch
// by batch, for `seconds`, and returns the median batch time of each in ns.
// Adjacent batches see the same machine, so other processes slow both alike;
// the median ignores batches that were preempted.
std::pair<double, double> median_batch_ns(const std::function<void()>& a, const std::function<void()>& b,
                                          double seconds) {
    for (int i = 0; i < 20; ++i) {  // warm caches and branch predictors
        a();
        b();
    }
    std::vector<double> ta, tb;
    auto until = Clock::now() + std::chrono::duration<double>(seconds);
    for (uint64_t k = 0;; ++k) {
        // Alternate which goes first, so neither always follows the other.
        const auto& first = (k & 1) ? b : a;
        const auto& second = (k & 1) ? a : b;
        auto t0 = Clock::now();
        first();
        auto t1 = Clock::now();
        second();
        auto t2 = Clock::now();
        double d1 = std::chrono::duration<double, std::nano>(t1 - t0).count();
        double d2 = std::chrono::duration<double, std::nano>(t2 - t1).count();
        ((k & 1) ? tb : ta).push_back(d1);
        ((k & 1) ? ta : tb).push_back(d2);
        if (t2 >= until && k >= 16) break;
    }
    auto median = [](std::vector<double>& v) {
        std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
        return v[v.size() / 2];
    };
    return {median(ta), median(tb)};
}

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "ikeoff_esp_bench: %s\n", msg.c_str());
    std::exit(2);
}

// ---- the soft engine --------------------------------------------------------

struct EspRig {
    std::unique_ptr<ipsec::Engine> tx, rx;
    std::vector<Bytes> inner, wire, out;  // inner: 16 spare octets (raw CBC rounds up)
    std::vector<ipsec::Packet> enc, dec;
    std::size_t ct_offset = 0;            // where ESP encap writes its ciphertext

    EspRig(const std::string& provider, const Transform& t, std::size_t size) {
        drivers::EngineOptions o;
        o.soft_provider = provider;
        auto a = drivers::create_engine("soft", o);
        auto b = drivers::create_engine("soft", o);
        if (!a.ok() || !b.ok()) die("cannot create the soft engine with provider " + provider);
        tx = std::move(a).value();
        rx = std::move(b).value();
        ipsec::SaParams p;
        p.spi = 0x1001;
        p.mode = ipsec::Mode::tunnel;
        p.src = *IpAddress::parse("192.0.2.1");
        p.dst = *IpAddress::parse("192.0.2.2");
        p.enc = *ipsec::parse_enc_keyword(t.enc);
        p.integ = *ipsec::parse_integ_keyword(t.integ);
        p.enc_key = SecretBytes(fill(ipsec::keymat_enc_bytes(p.enc), 1));
        p.integ_key = SecretBytes(fill(ipsec::integ_key_bytes(p.integ), 2));
        auto r = p.clone();
        p.direction = ipsec::SaDirection::outbound;
        r.direction = ipsec::SaDirection::inbound;
        r.replay_window = 0;  // the same packets are replayed on purpose
        auto ht = tx->add_sa(std::move(p));
        auto hr = rx->add_sa(std::move(r));
        if (!ht.ok() || !hr.ok()) die("add_sa failed");

        inner.resize(kBatch);
        wire.resize(kBatch);
        out.assign(kBatch, Bytes(size + ipsec::kMaxOverhead));
        enc.resize(kBatch);
        dec.resize(kBatch);
        ct_offset = ipsec::kIpv4HeaderLen + 8 + ipsec::iv_bytes(ipsec::parse_enc_keyword(t.enc)->alg);
        for (std::size_t i = 0; i < kBatch; ++i) {
            inner[i] = fill(size + 16, uint8_t(i));
            ipsec::write_ipv4_header(inner[i].data(), 0, uint16_t(size), uint16_t(i), true, 64, ipsec::kProtoUdp,
                                     *IpAddress::parse("10.0.0.1"), *IpAddress::parse("10.0.0.2"));
            enc[i].in = ByteView(inner[i]).first(size);
            enc[i].out = out[i];
            enc[i].sa = *ht;
        }
        encap();
        for (std::size_t i = 0; i < kBatch; ++i) {
            if (enc[i].status != ipsec::PacketStatus::ok) die("encap failed while preparing the decap set");
            wire[i].assign(out[i].begin(), out[i].begin() + enc[i].out_len);
            dec[i].in = wire[i];
            dec[i].out = out[i];
        }
        decap();
        verify();
    }
    void encap() { tx->process(ipsec::Direction::outbound, enc); }
    void decap() { rx->process(ipsec::Direction::inbound, dec); }
    void verify() const {
        for (std::size_t i = 0; i < kBatch; ++i) {
            if (enc[i].status != ipsec::PacketStatus::ok || dec[i].status != ipsec::PacketStatus::ok)
                die("a benchmarked packet did not come out ok");
        }
    }
};

// ---- raw OpenSSL ------------------------------------------------------------

struct CtxFree {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
struct MacCtxFree {
    void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

// One context, a fresh IV per buffer: the ceiling for the OpenSSL provider.
// Encryption reads the rig's inner packets and writes where ESP puts its
// ciphertext; decryption reads its own ciphertexts (made once, with fixed
// IVs) and writes where ESP decap puts the inner packet.
struct RawOpenssl {
    const Transform& t;
    std::size_t len;
    std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ectx, dctx;
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> mac;
    std::vector<const uint8_t*> src;
    std::vector<uint8_t*> dst, back;
    std::vector<Bytes> ct, tags, etags, ivs;  // tags: of the decryption set
    uint64_t counter = 0;

    RawOpenssl(const Transform& tf, std::size_t size, EspRig& rig)
        : t(tf), len(tf.gcm ? size : (size + 15) / 16 * 16) {
        Bytes key = fill(t.key_bytes, 1);
        const EVP_CIPHER* c = t.gcm ? (t.key_bytes == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm())
                                    : (t.key_bytes == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc());
        ectx.reset(EVP_CIPHER_CTX_new());
        dctx.reset(EVP_CIPHER_CTX_new());
        EVP_EncryptInit_ex(ectx.get(), c, nullptr, key.data(), nullptr);
        EVP_DecryptInit_ex(dctx.get(), c, nullptr, key.data(), nullptr);
        EVP_CIPHER_CTX_set_padding(ectx.get(), 0);
        EVP_CIPHER_CTX_set_padding(dctx.get(), 0);
        if (!t.gcm) {
            EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
            mac.reset(EVP_MAC_CTX_new(m));
            EVP_MAC_free(m);
            Bytes hkey = fill(std::strcmp(t.integ, "sha1") == 0 ? 20 : 32, 2);
            OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(
                                       OSSL_MAC_PARAM_DIGEST, const_cast<char*>(std::strcmp(t.integ, "sha1") == 0 ? "SHA1" : "SHA256"), 0),
                                   OSSL_PARAM_construct_end()};
            EVP_MAC_init(mac.get(), hkey.data(), hkey.size(), params);
        }
        for (std::size_t i = 0; i < kBatch; ++i) {
            src.push_back(rig.inner[i].data());
            dst.push_back(rig.out[i].data() + rig.ct_offset);
            back.push_back(rig.out[i].data());
            ivs.push_back(fill(16, uint8_t(100 + i)));
            etags.emplace_back(32);
        }
        encrypt_with(ivs, true);  // the decryption set: ciphertexts and tags for fixed IVs
        for (std::size_t i = 0; i < kBatch; ++i) ct.emplace_back(dst[i], dst[i] + len);
        tags = etags;
    }
    void encrypt_with(std::vector<Bytes>& iv, bool fixed) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            // A new IV per buffer: a counter in the last 8 octets of the
            // 12-octet GCM nonce / 16-octet CBC IV.
            uint8_t fresh[16] = {};
            if (!fixed) store_be64(fresh + (t.gcm ? 4 : 8), ++counter);
            const uint8_t* v = fixed ? iv[i].data() : fresh;
            int l = 0;
            EVP_EncryptInit_ex(ectx.get(), nullptr, nullptr, nullptr, v);
            EVP_EncryptUpdate(ectx.get(), dst[i], &l, src[i], int(len));
            EVP_EncryptFinal_ex(ectx.get(), dst[i] + l, &l);
            if (t.gcm) {
                EVP_CIPHER_CTX_ctrl(ectx.get(), EVP_CTRL_AEAD_GET_TAG, 16, etags[i].data());
            } else {
                std::size_t n = 0;
                EVP_MAC_init(mac.get(), nullptr, 0, nullptr);
                EVP_MAC_update(mac.get(), dst[i], len);
                EVP_MAC_final(mac.get(), etags[i].data(), &n, 32);
            }
        }
    }
    void encrypt() { encrypt_with(ivs, false); }
    void decrypt() {
        for (std::size_t i = 0; i < kBatch; ++i) {
            int l = 0;
            bool ok = true;
            if (!t.gcm) {
                uint8_t d[32];
                std::size_t n = 0;
                EVP_MAC_init(mac.get(), nullptr, 0, nullptr);
                EVP_MAC_update(mac.get(), ct[i].data(), len);
                EVP_MAC_final(mac.get(), d, &n, 32);
                ok = std::memcmp(d, tags[i].data(), 12) == 0;
            }
            EVP_DecryptInit_ex(dctx.get(), nullptr, nullptr, nullptr, ivs[i].data());
            EVP_DecryptUpdate(dctx.get(), back[i], &l, ct[i].data(), int(len));
            if (t.gcm) EVP_CIPHER_CTX_ctrl(dctx.get(), EVP_CTRL_AEAD_SET_TAG, 16, tags[i].data());
            ok &= EVP_DecryptFinal_ex(dctx.get(), back[i] + l, &l) == 1;
            if (!ok) die("raw OpenSSL decryption failed");
        }
    }
};

// ---- raw intel-ipsec-mb -----------------------------------------------------

#ifdef IKEOFF_HAVE_IPSECMB
struct RawIpsecMb {
    const Transform& t;
    std::size_t len;
    IMB_MGR* mgr = nullptr;
    alignas(64) gcm_key_data gkey{};
    alignas(16) uint8_t enc_keys[16 * 15]{}, dec_keys[16 * 15]{};
    alignas(16) uint8_t ipad[64]{}, opad[64]{};
    std::vector<const uint8_t*> src;
    std::vector<uint8_t*> dst, back;
    std::vector<Bytes> ct, tags, etags, ivs, fresh;  // tags: of the decryption set
    std::vector<std::array<uint8_t, 32>> got;
    uint64_t counter = 0;

    // Buffers as for RawOpenssl.
    RawIpsecMb(const Transform& tf, std::size_t size, EspRig& rig)
        : t(tf), len(tf.gcm ? size : (size + 15) / 16 * 16) {
        mgr = alloc_mb_mgr(0);
        IMB_ARCH arch;
        init_mb_mgr_auto(mgr, &arch);
        Bytes key = fill(t.key_bytes, 1);
        if (t.gcm) {
            if (t.key_bytes == 16) IMB_AES128_GCM_PRE(mgr, key.data(), &gkey);
            else IMB_AES256_GCM_PRE(mgr, key.data(), &gkey);
        } else {
            if (t.key_bytes == 16) IMB_AES_KEYEXP_128(mgr, key.data(), enc_keys, dec_keys);
            else IMB_AES_KEYEXP_256(mgr, key.data(), enc_keys, dec_keys);
            bool sha1 = std::strcmp(t.integ, "sha1") == 0;
            Bytes hkey = fill(sha1 ? 20 : 32, 2);
            uint8_t pad[64];
            for (int r = 0; r < 2; ++r) {
                std::memset(pad, r ? 0x5c : 0x36, 64);
                for (std::size_t i = 0; i < hkey.size(); ++i) pad[i] ^= hkey[i];
                if (sha1) IMB_SHA1_ONE_BLOCK(mgr, pad, r ? opad : ipad);
                else IMB_SHA256_ONE_BLOCK(mgr, pad, r ? opad : ipad);
            }
        }
        for (std::size_t i = 0; i < kBatch; ++i) {
            src.push_back(rig.inner[i].data());
            dst.push_back(rig.out[i].data() + rig.ct_offset);
            back.push_back(rig.out[i].data());
            ivs.push_back(fill(16, uint8_t(100 + i)));
            fresh.emplace_back(16);
            etags.emplace_back(32);
        }
        got.resize(kBatch);
        // CBC encrypts in place (encrypt-then-MAC as ESP does): give it the
        // plaintext there once; its content does not matter afterwards.
        for (std::size_t i = 0; i < kBatch; ++i) std::memcpy(dst[i], src[i], len);
        run(true, true);
        for (std::size_t i = 0; i < kBatch; ++i) ct.emplace_back(dst[i], dst[i] + len);
        tags = etags;
    }
    ~RawIpsecMb() { free_mb_mgr(mgr); }

    void fill_job(IMB_JOB* j, std::size_t i, bool encrypt, const uint8_t* iv) {
        j->key_len_in_bytes = t.key_bytes;
        j->cipher_direction = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
        j->chain_order = encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
        j->cipher_start_src_offset_in_bytes = 0;
        j->msg_len_to_cipher_in_bytes = len;
        j->hash_start_src_offset_in_bytes = 0;
        j->msg_len_to_hash_in_bytes = len;
        j->iv = iv;
        j->auth_tag_output = encrypt ? etags[i].data() : got[i].data();
        j->user_data = nullptr;
        if (t.gcm) {
            j->cipher_mode = IMB_CIPHER_GCM;
            j->hash_alg = IMB_AUTH_AES_GMAC;
            j->enc_keys = j->dec_keys = &gkey;
            j->iv_len_in_bytes = 12;
            j->u.GCM.aad = nullptr;
            j->u.GCM.aad_len_in_bytes = 0;
            j->auth_tag_output_len_in_bytes = 16;
            j->src = encrypt ? src[i] : ct[i].data();
            j->dst = encrypt ? dst[i] : back[i];
        } else {
            // Encrypt-then-MAC in place, as ESP does (the buffer's content
            // does not matter for the timing, so no copy is made first).
            j->cipher_mode = IMB_CIPHER_CBC;
            j->hash_alg = std::strcmp(t.integ, "sha1") == 0 ? IMB_AUTH_HMAC_SHA_1 : IMB_AUTH_HMAC_SHA_256;
            j->enc_keys = enc_keys;
            j->dec_keys = dec_keys;
            j->iv_len_in_bytes = 16;
            j->auth_tag_output_len_in_bytes = std::strcmp(t.integ, "sha1") == 0 ? 12 : 16;
            j->u.HMAC._hashed_auth_key_xor_ipad = ipad;
            j->u.HMAC._hashed_auth_key_xor_opad = opad;
            if (encrypt) {
                j->src = dst[i];
                j->dst = dst[i];
            } else {
                j->src = ct[i].data();
                j->dst = back[i];
            }
        }
    }
    void run(bool encrypt, bool fixed_iv) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            const uint8_t* iv = ivs[i].data();
            if (encrypt && !fixed_iv) {
                store_be64(fresh[i].data() + (t.gcm ? 4 : 8), ++counter);
                iv = fresh[i].data();
            }
            IMB_JOB* j = IMB_GET_NEXT_JOB(mgr);
            fill_job(j, i, encrypt, iv);
            j = IMB_SUBMIT_JOB(mgr);
            while (j) {
                if (j->status != IMB_STATUS_COMPLETED) die("raw intel-ipsec-mb job failed");
                j = IMB_GET_COMPLETED_JOB(mgr);
            }
        }
        while (IMB_JOB* j = IMB_FLUSH_JOB(mgr)) {
            if (j->status != IMB_STATUS_COMPLETED) die("raw intel-ipsec-mb job failed");
        }
        if (!encrypt) {
            for (std::size_t i = 0; i < kBatch; ++i) {
                if (std::memcmp(got[i].data(), tags[i].data(), t.gcm ? 16 : 12) != 0) die("raw intel-ipsec-mb tag mismatch");
            }
        }
    }
};
#endif

struct Row {
    double esp_pps = 0, raw_pps = 0;
};

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--quick") {
            opt.seconds = 0.15;
        } else if (a == "--seconds" && i + 1 < argc) {
            opt.seconds = std::stod(argv[++i]);
        } else if (a == "--provider" && i + 1 < argc) {
            opt.provider = argv[++i];
        } else if (a == "--transform" && i + 1 < argc) {
            opt.transform = argv[++i];
        } else if (a == "--size" && i + 1 < argc) {
            opt.size = std::stoul(argv[++i]);
        } else if (a == "--check") {
            opt.check = true;
        } else {
            std::fprintf(stderr,
                         "usage: ikeoff_esp_bench [--quick] [--seconds S] [--provider openssl|ipsec-mb]\n"
                         "                        [--transform aes128gcm16|aes256gcm16|aes128-sha1|aes256-sha256]\n"
                         "                        [--size 64|512|1420|N] [--check]\n");
            return 2;
        }
    }
    // One core: pin to the CPU we started on.
    int cpu = sched_getcpu();
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);

    std::vector<std::string> providers;
    for (std::string p : {"openssl", "ipsec-mb"}) {
        if (!opt.provider.empty() && opt.provider != p) continue;
        if (p == "ipsec-mb" && !drivers::soft::make_ipsecmb_provider().ok()) {
            std::printf("# intel-ipsec-mb unavailable: %s\n", drivers::soft::make_ipsecmb_provider().error().message.c_str());
            continue;
        }
        providers.push_back(p);
    }
    {
        drivers::EngineOptions o;
        auto e = drivers::create_engine("soft", o);
        std::printf("# soft driver: %s\n", e.ok() ? (*e)->description().c_str() : "?");
    }
    std::printf("# one core (cpu %d), batches of %zu, ESP and raw batches interleaved for %.2f s per direction;\n"
                "# rates from the median batch time; Gbit/s of inner packet octets\n",
                cpu, kBatch, opt.seconds);
    std::printf("%-9s %-14s %5s %-6s %10s %9s %10s %9s %6s\n", "provider", "transform", "size", "dir", "ESP Gbit/s",
                "ESP Mpps", "raw Gbit/s", "raw Mpps", "ratio");

    bool target_ok = true;
    std::string target_line;
    for (const auto& prov : providers) {
        for (const Transform& t : kTransforms) {
            if (!opt.transform.empty() && opt.transform != t.name) continue;
            std::vector<std::size_t> sizes(std::begin(kSizes), std::end(kSizes));
            if (opt.size) sizes = {opt.size};
            for (std::size_t size : sizes) {
                EspRig esp(prov, t, size);
                Row enc_row, dec_row;
                std::function<void()> raw_enc, raw_dec;
                std::unique_ptr<RawOpenssl> ro;
#ifdef IKEOFF_HAVE_IPSECMB
                std::unique_ptr<RawIpsecMb> rm;
#endif
                if (prov == "openssl") {
                    ro = std::make_unique<RawOpenssl>(t, size, esp);
                    raw_enc = [&] { ro->encrypt(); };
                    raw_dec = [&] { ro->decrypt(); };
                } else {
#ifdef IKEOFF_HAVE_IPSECMB
                    rm = std::make_unique<RawIpsecMb>(t, size, esp);
                    raw_enc = [&] { rm->run(true, false); };
                    raw_dec = [&] { rm->run(false, true); };
#endif
                }
                auto [re, ee] = median_batch_ns(raw_enc, [&] { esp.encap(); }, opt.seconds);
                auto [rd, ed] = median_batch_ns(raw_dec, [&] { esp.decap(); }, opt.seconds);
                enc_row = {kBatch * 1e9 / ee, kBatch * 1e9 / re};
                dec_row = {kBatch * 1e9 / ed, kBatch * 1e9 / rd};
                esp.verify();
                for (int d = 0; d < 2; ++d) {
                    const Row& row = d == 0 ? enc_row : dec_row;
                    double gb = 8.0 * double(size) / 1e9;
                    double ratio = row.esp_pps / row.raw_pps;
                    std::printf("%-9s %-14s %5zu %-6s %10.2f %9.3f %10.2f %9.3f %6.2f\n", prov.c_str(), t.name, size,
                                d == 0 ? "encap" : "decap", row.esp_pps * gb, row.esp_pps / 1e6, row.raw_pps * gb,
                                row.raw_pps / 1e6, ratio);
                    if (d == 0 && size == 1420 && std::strcmp(t.name, "aes128gcm16") == 0) {
                        bool ok = ratio >= 0.85;
                        target_ok &= ok;
                        char buf[128];
                        std::snprintf(buf, sizeof buf, " %s %.2f %s", prov.c_str(), ratio, ok ? "ok" : "MISSED");
                        target_line += buf;
                    }
                }
                std::fflush(stdout);
            }
        }
    }
    std::printf("# target aes128gcm16 encap 1420 B >= 0.85 x raw:%s\n", target_line.c_str());
    return opt.check && !target_ok ? 1 : 0;
}
