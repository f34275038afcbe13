#include "host/pcap/pcap_file.hpp"

#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ikeoff::pcap {

namespace {

struct PcapCloser {
    void operator()(pcap_t* p) const noexcept { pcap_close(p); }
};
struct DumperCloser {
    void operator()(pcap_dumper_t* d) const noexcept { pcap_dump_close(d); }
};
struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using PcapPtr = std::unique_ptr<pcap_t, PcapCloser>;
using DumperPtr = std::unique_ptr<pcap_dumper_t, DumperCloser>;
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

int to_dlt(LinkType t) { return t == LinkType::ethernet ? DLT_EN10MB : DLT_RAW; }

std::string dlt_label(int dlt) {
    const char* name = pcap_datalink_val_to_name(dlt);
    std::string s = name ? name : "unknown";
    return s + " (" + std::to_string(dlt) + ")";
}

}  // namespace

std::string_view to_string(LinkType t) { return t == LinkType::ethernet ? "ethernet" : "raw-ip"; }

// ---- Reader ----------------------------------------------------------------

struct Reader::Handle {
    PcapPtr pcap;
};

Reader::Reader(std::unique_ptr<Handle> h, LinkType link, std::string path)
    : h_(std::move(h)), link_(link), path_(std::move(path)) {}
Reader::Reader(Reader&&) noexcept = default;
Reader& Reader::operator=(Reader&&) noexcept = default;
Reader::~Reader() = default;

Result<Reader> Reader::open(const std::string& path) {
    // fopen first so a missing or unreadable file is reported with errno's
    // words rather than libpcap's, and distinguishable as not_found.
    FilePtr file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        int err = errno;
        return Error{err == ENOENT ? Errc::not_found : Errc::io_error,
                     path + ": cannot open: " + std::strerror(err)};
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    PcapPtr p(pcap_fopen_offline(file.get(), errbuf));
    if (!p) {
        // libpcap leaves the FILE with us on failure; `file` closes it.
        return Error{Errc::parse_error, path + ": not a readable capture file: " + errbuf};
    }
    file.release();  // now owned (and closed) by the pcap handle

    LinkType link;
    int dlt = pcap_datalink(p.get());
    if (dlt == DLT_EN10MB) {
        link = LinkType::ethernet;
    } else if (dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_IPV6) {
        // LINKTYPE_IPV4/IPV6 (what scapy writes for IP packets) are raw IP
        // restricted to one version; they are read as raw IP and written back
        // as LINKTYPE_RAW, since tunnel mode may change the version.
        link = LinkType::raw_ip;
    } else {
        return Error{Errc::unsupported, path + ": link type " + dlt_label(dlt) +
                                            " is not supported (Ethernet or raw IP only)"};
    }
    auto h = std::make_unique<Handle>();
    h->pcap = std::move(p);
    return Reader(std::move(h), link, path);
}

Result<std::optional<Record>> Reader::next() {
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(h_->pcap.get(), &hdr, &data);
    if (rc == PCAP_ERROR_BREAK) return std::optional<Record>{};  // end of file
    if (rc != 1) {
        return Error{Errc::parse_error, path_ + ": record " + std::to_string(count_ + 1) + ": " +
                                            pcap_geterr(h_->pcap.get())};
    }
    Record r;
    r.ts_sec = hdr->ts.tv_sec;
    r.ts_usec = hdr->ts.tv_usec;
    r.orig_len = hdr->len;
    r.data.assign(data, data + hdr->caplen);
    ++count_;
    return std::optional<Record>(std::move(r));
}

// ---- Writer ----------------------------------------------------------------

struct Writer::Handle {
    // The dumper must be closed before the pcap_t it was opened from.
    PcapPtr pcap;
    DumperPtr dumper;
};

Writer::Writer(std::unique_ptr<Handle> h, LinkType link, std::string path)
    : h_(std::move(h)), link_(link), path_(std::move(path)) {}
Writer::Writer(Writer&&) noexcept = default;
Writer& Writer::operator=(Writer&&) noexcept = default;
Writer::~Writer() {
    if (h_) (void)close();
}

Result<Writer> Writer::create(const std::string& path, LinkType link) {
    PcapPtr p(pcap_open_dead(to_dlt(link), static_cast<int>(kMaxRecord)));
    IKEOFF_ENSURE(p != nullptr, Errc::internal, "pcap_open_dead failed");
    DumperPtr d(pcap_dump_open(p.get(), path.c_str()));
    if (!d) return Error{Errc::io_error, path + ": cannot create: " + pcap_geterr(p.get())};
    auto h = std::make_unique<Handle>();
    h->pcap = std::move(p);
    h->dumper = std::move(d);
    return Writer(std::move(h), link, path);
}

Status Writer::write(const Record& r) { return write(r.data, r.ts_sec, r.ts_usec); }

Status Writer::write(ByteView data, int64_t ts_sec, int64_t ts_usec) {
    IKEOFF_ENSURE(h_ && h_->dumper, Errc::state_error, path_ + ": already closed");
    IKEOFF_ENSURE(data.size() <= kMaxRecord, Errc::invalid_argument,
                  path_ + ": record of " + std::to_string(data.size()) + " bytes exceeds " +
                      std::to_string(kMaxRecord));
    pcap_pkthdr hdr{};
    hdr.ts.tv_sec = static_cast<time_t>(ts_sec);
    hdr.ts.tv_usec = static_cast<suseconds_t>(ts_usec);
    hdr.caplen = static_cast<bpf_u_int32>(data.size());
    hdr.len = hdr.caplen;
    pcap_dump(reinterpret_cast<u_char*>(h_->dumper.get()), &hdr, data.data());
    ++count_;
    return {};
}

Status Writer::close() {
    if (!h_ || !h_->dumper) return {};
    // pcap_dump() cannot report errors; they surface when the stdio buffer is
    // flushed, so flush and check before closing.
    bool failed = pcap_dump_flush(h_->dumper.get()) != 0 || std::ferror(pcap_dump_file(h_->dumper.get())) != 0;
    int err = errno;
    h_->dumper.reset();
    h_->pcap.reset();
    IKEOFF_ENSURE(!failed, Errc::io_error, path_ + ": write failed: " + std::strerror(err));
    return {};
}

}  // namespace ikeoff::pcap
