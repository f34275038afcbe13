// Reading and writing capture files through libpcap.
//
// The offline tools only need two link types: Ethernet and raw IP (the
// LINKTYPE_RAW records tcpdump writes for tun devices, and what scapy writes
// for bare IP packets). Anything else is refused when the file is opened, so
// the caller never has to guess what the bytes in a record are.
//
// Reader accepts classic pcap and pcapng (libpcap reads both); Writer always
// writes classic pcap with microsecond timestamps.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "host/common/bytes.hpp"
#include "host/common/result.hpp"

namespace ikeoff::pcap {

enum class LinkType : uint8_t {
    ethernet,  // DLT_EN10MB
    raw_ip,    // DLT_RAW / LINKTYPE_RAW: each record starts with an IPv4 or IPv6 header
               // (LINKTYPE_IPV4 / LINKTYPE_IPV6 files are read as this too)
};

// "ethernet" / "raw-ip", as printed in tool summaries.
std::string_view to_string(LinkType t);

// One record: the captured octets plus what the capture header said.
struct Record {
    int64_t ts_sec = 0;
    int64_t ts_usec = 0;
    uint32_t orig_len = 0;  // length on the wire; > data.size() when the capture was cut short
    Bytes data;
};

class Reader {
public:
    // Errors: not_found (missing file), parse_error (not a capture file,
    // truncated header), unsupported (another link type).
    static Result<Reader> open(const std::string& path);

    Reader(Reader&&) noexcept;
    Reader& operator=(Reader&&) noexcept;
    ~Reader();

    LinkType link_type() const noexcept { return link_; }
    const std::string& path() const noexcept { return path_; }

    // The next record, or nullopt at the end of the file. A record cut off by
    // the end of the file is a parse_error naming the record number.
    Result<std::optional<Record>> next();

    // Records returned so far.
    uint64_t count() const noexcept { return count_; }

private:
    struct Handle;
    Reader(std::unique_ptr<Handle> h, LinkType link, std::string path);

    std::unique_ptr<Handle> h_;
    LinkType link_;
    std::string path_;
    uint64_t count_ = 0;
};

class Writer {
public:
    // Creates (truncates) `path`. Errors: io_error naming the path.
    static Result<Writer> create(const std::string& path, LinkType link);

    Writer(Writer&&) noexcept;
    Writer& operator=(Writer&&) noexcept;
    ~Writer();  // closes the file if close() was not called; errors are then lost

    // Records longer than kMaxRecord are refused (invalid_argument).
    Status write(const Record& r);
    Status write(ByteView data, int64_t ts_sec, int64_t ts_usec);
    // Flushes and closes; reports write errors (disk full, ...). Idempotent.
    Status close();

    LinkType link_type() const noexcept { return link_; }
    uint64_t count() const noexcept { return count_; }

    static constexpr uint32_t kMaxRecord = 262144;  // the snapshot length written in the header

private:
    struct Handle;
    Writer(std::unique_ptr<Handle> h, LinkType link, std::string path);

    std::unique_ptr<Handle> h_;
    LinkType link_;
    std::string path_;
    uint64_t count_ = 0;
};

}  // namespace ikeoff::pcap
