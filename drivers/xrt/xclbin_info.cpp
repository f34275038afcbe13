#include "drivers/xrt/xclbin_info.hpp"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <exception>
#include <iterator>
#include <set>

#include "ipsec_hls/contract.hpp"

namespace ikeoff::drivers::xrt_info {
namespace contract = ipsec_hls::contract;

namespace {

std::string hex(uint64_t v) {
    static constexpr char d[] = "0123456789abcdef";
    std::string s;
    do {
        s.insert(s.begin(), d[v & 0xf]);
        v >>= 4;
    } while (v);
    return "0x" + s;
}

Status check_arg(const std::string& kname, std::size_t i, const contract::KernelArg& want, const ArgInfo& got) {
    std::string where = "xrt: kernel " + kname + " argument " + std::to_string(i);
    IKEOFF_ENSURE(got.name == want.name, Errc::abi_mismatch,
                  where + " is '" + got.name + "', the contract says '" + want.name + "'");
    bool want_buffer = want.kind != contract::ArgKind::scalar;
    IKEOFF_ENSURE(got.is_buffer() == want_buffer, Errc::abi_mismatch,
                  where + " (" + got.name + ") is a " + (got.is_buffer() ? "buffer" : "scalar") +
                      " in the xclbin but a " + (want_buffer ? "buffer" : "scalar") + " in the contract");
    IKEOFF_ENSURE(got.offset == want.offset, Errc::abi_mismatch,
                  where + " (" + got.name + ") sits at register " + hex(got.offset) + ", the contract says " +
                      hex(want.offset));
    IKEOFF_ENSURE(got.size == want.size, Errc::abi_mismatch,
                  where + " (" + got.name + ") is " + std::to_string(got.size) + " octets wide, the contract says " +
                      std::to_string(want.size));
    if (want_buffer)
        IKEOFF_ENSURE(!got.mems.empty(), Errc::abi_mismatch,
                      where + " (" + got.name + ") is not connected to any memory bank");
    return {};
}

// XRT trusts the container's offsets (it checks only the magic), so a
// truncated or corrupt file would make it read past the buffer. Check the
// AXLF header and every section header against the file size first.
Status check_container(const std::vector<char>& d, const std::string& name) {
    auto bad = [&](const std::string& why) { return Error{Errc::parse_error, "xrt: " + name + ": " + why}; };
    if (d.size() < sizeof(axlf)) return bad("too short for an xclbin (" + std::to_string(d.size()) + " octets)");
    axlf top{};
    std::memcpy(&top, d.data(), sizeof top);
    if (std::memcmp(top.m_magic, "xclbin2", 8) != 0) return bad("not an xclbin (magic is not \"xclbin2\")");
    if (top.m_header.m_length != d.size())
        return bad("header says " + std::to_string(top.m_header.m_length) + " octets, file has " +
                   std::to_string(d.size()) + " (truncated?)");
    uint64_t n = top.m_header.m_numSections;
    if (n == 0 || n > XCLBIN_MAX_NUM_SECTION) return bad("implausible section count " + std::to_string(n));
    uint64_t headers_end = offsetof(axlf, m_sections) + n * sizeof(axlf_section_header);
    if (headers_end > d.size()) return bad("section table runs past the end of the file");
    int32_t mems = 0, ips = 0, conns = 0;
    uint64_t conn_at = 0;
    for (uint64_t i = 0; i < n; ++i) {
        axlf_section_header h{};
        std::memcpy(&h, d.data() + offsetof(axlf, m_sections) + i * sizeof h, sizeof h);
        if (h.m_sectionOffset > d.size() || h.m_sectionSize > d.size() - h.m_sectionOffset)
            return bad("section " + std::to_string(i) + " lies outside the file");
        // Counted arrays XRT walks without bounds checks.
        std::size_t head = 0, item = 0;
        switch (h.m_sectionKind) {
            case MEM_TOPOLOGY: head = offsetof(mem_topology, m_mem_data), item = sizeof(mem_data); break;
            case IP_LAYOUT: head = offsetof(ip_layout, m_ip_data), item = sizeof(ip_data); break;
            case CONNECTIVITY: head = offsetof(connectivity, m_connection), item = sizeof(connection); break;
            default: continue;
        }
        int32_t count = -1;
        if (h.m_sectionSize >= sizeof count) std::memcpy(&count, d.data() + h.m_sectionOffset, sizeof count);
        if (count < 0 || head + uint64_t(count) * item > h.m_sectionSize)
            return bad("section " + std::to_string(i) + " (kind " + std::to_string(h.m_sectionKind) +
                       ") holds fewer entries than it claims");
        if (h.m_sectionKind == MEM_TOPOLOGY) mems = count;
        if (h.m_sectionKind == IP_LAYOUT) ips = count;
        if (h.m_sectionKind == CONNECTIVITY) conn_at = h.m_sectionOffset + head, conns = count;
    }
    // Connections index the other two tables.
    for (int32_t c = 0; c < conns; ++c) {
        connection k{};
        std::memcpy(&k, d.data() + conn_at + std::size_t(c) * sizeof k, sizeof k);
        if (k.arg_index < 0 || k.m_ip_layout_index < 0 || k.m_ip_layout_index >= ips || k.mem_data_index < 0 ||
            k.mem_data_index >= mems)
            return bad("connectivity entry " + std::to_string(c) + " points outside IP_LAYOUT/MEM_TOPOLOGY");
    }
    return {};
}

}  // namespace

const KernelInfo* XclbinInfo::find(const std::string& name) const {
    for (const auto& k : kernels)
        if (k.name == name) return &k;
    return nullptr;
}

Result<xrt::xclbin> read_xclbin(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{Errc::not_found, "xrt: no xclbin at " + path.string()};
    std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    IKEOFF_TRY(check_container(data, path.string()));
    try {
        return xrt::xclbin(data);
    } catch (const std::exception& e) {
        return Error{Errc::parse_error, "xrt: " + path.string() + " is not a usable xclbin: " + e.what()};
    }
}

Result<XclbinInfo> describe(const xrt::xclbin& xclbin) {
    try {
        XclbinInfo info;
        info.platform = xclbin.get_xsa_name();
        info.uuid = xclbin.get_uuid().to_string();
        for (const auto& k : xclbin.get_kernels()) {
            KernelInfo ki;
            ki.name = k.get_name();
            for (const auto& a : k.get_args()) {
                ArgInfo ai;
                ai.index = a.get_index();
                ai.name = a.get_name();
                ai.offset = a.get_offset();
                ai.size = a.get_size();
                ai.host_type = a.get_host_type();
                ai.port = a.get_port();
                for (const auto& m : a.get_mems()) ai.mems.push_back({m.get_index(), m.get_tag()});
                ki.args.push_back(std::move(ai));
            }
            std::sort(ki.args.begin(), ki.args.end(), [](const ArgInfo& x, const ArgInfo& y) { return x.index < y.index; });
            for (const auto& cu : k.get_cus()) ki.compute_units.push_back(cu.get_name());
            info.kernels.push_back(std::move(ki));
        }
        return info;
    } catch (const std::exception& e) {
        return Error{Errc::parse_error, std::string("xrt: cannot read kernel metadata from the xclbin: ") + e.what()};
    }
}

Status check_against_contract(const XclbinInfo& info) {
    std::set<int32_t> shared_sa_groups;
    bool first = true;
    for (const auto& sig : contract::kKernels) {
        const KernelInfo* k = info.find(sig.name);
        IKEOFF_ENSURE(k != nullptr, Errc::abi_mismatch,
                      std::string("xrt: the xclbin has no kernel '") + sig.name + "' (contract ABI " +
                          std::to_string(contract::kContractAbi) + ")");
        IKEOFF_ENSURE(!k->compute_units.empty(), Errc::abi_mismatch,
                      "xrt: kernel " + k->name + " has no compute unit in the xclbin");
        IKEOFF_ENSURE(k->args.size() == sig.arg_count, Errc::abi_mismatch,
                      "xrt: kernel " + k->name + " has " + std::to_string(k->args.size()) +
                          " arguments, the contract says " + std::to_string(sig.arg_count));
        for (uint32_t i = 0; i < sig.arg_count; ++i) IKEOFF_TRY(check_arg(k->name, i, sig.args[i], k->args[i]));

        // The SA table is a single buffer handed to every kernel, so a memory
        // group must be reachable from all of their sa_table ports.
        for (const auto& a : k->args) {
            if (a.name != "sa_table") continue;
            std::set<int32_t> mine;
            for (const auto& m : a.mems) mine.insert(m.index);
            if (first) {
                shared_sa_groups = mine;
                first = false;
            } else {
                std::set<int32_t> both;
                std::set_intersection(shared_sa_groups.begin(), shared_sa_groups.end(), mine.begin(), mine.end(),
                                      std::inserter(both, both.begin()));
                shared_sa_groups = both;
            }
        }
    }
    IKEOFF_ENSURE(!shared_sa_groups.empty(), Errc::abi_mismatch,
                  "xrt: the kernels' sa_table ports share no memory bank; the link config must connect them all to "
                  "one bank (hw/link/*.cfg)");
    return {};
}

Status check_against_manifest(const XclbinInfo& info, const xrt_manifest::BitstreamEntry& entry) {
    if (!entry.platform.empty() && !info.platform.empty())
        IKEOFF_ENSURE(entry.platform == info.platform, Errc::abi_mismatch,
                      "xrt: the manifest says platform " + entry.platform + " but the xclbin was linked for " +
                          info.platform);
    for (const auto& mk : entry.kernels) {
        const KernelInfo* k = info.find(mk.name);
        IKEOFF_ENSURE(k != nullptr, Errc::abi_mismatch,
                      "xrt: the manifest lists kernel " + mk.name + " but the xclbin has none by that name");
        for (const auto& cu : mk.compute_units) {
            bool found = std::any_of(k->compute_units.begin(), k->compute_units.end(), [&](const std::string& c) {
                return c == cu || c == mk.name + ":" + cu;
            });
            IKEOFF_ENSURE(found, Errc::abi_mismatch,
                          "xrt: the manifest lists compute unit " + cu + " of " + mk.name + " but the xclbin lacks it");
        }
    }
    return {};
}

}  // namespace ikeoff::drivers::xrt_info
