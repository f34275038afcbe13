#include "host/config/conn_builder.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <optional>

namespace ikeoff::config::detail {

namespace {

enum Side { kLeft = 0, kRight = 1 };

struct Build {
    Connection conn;
    std::array<Endpoint, 2> ends;            // as written: left, right
    std::array<bool, 2> host_set{false, false};
    std::optional<bool> pfs_setting;
    std::array<std::optional<AuthMethod>, 2> side_auth;   // leftauth/rightauth
    bool ike_set = false, esp_set = false, ah_set = false;
    std::map<std::string, SourceLoc> loc;    // key -> where its value came from
    const LoadOptions* opts = nullptr;
    Diagnostics* diag = nullptr;
    std::string ctx;                          // "conn 'home'"

    void fail(const ConfEntry& e, const std::string& msg) const { diag->error(e.where, ctx, e.key + ": " + msg); }
    void fail_at(const std::string& key, const std::string& msg) const {
        auto it = loc.find(key);
        diag->error(it != loc.end() ? it->second : conn.where, ctx, msg);
    }
    bool has(const std::string& key) const { return loc.count(key) != 0; }
};

template <typename T>
bool take(Build& b, const ConfEntry& e, Result<T> r, T& out) {
    if (!r.ok()) {
        b.fail(e, r.error().message);
        return false;
    }
    out = std::move(*r);
    return true;
}

// --- connection-wide keys -------------------------------------------------

void on_keyexchange(Build& b, const ConfEntry& e) {
    if (e.value == "ikev1") return;
    if (e.value == "ikev2" || e.value == "ike") {
        b.fail(e, "'" + e.value + "' is not supported: ikeoffd implements IKEv1 only (keyexchange=ikev1)");
    } else {
        b.fail(e, "'" + e.value + "' is not a key exchange (use ikev1)");
    }
}

void on_authby(Build& b, const ConfEntry& e) {
    const std::string& v = e.value;
    if (v == "secret" || v == "psk") b.conn.auth = AuthMethod::psk;
    else if (v == "pubkey" || v == "rsasig") b.conn.auth = AuthMethod::rsa_sig;
    else if (v == "dsssig" || v == "dss") b.conn.auth = AuthMethod::dss_sig;
    else if (v == "rsaencryption" || v == "rsaenc") b.conn.auth = AuthMethod::rsa_enc;
    else if (v == "rsaencryption-revised" || v == "rsaencrev") b.conn.auth = AuthMethod::rsa_enc_revised;
    else if (v == "ecdsasig") b.fail(e, "ECDSA signatures (RFC 4754) are not supported; use rsasig or secret");
    else if (v.starts_with("xauth")) b.fail(e, "XAUTH is not supported; use secret or rsasig");
    else if (v == "eap") b.fail(e, "EAP exists in IKEv2 only");
    else if (v == "never") b.fail(e, "authby=never (shunt connections) is not supported");
    else {
        b.fail(e, "'" + v + "' is not an authentication method (secret|psk, rsasig|pubkey, dsssig, "
                             "rsaencryption, rsaencryption-revised)");
    }
}

void on_ike(Build& b, const ConfEntry& e) {
    b.ike_set = take(b, e, parse_ike_proposals(e.value), b.conn.ike);
}

void on_esp(Build& b, const ConfEntry& e) {
    ChildProposalList l;
    if (take(b, e, parse_esp_proposals(e.value), l)) {
        b.conn.esp = std::move(l);
        b.esp_set = true;
    }
}

void on_ah(Build& b, const ConfEntry& e) {
    ChildProposalList l;
    if (take(b, e, parse_ah_proposals(e.value), l)) {
        b.conn.ah = std::move(l);
        b.ah_set = true;
    }
}

void on_aggressive(Build& b, const ConfEntry& e) { take(b, e, parse_bool(e.value), b.conn.aggressive); }

void on_pfs(Build& b, const ConfEntry& e) {
    bool v = false;
    if (take(b, e, parse_bool(e.value), v)) b.pfs_setting = v;
}

void positive_duration(Build& b, const ConfEntry& e, seconds& out) {
    seconds v{};
    if (!take(b, e, parse_duration(e.value), v)) return;
    if (v.count() == 0) {
        b.fail(e, "must be longer than 0s");
        return;
    }
    out = v;
}

void on_ikelifetime(Build& b, const ConfEntry& e) { positive_duration(b, e, b.conn.ikelifetime); }
void on_lifetime(Build& b, const ConfEntry& e) { positive_duration(b, e, b.conn.lifetime); }
void on_lifebytes(Build& b, const ConfEntry& e) { take(b, e, parse_count(e.value), b.conn.lifebytes); }
void on_lifepackets(Build& b, const ConfEntry& e) { take(b, e, parse_count(e.value), b.conn.lifepackets); }
void on_marginbytes(Build& b, const ConfEntry& e) { take(b, e, parse_count(e.value), b.conn.marginbytes); }
void on_marginpackets(Build& b, const ConfEntry& e) { take(b, e, parse_count(e.value), b.conn.marginpackets); }
void on_rekey(Build& b, const ConfEntry& e) { take(b, e, parse_bool(e.value), b.conn.rekey); }
void on_rekeymargin(Build& b, const ConfEntry& e) { take(b, e, parse_duration(e.value), b.conn.rekeymargin); }
void on_rekeyfuzz(Build& b, const ConfEntry& e) { take(b, e, parse_percent(e.value, 1000), b.conn.rekeyfuzz_percent); }

void on_keyingtries(Build& b, const ConfEntry& e) {
    if (e.value == "%forever") {
        b.conn.keyingtries = 0;
        return;
    }
    uint64_t v = 0;
    if (take(b, e, parse_uint(e.value, 0, 1000), v)) b.conn.keyingtries = static_cast<unsigned>(v);
}

void on_dpdaction(Build& b, const ConfEntry& e) {
    const std::string& v = e.value;
    if (v == "none") b.conn.dpdaction = DpdAction::none;
    else if (v == "clear") b.conn.dpdaction = DpdAction::clear;
    else if (v == "hold") b.conn.dpdaction = DpdAction::hold;
    else if (v == "restart") b.conn.dpdaction = DpdAction::restart;
    else b.fail(e, "'" + v + "' is not a DPD action (none, clear, hold, restart)");
}

void on_dpddelay(Build& b, const ConfEntry& e) { positive_duration(b, e, b.conn.dpddelay); }
void on_dpdtimeout(Build& b, const ConfEntry& e) { positive_duration(b, e, b.conn.dpdtimeout); }

void on_type(Build& b, const ConfEntry& e) {
    if (e.value == "tunnel") b.conn.mode = ipsec::Mode::tunnel;
    else if (e.value == "transport") b.conn.mode = ipsec::Mode::transport;
    else if (e.value == "passthrough" || e.value == "pass" || e.value == "drop" || e.value == "reject")
        b.fail(e, "shunt type '" + e.value + "' is not supported (tunnel or transport)");
    else b.fail(e, "'" + e.value + "' is not a connection type (tunnel or transport)");
}

void on_auto(Build& b, const ConfEntry& e) {
    if (e.value == "ignore") b.conn.auto_action = AutoAction::ignore;
    else if (e.value == "add") b.conn.auto_action = AutoAction::add;
    else if (e.value == "start") b.conn.auto_action = AutoAction::start;
    else if (e.value == "route")
        b.fail(e, "auto=route needs trap policies, which ikeoffd does not install; use add or start");
    else b.fail(e, "'" + e.value + "' is not an auto action (ignore, add, start)");
}

void on_forceencaps(Build& b, const ConfEntry& e) { take(b, e, parse_bool(e.value), b.conn.forceencaps); }

void on_compress(Build& b, const ConfEntry& e) {
    bool v = false;
    if (take(b, e, parse_bool(e.value), v) && v) b.fail(e, "IPComp is not supported (compress=no)");
}

void on_replay_window(Build& b, const ConfEntry& e) {
    uint64_t v = 0;
    if (take(b, e, parse_uint(e.value, 0, ipsec::kMaxReplayWindow), v)) b.conn.replay_window = static_cast<uint32_t>(v);
}

void on_weakalgs(Build& b, const ConfEntry& e) { take(b, e, parse_bool(e.value), b.conn.weakalgs); }

void on_also(Build&, const ConfEntry&) {}  // resolved before the keys are applied

// --- per-side keys (left*/right*) -----------------------------------------

void on_host(Build& b, Side s, const ConfEntry& e) {
    Endpoint& ep = b.ends[s];
    const std::string& v = e.value;
    b.host_set[s] = true;
    if (v == "%any" || v == "%any4" || v == "%any6") {
        ep.host_kind = HostKind::any;
        ep.any_family = v == "%any4" ? IpAddress::Family::v4 : v == "%any6" ? IpAddress::Family::v6 : IpAddress::Family::none;
        return;
    }
    if (v == "%defaultroute") {
        ep.host_kind = HostKind::defaultroute;
        return;
    }
    if (v.starts_with('%')) {
        b.fail(e, "'" + v + "' is not supported (an IP address, %any, %any4, %any6 or %defaultroute)");
        return;
    }
    auto a = IpAddress::parse(v);
    if (!a.ok()) {
        b.fail(e, "'" + v + "' is not an IP address (host names are not resolved; use an address or %any)");
        return;
    }
    ep.host_kind = HostKind::address;
    ep.address = *a;
}

void on_subnet(Build& b, Side s, const ConfEntry& e) { take(b, e, parse_subnets(e.value), b.ends[s].subnets); }

void on_id(Build& b, Side s, const ConfEntry& e) {
    if (take(b, e, Identity::parse(e.value), b.ends[s].id)) b.ends[s].id_configured = true;
}

void on_protoport(Build& b, Side s, const ConfEntry& e) { take(b, e, parse_protoport(e.value), b.ends[s].protoport); }

void on_cert(Build& b, Side s, const ConfEntry& e) {
    std::string path = e.value;
    if (!path.starts_with('/')) {
        std::string dir = b.opts->cert_dir.empty() ? dir_of(e.where.file) : b.opts->cert_dir;
        path = dir + "/" + path;
    }
    if (b.opts->check_files && access(path.c_str(), R_OK) != 0) {
        b.fail(e, "cannot read certificate '" + path + "'");
        return;
    }
    b.ends[s].cert = path;
}

void on_sendcert(Build& b, Side s, const ConfEntry& e) {
    const std::string& v = e.value;
    if (v == "ifasked") b.ends[s].sendcert = SendCert::ifasked;
    else if (v == "always" || v == "yes") b.ends[s].sendcert = SendCert::always;
    else if (v == "never" || v == "no") b.ends[s].sendcert = SendCert::never;
    else b.fail(e, "'" + v + "' is not a sendcert policy (ifasked, always|yes, never|no)");
}

// strongSwan's per-side leftauth/rightauth. IKEv1 authenticates both peers
// with the one method of the transform, so both must agree (checked later).
void on_side_auth(Build& b, Side s, const ConfEntry& e) {
    const std::string& v = e.value;
    if (v == "psk" || v == "secret") b.side_auth[s] = AuthMethod::psk;
    else if (v == "pubkey" || v == "rsa" || v == "rsasig") b.side_auth[s] = AuthMethod::rsa_sig;
    else b.fail(e, "'" + v + "' is not supported (psk or pubkey; or use authby=)");
}

void on_ikeport(Build& b, Side s, const ConfEntry& e) {
    uint64_t v = 0;
    if (take(b, e, parse_uint(e.value, 1, 65535), v)) b.ends[s].ikeport = static_cast<uint16_t>(v);
}

using ConnHandler = void (*)(Build&, const ConfEntry&);
using SideHandler = void (*)(Build&, Side, const ConfEntry&);

struct ConnKey {
    std::string_view name;
    ConnHandler fn;
};
struct SideKey {
    std::string_view suffix;  // "" for left=/right=
    SideHandler fn;
};

// Applied in this order, so messages come out in a stable order.
constexpr std::array<ConnKey, 29> kConnKeys{{
    {"also", on_also},
    {"keyexchange", on_keyexchange},
    {"auto", on_auto},
    {"type", on_type},
    {"authby", on_authby},
    {"weakalgs", on_weakalgs},
    {"ike", on_ike},
    {"esp", on_esp},
    {"ah", on_ah},
    {"aggressive", on_aggressive},
    {"pfs", on_pfs},
    {"ikelifetime", on_ikelifetime},
    {"lifetime", on_lifetime},
    {"keylife", on_lifetime},
    {"lifebytes", on_lifebytes},
    {"lifepackets", on_lifepackets},
    {"marginbytes", on_marginbytes},
    {"marginpackets", on_marginpackets},
    {"rekey", on_rekey},
    {"rekeymargin", on_rekeymargin},
    {"margintime", on_rekeymargin},
    {"rekeyfuzz", on_rekeyfuzz},
    {"keyingtries", on_keyingtries},
    {"dpdaction", on_dpdaction},
    {"dpddelay", on_dpddelay},
    {"dpdtimeout", on_dpdtimeout},
    {"forceencaps", on_forceencaps},
    {"compress", on_compress},
    {"replay_window", on_replay_window},
}};

constexpr std::array<SideKey, 8> kSideKeys{{
    {"", on_host},
    {"subnet", on_subnet},
    {"id", on_id},
    {"protoport", on_protoport},
    {"cert", on_cert},
    {"sendcert", on_sendcert},
    {"ikeport", on_ikeport},
    {"auth", on_side_auth},
}};

// strongSwan keys we recognise but do not implement: a clearer error than "unknown".
constexpr std::array<std::string_view, 24> kUnsupportedKeys{{
    "mobike", "reauth", "fragmentation", "eap", "eap_identity", "aaa_identity", "closeaction", "inactivity",
    "installpolicy", "mark", "mark_in", "mark_out", "reqid", "tfc", "modeconfig", "xauth", "xauth_identity",
    "mediation", "mediated_by", "me_peerid", "ikedscp", "sha256_96", "leftsourceip", "rightsourceip",
}};
constexpr std::array<std::string_view, 11> kUnsupportedSideSuffixes{{
    "sourceip", "updown", "firewall", "hostaccess", "allowany", "groups", "nexthop", "rsasigkey", "auth2", "ca",
    "dns",
}};

std::optional<std::pair<Side, std::string_view>> split_side(std::string_view key) {
    if (key.starts_with("left")) return std::make_pair(kLeft, key.substr(4));
    if (key.starts_with("right")) return std::make_pair(kRight, key.substr(5));
    return std::nullopt;
}

bool is_unsupported_key(std::string_view key) {
    if (std::find(kUnsupportedKeys.begin(), kUnsupportedKeys.end(), key) != kUnsupportedKeys.end()) return true;
    if (auto s = split_side(key)) {
        return std::find(kUnsupportedSideSuffixes.begin(), kUnsupportedSideSuffixes.end(), s->second) !=
               kUnsupportedSideSuffixes.end();
    }
    return false;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::vector<std::string> all_known_keys() {
    std::vector<std::string> keys;
    for (const auto& k : kConnKeys) keys.emplace_back(k.name);
    for (const auto& k : kSideKeys) {
        keys.push_back("left" + std::string(k.suffix));
        keys.push_back("right" + std::string(k.suffix));
    }
    return keys;
}

// --- whole-connection checks ----------------------------------------------

void choose_local_side(Build& b) {
    auto is_local = [&](const IpAddress& a) {
        return b.opts->is_local_address ? b.opts->is_local_address(a) : is_local_interface_address(a);
    };
    const Endpoint& l = b.ends[kLeft];
    const Endpoint& r = b.ends[kRight];
    bool left_local = l.host_kind == HostKind::address && is_local(l.address);
    bool right_local = r.host_kind == HostKind::address && is_local(r.address);
    b.conn.left_is_local = left_local || !right_local;
    b.conn.local = b.ends[b.conn.left_is_local ? kLeft : kRight];
    b.conn.remote = b.ends[b.conn.left_is_local ? kRight : kLeft];
}

std::string side_key(const Build& b, bool local, std::string_view suffix) {
    bool left = local == b.conn.left_is_local;
    return (left ? "left" : "right") + std::string(suffix);
}

bool check_hosts(Build& b) {
    Connection& c = b.conn;
    if (!b.host_set[kRight]) {
        b.diag->error(c.where, b.ctx, "right= is required (the peer's IP address, or %any to accept any peer)");
        return false;
    }
    if (c.remote.host_kind == HostKind::defaultroute) {
        std::string k = side_key(b, false, "");
        b.fail_at(k, k + ": %defaultroute can only name the local side");
    }
    if (c.auto_action == AutoAction::start && c.remote.host_kind != HostKind::address) {
        b.fail_at("auto", "auto: start needs the peer's address in " + side_key(b, false, "") + "= (not " +
                              c.remote.host_string() + ")");
    }
    for (Endpoint* ep : {&c.local, &c.remote}) {
        if (!ep->id_configured) ep->id = ep->host_kind == HostKind::address ? Identity::from_address(ep->address) : Identity::any();
    }
    return true;
}

void check_auth(Build& b) {
    Connection& c = b.conn;
    std::string lc = side_key(b, true, "cert"), rc = side_key(b, false, "cert");
    switch (c.auth) {
        case AuthMethod::psk: break;
        case AuthMethod::rsa_sig:
        case AuthMethod::dss_sig:
            if (c.local.cert.empty()) {
                b.fail_at("authby", "authby=" + std::string(to_string(c.auth)) + " needs " + lc +
                                        " (our certificate, sent to the peer)");
            }
            break;
        case AuthMethod::rsa_enc:
        case AuthMethod::rsa_enc_revised:
            // RFC 2409 §5.2: the initiator encrypts its nonce to the responder's
            // public key before any certificate can be exchanged, so both
            // public keys must be known from the configuration.
            if (c.local.cert.empty() || c.remote.cert.empty()) {
                b.fail_at("authby", "authby=" + std::string(to_string(c.auth)) + " needs both " + lc + " and " + rc +
                                        " (public-key encryption needs the peer's key before the exchange starts)");
            }
            break;
    }
}

std::string group_list(const std::vector<uint16_t>& groups) {
    std::string out;
    for (uint16_t g : groups) {
        if (!out.empty()) out += ", ";
        out += g == 0 ? "none" : dh_group_name(g);
    }
    return out;
}

void check_proposals(Build& b) {
    Connection& c = b.conn;
    if (!b.esp_set && !b.ah_set) c.esp = ChildProposalList{};  // defaults only
    if (!c.weakalgs) {
        if (c.ike.has_weak()) b.fail_at("ike", "ike: weak algorithm(s) " + c.ike.weak_keywords() + " need weakalgs=yes");
        if (c.esp && c.esp->has_weak()) b.fail_at("esp", "esp: weak algorithm(s) " + c.esp->weak_keywords() + " need weakalgs=yes");
        if (c.ah && c.ah->has_weak()) b.fail_at("ah", "ah: weak algorithm(s) " + c.ah->weak_keywords() + " need weakalgs=yes");
    }
    std::vector<uint16_t> groups;
    for (const auto* list : {c.esp ? &*c.esp : nullptr, c.ah ? &*c.ah : nullptr}) {
        if (list == nullptr) continue;
        for (uint16_t g : list->pfs_groups()) {
            if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
        }
    }
    std::string child_key = b.esp_set ? "esp" : "ah";
    if (groups.size() > 1) {
        b.fail_at(child_key, child_key + ": all proposals must use the same PFS group, since IKEv1 sends one KE "
                                         "payload per Quick Mode (found " + group_list(groups) + ")");
        return;
    }
    uint16_t g = groups.empty() ? 0 : groups[0];
    if (b.pfs_setting && !*b.pfs_setting && g != 0) {
        b.fail_at("pfs", "pfs: 'no' contradicts the DH group " + dh_group_name(g) + " in " + child_key + "=");
        return;
    }
    if (g != 0) {
        c.pfs = PfsMode::fixed;
        c.pfs_group = g;
    } else if (b.pfs_setting && *b.pfs_setting) {
        c.pfs = PfsMode::phase1;
    }
}

void check_selectors(Build& b) {
    Connection& c = b.conn;
    if (c.mode == ipsec::Mode::transport && (!c.local.subnets.empty() || !c.remote.subnets.empty())) {
        std::string k = !c.local.subnets.empty() ? side_key(b, true, "subnet") : side_key(b, false, "subnet");
        b.fail_at(k, k + ": type=transport protects the two hosts only; remove the subnet or use type=tunnel");
        return;
    }
    if (c.local.subnets.empty() || c.remote.subnets.empty()) return;
    for (const auto& l : c.local.subnets) {
        for (const auto& r : c.remote.subnets) {
            if (l.addr.family() == r.addr.family()) return;
        }
    }
    b.fail_at(side_key(b, false, "subnet"), side_key(b, false, "subnet") + ": no subnet has the address family of " +
                                               side_key(b, true, "subnet") + " (IKEv1 pairs one local and one remote "
                                               "subnet of the same family per Quick Mode)");
}

void check_lifetimes(Build& b) {
    Connection& c = b.conn;
    std::string margin_key = b.has("margintime") ? "margintime" : "rekeymargin";
    if (c.rekey) {
        for (auto [key, life] : {std::pair{std::string(b.has("keylife") ? "keylife" : "lifetime"), c.lifetime},
                                 std::pair{std::string("ikelifetime"), c.ikelifetime}}) {
            if (c.rekeymargin >= life) {
                b.fail_at(b.has(margin_key) ? margin_key : key,
                          margin_key + " (" + format_duration(c.rekeymargin) + ") must be shorter than " + key + " (" +
                              format_duration(life) + ")");
                break;
            }
        }
    }
    if (c.lifebytes != 0 && c.marginbytes >= c.lifebytes) {
        b.fail_at("marginbytes", "marginbytes: must be smaller than lifebytes (" + std::to_string(c.lifebytes) + ")");
    }
    if (c.lifepackets != 0 && c.marginpackets >= c.lifepackets) {
        b.fail_at("marginpackets", "marginpackets: must be smaller than lifepackets (" + std::to_string(c.lifepackets) + ")");
    }
    if (c.dpdaction != DpdAction::none && c.dpdtimeout <= c.dpddelay) {
        b.fail_at(b.has("dpdtimeout") ? "dpdtimeout" : "dpddelay",
                  "dpdtimeout (" + format_duration(c.dpdtimeout) + ") must be longer than dpddelay (" +
                      format_duration(c.dpddelay) + ")");
    }
}

}  // namespace

void Diagnostics::error(const SourceLoc& where, const std::string& context, const std::string& msg) {
    std::string line = where.to_string() + ": " + (context.empty() ? "" : context + ": ") + msg;
    if (std::find(errors_.begin(), errors_.end(), line) != errors_.end()) return;
    if (errors_.size() < kMaxErrors) errors_.push_back(std::move(line));
}

void Diagnostics::warning(const SourceLoc& where, const std::string& context, const std::string& msg) {
    std::string line = where.to_string() + ": " + (context.empty() ? "" : context + ": ") + msg;
    if (std::find(warnings_.begin(), warnings_.end(), line) == warnings_.end()) warnings_.push_back(std::move(line));
}

void Diagnostics::merge(const Diagnostics& other) {
    for (const auto& e : other.errors_) {
        if (std::find(errors_.begin(), errors_.end(), e) == errors_.end() && errors_.size() < kMaxErrors) errors_.push_back(e);
    }
    for (const auto& w : other.warnings_) {
        if (std::find(warnings_.begin(), warnings_.end(), w) == warnings_.end()) warnings_.push_back(w);
    }
}

std::string Diagnostics::error_text() const {
    std::string out;
    for (const auto& e : errors_) {
        if (!out.empty()) out += '\n';
        out += e;
    }
    return out;
}

bool is_known_conn_key(const std::string& key) {
    for (const auto& k : kConnKeys) {
        if (k.name == key) return true;
    }
    if (auto s = split_side(key)) {
        for (const auto& k : kSideKeys) {
            if (k.suffix == s->second) return true;
        }
    }
    return false;
}

std::string unknown_conn_key_message(const std::string& key) {
    if (is_unsupported_key(key)) return "key '" + key + "' is not supported by ikeoffd";
    std::string msg = "unknown key '" + key + "'";
    std::string best;
    std::size_t best_d = 3;
    for (const auto& k : all_known_keys()) {
        std::size_t d = edit_distance(key, k);
        if (d < best_d) {
            best_d = d;
            best = k;
        }
    }
    if (!best.empty()) msg += " (did you mean '" + best + "'?)";
    return msg;
}

Connection build_connection(const ConfSection& section, const ResolvedKeys& keys, const LoadOptions& opts,
                            Diagnostics& diag) {
    Build b;
    b.conn.name = section.name;
    b.conn.where = section.where;
    b.opts = &opts;
    b.diag = &diag;
    b.ctx = "conn '" + section.name + "'";
    std::size_t errors_before = diag.error_count();

    for (const auto& k : kConnKeys) {
        auto it = keys.find(std::string(k.name));
        if (it == keys.end()) continue;
        b.loc[it->first] = it->second->where;
        if (!it->second->value.empty()) k.fn(b, *it->second);
    }
    if (b.has("lifetime") && b.has("keylife")) b.fail_at("keylife", "keylife: is an alias of lifetime; give only one");
    if (b.has("rekeymargin") && b.has("margintime")) {
        b.fail_at("margintime", "margintime: is an alias of rekeymargin; give only one");
    }
    for (Side s : {kLeft, kRight}) {
        for (const auto& k : kSideKeys) {
            std::string name = (s == kLeft ? "left" : "right") + std::string(k.suffix);
            auto it = keys.find(name);
            if (it == keys.end()) continue;
            b.loc[name] = it->second->where;
            if (!it->second->value.empty()) k.fn(b, s, *it->second);
        }
    }
    for (Side s : {kLeft, kRight}) {
        if (!b.side_auth[s]) continue;
        std::string key = s == kLeft ? "leftauth" : "rightauth";
        auto other = b.side_auth[s == kLeft ? kRight : kLeft];
        if (other && *other != *b.side_auth[s]) {
            b.fail_at("rightauth", "rightauth: IKEv1 authenticates both peers with one method; leftauth and "
                                   "rightauth must agree");
        } else if (b.has("authby") && keys.at("authby")->value != "" && b.conn.auth != *b.side_auth[s]) {
            b.fail_at(key, key + ": contradicts authby=" + keys.at("authby")->value);
        } else {
            b.conn.auth = *b.side_auth[s];
        }
    }
    // Value errors make the cross-key checks below unreliable; report those first.
    if (diag.error_count() != errors_before) return std::move(b.conn);

    choose_local_side(b);
    if (!check_hosts(b)) return std::move(b.conn);
    check_auth(b);
    check_proposals(b);
    check_selectors(b);
    check_lifetimes(b);
    return std::move(b.conn);
}

}  // namespace ikeoff::config::detail
