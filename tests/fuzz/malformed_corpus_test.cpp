// The malformed-message test set: real strongSwan messages, truncated,
// with wrong lengths, unknown payload types, oversized attributes, flipped
// bytes and random edits, through every parser (isakmp_fuzz_driver.hpp).
// Nothing may crash (CI runs this under ASan+UBSan), every rejection must
// carry a notify, and the deterministic cases must get the right one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "host/isakmp/message.hpp"
#include "host/net/nat_t.hpp"
#include "tests/fuzz/isakmp_fuzz_driver.hpp"

namespace ikeoff::isakmp {
namespace {

struct Seeds {
    std::vector<Bytes> datagrams;   // UDP payloads as captured (4500 ones with marker)
    std::vector<Bytes> cleartext;   // bare ISAKMP messages that parse in the clear
    std::vector<Bytes> bodies;      // [first type, mode, decrypted body...]
    std::vector<Bytes> payloads;    // [type, body...]
};

const Seeds& seeds() {
    static const Seeds s = [] {
        Seeds out;
        const std::string dir = std::string(IKEOFF_SOURCE_DIR) + "/tests/unit/isakmp/data/";
        for (const char* f : {"mm-psk_aes128-sha1-modp2048_esp-aes128-sha1.json",
                              "am-psk_aes256-sha256-modp2048_esp-aes256gcm16-pfs-modp2048.json"}) {
            std::ifstream in(dir + f);
            auto doc = nlohmann::json::parse(in);
            for (const auto& jm : doc["messages"]) {
                Bytes udp = *from_hex(jm["udp_payload"].get<std::string>());
                out.datagrams.push_back(udp);
                auto nat = net::classify_nat_t(udp);
                Bytes msg = nat.kind == net::NatTKind::ike ? Bytes(nat.data.begin(), nat.data.end()) : udp;
                auto f1 = frame(msg);
                if (!f1.ok()) continue;
                Bytes plain(f1->body.begin(), f1->body.end());
                if (jm.contains("decrypted_body")) {
                    plain = *from_hex(jm["decrypted_body"].get<std::string>());
                } else {
                    out.cleartext.push_back(msg);
                }
                Bytes b = {uint8_t(f1->header.next_payload), 1};
                b.insert(b.end(), plain.begin(), plain.end());
                out.bodies.push_back(b);
                auto chain = parse_chain(plain, f1->header.next_payload, {.allow_padding = true});
                if (!chain.ok()) continue;
                for (const Payload& p : chain->payloads) {
                    Bytes pb = {uint8_t(p.type)};
                    pb.insert(pb.end(), p.raw.begin(), p.raw.end());
                    out.payloads.push_back(pb);
                }
            }
        }
        return out;
    }();
    return s;
}

// Runs every mode that applies and records invariant failures.
void feed(ByteView input) {
    auto d = fuzz::datagram(input);
    EXPECT_TRUE(d.invariants_hold) << "datagram " << to_hex(input);
    auto b = fuzz::body(input);
    EXPECT_TRUE(b.invariants_hold) << "body " << to_hex(input);
    auto p = fuzz::payload(input);
    EXPECT_TRUE(p.invariants_hold) << "payload " << to_hex(input);
}

TEST(MalformedCorpus, SeedsAreAcceptedAsIs) {
    const Seeds& s = seeds();
    ASSERT_EQ(s.datagrams.size(), 15u);
    ASSERT_EQ(s.cleartext.size(), 6u);
    for (const Bytes& d : s.cleartext) EXPECT_TRUE(fuzz::datagram(d).accepted);
    for (const Bytes& b : s.bodies) EXPECT_TRUE(fuzz::body(b).accepted) << to_hex(b);
    for (const Bytes& p : s.payloads) EXPECT_TRUE(fuzz::payload(p).accepted) << to_hex(p);
}

TEST(MalformedCorpus, EveryTruncation) {
    const Seeds& s = seeds();
    for (const auto* set : {&s.datagrams, &s.bodies, &s.payloads}) {
        for (const Bytes& seed : *set) {
            for (std::size_t n = 0; n < seed.size(); ++n) feed(ByteView(seed).first(n));
        }
    }
    // A truncated cleartext message never parses, with or without a
    // patched-up header length.
    for (const Bytes& m : s.cleartext) {
        for (std::size_t n = kHeaderSize; n < m.size(); ++n) {
            Bytes cut(m.begin(), m.begin() + n);
            EXPECT_EQ(parse_message(cut).notify(), NotifyType::unequal_payload_lengths);
            store_be32(cut.data() + 24, uint32_t(n));
            auto r = parse_message(cut);
            ASSERT_FALSE(r.ok()) << n;
            EXPECT_NE(r.notify(), NotifyType::none);
        }
    }
}

TEST(MalformedCorpus, EveryByteFlipped) {
    const Seeds& s = seeds();
    for (const auto* set : {&s.datagrams, &s.bodies, &s.payloads}) {
        for (const Bytes& seed : *set) {
            Bytes m = seed;
            for (std::size_t i = 0; i < m.size(); ++i) {
                const uint8_t orig = m[i];
                for (uint8_t v : {uint8_t(0x00), uint8_t(0xFF), uint8_t(orig ^ 0x80), uint8_t(orig + 1)}) {
                    m[i] = v;
                    feed(m);
                }
                m[i] = orig;
            }
        }
    }
}

// Offsets of every 16-bit length in a cleartext message: generic payload
// headers, proposals and transforms inside SAs, and TLV attributes.
std::vector<std::size_t> length_fields(const Message& m) {
    std::vector<std::size_t> out;
    for (const Payload& p : m.payloads) {
        const std::size_t base = kHeaderSize + p.offset;
        out.push_back(base + 2);
        if (p.type != PayloadType::sa) continue;
        std::size_t pos = base + 4 + 8;  // DOI + situation
        for (const Proposal& pr : p.get<SaPayload>()->proposals) {
            out.push_back(pos + 2);
            std::size_t t = pos + 8 + pr.spi.size();
            for (const Transform& tr : pr.transforms) {
                out.push_back(t + 2);
                std::size_t a = t + 8;
                for (const Attribute& at : tr.attributes) {
                    if (!at.tv) out.push_back(a + 2);
                    a += 4 + (at.tv ? 0 : at.value.size());
                }
                t = a;
            }
            pos = t;
        }
    }
    return out;
}

TEST(MalformedCorpus, WrongLengths) {
    std::size_t fields = 0;
    for (const Bytes& seed : seeds().cleartext) {
        auto m = parse_message(seed);
        ASSERT_TRUE(m.ok());
        // Header length: anything but the datagram size is refused.
        for (uint32_t len : {0u, 1u, 27u, 28u, uint32_t(seed.size() - 1), uint32_t(seed.size() + 1),
                             0xFFFFFFFFu}) {
            Bytes b = seed;
            store_be32(b.data() + 24, len);
            EXPECT_EQ(parse_message(b).notify(), NotifyType::unequal_payload_lengths) << len;
        }
        for (std::size_t off : length_fields(*m)) {
            ++fields;
            const uint16_t orig = load_be16(seed.data() + off);
            for (int delta : {-1, 1, -4, 4}) {
                Bytes b = seed;
                store_be16(b.data() + off, uint16_t(orig + delta));
                auto r = parse_message(b);
                EXPECT_FALSE(r.ok()) << "length at " << off << " " << orig << "+" << delta;
                if (!r.ok()) {
                    EXPECT_NE(r.notify(), NotifyType::none);
                }
                feed(b);
            }
            for (uint16_t v : {0, 1, 3, 0x7FFF, 0xFFFF}) {
                Bytes b = seed;
                store_be16(b.data() + off, v);
                auto r = parse_message(b);
                EXPECT_FALSE(r.ok()) << "length at " << off << " = " << v;
                feed(b);
            }
        }
    }
    EXPECT_GT(fields, 40u) << "the walk found the nested lengths";
}

TEST(MalformedCorpus, UnknownPayloadTypes) {
    for (const Bytes& seed : seeds().cleartext) {
        auto m = parse_message(seed);
        ASSERT_TRUE(m.ok());
        std::vector<std::size_t> next_fields = {16};  // header's next payload
        for (std::size_t i = 0; i + 1 < m->payloads.size(); ++i)
            next_fields.push_back(kHeaderSize + m->payloads[i].offset);
        for (std::size_t off : next_fields) {
            for (int t = 0; t < 256; ++t) {
                if (is_known_payload(PayloadType(t)) || t == 0) continue;
                Bytes b = seed;
                b[off] = uint8_t(t);
                EXPECT_EQ(parse_message(b).notify(), NotifyType::invalid_payload_type)
                    << "type " << t << " at " << off;
            }
        }
    }
}

TEST(MalformedCorpus, OversizedAttributes) {
    int cases = 0;
    for (const Bytes& seed : seeds().cleartext) {
        auto m = parse_message(seed);
        ASSERT_TRUE(m.ok());
        const Payload* sa = m->find(PayloadType::sa);
        if (!sa) continue;
        // Turn every TV attribute into a TLV whose "length" is its value:
        // the value bytes it claims run past the transform.
        std::size_t pos = kHeaderSize + sa->offset + 4 + 8;
        const Proposal& pr = sa->get<SaPayload>()->proposals.at(0);
        std::size_t a = pos + 8 + pr.spi.size() + 8;
        for (const Attribute& at : pr.transforms.at(0).attributes) {
            ASSERT_TRUE(at.tv);
            Bytes b = seed;
            b[a] &= 0x7F;  // clear AF
            store_be16(b.data() + a + 2, 0x4000);
            EXPECT_EQ(parse_message(b).notify(), NotifyType::bad_proposal_syntax);
            feed(b);
            ++cases;
            a += 4;
        }
    }
    EXPECT_GE(cases, 14) << "seven attributes in each phase-1 SA seed";
}

// The libFuzzer seed corpus plus every input a fuzzer once found
// (regression-*), each replayed through its own mode.
TEST(MalformedCorpus, ReplaysCorpusDirectories) {
    namespace fs = std::filesystem;
    const fs::path root = fs::path(IKEOFF_SOURCE_DIR) / "tests/fuzz/corpus";
    std::size_t files = 0;
    for (const char* kind : {"datagram", "body", "payload"}) {
        for (const auto& e : fs::directory_iterator(root / kind)) {
            std::ifstream in(e.path(), std::ios::binary);
            Bytes b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            ++files;
            fuzz::Outcome o = std::string(kind) == "datagram" ? fuzz::datagram(b)
                              : std::string(kind) == "body"   ? fuzz::body(b)
                                                              : fuzz::payload(b);
            EXPECT_TRUE(o.invariants_hold) << e.path();
        }
    }
    EXPECT_GE(files, 78u);
}

TEST(MalformedCorpus, RandomEditsWithFixedSeed) {
    const Seeds& s = seeds();
    std::vector<const Bytes*> all;
    for (const auto* set : {&s.datagrams, &s.bodies, &s.payloads})
        for (const Bytes& b : *set) all.push_back(&b);
    std::mt19937 rng(20240531);
    for (int iter = 0; iter < 20000; ++iter) {
        Bytes b = *all[rng() % all.size()];
        int ops = 1 + int(rng() % 4);
        for (int k = 0; k < ops && !b.empty(); ++k) {
            std::size_t at = rng() % b.size();
            switch (rng() % 4) {
                case 0: b[at] = uint8_t(rng()); break;
                case 1: b.insert(b.begin() + long(at), uint8_t(rng())); break;
                case 2: b.erase(b.begin() + long(at), b.begin() + long(std::min(b.size(), at + 1 + rng() % 8))); break;
                case 3: {
                    std::size_t n = std::min<std::size_t>(b.size() - at, 1 + rng() % 16);
                    Bytes chunk(b.begin() + long(at), b.begin() + long(at + n));
                    b.insert(b.begin() + long(rng() % b.size()), chunk.begin(), chunk.end());
                    break;
                }
            }
        }
        feed(b);
        if (HasFailure()) break;
    }
}

}  // namespace
}  // namespace ikeoff::isakmp
