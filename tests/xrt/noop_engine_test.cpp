// The real xrt driver under XCL_EMULATION_MODE=noop: XRT runs the whole host
// flow (device, xclbin load, kernels, buffer objects, syncs, starts, waits)
// without executing a kernel, and exposes the command packet it would send.
// Against metadata-only xclbins generated from the contract and
// hw/link/<platform>.cfg, a batch must produce:
//   - register values at the contract's offsets: buffer addresses of the
//     right buffer objects, num_desc = packets given to that kernel,
//     num_sa = SA rows in use, direction for AH;
//   - buffers in the memory groups the link config connects each port to,
//     and the SA table in the bank all kernels share;
//   - descriptors and packet bytes laid out as the contract says;
//   - packets reported `unsupported` (no kernel wrote their descriptors).
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "drivers/registry.hpp"
#include "drivers/xrt/xrt_engine.hpp"
#include "ipsec_hls/contract.hpp"
#include "tests/xrt/contract_xclbin.hpp"
#include "tests/xrt/scratch.hpp"

namespace ikeoff::drivers::xrt_drv {
namespace {
namespace fs = std::filesystem;
namespace contract = ipsec_hls::contract;
using ipsec::Packet;
using ipsec::PacketStatus;

fs::path scratch(const std::string& tag) {
    fs::path d = test_xrt::scratch_dir(tag);
    fs::create_directories(d);
    return d;
}

// A plain IPv4 packet: 20-octet header (checksum filled in) + payload.
Bytes ipv4(uint8_t proto, const Bytes& payload) {
    Bytes p(20 + payload.size(), 0);
    if (!payload.empty()) std::memcpy(p.data() + 20, payload.data(), payload.size());
    p[0] = 0x45;
    store_be16(&p[2], uint16_t(20 + payload.size()));
    p[8] = 64;
    p[9] = proto;
    const uint8_t src[4] = {192, 0, 2, 1}, dst[4] = {192, 0, 2, 2};
    std::memcpy(&p[12], src, 4);
    std::memcpy(&p[16], dst, 4);
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += uint32_t(p[i] << 8 | p[i + 1]);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    store_be16(&p[10], uint16_t(~sum));
    return p;
}

ipsec::SaParams esp_gcm(uint32_t spi) {
    ipsec::SaParams p;
    p.spi = spi;
    p.src = *IpAddress::parse("198.51.100.1");
    p.dst = *IpAddress::parse("198.51.100.2");
    p.enc = *ipsec::parse_enc_keyword("aes128gcm16");
    p.enc_key = SecretBytes(Bytes(20, 0x11));
    return p;
}

ipsec::SaParams ah_sha256(uint32_t spi) {
    ipsec::SaParams p;
    p.spi = spi;
    p.protocol = ipsec::Protocol::ah;
    p.src = *IpAddress::parse("198.51.100.1");
    p.dst = *IpAddress::parse("198.51.100.2");
    p.integ = ipsec::IntegAlg::hmac_sha256_128;
    p.integ_key = SecretBytes(Bytes(32, 0x22));
    return p;
}

// Bank index (MEM_TOPOLOGY order) that hw/link/<platform>.cfg connects
// `instance.arg` to: the expectation, computed without the driver.
int32_t linked_bank(const std::string& platform, const std::string& instance, const std::string& arg) {
    auto link = test_xrt::parse_link_config(test_xrt::source_dir() / "hw" / "link" / (platform + ".cfg"));
    auto banks = test_xrt::platform_banks(platform);
    if (!link.ok() || !banks.ok()) return -2;
    for (const auto& sp : link->sp) {
        if (sp.instance != instance || sp.arg != arg) continue;
        for (std::size_t i = 0; i < banks->size(); ++i)
            if ((*banks)[i].tag == sp.mem) return int32_t(i);
    }
    return -1;
}

const KernelLaunch* launch_of(const Diagnostics& d, const std::string& kernel) {
    for (const auto& l : d.last)
        if (l.kernel == kernel) return &l;
    return nullptr;
}

class NoopEngine : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        platform_ = GetParam();
        dir_ = scratch("noop-" + platform_);
        auto g = test_xrt::generate(dir_, platform_, contract::kContractAbi);
        ASSERT_TRUE(g.ok()) << g.error().message;
        gen_ = *g;
    }
    Result<std::unique_ptr<ipsec::Engine>> open() {
        EngineOptions o;
        o.manifest = dir_.string();
        return create_engine("xrt", o);
    }
    // The register map must hold, at each contract offset, what the launch bound.
    void expect_registers(const KernelLaunch& l, uint32_t kernel, const std::map<std::string, uint32_t>& scalars) {
        const contract::KernelSig& sig = contract::kKernels[kernel];
        for (uint32_t i = 0; i < sig.arg_count; ++i) {
            const auto& a = sig.args[i];
            const std::size_t w = a.offset / 4;
            ASSERT_LT(w + (a.size / 4) - 1, l.regmap.size()) << sig.name << "." << a.name;
            if (a.kind == contract::ArgKind::scalar) {
                ASSERT_TRUE(scalars.count(a.name)) << a.name;
                EXPECT_EQ(l.regmap[w], scalars.at(a.name)) << sig.name << "." << a.name << " @0x" << std::hex << a.offset;
                continue;
            }
            const BufferBinding* b = nullptr;
            for (const auto& x : l.buffers)
                if (x.arg == a.name) b = &x;
            ASSERT_NE(b, nullptr) << a.name;
            EXPECT_EQ(l.regmap[w], uint32_t(b->address)) << sig.name << "." << a.name << " low word";
            EXPECT_EQ(l.regmap[w + 1], uint32_t(b->address >> 32)) << sig.name << "." << a.name << " high word";
            EXPECT_EQ(b->group, linked_bank(platform_, std::string(sig.name) + "_1", a.name))
                << sig.name << "." << a.name << " is in the wrong memory group";
        }
    }
    std::string platform_;
    fs::path dir_;
    test_xrt::Generated gen_;
};

TEST_P(NoopEngine, LoadsTheGeneratedBitstreamAndPlacesTheSaTable) {
    auto e = open();
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ((*e)->driver_name(), "xrt");
    auto d = xrt_diagnostics(**e);
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->emulation, "noop");
    EXPECT_EQ(d->platform, *test_xrt::platform_name(platform_));
    EXPECT_EQ(fs::canonical(d->xclbin), fs::canonical(gen_.xclbin));
    EXPECT_NE((*e)->description().find("no kernel executes"), std::string::npos) << (*e)->description();
    EXPECT_EQ(d->sa_table.group, linked_bank(platform_, "ikeoff_esp_encap_1", "sa_table"));
    EXPECT_GT(d->sa_rows, 0u);
    EXPECT_TRUE(d->last.empty()) << "nothing launched yet";
}

TEST_P(NoopEngine, OutboundBatchWritesTheContractRegisterMap) {
    auto e = open();
    ASSERT_TRUE(e.ok()) << e.error().message;
    auto& eng = **e;
    auto esp = eng.add_sa(esp_gcm(0x1001));
    auto ah = eng.add_sa(ah_sha256(0x2002));
    ASSERT_TRUE(esp.ok()) << esp.error().message;
    ASSERT_TRUE(ah.ok()) << ah.error().message;

    // 3 ESP and 2 AH packets, interleaved, of different sizes.
    std::vector<Bytes> in, out;
    std::vector<Packet> batch;
    const std::size_t sizes[] = {40, 1400, 0, 77, 9000};
    for (std::size_t i = 0; i < 5; ++i) {
        Bytes payload(sizes[i]);
        for (std::size_t j = 0; j < payload.size(); ++j) payload[j] = uint8_t(i * 31 + j);
        in.push_back(ipv4(17, payload));
        out.emplace_back(in.back().size() + ipsec::kMaxOverhead + (i == 1 ? 0 : 64));
    }
    for (std::size_t i = 0; i < 5; ++i) {
        Packet p;
        p.in = in[i];
        p.out = out[i];
        p.sa = (i == 1 || i == 3) ? *ah : *esp;
        batch.push_back(p);
    }
    eng.process(ipsec::Direction::outbound, batch);

    // noop executes no kernel: every descriptor comes back untouched.
    for (const auto& p : batch) EXPECT_EQ(p.status, PacketStatus::unsupported);
    EXPECT_EQ(eng.counters().by_status[std::size_t(PacketStatus::unsupported)], 5u);

    auto d = xrt_diagnostics(eng);
    ASSERT_TRUE(d.has_value());
    ASSERT_EQ(d->last.size(), 2u) << "encap and ah ran, decap did not";
    const KernelLaunch* enc = launch_of(*d, "ikeoff_esp_encap");
    const KernelLaunch* ahl = launch_of(*d, "ikeoff_ah");
    ASSERT_NE(enc, nullptr);
    ASSERT_NE(ahl, nullptr);
    EXPECT_EQ(launch_of(*d, "ikeoff_esp_decap"), nullptr);
    EXPECT_EQ(enc->num_desc, 3u);
    EXPECT_EQ(ahl->num_desc, 2u);
    expect_registers(*enc, contract::kKernelEspEncap, {{"num_desc", 3}, {"num_sa", 2}});
    expect_registers(*ahl, contract::kKernelAh, {{"num_desc", 2}, {"num_sa", 2}, {"direction", 0}});

    // Descriptors and packet bytes as laid out for the card, in batch order.
    const std::size_t esp_idx[] = {0, 2, 4}, ah_idx[] = {1, 3};
    auto check = [&](const KernelLaunch& l, const std::size_t* idx, std::size_t n, uint8_t op) {
        uint32_t next_in = 0;
        for (std::size_t j = 0; j < n; ++j) {
            const contract::PacketDesc& dsc = l.desc[j];
            const Bytes& pkt = in[idx[j]];
            EXPECT_EQ(dsc.op, op);
            EXPECT_EQ(dsc.in_len, pkt.size());
            EXPECT_EQ(dsc.in_off % contract::kBufferAlign, 0u);
            EXPECT_EQ(dsc.out_off % contract::kBufferAlign, 0u);
            EXPECT_GE(dsc.in_off, next_in) << "packets may not overlap";
            next_in = dsc.in_off + dsc.in_len;
            EXPECT_EQ(dsc.out_cap, std::min<std::size_t>(out[idx[j]].size(), pkt.size() + contract::kMaxOverheadBytes));
            EXPECT_EQ(dsc.status, 0xff) << "the driver's untouched-marker survives a noop run";
            ASSERT_LE(std::size_t(dsc.in_off) + dsc.in_len, l.pkt_in.size());
            EXPECT_TRUE(std::equal(pkt.begin(), pkt.end(), l.pkt_in.begin() + dsc.in_off)) << "packet " << idx[j];
        }
    };
    check(*enc, esp_idx, 3, contract::kOpEspEncap);
    check(*ahl, ah_idx, 2, contract::kOpAhEncap);
    EXPECT_NE(enc->desc[0].sa_slot, ahl->desc[0].sa_slot);
}

TEST_P(NoopEngine, InboundBatchDrivesDecapAndAhWithDirectionOne) {
    auto e = open();
    ASSERT_TRUE(e.ok()) << e.error().message;
    auto& eng = **e;
    ASSERT_TRUE(eng.add_sa(esp_gcm(0xabc0001)).ok());
    ASSERT_TRUE(eng.add_sa(ah_sha256(0xabc0002)).ok());
    ASSERT_TRUE(eng.add_sa(esp_gcm(0xabc0003)).ok());

    Bytes esp_body(8 + 8 + 64 + 16, 0x5a);  // SPI, seq, IV, ciphertext, ICV
    store_be32(&esp_body[0], 0xabc0003);
    store_be32(&esp_body[4], 1);
    Bytes ah_body(12 + 16 + 40, 0x33);  // AH header with 16-octet ICV, then an inner packet
    ah_body[0] = 4;
    ah_body[1] = uint8_t((12 + 16) / 4 - 2);
    ah_body[2] = ah_body[3] = 0;
    store_be32(&ah_body[4], 0xabc0002);
    store_be32(&ah_body[8], 1);
    Bytes esp_pkt = ipv4(50, esp_body), ah_pkt = ipv4(51, ah_body);
    Bytes o1(esp_pkt.size()), o2(ah_pkt.size());
    std::vector<Packet> batch(2);
    batch[0].in = esp_pkt;
    batch[0].out = o1;
    batch[1].in = ah_pkt;
    batch[1].out = o2;
    eng.process(ipsec::Direction::inbound, batch);
    EXPECT_EQ(batch[0].status, PacketStatus::unsupported);
    EXPECT_EQ(batch[1].status, PacketStatus::unsupported);
    EXPECT_NE(batch[0].sa, ipsec::kNoSa) << "the host found the SA by SPI";

    auto d = xrt_diagnostics(eng);
    ASSERT_TRUE(d.has_value());
    const KernelLaunch* dec = launch_of(*d, "ikeoff_esp_decap");
    const KernelLaunch* ahl = launch_of(*d, "ikeoff_ah");
    ASSERT_NE(dec, nullptr);
    ASSERT_NE(ahl, nullptr);
    expect_registers(*dec, contract::kKernelEspDecap, {{"num_desc", 1}, {"num_sa", 3}});
    expect_registers(*ahl, contract::kKernelAh, {{"num_desc", 1}, {"num_sa", 3}, {"direction", 1}});
    EXPECT_EQ(dec->desc[0].op, contract::kOpEspDecap);
    EXPECT_EQ(dec->desc[0].sa_slot, 2u) << "third SA added, third row";
    EXPECT_EQ(ahl->desc[0].op, contract::kOpAhDecap);
    EXPECT_EQ(ahl->desc[0].sa_slot, 1u);
}

TEST_P(NoopEngine, SaRowsSurviveTableGrowthAndReadBack) {
    auto e = open();
    ASSERT_TRUE(e.ok()) << e.error().message;
    auto& eng = **e;
    const uint32_t initial = xrt_diagnostics(eng)->sa_rows;
    std::vector<ipsec::SaHandle> hs;
    for (uint32_t i = 0; i < initial + 5; ++i) {
        auto p = esp_gcm(0x10000 + i);
        p.seq = 1000 + i;
        auto h = eng.add_sa(std::move(p));
        ASSERT_TRUE(h.ok()) << h.error().message;
        hs.push_back(*h);
    }
    EXPECT_GT(xrt_diagnostics(eng)->sa_rows, initial);
    for (uint32_t i : {0u, initial - 1, initial + 4}) {
        auto info = eng.query_sa(hs[i]);
        ASSERT_TRUE(info.ok()) << info.error().message;
        EXPECT_EQ(info->spi, 0x10000 + i);
        EXPECT_EQ(info->next_seq, 1000 + i) << "row " << i << " read back from the device table";
    }
    ASSERT_TRUE(eng.del_sa(hs[0]).ok());
    EXPECT_FALSE(eng.query_sa(hs[0]).ok());
}

TEST_P(NoopEngine, ExplicitXclbinFindsItsSidecarManifest) {
    EngineOptions o;
    o.xclbin = gen_.xclbin.string();
    auto e = create_engine("xrt", o);
    ASSERT_TRUE(e.ok()) << e.error().message;
    EXPECT_EQ(fs::canonical(xrt_diagnostics(**e)->xclbin), fs::canonical(gen_.xclbin));
}

TEST_P(NoopEngine, WrongAbiIsRefusedWithOneLine) {
    auto g = test_xrt::generate(dir_, platform_, contract::kContractAbi + 1);
    ASSERT_TRUE(g.ok());
    auto e = open();
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().code, Errc::abi_mismatch);
    EXPECT_NE(e.error().message.find("built for contract ABI " + std::to_string(contract::kContractAbi + 1)),
              std::string::npos)
        << e.error().message;
    EXPECT_EQ(e.error().message.find('\n'), std::string::npos);
}

TEST_P(NoopEngine, ReplacedXclbinIsRefused) {
    // Another (valid) xclbin under the name the manifest recorded.
    auto spec = test_xrt::contract_spec(platform_);
    ASSERT_TRUE(spec.ok());
    spec->cus[0].base += 0x10000 * 8;
    auto bytes = xclbin_writer::build(*spec);
    ASSERT_TRUE(bytes.ok());
    ASSERT_TRUE(xclbin_writer::write_file(gen_.xclbin.string(), *bytes).ok());
    auto e = open();
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().message.find("sha256"), std::string::npos) << e.error().message;
}

TEST_P(NoopEngine, KernelMetadataDriftIsRefusedBeforeLoading) {
    // A consistent manifest (right ABI, right checksum) for an xclbin whose
    // num_sa register moved: XRT would write it where the kernel does not look.
    auto spec = test_xrt::contract_spec(platform_);
    ASSERT_TRUE(spec.ok());
    for (auto& k : spec->kernels)
        if (k.name == "ikeoff_esp_decap")
            for (auto& a : k.args)
                if (a.name == "num_sa") a.offset += 8;
    auto g = test_xrt::generate(dir_, platform_, contract::kContractAbi, &*spec);
    ASSERT_TRUE(g.ok()) << g.error().message;
    auto e = open();
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().code, Errc::abi_mismatch);
    EXPECT_NE(e.error().message.find("ikeoff_esp_decap"), std::string::npos) << e.error().message;
    EXPECT_NE(e.error().message.find("num_sa"), std::string::npos) << e.error().message;
}

INSTANTIATE_TEST_SUITE_P(AllPlatforms, NoopEngine, ::testing::Values("u250", "u280", "u55c"));

}  // namespace
}  // namespace ikeoff::drivers::xrt_drv

// XRT picks its shim from XCL_EMULATION_MODE when it first loads one, so the
// mode is set before anything else runs.
int main(int argc, char** argv) {
    setenv("XCL_EMULATION_MODE", "noop", 1);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
