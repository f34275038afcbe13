// Known-answer tests for the soft driver's crypto providers, run through the
// same CryptoOp path the engine uses, against both OpenSSL and
// intel-ipsec-mb. Vectors are submitted as whole batches so intel-ipsec-mb
// runs them through its multi-buffer lanes with mixed keys.
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

#include "drivers/soft/crypto_provider.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace ikeoff::test {
namespace {

using drivers::soft::CryptoOp;
using drivers::soft::CryptoProvider;
using drivers::soft::KeySpec;
using drivers::soft::SaCrypto;
using ipsec::EncAlg;
using ipsec::IntegAlg;
using json = nlohmann::json;

Bytes hexb(const json& v) {
    if (v.is_null()) return {};
    auto r = from_hex(v.get<std::string>());
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : Bytes{};
}

json load(const std::string& name) { return json::parse(read_vector_file(name)); }

const Bytes kIvKey(16, 0x5a);

// One queued operation with the buffers it points into.
struct Job {
    Bytes key, integ_key, iv, in, aad, out, tag, expect_out, expect_tag;
    std::unique_ptr<SaCrypto> sa;
    CryptoOp op;
    std::string name;
    bool expect_ok = true;
};

class ProviderKat : public ::testing::TestWithParam<std::string> {
public:
    void SetUp() override {
        auto p = GetParam() == "openssl" ? drivers::soft::make_openssl_provider()
                                         : drivers::soft::make_ipsecmb_provider();
        ASSERT_TRUE(p.ok()) << p.error().message;
        provider = std::move(p).value();
    }

    // Prepares job.op from the job's buffers (after they are final).
    void add(std::vector<Job>& jobs, Job j, EncAlg enc, IntegAlg integ, bool encrypt) {
        KeySpec k;
        k.enc = enc;
        k.enc_key = j.key;
        k.integ = integ;
        k.integ_key = j.integ_key;
        k.iv_key = kIvKey;
        auto sa = provider->make_sa(k);
        ASSERT_TRUE(sa.ok()) << j.name << ": " << sa.error().message;
        j.sa = std::move(sa).value();
        jobs.push_back(std::move(j));
        Job& b = jobs.back();
        b.op.sa = b.sa.get();
        b.op.encrypt = encrypt;
        b.op.iv = b.iv.data();
        b.op.iv_len = b.iv.size();
        b.op.in[0] = {b.in.data(), b.in.size()};
        b.op.out = b.out.data();
        b.op.out_len = b.out.size();
        b.op.auth[0] = {b.aad.data(), b.aad.size()};
        b.op.tag = b.tag.data();
        b.op.expected_tag = b.expect_tag.data();
        b.op.tag_len = encrypt ? b.tag.size() : b.expect_tag.size();
    }

    // Runs in batches of 48 and checks every result.
    void run_and_check(std::vector<Job>& jobs) {
        ASSERT_FALSE(jobs.empty());
        for (std::size_t i = 0; i < jobs.size(); i += 48) {
            std::vector<CryptoOp*> ops;
            for (std::size_t j = i; j < std::min(jobs.size(), i + 48); ++j) ops.push_back(&jobs[j].op);
            provider->run(ops);
        }
        for (Job& j : jobs) {
            ASSERT_EQ(j.op.ok, j.expect_ok) << j.name;
            if (!j.expect_ok) continue;
            EXPECT_EQ(to_hex(j.out), to_hex(j.expect_out)) << j.name;
            if (j.op.encrypt) {
                EXPECT_EQ(to_hex(j.tag), to_hex(j.expect_tag)) << j.name;
            }
        }
    }

    std::unique_ptr<CryptoProvider> provider;
};
// each CAVS vector satisfies Enc(key, iv, pt) = ct in both sections, so
// every vector is run as an encryption and as a decryption.

std::vector<std::string> providers() {
    std::vector<std::string> p{"openssl"};
    if (have_ipsecmb()) p.push_back("ipsec-mb");
    return p;
}

TEST_P(ProviderKat, AesCbcCavs) {
    json doc = load("aes_cbc_cavs_aesavs.json");
    std::vector<Job> jobs;
    for (const auto& v : doc["vectors"]) {
        std::string name = v["test_file"].get<std::string>() + "#" + std::to_string(v["count"].get<int>());
        for (bool enc : {true, false}) {
            Job j;
            j.name = name + (enc ? " enc" : " dec");
            j.key = hexb(v["key"]);
            j.iv = hexb(v["iv"]);
            j.in = hexb(enc ? v["plaintext"] : v["ciphertext"]);
            j.expect_out = hexb(enc ? v["ciphertext"] : v["plaintext"]);
            j.out.resize(j.in.size());
            add(jobs, std::move(j), EncAlg::aes_cbc, IntegAlg::none, enc);
        }
    }
    EXPECT_EQ(jobs.size(), 2u * 2138);
    run_and_check(jobs);
}

TEST_P(ProviderKat, TdesCbcCavs) {
    json doc = load("tdes_cbc_cavs.json");
    std::vector<Job> jobs;
    for (const auto& v : doc["vectors"]) {
        std::string name = v["test_file"].get<std::string>() + "#" + std::to_string(v["count"].get<int>());
        for (bool enc : {true, false}) {
            Job j;
            j.name = name + (enc ? " enc" : " dec");
            j.key = hexb(v["key"]);
            j.iv = hexb(v["iv"]);
            j.in = hexb(enc ? v["plaintext"] : v["ciphertext"]);
            j.expect_out = hexb(enc ? v["ciphertext"] : v["plaintext"]);
            j.out.resize(j.in.size());
            add(jobs, std::move(j), EncAlg::tdes_cbc, IntegAlg::none, enc);
        }
    }
    EXPECT_EQ(jobs.size(), 2u * 530);
    run_and_check(jobs);
}

TEST_P(ProviderKat, Rfc3602CbcCases) {
    json doc = load("aes_cbc_rfc3602.json");
    std::vector<Job> jobs;
    for (const auto& v : doc["vectors"]) {
        if (v["type"] != "cbc") continue;
        Job j;
        j.name = "RFC 3602 case " + std::to_string(v["case"].get<int>());
        j.key = hexb(v["key"]);
        j.iv = hexb(v["iv"]);
        j.in = hexb(v["plaintext"]);
        j.expect_out = hexb(v["ciphertext"]);
        j.out.resize(j.in.size());
        add(jobs, std::move(j), EncAlg::aes_cbc, IntegAlg::none, true);
    }
    EXPECT_EQ(jobs.size(), 4u);
    run_and_check(jobs);
}

// GCM: seal must reproduce ct||tag; open must accept it and return the
// plaintext; open with a flipped tag bit must fail.
void gcm_jobs(ProviderKat& t, std::vector<Job>& jobs, const std::string& name, const Bytes& key, const Bytes& iv,
              const Bytes& aad, const Bytes& pt, const Bytes& ct, const Bytes& tag, bool valid);

TEST_P(ProviderKat, GcmSpecMcGrewViega) {
    json doc = load("aes_gcm_spec_mcgrew_viega.json");
    std::vector<Job> jobs;
    for (const auto& v : doc["vectors"]) {
        gcm_jobs(*this, jobs, "GCM spec TC" + std::to_string(v["tc"].get<int>()), hexb(v["key"]), hexb(v["iv"]),
                 hexb(v["aad"]), hexb(v["plaintext"]), hexb(v["ciphertext"]), hexb(v["tag"]), true);
    }
    EXPECT_EQ(jobs.size(), 18u * 3);
    run_and_check(jobs);
}

TEST_P(ProviderKat, WycheproofAesGcm) {
    json doc = load("wycheproof/aes_gcm_test.json");
    std::vector<Job> jobs;
    std::size_t valid = 0, invalid = 0;
    for (const auto& g : doc["testGroups"]) {
        for (const auto& v : g["tests"]) {
            std::string result = v["result"];
            if (result == "acceptable") continue;
            bool ok = result == "valid";
            (ok ? valid : invalid) += 1;
            gcm_jobs(*this, jobs, "wycheproof aes_gcm tcId " + std::to_string(v["tcId"].get<int>()), hexb(v["key"]),
                     hexb(v["iv"]), hexb(v["aad"]), hexb(v["msg"]), hexb(v["ct"]), hexb(v["tag"]), ok);
        }
    }
    EXPECT_GT(valid, 200u);
    EXPECT_GT(invalid, 50u);
    run_and_check(jobs);
}

void gcm_jobs(ProviderKat& t, std::vector<Job>& jobs, const std::string& name, const Bytes& key, const Bytes& iv,
              const Bytes& aad, const Bytes& pt, const Bytes& ct, const Bytes& tag, bool valid) {
    // An empty IV is not a GCM IV: both directions must refuse it. OpenSSL
    // 3.0 also refuses IVs over 128 octets (ESP always uses 12); that too
    // must be a clean refusal.
    bool usable_iv = !iv.empty() && (t.GetParam() != "openssl" || iv.size() <= 128);
    if (valid || !usable_iv) {
        Job s;
        s.name = name + " seal";
        s.key = key;
        s.iv = iv;
        s.aad = aad;
        s.in = pt;
        s.out.resize(pt.size());
        s.tag.resize(tag.size());
        s.expect_out = ct;
        s.expect_tag = tag;
        s.expect_ok = valid && usable_iv;
        t.add(jobs, std::move(s), EncAlg::aes_gcm16, IntegAlg::none, true);
    }
    Job o;
    o.name = name + " open";
    o.key = key;
    o.iv = iv;
    o.aad = aad;
    o.in = ct;
    o.out.resize(ct.size());
    o.expect_tag = tag;
    o.expect_out = pt;
    o.expect_ok = valid && usable_iv;
    t.add(jobs, std::move(o), EncAlg::aes_gcm16, IntegAlg::none, false);
    if (valid) {
        Job f;
        f.name = name + " open with a flipped tag bit";
        f.key = key;
        f.iv = iv;
        f.aad = aad;
        f.in = ct;
        f.out.resize(ct.size());
        f.expect_tag = tag;
        f.expect_tag[tag.size() / 2] ^= 0x10;
        f.expect_ok = false;
        t.add(jobs, std::move(f), EncAlg::aes_gcm16, IntegAlg::none, false);
    }
}

IntegAlg integ_for(const std::string& hash) {
    if (hash == "sha1") return IntegAlg::hmac_sha1_96;
    if (hash == "sha256") return IntegAlg::hmac_sha256_128;
    if (hash == "sha384") return IntegAlg::hmac_sha384_192;
    if (hash == "sha512") return IntegAlg::hmac_sha512_256;
    if (hash == "md5") return IntegAlg::hmac_md5_96;
    return IntegAlg::none;
}

// HMAC through a null-cipher op: seal must produce `mac` (any length up to
// the digest); open must accept it and refuse it with one bit flipped.
void hmac_jobs(ProviderKat& t, std::vector<Job>& jobs, const std::string& name, IntegAlg integ, const Bytes& key,
               const Bytes& data, const Bytes& mac, bool valid) {
    Job s;
    s.name = name + " seal";
    s.integ_key = key;
    s.aad = data;
    s.tag.resize(mac.size());
    s.expect_tag = mac;
    s.expect_ok = true;
    if (valid) t.add(jobs, std::move(s), EncAlg::null, integ, true);
    Job o;
    o.name = name + " open";
    o.integ_key = key;
    o.aad = data;
    o.expect_tag = mac;
    o.expect_ok = valid;
    t.add(jobs, std::move(o), EncAlg::null, integ, false);
    if (valid && !mac.empty()) {
        Job f;
        f.name = name + " open with a flipped bit";
        f.integ_key = key;
        f.aad = data;
        f.expect_tag = mac;
        f.expect_tag.back() ^= 0x01;
        f.expect_ok = false;
        t.add(jobs, std::move(f), EncAlg::null, integ, false);
    }
}

TEST_P(ProviderKat, HmacRfc2202And4231) {
    std::vector<Job> jobs;
    const json rfc2202 = load("hmac_rfc2202.json");
    const json rfc4231 = load("hmac_rfc4231.json");
    for (const auto& v : rfc2202["vectors"]) {
        hmac_jobs(*this, jobs, v["alg"].get<std::string>() + " case " + std::to_string(v["case"].get<int>()),
                  integ_for(v["hash"]), hexb(v["key"]), hexb(v["data"]), hexb(v["digest"]), true);
    }
    for (const auto& v : rfc4231["vectors"]) {
        IntegAlg integ = integ_for(v["hash"]);
        if (integ == IntegAlg::none) continue;  // SHA-224 is not an ESP/AH integrity algorithm
        hmac_jobs(*this, jobs, v["alg"].get<std::string>() + " case " + std::to_string(v["case"].get<int>()), integ,
                  hexb(v["key"]), hexb(v["data"]), hexb(v["mac"]), true);
    }
    EXPECT_EQ(jobs.size(), (14u + 21u) * 3);
    run_and_check(jobs);
}

TEST_P(ProviderKat, HmacRfc4868) {
    std::vector<Job> jobs;
    const json doc = load("hmac_rfc4868.json");
    for (const auto& v : doc["vectors"]) {
        IntegAlg integ = integ_for(v["hash"]);
        std::string name = v["name"];
        hmac_jobs(*this, jobs, name, integ, hexb(v["key"]), hexb(v["data"]), hexb(v["prf_output"]), true);
        if (v.contains("icv")) {
            Bytes icv = hexb(v["icv"]);
            EXPECT_EQ(icv.size(), ipsec::icv_bytes(integ)) << name;  // the ESP/AH truncation
            hmac_jobs(*this, jobs, name + " icv", integ, hexb(v["key"]), hexb(v["data"]), icv, true);
        }
    }
    run_and_check(jobs);
}

TEST_P(ProviderKat, WycheproofHmac) {
    std::vector<Job> jobs;
    for (std::string hash : {"sha1", "sha256", "sha384", "sha512"}) {
        json doc = load("wycheproof/hmac_" + hash + "_test.json");
        for (const auto& g : doc["testGroups"]) {
            std::size_t tag_bytes = g["tagSize"].get<std::size_t>() / 8;
            for (const auto& v : g["tests"]) {
                Bytes tag = hexb(v["tag"]);
                bool valid = v["result"] == "valid";
                // Invalid cases may carry a tag of another length; compare
                // the group's length, as a receiver would.
                tag.resize(tag_bytes);
                hmac_jobs(*this, jobs, "wycheproof hmac_" + hash + " tcId " + std::to_string(v["tcId"].get<int>()),
                          integ_for(hash), hexb(v["key"]), hexb(v["msg"]), tag, valid);
            }
        }
    }
    run_and_check(jobs);
}

// The CBC IV rule of sa.hpp, checked against a plain AES-128-ECB of the
// counter block computed by OpenSSL directly.
TEST_P(ProviderKat, DerivedCbcIvIsEcbOfSequenceNumber) {
    KeySpec k;
    Bytes key(16, 0x33);
    k.enc = EncAlg::aes_cbc;
    k.enc_key = key;
    k.iv_key = kIvKey;
    auto sa = provider->make_sa(k);
    ASSERT_TRUE(sa.ok());
    for (uint64_t seq : {uint64_t(1), uint64_t(0x1234567890abcdefULL)}) {
        Bytes in(32, 0x44), out(32), iv(16);
        CryptoOp op;
        op.sa = sa->get();
        op.encrypt = true;
        op.derive_iv = true;
        op.iv_seq = seq;
        op.iv = iv.data();
        op.iv_len = 16;
        op.in[0] = {in.data(), in.size()};
        op.out = out.data();
        op.out_len = out.size();
        CryptoOp* ops[] = {&op};
        provider->run(ops);
        ASSERT_TRUE(op.ok);

        Bytes block(16, 0), want(32);
        store_be64(block.data() + 8, seq);
        EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
        int l = 0;
        EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), nullptr, kIvKey.data(), nullptr);
        EVP_CIPHER_CTX_set_padding(c, 0);
        EVP_EncryptUpdate(c, want.data(), &l, block.data(), 16);
        EVP_CIPHER_CTX_free(c);
        want.resize(16);
        EXPECT_EQ(iv, want);
    }
}

INSTANTIATE_TEST_SUITE_P(Providers, ProviderKat, ::testing::ValuesIn(providers()),
                         [](const auto& i) { return i.param == "ipsec-mb" ? std::string("ipsecmb") : i.param; });

}  // namespace
}  // namespace ikeoff::test
