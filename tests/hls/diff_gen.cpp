#include "tests/hls/diff_gen.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <sstream>

#include "host/ipsec/algorithms.hpp"
#include "host/ipsec/ip_packet.hpp"

namespace ikeoff::hls_test {

namespace {

Bytes random_bytes(Rng& r, std::size_t n) {
    Bytes b(n);
    for (auto& x : b) x = uint8_t(r());
    return b;
}

IpAddress random_addr(Rng& r, bool v6) {
    uint8_t b[16];
    for (auto& x : b) x = uint8_t(r());
    return v6 ? IpAddress::v6(b) : IpAddress::v4(b);
}

// IPv4 options (RFC 791): a mix of immutable (Router Alert, Security) and
// mutable (Timestamp-like, Record Route-like) options, NOPs, then EOL padding.
Bytes random_ipv4_options(Rng& r) {
    Bytes o;
    const std::size_t want = 4 * uniform(r, 1, 10);
    while (o.size() + 1 < want) {
        switch (uniform(r, 0, 4)) {
            case 0: o.push_back(1); break;  // NOP
            case 1:
                if (o.size() + 4 <= want) o.insert(o.end(), {148, 4, 0, 0});  // Router Alert (immutable)
                break;
            case 2:
                if (o.size() + 11 <= want) {  // Security (130), immutable
                    o.insert(o.end(), {130, 11});
                    for (int i = 0; i < 9; ++i) o.push_back(uint8_t(r()));
                }
                break;
            default: {
                std::size_t len = uniform(r, 3, 12);
                if (o.size() + len <= want) {  // Record Route (7) / Timestamp (68): mutable
                    o.push_back(chance(r, 0.5) ? 7 : 68);
                    o.push_back(uint8_t(len));
                    for (std::size_t i = 2; i < len; ++i) o.push_back(uint8_t(r()));
                }
            }
        }
    }
    o.resize(want, 0);  // EOL and padding
    return o;
}

// One IPv6 options header body (HBH or DestOpts) of 8n octets: Pad1/PadN and
// options with and without the "may change" bit.
Bytes random_ipv6_options(Rng& r, uint8_t next) {
    const std::size_t total = 8 * uniform(r, 1, 4);
    Bytes h{next, uint8_t(total / 8 - 1)};
    while (h.size() < total) {
        std::size_t room = total - h.size();
        if (room == 1) {
            h.push_back(0);  // Pad1
            continue;
        }
        std::size_t dlen = uniform(r, 0, std::min<std::size_t>(room - 2, 6));
        uint8_t type = chance(r, 0.3) ? 1 : uint8_t((uniform(r, 0, 1) ? 0x20 : 0x00) | uniform(r, 2, 0x1f) | 0x00);
        h.push_back(type);
        h.push_back(uint8_t(dlen));
        for (std::size_t i = 0; i < dlen; ++i) h.push_back(uint8_t(r()));
    }
    return h;
}

}  // namespace

std::size_t random_payload_size(Rng& r, std::size_t max_payload) {
    const uint64_t bucket = uniform(r, 0, 99);
    std::size_t hi = bucket < 55 ? 256 : bucket < 85 ? 1500 : max_payload;
    if (bucket == 99) return uniform(r, 0, 1) ? 0 : max_payload;  // the edges
    return std::size_t(uniform(r, 0, std::min(hi, max_payload)));
}

Bytes random_inner(Rng& r, bool v6, std::size_t payload, bool with_options) {
    Bytes p;
    const uint8_t l4 = chance(r, 0.5) ? 17 : 6;
    if (!v6) {
        Bytes opts = with_options && chance(r, 0.4) ? random_ipv4_options(r) : Bytes{};
        const std::size_t hl = 20 + opts.size();
        p.resize(hl);
        p[0] = uint8_t(0x40 | hl / 4);
        p[1] = uint8_t(r());
        store_be16(&p[2], uint16_t(hl + payload));
        store_be16(&p[4], uint16_t(r()));
        store_be16(&p[6], chance(r, 0.5) ? 0x4000 : 0);
        p[8] = uint8_t(uniform(r, 1, 255));
        p[9] = l4;
        for (int i = 12; i < 20; ++i) p[std::size_t(i)] = uint8_t(r());
        std::copy(opts.begin(), opts.end(), p.begin() + 20);
        ipsec::update_ipv4_checksum(p.data());
    } else {
        // Extension header chain: any of HBH (first only), Routing, Fragment, DestOpts.
        std::array<uint8_t, 4> chain{};
        std::size_t nchain = 0;
        if (with_options) {
            if (chance(r, 0.3)) chain[nchain++] = 0;
            if (chance(r, 0.2)) chain[nchain++] = 43;
            if (chance(r, 0.2)) chain[nchain++] = 44;
            if (chance(r, 0.2)) chain[nchain++] = 60;
        }
        Bytes ext;
        for (std::size_t i = 0; i < nchain; ++i) {
            uint8_t next = i + 1 < nchain ? chain[i + 1] : l4;
            if (chain[i] == 0 || chain[i] == 60) {
                Bytes h = random_ipv6_options(r, next);
                ext.insert(ext.end(), h.begin(), h.end());
            } else if (chain[i] == 43) {
                // Routing header type 4-ish with one address worth of data, segments left 0.
                Bytes h{next, 2, 4, 0};
                for (int k = 0; k < 20; ++k) h.push_back(uint8_t(r()));
                ext.insert(ext.end(), h.begin(), h.end());
            } else {
                // Atomic fragment (offset 0, M = 0, RFC 6946).
                Bytes h{next, 0, 0, 0};
                for (int k = 0; k < 4; ++k) h.push_back(uint8_t(r()));
                ext.insert(ext.end(), h.begin(), h.end());
            }
        }
        p.resize(40);
        const uint8_t tc = uint8_t(r());
        p[0] = uint8_t(0x60 | tc >> 4);
        p[1] = uint8_t(tc << 4 | (r() & 0x0f));
        p[2] = uint8_t(r());
        p[3] = uint8_t(r());
        store_be16(&p[4], uint16_t(ext.size() + payload));
        p[6] = nchain == 0 ? l4 : chain[0];
        p[7] = uint8_t(uniform(r, 1, 255));
        for (int i = 8; i < 40; ++i) p[std::size_t(i)] = uint8_t(r());
        p.insert(p.end(), ext.begin(), ext.end());
    }
    Bytes data = random_bytes(r, payload);
    p.insert(p.end(), data.begin(), data.end());
    return p;
}

ipsec::SaParams random_sa(Rng& r, uint32_t spi, ipsec::SaDirection dir) {
    using ipsec::EncAlg;
    using ipsec::IntegAlg;
    static const char* kEnc[] = {"aes128gcm16", "aes192gcm16", "aes256gcm16", "aes128gmac", "aes256gmac",
                                 "aes128",      "aes192",      "aes256",      "3des",       "null"};
    static const IntegAlg kInteg[] = {IntegAlg::hmac_sha1_96, IntegAlg::hmac_sha256_128, IntegAlg::hmac_sha384_192,
                                      IntegAlg::hmac_sha512_256, IntegAlg::hmac_md5_96};
    ipsec::SaParams p;
    p.spi = spi;
    p.direction = dir;
    p.protocol = chance(r, 0.25) ? ipsec::Protocol::ah : ipsec::Protocol::esp;
    p.mode = chance(r, 0.5) ? ipsec::Mode::tunnel : ipsec::Mode::transport;
    const bool v6 = chance(r, 0.5);
    p.src = random_addr(r, v6);
    p.dst = random_addr(r, v6);
    if (p.protocol == ipsec::Protocol::esp) {
        p.enc = *ipsec::parse_enc_keyword(kEnc[uniform(r, 0, 9)]);
        p.enc_key = SecretBytes(random_bytes(r, ipsec::keymat_enc_bytes(p.enc)));
        if (!ipsec::is_aead(p.enc.alg)) {
            // CBC may run without integrity (encryption-only ESP is legal); null may not.
            p.integ = p.enc.alg != EncAlg::null && chance(r, 0.1) ? IntegAlg::none : kInteg[uniform(r, 0, 4)];
        }
        if (chance(r, 0.15)) p.encap = ipsec::UdpEncap{uint16_t(uniform(r, 1, 65535)), 4500};
    } else {
        p.integ = kInteg[uniform(r, 0, 4)];
    }
    p.integ_key = SecretBytes(random_bytes(r, ipsec::integ_key_bytes(p.integ)));
    p.allow_weak = true;
    p.esn = chance(r, 0.3);
    const uint64_t pick = uniform(r, 0, 9);
    if (pick == 0) p.seq = p.esn ? 0xfffffff0ull + uniform(r, 0, 30) : 0xfffffff8ull + uniform(r, 0, 7);
    else if (pick == 1 && p.esn) p.seq = 0xfffffffffffffff8ull + uniform(r, 0, 7);
    else if (pick == 2) p.seq = uniform(r, 1, 1u << 20);
    else p.seq = 1;
    const uint64_t win = uniform(r, 0, 9);
    p.replay_window = win == 0 ? 0 : win < 3 ? uint32_t(uniform(r, 1, 64)) : win < 9 ? 64 : 4096;
    if (chance(r, 0.15)) {
        p.hard.packets = uniform(r, 1, 40);
        if (chance(r, 0.5)) p.soft.packets = uniform(r, 1, p.hard.packets);
    }
    if (chance(r, 0.1)) {
        p.hard.bytes = uniform(r, 1, 60000);
        if (chance(r, 0.5)) p.soft.bytes = uniform(r, 1, p.hard.bytes);
    }
    std::array<uint8_t, 16> seed{};
    for (auto& b : seed) b = uint8_t(r());
    p.iv_seed = seed;
    return p;
}

std::string describe(const ipsec::SaParams& p) {
    std::ostringstream s;
    s << ipsec::to_string(p.protocol) << " " << ipsec::to_string(p.mode) << " " << ipsec::to_string(p.direction)
      << " enc=" << ipsec::enc_keyword(p.enc) << " integ=" << ipsec::integ_keyword(p.integ)
      << " esn=" << p.esn << " seq=" << p.seq << " win=" << p.replay_window << " v6=" << p.dst.is_v6()
      << " encap=" << bool(p.encap) << " soft=" << p.soft.packets << "p/" << p.soft.bytes << "B"
      << " hard=" << p.hard.packets << "p/" << p.hard.bytes << "B spi=0x" << std::hex << p.spi;
    return s.str();
}

Bytes craft_null_esp(const ipsec::SaParams& p, uint64_t seq, ByteView inner, ByteView trailer, bool outer_v6) {
    Bytes esp(8);
    store_be32(&esp[0], p.spi);
    store_be32(&esp[4], uint32_t(seq));
    esp.insert(esp.end(), inner.begin(), inner.end());
    esp.insert(esp.end(), trailer.begin(), trailer.end());
    Bytes mac_in = esp;
    if (p.esn) {
        uint8_t hi[4];
        store_be32(hi, uint32_t(seq >> 32));
        mac_in.insert(mac_in.end(), hi, hi + 4);
    }
    const EVP_MD* md = p.integ == ipsec::IntegAlg::hmac_sha1_96      ? EVP_sha1()
                       : p.integ == ipsec::IntegAlg::hmac_sha256_128 ? EVP_sha256()
                       : p.integ == ipsec::IntegAlg::hmac_sha384_192 ? EVP_sha384()
                       : p.integ == ipsec::IntegAlg::hmac_sha512_256 ? EVP_sha512()
                                                                      : EVP_md5();
    uint8_t mac[64];
    unsigned int mac_len = 0;
    HMAC(md, p.integ_key.data(), int(p.integ_key.size()), mac_in.data(), mac_in.size(), mac, &mac_len);
    esp.insert(esp.end(), mac, mac + ipsec::icv_bytes(p.integ));
    Bytes pkt(outer_v6 ? 40 : 20);
    if (outer_v6) {
        ipsec::write_ipv6_header(pkt.data(), 0, uint16_t(esp.size()), 50, 64, p.src, p.dst);
    } else {
        ipsec::write_ipv4_header(pkt.data(), 0, uint16_t(20 + esp.size()), 1, false, 64, 50, p.src, p.dst);
    }
    pkt.insert(pkt.end(), esp.begin(), esp.end());
    return pkt;
}

}  // namespace ikeoff::hls_test
