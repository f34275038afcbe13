// Published ESP packets decapsulated by every engine:
//  - draft-mcgrew-gcm-test-01: 16 AES-GCM-ESP and 1 AES-GMAC-ESP packets
//    (11 with 64-bit ESN). Their next header is 1, so they are run as
//    transport-mode packets behind an IPv4 header.
//  - RFC 3602 §4 cases 5-8: AES-128-CBC ESP without integrity, transport and
//    tunnel, two of them with the sender's IPv4 header.
#include <nlohmann/json.hpp>

#include "host/ipsec/ip_packet.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace ikeoff::test {
namespace {

using ipsec::PacketStatus;
using json = nlohmann::json;

Bytes hexb(const json& v) { return *from_hex(v.get<std::string>()); }

Bytes ipv4_around(ByteView payload, uint8_t proto, const char* src = "192.0.2.1", const char* dst = "192.0.2.2") {
    Bytes p(20 + payload.size());
    ipsec::write_ipv4_header(p.data(), 0, uint16_t(p.size()), 0x77, false, 64, proto, *IpAddress::parse(src),
                             *IpAddress::parse(dst));
    std::copy(payload.begin(), payload.end(), p.begin() + 20);
    return p;
}

class EspVectors : public EngineTest {
protected:
    Result<ipsec::SaHandle> add_gcm_sa(const json& v, uint64_t seq_param) {
        ipsec::SaParams p;
        p.spi = load_be32(hexb(v["spi"]).data());
        p.protocol = ipsec::Protocol::esp;
        p.mode = ipsec::Mode::transport;
        p.direction = ipsec::SaDirection::inbound;
        Bytes key = hexb(v["key"]);
        bool gmac = v["algorithm"] == "AES-GMAC-ESP";
        p.enc = {gmac ? ipsec::EncAlg::aes_gmac : ipsec::EncAlg::aes_gcm16, uint16_t(key.size() * 8)};
        Bytes salt = hexb(v["salt"]);
        key.insert(key.end(), salt.begin(), salt.end());
        p.enc_key = SecretBytes(std::move(key));
        p.esn = v["esn"].get<bool>();
        p.seq = seq_param;
        return engine->add_sa(std::move(p));
    }
};

uint64_t full_seq(const json& v) {
    Bytes s = hexb(v["seq"]);
    return s.size() == 8 ? load_be64(s.data()) : load_be32(s.data());
}

TEST_P(EspVectors, DraftMcGrewGcmPacketsDecrypt) {
    json doc = json::parse(read_vector_file("aes_gcm_esp_draft_mcgrew_gcm_test_01.json"));
    ASSERT_EQ(doc["vectors"].size(), 17u);
    int checked = 0;
    for (const auto& v : doc["vectors"]) {
        SCOPED_TRACE("draft-mcgrew-gcm-test-01 case " + std::to_string(v["tc"].get<int>()));
        // Case 4 uses SPI 0, which RFC 4303 §2.1 reserves: no SA can have it.
        if (load_be32(hexb(v["spi"]).data()) < 256) continue;
        uint64_t seq = full_seq(v);
        auto h = add_gcm_sa(v, seq);
        ASSERT_TRUE(h.ok()) << h.error().message;
        Bytes esp = hexb(v["packet"]);
        Bytes in = ipv4_around(esp, ipsec::kProtoEsp);
        One r = decap(*engine, in);
        ASSERT_EQ(r.status, PacketStatus::ok);
        EXPECT_EQ(r.sa, *h);
        EXPECT_EQ(r.seq, seq);  // ESN: the high half was inferred, not carried

        // The ESP payload before its trailer, behind the restored IPv4 header.
        // GMAC carries the payload in the clear: it is the AAD after SPI, seq and IV.
        Bytes aad = hexb(v["aad"]);
        Bytes plain = v["algorithm"] == "AES-GMAC-ESP" ? Bytes(aad.begin() + 16, aad.end()) : hexb(v["plaintext"]);
        std::size_t payload_len = plain.size() - 2 - plain[plain.size() - 2];
        Bytes want = ipv4_around(ByteView(plain).first(payload_len), plain.back());
        EXPECT_EQ(to_hex(r.out), to_hex(want));
        ASSERT_TRUE(engine->del_sa(*h).ok());
        ++checked;
    }
    EXPECT_EQ(checked, 16);
}

TEST_P(EspVectors, DraftMcGrewEsnHighBitsAreAuthenticated) {
    // Receiving an ESN packet in the wrong 2^32 epoch changes the implicit
    // high half of the ICV input, so the packet must not verify.
    json doc = json::parse(read_vector_file("aes_gcm_esp_draft_mcgrew_gcm_test_01.json"));
    int checked = 0;
    for (const auto& v : doc["vectors"]) {
        if (!v["esn"].get<bool>()) continue;
        uint64_t seq = full_seq(v);
        if (seq >> 32 == 0xffffffffu || load_be32(hexb(v["spi"]).data()) < 256) continue;
        SCOPED_TRACE("case " + std::to_string(v["tc"].get<int>()));
        auto h = add_gcm_sa(v, seq + (uint64_t(1) << 32));
        ASSERT_TRUE(h.ok());
        One r = decap(*engine, ipv4_around(hexb(v["packet"]), ipsec::kProtoEsp));
        // Inferred one epoch later -> ICV mismatch (or, when the low half lies
        // below the window, before-window); never ok.
        EXPECT_TRUE(r.status == PacketStatus::icv_failure || r.status == PacketStatus::before_window)
            << ipsec::to_string(r.status);
        EXPECT_TRUE(r.out.empty());
        ASSERT_TRUE(engine->del_sa(*h).ok());
        ++checked;
    }
    EXPECT_GE(checked, 9);
}

TEST_P(EspVectors, Rfc3602EspPackets) {
    json doc = json::parse(read_vector_file("aes_cbc_rfc3602.json"));
    int checked = 0;
    for (const auto& v : doc["vectors"]) {
        if (v["type"] != "esp_packet") continue;
        int tc = v["case"].get<int>();
        SCOPED_TRACE("RFC 3602 case " + std::to_string(tc));
        ipsec::SaParams p;
        Bytes esp = hexb(v["esp_packet"]);
        p.spi = load_be32(esp.data());
        p.mode = v["mode"] == "tunnel" ? ipsec::Mode::tunnel : ipsec::Mode::transport;
        p.direction = ipsec::SaDirection::inbound;
        p.enc = {ipsec::EncAlg::aes_cbc, 128};
        p.enc_key = SecretBytes(hexb(v["key"]));
        p.integ = ipsec::IntegAlg::none;  // these cases are encryption-only
        auto h = engine->add_sa(std::move(p));
        ASSERT_TRUE(h.ok()) << h.error().message;

        std::string src = v["src"], dst = v["dst"];
        Bytes in;
        if (v.contains("outer_ip_header")) {
            in = hexb(v["outer_ip_header"]);
            in.insert(in.end(), esp.begin(), esp.end());
        } else {
            in = ipv4_around(esp, ipsec::kProtoEsp, src.c_str(), dst.c_str());
        }
        One r = decap(*engine, in);
        ASSERT_EQ(r.status, PacketStatus::ok);
        EXPECT_EQ(r.seq, load_be32(hexb(v["seq"]).data()));
        Bytes payload = hexb(v["payload"]);
        Bytes want;
        if (v["mode"] == "tunnel") {
            want = payload;
        } else if (v.contains("orig_ip_header")) {
            // Case 5 prints the original header: transport decap must restore
            // it exactly (protocol, total length and checksum).
            want = hexb(v["orig_ip_header"]);
            want.insert(want.end(), payload.begin(), payload.end());
        } else {
            Bytes hdr(in.begin(), in.begin() + 20);
            want = ipv4_around(payload, hexb(v["next_header"])[0], src.c_str(), dst.c_str());
            std::copy(hdr.begin() + 4, hdr.begin() + 10, want.begin() + 4);  // ID, flags, TTL as received
            want[9] = hexb(v["next_header"])[0];
            ipsec::update_ipv4_checksum(want.data());
        }
        EXPECT_EQ(to_hex(r.out), to_hex(want));
        ASSERT_TRUE(engine->del_sa(*h).ok());
        ++checked;
    }
    EXPECT_EQ(checked, 4);
}

INSTANTIATE_TEST_SUITE_P(Engines, EspVectors, ::testing::ValuesIn(engine_kinds()),
                         [](const auto& i) { return i.param.label(); });

}  // namespace
}  // namespace ikeoff::test
