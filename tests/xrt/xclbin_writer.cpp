#include "tests/xrt/xclbin_writer.hpp"

#include <cstddef>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include <openssl/evp.h>
#include <xclbin.h>

namespace ikeoff::xclbin_writer {

namespace {

std::string xml_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&': o += "&amp;"; break;
            case '<': o += "&lt;"; break;
            case '>': o += "&gt;"; break;
            case '"': o += "&quot;"; break;
            default: o += c;
        }
    }
    return o;
}

std::string hex(uint64_t v) {
    std::ostringstream os;
    os << "0x" << std::hex << v;
    return os.str();
}

std::string upper(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    return s;
}

std::string port_of(const Arg& a) { return a.buffer ? "M_AXI_" + upper(a.bundle) : "S_AXI_CONTROL"; }

// The sections are plain C structs with a flexible trailing array; build each
// as a byte vector and fill it through the header's own types so every field
// lands where XRT reads it.
template <typename Head, typename Item>
std::vector<char> counted_section(std::size_t items_offset, const std::vector<Item>& items) {
    std::vector<char> d(std::max(sizeof(Head), items_offset + items.size() * sizeof(Item)), 0);
    auto* count = reinterpret_cast<int32_t*>(d.data());
    *count = int32_t(items.size());
    if (!items.empty()) std::memcpy(d.data() + items_offset, items.data(), items.size() * sizeof(Item));
    return d;
}

void pad8(std::vector<char>& v) {
    while (v.size() % 8) v.push_back(0);
}

template <std::size_t N>
void copy_cstr(unsigned char (&dst)[N], const std::string& s) {
    std::memset(dst, 0, N);
    std::memcpy(dst, s.data(), std::min(s.size(), N - 1));
}
template <std::size_t N>
void copy_cstr(char (&dst)[N], const std::string& s) {
    std::memset(dst, 0, N);
    std::memcpy(dst, s.data(), std::min(s.size(), N - 1));
}

}  // namespace

std::string metadata_xml(const Spec& spec) {
    std::ostringstream x;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<project name=\"ikeoff_test\">\n"
      << "  <platform vendor=\"xilinx\" name=\"" << xml_escape(spec.platform) << "\">\n"
      << "    <device name=\"fpga0\">\n"
      << "      <core name=\"OCL_REGION_0\" target=\"" << (spec.hw_emu ? "hw_em" : "hw")
      << "\" type=\"clc_region\" numComputeUnits=\"" << spec.cus.size() << "\">\n";
    for (const auto& k : spec.kernels) {
        x << "        <kernel name=\"" << xml_escape(k.name)
          << "\" language=\"c\" hwControlProtocol=\"ap_ctrl_hs\" interrupt=\"true\">\n";
        std::map<std::string, bool> ports;
        for (const auto& a : k.args) ports[port_of(a)] = a.buffer;
        for (const auto& [port, master] : ports)
            x << "          <port name=\"" << port << "\" mode=\"" << (master ? "master" : "slave") << "\" range=\""
              << (master ? "0xFFFFFFFF" : "0x1000") << "\" dataWidth=\"" << (master ? 512 : 32)
              << "\" portType=\"addressable\" base=\"0x0\"/>\n";
        for (std::size_t i = 0; i < k.args.size(); ++i) {
            const Arg& a = k.args[i];
            x << "          <arg name=\"" << xml_escape(a.name) << "\" addressQualifier=\"" << (a.buffer ? 1 : 0)
              << "\" id=\"" << i << "\" port=\"" << port_of(a) << "\" size=\"" << hex(a.size) << "\" offset=\""
              << hex(a.offset) << "\" hostOffset=\"0x0\" hostSize=\"" << hex(a.size) << "\" type=\""
              << xml_escape(a.type) << "\"/>\n";
        }
        for (const auto& cu : spec.cus) {
            if (cu.kernel != k.name) continue;
            x << "          <instance name=\"" << xml_escape(cu.instance) << "\">\n"
              << "            <addrRemap base=\"" << hex(cu.base)
              << "\" range=\"0x10000\" port=\"S_AXI_CONTROL\"/>\n"
              << "          </instance>\n";
        }
        x << "        </kernel>\n";
    }
    x << "      </core>\n    </device>\n  </platform>\n</project>\n";
    return x.str();
}

Result<std::vector<char>> build(const Spec& spec) {
    std::map<std::string, int32_t> mem_index;
    std::vector<mem_data> mems;
    for (const auto& m : spec.mems) {
        mem_data md{};
        md.m_type = m.type;
        md.m_used = 1;
        md.m_size = m.size_kb;
        md.m_base_address = m.base;
        copy_cstr(md.m_tag, m.tag);
        mem_index[m.tag] = int32_t(mems.size());
        mems.push_back(md);
    }

    std::vector<ip_data> ips;
    std::vector<connection> conns;
    for (const auto& cu : spec.cus) {
        const Kernel* k = nullptr;
        for (const auto& kk : spec.kernels)
            if (kk.name == cu.kernel) k = &kk;
        if (!k) return Error{Errc::invalid_argument, "xclbin_writer: CU " + cu.instance + " of unknown kernel " + cu.kernel};
        ip_data ip{};
        ip.m_type = IP_KERNEL;
        // ap_ctrl_hs, interrupt enabled, interrupt id = CU ordinal.
        ip.properties = (AP_CTRL_HS << IP_CONTROL_SHIFT) | IP_INT_ENABLE_MASK |
                        ((uint32_t(ips.size()) << IP_INTERRUPT_ID_SHIFT) & IP_INTERRUPT_ID_MASK);
        ip.m_base_address = cu.base;
        copy_cstr(ip.m_name, cu.kernel + ":" + cu.instance);
        int32_t ip_idx = int32_t(ips.size());
        ips.push_back(ip);
        for (std::size_t i = 0; i < k->args.size(); ++i) {
            if (!k->args[i].buffer) continue;
            bool connected = false;
            for (const auto& [arg, tag] : cu.sp) {
                if (arg != k->args[i].name) continue;
                auto mi = mem_index.find(tag);
                if (mi == mem_index.end())
                    return Error{Errc::invalid_argument, "xclbin_writer: " + cu.instance + "." + arg + " -> unknown memory " + tag};
                conns.push_back(connection{int32_t(i), ip_idx, mi->second});
                connected = true;
            }
            if (!connected)
                return Error{Errc::invalid_argument,
                             "xclbin_writer: " + cu.instance + "." + k->args[i].name + " is not connected to memory"};
        }
        for (const auto& [arg, tag] : cu.sp) {
            bool known = false;
            for (const auto& a : k->args) known = known || a.name == arg;
            if (!known) return Error{Errc::invalid_argument, "xclbin_writer: " + cu.instance + " has no argument " + arg};
        }
    }

    std::string xml = metadata_xml(spec);
    std::vector<std::pair<uint32_t, std::vector<char>>> sections;
    sections.push_back({EMBEDDED_METADATA, std::vector<char>(xml.begin(), xml.end())});
    sections.push_back({MEM_TOPOLOGY, counted_section<mem_topology>(offsetof(mem_topology, m_mem_data), mems)});
    sections.push_back({IP_LAYOUT, counted_section<ip_layout>(offsetof(ip_layout, m_ip_data), ips)});
    sections.push_back({CONNECTIVITY, counted_section<connectivity>(offsetof(connectivity, m_connection), conns)});
    static const char* const kNames[] = {"metadata", "mem_topology", "ip_layout", "connectivity"};

    std::size_t header = sizeof(axlf) + (sections.size() - 1) * sizeof(axlf_section_header);
    std::vector<char> out(header, 0);
    std::vector<std::pair<uint64_t, uint64_t>> where;
    for (const auto& [kind, data] : sections) {
        pad8(out);  // every section starts on an 8-octet boundary
        where.push_back({out.size(), data.size()});
        out.insert(out.end(), data.begin(), data.end());
    }
    pad8(out);

    auto* top = reinterpret_cast<axlf*>(out.data());
    std::memcpy(top->m_magic, "xclbin2", 8);
    top->m_signature_length = -1;
    std::memset(top->reserved, 0xff, sizeof top->reserved);
    std::memset(top->m_keyBlock, 0xff, sizeof top->m_keyBlock);
    top->m_header.m_length = out.size();
    top->m_header.m_versionMajor = 2;
    top->m_header.m_versionMinor = 13;
    top->m_header.m_mode = spec.hw_emu ? XCLBIN_HW_EMU : XCLBIN_FLAT;
    copy_cstr(top->m_header.m_platformVBNV, spec.platform);
    top->m_header.m_numSections = uint32_t(sections.size());
    for (std::size_t i = 0; i < sections.size(); ++i) {
        auto& h = top->m_sections[i];
        h.m_sectionKind = sections[i].first;
        copy_cstr(h.m_sectionName, kNames[i]);
        h.m_sectionOffset = where[i].first;
        h.m_sectionSize = where[i].second;
    }
    // Content-derived UUID (XRT keys loaded xclbins by it): SHA-256 of the
    // file with the UUID field still zero, truncated to 16 octets.
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(out.data(), out.size(), md, &md_len, EVP_sha256(), nullptr) != 1)
        return Error{Errc::crypto_error, "xclbin_writer: SHA-256 failed"};
    std::memcpy(top->m_header.uuid, md, sizeof top->m_header.uuid);
    return out;
}

Status write_file(const std::string& path, const std::vector<char>& data) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    if (!f) return Error{Errc::io_error, "cannot create " + path};
    f.write(data.data(), std::streamsize(data.size()));
    if (!f) return Error{Errc::io_error, "cannot write " + path};
    return {};
}

}  // namespace ikeoff::xclbin_writer
