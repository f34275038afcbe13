// Capture file I/O: round trips for both link types, files written by hand
// in the on-disk format (so the reader is checked against the format, not
// only against our own writer), and every way a file can be bad.
#include "host/pcap/pcap_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

namespace ikeoff::pcap {
namespace {

class PcapFile : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = ::testing::TempDir() + "pcap_file_test_" + std::to_string(::getpid()) + "_" + info->name() + ".pcap";
    }
    void TearDown() override { std::remove(path_.c_str()); }

    void write_bytes(const Bytes& b) {
        std::ofstream f(path_, std::ios::binary);
        f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    }
    Bytes read_bytes() {
        std::ifstream f(path_, std::ios::binary);
        return Bytes(std::istreambuf_iterator<char>(f), {});
    }
    std::string path_;
};

// Little-endian classic pcap header (magic a1b2c3d4, version 2.4).
Bytes file_header(uint32_t linktype, uint32_t snaplen = 65535) {
    Bytes h;
    auto le32 = [&](uint32_t v) { for (int i = 0; i < 4; ++i) h.push_back(uint8_t(v >> (8 * i))); };
    auto le16 = [&](uint16_t v) { h.push_back(uint8_t(v)); h.push_back(uint8_t(v >> 8)); };
    le32(0xa1b2c3d4);
    le16(2);
    le16(4);
    le32(0);  // thiszone
    le32(0);  // sigfigs
    le32(snaplen);
    le32(linktype);
    return h;
}

void append_record(Bytes& file, uint32_t sec, uint32_t usec, const Bytes& data, uint32_t caplen_field,
                   uint32_t len_field) {
    auto le32 = [&](uint32_t v) { for (int i = 0; i < 4; ++i) file.push_back(uint8_t(v >> (8 * i))); };
    le32(sec);
    le32(usec);
    le32(caplen_field);
    le32(len_field);
    file.insert(file.end(), data.begin(), data.end());
}

Bytes pattern(std::size_t n, uint8_t seed) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = uint8_t(seed + i * 7);
    b[0] = 0x45;  // looks like IPv4, not that the file layer cares
    return b;
}

TEST_F(PcapFile, RoundTripKeepsDataTimestampsAndLinkType) {
    for (LinkType link : {LinkType::ethernet, LinkType::raw_ip}) {
        {
            auto w = Writer::create(path_, link);
            ASSERT_TRUE(w.ok()) << w.error().message;
            for (uint8_t i = 0; i < 5; ++i) {
                ASSERT_TRUE(w->write(pattern(20 + i * 300, i), 1700000000 + i, 1000 * i).ok());
            }
            ASSERT_TRUE(w->close().ok());
            EXPECT_EQ(w->count(), 5u);
        }
        auto r = Reader::open(path_);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->link_type(), link);
        for (uint8_t i = 0; i < 5; ++i) {
            auto rec = r->next();
            ASSERT_TRUE(rec.ok()) << rec.error().message;
            ASSERT_TRUE(rec->has_value());
            EXPECT_EQ((*rec)->data, pattern(20 + i * 300, i));
            EXPECT_EQ((*rec)->ts_sec, 1700000000 + i);
            EXPECT_EQ((*rec)->ts_usec, 1000 * i);
            EXPECT_EQ((*rec)->orig_len, 20u + i * 300);
        }
        auto end = r->next();
        ASSERT_TRUE(end.ok());
        EXPECT_FALSE(end->has_value());
        EXPECT_EQ(r->count(), 5u);
    }
}

TEST_F(PcapFile, WriterUsesTheStandardLinkTypeNumbers) {
    // LINKTYPE_ETHERNET = 1, LINKTYPE_RAW = 101 at offset 20 of the header.
    for (auto [link, number] : {std::pair{LinkType::ethernet, 1u}, std::pair{LinkType::raw_ip, 101u}}) {
        {
            auto w = Writer::create(path_, link);
            ASSERT_TRUE(w.ok());
            ASSERT_TRUE(w->write(pattern(40, 1), 1, 2).ok());
        }  // the destructor closes and flushes
        Bytes f = read_bytes();
        ASSERT_GE(f.size(), 24u + 16u + 40u);
        uint32_t lt = f[20] | f[21] << 8 | f[22] << 16 | uint32_t(f[23]) << 24;
        EXPECT_EQ(lt, number);
    }
}

TEST_F(PcapFile, ReadsHandWrittenRawIpFile) {
    Bytes f = file_header(101);
    append_record(f, 10, 20, pattern(28, 3), 28, 28);
    append_record(f, 11, 21, pattern(60, 4), 60, 1500);  // cut short at capture time
    write_bytes(f);
    auto r = Reader::open(path_);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->link_type(), LinkType::raw_ip);
    auto a = r->next();
    ASSERT_TRUE(a.ok() && a->has_value());
    EXPECT_EQ((*a)->data, pattern(28, 3));
    auto b = r->next();
    ASSERT_TRUE(b.ok() && b->has_value());
    EXPECT_EQ((*b)->data.size(), 60u);
    EXPECT_EQ((*b)->orig_len, 1500u);
}

TEST_F(PcapFile, Ipv4AndIpv6LinkTypesReadAsRawIp) {
    // LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229), as scapy's wrpcap writes them.
    for (uint32_t lt : {228u, 229u}) {
        Bytes f = file_header(lt);
        append_record(f, 1, 2, pattern(40, 9), 40, 40);
        write_bytes(f);
        auto r = Reader::open(path_);
        ASSERT_TRUE(r.ok()) << lt << ": " << r.error().message;
        EXPECT_EQ(r->link_type(), LinkType::raw_ip);
        auto rec = r->next();
        ASSERT_TRUE(rec.ok() && rec->has_value());
        EXPECT_EQ((*rec)->data, pattern(40, 9));
    }
}

TEST_F(PcapFile, EmptyCaptureHasNoRecords) {
    write_bytes(file_header(1));
    auto r = Reader::open(path_);
    ASSERT_TRUE(r.ok());
    auto n = r->next();
    ASSERT_TRUE(n.ok());
    EXPECT_FALSE(n->has_value());
}

TEST_F(PcapFile, TruncatedRecordDataIsAnErrorNamingTheRecord) {
    Bytes f = file_header(1);
    append_record(f, 1, 0, pattern(60, 1), 60, 60);
    append_record(f, 2, 0, pattern(100, 2), 100, 100);
    f.resize(f.size() - 30);  // second record loses its tail
    write_bytes(f);
    auto r = Reader::open(path_);
    ASSERT_TRUE(r.ok());
    auto first = r->next();
    ASSERT_TRUE(first.ok() && first->has_value());
    auto second = r->next();
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, Errc::parse_error);
    EXPECT_NE(second.error().message.find(path_ + ": record 2: "), std::string::npos) << second.error().message;
    EXPECT_NE(second.error().message.find("truncated"), std::string::npos) << second.error().message;
}

TEST_F(PcapFile, TruncatedRecordHeaderIsAnError) {
    Bytes f = file_header(1);
    append_record(f, 1, 0, pattern(60, 1), 60, 60);
    f.insert(f.end(), {1, 2, 3, 4, 5, 6});  // 6 of 16 header octets
    write_bytes(f);
    auto r = Reader::open(path_);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->next().ok());
    auto second = r->next();
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().message.find("truncated"), std::string::npos) << second.error().message;
}

TEST_F(PcapFile, TruncatedFileHeaderIsAnError) {
    Bytes f = file_header(1);
    f.resize(10);
    write_bytes(f);
    auto r = Reader::open(path_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::parse_error);
    EXPECT_NE(r.error().message.find(path_), std::string::npos);
}

TEST_F(PcapFile, EmptyFileIsAnError) {
    write_bytes({});
    auto r = Reader::open(path_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::parse_error);
}

TEST_F(PcapFile, NotACaptureFileIsAnError) {
    std::string text = "{\"spi\": \"0x1234\"} this is JSON, not a capture file";
    write_bytes(Bytes(text.begin(), text.end()));
    auto r = Reader::open(path_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::parse_error);
    EXPECT_NE(r.error().message.find("not a readable capture file"), std::string::npos) << r.error().message;
}

TEST_F(PcapFile, RecordLongerThanSnaplenIsAnError) {
    // A corrupt caplen field far above the snapshot length.
    Bytes f = file_header(1, 65535);
    append_record(f, 1, 0, pattern(60, 1), 0x7fffffff, 60);
    write_bytes(f);
    auto r = Reader::open(path_);
    ASSERT_TRUE(r.ok());
    auto rec = r->next();
    EXPECT_FALSE(rec.ok());
}

TEST_F(PcapFile, OtherLinkTypesAreRefusedByName) {
    write_bytes(file_header(113));  // LINKTYPE_LINUX_SLL
    auto r = Reader::open(path_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::unsupported);
    EXPECT_NE(r.error().message.find("LINUX_SLL"), std::string::npos) << r.error().message;
}

TEST_F(PcapFile, MissingFileIsNotFound) {
    auto r = Reader::open(path_ + ".absent");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::not_found);
    EXPECT_NE(r.error().message.find(".absent"), std::string::npos);
}

TEST_F(PcapFile, UncreatableOutputIsAnIoError) {
    auto w = Writer::create("/nonexistent-dir/out.pcap", LinkType::raw_ip);
    ASSERT_FALSE(w.ok());
    EXPECT_EQ(w.error().code, Errc::io_error);
    EXPECT_NE(w.error().message.find("/nonexistent-dir/out.pcap"), std::string::npos);
}

TEST_F(PcapFile, OversizedRecordIsRefused) {
    auto w = Writer::create(path_, LinkType::raw_ip);
    ASSERT_TRUE(w.ok());
    EXPECT_FALSE(w->write(Bytes(Writer::kMaxRecord + 1, 0x45), 0, 0).ok());
    EXPECT_TRUE(w->write(Bytes(100, 0x45), 0, 0).ok());
    EXPECT_TRUE(w->close().ok());
    EXPECT_TRUE(w->close().ok());  // idempotent
    EXPECT_FALSE(w->write(Bytes(100, 0x45), 0, 0).ok());
}

TEST_F(PcapFile, WriteErrorsSurfaceAtClose) {
    if (::access("/dev/full", W_OK) != 0) GTEST_SKIP() << "/dev/full not available";
    auto w = Writer::create("/dev/full", LinkType::raw_ip);
    ASSERT_TRUE(w.ok()) << w.error().message;
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(w->write(Bytes(1400, 0x45), 0, 0).ok());
    auto s = w->close();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Errc::io_error);
}

}  // namespace
}  // namespace ikeoff::pcap
