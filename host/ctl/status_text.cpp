#include "host/ctl/status_text.hpp"

#include <sstream>

namespace ikeoff::ctl {

namespace {

using nlohmann::json;

std::string str(const json& j, const char* key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    if (it == j.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_null()) return {};
    return it->dump();
}

int64_t num(const json& j, const char* key, int64_t dflt = 0) {
    if (!j.is_object()) return dflt;
    auto it = j.find(key);
    if (it == j.end() || !it->is_number()) return dflt;
    return it->get<int64_t>();
}

bool flag(const json& j, const char* key) {
    if (!j.is_object()) return false;
    auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

const json& arr(const json& j, const char* key) {
    static const json empty = json::array();
    if (!j.is_object()) return empty;
    auto it = j.find(key);
    return (it != j.end() && it->is_array()) ? *it : empty;
}

// "0xc1234567" -> "c1234567"; anything else as it is.
std::string bare_hex(const std::string& s) { return s.rfind("0x", 0) == 0 ? s.substr(2) : s; }

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string list(const json& a) {
    std::string s;
    if (!a.is_array()) return s;
    for (const auto& v : a) s += (s.empty() ? "" : ",") + (v.is_string() ? v.get<std::string>() : v.dump());
    return s;
}

std::string drops(const json& d) {
    if (!d.is_object() || d.empty()) return {};
    std::string s = ", dropped:";
    for (auto it = d.begin(); it != d.end(); ++it) s += " " + it.key() + "=" + it.value().dump();
    return s;
}

}  // namespace

std::string render_status_text(const json& st) {
    std::ostringstream o;
    const json& d = st.contains("daemon") ? st["daemon"] : json::object();
    o << "ikeoffd: engine " << str(d, "engine_description") << ", up " << num(d, "uptime_s") << "s\n";
    o << "  listening on " << list(d.contains("listening") ? d["listening"] : json()) << "\n";
    std::string tun = str(d, "tun");
    o << "  TUN device " << (tun.empty() ? "none (no traffic)" : tun) << "\n";

    const json& conns = arr(st, "connections");
    o << "Connections (" << conns.size() << "):\n";
    for (const auto& c : conns) {
        o << "  " << str(c, "name") << ": " << str(c, "local") << "..." << str(c, "remote") << "  IKEv1 "
          << (flag(c, "aggressive") ? "aggressive" : "main") << " mode, " << str(c, "auth") << ", auto="
          << str(c, "auto") << "\n";
        o << "    local  " << str(c, "local_id") << "  " << list(c.contains("local_ts") ? c["local_ts"] : json())
          << "\n";
        o << "    remote " << str(c, "remote_id") << "  " << list(c.contains("remote_ts") ? c["remote_ts"] : json())
          << "\n";
        std::string ike = str(c, "ike"), esp = str(c, "esp"), ah = str(c, "ah");
        o << "    ike=" << (ike.empty() ? "(defaults)" : ike);
        if (!esp.empty()) o << "  esp=" << esp;
        if (!ah.empty()) o << "  ah=" << ah;
        o << "  " << str(c, "mode") << "\n";
    }

    const json& isakmp = arr(st, "isakmp_sas");
    o << "ISAKMP SAs (" << isakmp.size() << "):\n";
    for (const auto& s : isakmp) {
        o << "  " << str(s, "conn") << " #" << num(s, "id") << ": " << upper(str(s, "state")) << ", "
          << str(s, "local") << "[" << str(s, "local_id") << "]..." << str(s, "remote") << "["
          << str(s, "remote_id") << "]\n";
        o << "    " << str(s, "exchange") << " mode, " << str(s, "auth") << ", "
          << (flag(s, "initiator") ? "initiator" : "responder") << ", " << str(s, "proposal") << "\n";
        o << "    cookies " << str(s, "cookie_i") << "_i " << str(s, "cookie_r") << "_r";
        if (flag(s, "nat_local")) o << ", local host behind NAT";
        if (flag(s, "nat_remote")) o << ", remote host behind NAT";
        o << "\n    established " << num(s, "age_s") << "s ago";
        if (num(s, "expires_in_s", -1) >= 0) o << ", expires in " << num(s, "expires_in_s") << "s";
        o << "\n";
    }

    const json& ipsec = arr(st, "ipsec_sas");
    o << "IPsec SAs (" << ipsec.size() << "):\n";
    for (const auto& s : ipsec) {
        o << "  " << str(s, "conn") << " #" << num(s, "id") << ": " << upper(str(s, "state"))
          << (flag(s, "manual") ? " (manual keys)" : "") << ", " << upper(str(s, "protocol"));
        const json& encap = s.contains("encap") ? s["encap"] : json();
        if (encap.is_object()) o << " in UDP " << num(encap, "sport") << "->" << num(encap, "dport");
        o << ", " << str(s, "mode") << ", SPIs " << bare_hex(str(s, "spi_in")) << "_i " << bare_hex(str(s, "spi_out"))
          << "_o\n";
        std::string integ = str(s, "integ");
        o << "    " << str(s, "enc") << (integ.empty() || integ == "none" ? "" : "/" + integ);
        if (num(s, "pfs_group") > 0) o << ", PFS group " << num(s, "pfs_group");
        if (num(s, "lifetime_s") > 0) o << ", lifetime " << num(s, "lifetime_s") << "s";
        if (num(s, "rekey_in_s", -1) >= 0) o << ", rekey in " << num(s, "rekey_in_s") << "s";
        if (num(s, "expires_in_s", -1) >= 0) o << ", expires in " << num(s, "expires_in_s") << "s";
        o << "\n";
        for (const char* dir : {"in", "out"}) {
            const json& c = s.contains(dir) ? s[dir] : json::object();
            o << "    " << dir << (dir[1] == 'n' ? " " : "") << "  " << str(c, "spi") << ", " << num(c, "bytes")
              << " bytes, " << num(c, "packets") << " packets" << drops(c.contains("drops") ? c["drops"] : json())
              << "\n";
        }
        o << "    " << str(s, "local_ts") << " === " << str(s, "remote_ts") << "\n";
        if (s.contains("keys")) {
            const json& k = s["keys"];
            for (const char* dir : {"in", "out"}) {
                const json& kk = k.contains(dir) ? k[dir] : json::object();
                o << "    key " << dir << ": enc " << str(kk, "enc") << " integ " << str(kk, "integ") << "\n";
            }
        }
    }

    const json& dp = st.contains("datapath") ? st["datapath"] : json::object();
    o << "Data path: " << num(dp, "tun_in") << " packets from TUN -> " << num(dp, "esp_out") << " ESP sent; "
      << num(dp, "esp_in") << " ESP received -> " << num(dp, "tun_out") << " packets to TUN\n";
    const json& dd = dp.contains("drops") && dp["drops"].is_object() ? dp["drops"] : json::object();
    std::string dl;
    for (auto it = dd.begin(); it != dd.end(); ++it) {
        if (it.value().is_number() && it.value().get<int64_t>() > 0) dl += " " + it.key() + "=" + it.value().dump();
        if (it.value().is_object()) {
            for (auto jt = it.value().begin(); jt != it.value().end(); ++jt) dl += " " + it.key() + ":" + jt.key() + "=" + jt.value().dump();
        }
    }
    if (!dl.empty()) o << "  drops:" << dl << "\n";
    const json& so = st.contains("sockets") ? st["sockets"] : json::object();
    o << "IKE messages: " << num(so, "ike_in") << " in, " << num(so, "ike_out") << " out, " << num(so, "keepalives")
      << " NAT keepalives, " << num(so, "malformed") << " malformed\n";
    return o.str();
}

}  // namespace ikeoff::ctl
