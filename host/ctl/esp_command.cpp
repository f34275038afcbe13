#include "host/ctl/esp_command.hpp"

#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "drivers/registry.hpp"
#include "host/common/log.hpp"
#include "host/ctl/esp_pcap.hpp"
#include "host/ipsec/sa_json.hpp"

namespace ikeoff::ctl {

namespace {

namespace po = boost::program_options;

struct EspOptions {
    std::string sa, in, out;
    std::string engine = "auto";
    std::string provider = "auto";
    std::string xclbin;
    std::size_t batch = kDefaultBatch;
    bool json = false;
    int log_level = 0;
};

po::options_description make_options(EspOptions& o) {
    po::options_description d("Options");
    // clang-format off
    d.add_options()
        ("sa", po::value(&o.sa)->required()->value_name("FILE"), "SA description (JSON, see README)")
        ("in", po::value(&o.in)->required()->value_name("FILE"), "input capture (pcap/pcapng; Ethernet or raw IP)")
        ("out", po::value(&o.out)->required()->value_name("FILE"), "output capture (pcap, same link type as the input)")
        ("engine", po::value(&o.engine)->value_name("NAME")->default_value(o.engine),
            "engine driver: soft | csim | xrt | auto")
        ("provider", po::value(&o.provider)->value_name("NAME")->default_value(o.provider),
            "soft driver crypto provider: auto | openssl | ipsec-mb")
        ("xclbin", po::value(&o.xclbin)->value_name("FILE"), "xrt driver: bitstream to load")
        ("batch", po::value(&o.batch)->value_name("N")->default_value(o.batch), "packets per engine call (1..4096)")
        ("json", po::bool_switch(&o.json), "print the summary as JSON")
        ("log-level", po::value(&o.log_level)->value_name("N")->default_value(o.log_level),
            "library log level on stderr (0 silent .. 3 packets)")
        ("help,h", "show this help");
    // clang-format on
    return d;
}

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

std::string describe_sa(const ipsec::SaParams& p) {
    std::ostringstream os;
    os << hex32(p.spi) << ' ' << ipsec::to_string(p.protocol) << ' ' << ipsec::to_string(p.mode);
    if (p.protocol == ipsec::Protocol::esp) os << ' ' << ipsec::enc_keyword(p.enc);
    if (p.integ != ipsec::IntegAlg::none) os << (p.protocol == ipsec::Protocol::esp ? "-" : " ")
                                             << ipsec::integ_keyword(p.integ);
    if (!p.src.empty() || !p.dst.empty()) {
        os << ' ' << (p.src.empty() ? "*" : p.src.to_string()) << " -> "
           << (p.dst.empty() ? "*" : p.dst.to_string());
    }
    if (p.encap) os << " udp " << p.encap->src_port << "->" << p.encap->dst_port;
    if (p.esn) os << " esn";
    return os.str();
}

// Exit status for a library error: input problems are the user's to fix (2),
// the rest is the environment (3).
int exit_for(Errc c) {
    switch (c) {
        case Errc::invalid_argument:
        case Errc::parse_error:
        case Errc::not_found: return kExitUsage;
        default: return kExitFailure;
    }
}

bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    return std::filesystem::equivalent(a, b, ec) && !ec;
}

struct Report {
    std::string command;
    std::string driver, description;
    std::vector<std::string> notices;
    std::string sa;
    const EspOptions* opts = nullptr;
    pcap::LinkType link = pcap::LinkType::raw_ip;
    EspPcapStats stats;
};

void print_text(const Report& r) {
    const auto& s = r.stats;
    std::ostringstream os;
    os << "ikeoffctl " << r.command << '\n';
    os << "  engine   " << r.description << '\n';
    for (const auto& n : r.notices) os << "  note     " << n << '\n';
    os << "  sa       " << r.sa << '\n';
    os << "  input    " << r.opts->in << " (" << pcap::to_string(r.link) << "): " << s.frames << " frames, "
       << s.packets << " IP packets";
    if (s.non_ip) os << ", " << s.non_ip << " non-IP frame" << (s.non_ip == 1 ? "" : "s") << " skipped";
    os << '\n';
    os << "  output   " << r.opts->out << " (" << pcap::to_string(r.link) << "): " << s.written << " packets\n";
    os << "  result   " << s.status[0] << " ok, " << s.dropped() << " dropped (" << s.batches << (s.batches == 1 ? " batch" : " batches") << " of up to "
       << r.opts->batch << ")\n";
    for (std::size_t i = 0; i < ipsec::kPacketStatusCount; ++i) {
        std::string name(ipsec::to_string(static_cast<ipsec::PacketStatus>(i)));
        os << "  status   " << name << std::string(name.size() < 18 ? 18 - name.size() : 1, ' ') << s.status[i]
           << '\n';
    }
    for (const auto& e : s.events) {
        os << "  event    " << ipsec::to_string(e.kind) << " on spi " << hex32(e.spi)
           << (e.kind == ipsec::SaEventKind::seq_overflow ? "" : e.by_bytes ? " (bytes)" : " (packets)") << '\n';
    }
    std::cout << os.str() << std::flush;
}

void print_json(const Report& r) {
    using nlohmann::json;
    const auto& s = r.stats;
    json status = json::object();
    for (std::size_t i = 0; i < ipsec::kPacketStatusCount; ++i) {
        status[std::string(ipsec::to_string(static_cast<ipsec::PacketStatus>(i)))] = s.status[i];
    }
    json events = json::array();
    for (const auto& e : s.events) {
        events.push_back({{"spi", hex32(e.spi)},
                          {"kind", ipsec::to_string(e.kind)},
                          {"by", e.by_bytes ? "bytes" : "packets"}});
    }
    json j{{"command", r.command},
           {"engine", {{"driver", r.driver}, {"description", r.description}, {"notices", r.notices}}},
           {"sa", r.sa},
           {"input", {{"path", r.opts->in}, {"link_type", pcap::to_string(r.link)}, {"frames", s.frames},
                      {"non_ip", s.non_ip}}},
           {"output", {{"path", r.opts->out}, {"packets", s.written}}},
           {"packets", s.packets},
           {"ok", s.status[0]},
           {"dropped", s.dropped()},
           {"batches", s.batches},
           {"bytes_in", s.bytes_in},
           {"bytes_out", s.bytes_out},
           {"status", status},
           {"events", events}};
    std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << std::endl;
}

int run_esp(ipsec::Direction dir, const Args& args) {
    const std::string command = dir == ipsec::Direction::outbound ? "esp encap" : "esp decap";
    EspOptions o;
    auto desc = make_options(o);
    try {
        po::variables_map vm;
        po::positional_options_description none;  // stray words are errors, not ignored
        po::store(po::command_line_parser(args).options(desc).positional(none).run(), vm);
        if (vm.count("help")) {
            std::cout << "usage: ikeoffctl " << command << " --sa FILE.json --in IN.pcap --out OUT.pcap"
                      << " [--engine soft|csim|xrt|auto]\n\n"
                      << (dir == ipsec::Direction::outbound
                              ? "Encapsulates every IP packet of IN with the SA and writes the ESP/AH packets.\n"
                              : "Decapsulates every ESP/AH packet of IN with the SA and writes the packets\n"
                                "that verified; prints how many packets ended in each status.\n")
                      << "Non-IP frames are skipped. Exit status: 0 all packets ok, 1 some dropped,\n"
                      << "2 usage or input error, 3 engine or output failure.\n\n"
                      << desc;
            return kExitOk;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        return fail(kExitUsage, command + ": " + e.what() + " (see 'ikeoffctl " + command + " --help')");
    }

    if (o.engine != "soft" && o.engine != "csim" && o.engine != "xrt" && o.engine != "auto") {
        return fail(kExitUsage, "--engine: unknown engine '" + o.engine + "' (expected soft, csim, xrt or auto)");
    }
    if (o.provider != "auto" && o.provider != "openssl" && o.provider != "ipsec-mb") {
        return fail(kExitUsage,
                    "--provider: unknown provider '" + o.provider + "' (expected auto, openssl or ipsec-mb)");
    }
    if (o.batch < 1 || o.batch > kMaxBatch) {
        return fail(kExitUsage, "--batch: must be 1.." + std::to_string(kMaxBatch) + ", got " + std::to_string(o.batch));
    }
    if (same_file(o.in, o.out)) return fail(kExitUsage, "--out: must not be the input file " + o.in);
    log::set_level(o.log_level);

    auto sa = ipsec::load_sa_file(o.sa);
    if (!sa) return fail(exit_for(sa.error().code), sa.error().message);
    auto reader = pcap::Reader::open(o.in);
    // Whatever is wrong with the input capture (missing, foreign link type,
    // not a capture) is the user's to fix.
    if (!reader) return fail(kExitUsage, reader.error().message);

    Report report;
    report.command = command;
    report.opts = &o;
    report.link = reader->link_type();
    report.sa = describe_sa(*sa);

    drivers::EngineOptions eo;
    eo.soft_provider = o.provider;
    eo.xclbin = o.xclbin;
    eo.notice = [&report](std::string_view n) { report.notices.emplace_back(n); };
    auto engine = drivers::create_engine(o.engine, eo);
    if (!engine) {
        return fail(engine.error().code == Errc::invalid_argument ? kExitUsage : kExitFailure,
                    "engine " + o.engine + ": " + engine.error().message);
    }
    ipsec::Engine& eng = **engine;
    report.driver = std::string(eng.driver_name());
    report.description = eng.description();

    auto handle = eng.add_sa(std::move(*sa));
    if (!handle) {
        return fail(exit_for(handle.error().code),
                    "engine " + report.driver + " cannot use this SA: " + handle.error().message);
    }

    auto writer = pcap::Writer::create(o.out, reader->link_type());
    if (!writer) return fail(kExitUsage, writer.error().message);

    // Inbound packets find their SA by SPI, so a capture for another SA shows
    // up as unknown-spi rather than as ICV failures.
    auto stats = run_esp_pcap(eng, dir, dir == ipsec::Direction::outbound ? *handle : ipsec::kNoSa, *reader,
                              *writer, o.batch);
    Status closed = writer->close();
    (void)eng.del_sa(*handle);
    if (!stats || !closed) {
        // A half-written capture would look like a result; remove it.
        std::error_code ec;
        std::filesystem::remove(o.out, ec);
        const Error& err = !stats ? stats.error() : closed.error();
        return fail(exit_for(err.code), err.message);
    }

    report.stats = std::move(*stats);
    if (o.json) {
        print_json(report);
    } else {
        print_text(report);
    }
    return report.stats.dropped() ? kExitDropped : kExitOk;
}

}  // namespace

int run_esp_encap(const Args& args) { return run_esp(ipsec::Direction::outbound, args); }
int run_esp_decap(const Args& args) { return run_esp(ipsec::Direction::inbound, args); }

}  // namespace ikeoff::ctl
