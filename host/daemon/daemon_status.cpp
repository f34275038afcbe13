// The `status` document: one JSON object that `ikeoffctl status --json`
// prints as is and `ikeoffctl status` renders as text.
//
//   daemon       engine, listening endpoints, TUN device, uptime
//   connections  what the configuration loaded
//   isakmp_sas   IKE's phase-1 SAs (ike_core.hpp IsakmpSaStatus)
//   ipsec_sas    every installed SA pair: SPIs, algorithms, selectors,
//                lifetimes, engine counters per direction; "keys" only when
//                the daemon runs with --log-level 4
//   engine       the engine's totals by packet status
//   datapath     TUN/UDP packet counts and drops by reason
//   sockets      IKE message counts, keepalives, malformed datagrams
#include <cstdio>

#include "host/daemon/daemon.hpp"
#include "host/ipsec/algorithms.hpp"

namespace ikeoff::daemon {

namespace {

using nlohmann::json;

std::string spi_hex(uint32_t spi) {
    char buf[11];
    std::snprintf(buf, sizeof buf, "0x%08x", spi);
    return buf;
}

json status_counts(const ipsec::StatusCounts& c, bool skip_ok) {
    json j = json::object();
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (c[i] == 0 || (skip_ok && i == 0)) continue;
        j[std::string(ipsec::to_string(static_cast<ipsec::PacketStatus>(i)))] = c[i];
    }
    return j;
}

json sa_counters(const ipsec::SaInfo& info) {
    return {{"spi", spi_hex(info.spi)},
            {"src", info.src.to_string()},
            {"dst", info.dst.to_string()},
            {"packets", info.counters.packets},
            {"bytes", info.counters.bytes},
            {"drops", status_counts(info.counters.drops, false)},
            {"next_seq", info.next_seq},
            {"replay_top", info.replay_top},
            {"soft_expired", info.soft_expired},
            {"hard_expired", info.hard_expired}};
}

json connection_json(const config::Connection& c) {
    json local_ts = json::array(), remote_ts = json::array();
    for (const auto& p : c.local.subnets) local_ts.push_back(p.to_string());
    for (const auto& p : c.remote.subnets) remote_ts.push_back(p.to_string());
    json j{{"name", c.name},
           {"local", c.local.host_string()},
           {"remote", c.remote.host_string()},
           {"local_id", c.local.id.to_string()},
           {"remote_id", c.remote.id.to_string()},
           {"auth", std::string(config::to_string(c.auth))},
           {"aggressive", c.aggressive},
           {"ike", c.ike.to_string()},
           {"mode", std::string(ipsec::to_string(c.mode))},
           {"auto", std::string(config::to_string(c.auto_action))},
           {"local_ts", local_ts},
           {"remote_ts", remote_ts}};
    if (c.esp) j["esp"] = c.esp->to_string();
    if (c.ah) j["ah"] = c.ah->to_string();
    return j;
}

json isakmp_json(const ike::IsakmpSaStatus& s) {
    return {{"id", s.id},
            {"conn", s.conn},
            {"state", s.state},
            {"initiator", s.initiator},
            {"exchange", s.exchange},
            {"auth", s.auth},
            {"local", s.local.to_string()},
            {"remote", s.remote.to_string()},
            {"local_id", s.local_id},
            {"remote_id", s.remote_id},
            {"cookie_i", s.cookie_i},
            {"cookie_r", s.cookie_r},
            {"proposal", s.proposal},
            {"nat_local", s.nat_local},
            {"nat_remote", s.nat_remote},
            {"lifetime_s", s.lifetime_s},
            {"age_s", s.age_s},
            {"expires_in_s", s.expires_in_s}};
}

}  // namespace

json Daemon::status_json() const {
    json doc;
    json listening = json::array();
    for (const auto& e : sockets_->endpoints()) listening.push_back(e.to_string());
    doc["daemon"] = {{"engine", std::string(engine_->driver_name())},
                     {"engine_description", engine_->description()},
                     {"listening", listening},
                     {"tun", tun_ ? json(tun_->name()) : json(nullptr)},
                     {"uptime_s", static_cast<int64_t>(to_seconds(loop_.timers().now() - started_))},
                     {"keys_reported", sas_->keep_keys()}};

    json conns = json::array();
    for (const auto& c : config_.connections) conns.push_back(connection_json(c));
    doc["connections"] = conns;

    ike::IkeStatus ike = ike_->status();
    json isakmp = json::array();
    for (const auto& s : ike.isakmp) isakmp.push_back(isakmp_json(s));
    doc["isakmp_sas"] = isakmp;

    json ipsec_sas = json::array();
    for (const auto& [id, rec] : sas_->records()) {
        auto in = engine_->query_sa(rec.inbound);
        auto out = engine_->query_sa(rec.outbound);
        if (!in.ok() || !out.ok()) continue;  // cannot happen while the record exists
        json j{{"id", id},
               {"conn", rec.conn},
               {"isakmp_sa", rec.isakmp_sa},
               {"manual", rec.isakmp_sa == 0},
               {"state", "installed"},
               {"protocol", std::string(ipsec::to_string(in->protocol))},
               {"mode", std::string(ipsec::to_string(in->mode))},
               {"spi_in", spi_hex(in->spi)},
               {"spi_out", spi_hex(out->spi)},
               {"enc", std::string(ipsec::enc_keyword(in->enc))},
               {"integ", std::string(ipsec::integ_keyword(in->integ))},
               {"encap", out->encap ? json{{"sport", out->encap->src_port}, {"dport", out->encap->dst_port}}
                                    : json(nullptr)},
               {"local_ts", rec.selector.local.to_string()},
               {"remote_ts", rec.selector.remote.to_string()},
               {"selector", rec.selector.to_string()},
               {"hard_bytes", out->hard.bytes},
               {"hard_packets", out->hard.packets},
               {"in", sa_counters(*in)},
               {"out", sa_counters(*out)}};
        for (const auto& s : ike.ipsec) {
            if (s.id != id) continue;
            j["state"] = s.state;
            j["pfs_group"] = s.pfs_group;
            j["lifetime_s"] = s.lifetime_s;
            j["lifetime_kb"] = s.lifetime_kb;
            j["age_s"] = s.age_s;
            j["rekey_in_s"] = s.rekey_in_s;
            j["expires_in_s"] = s.expires_in_s;
        }
        if (sas_->keep_keys()) {
            // Debug only (--log-level 4): lets interop tests compare our
            // keys with the peer's log, as strongSwan's chd=4 does.
            j["keys"] = {{"in", {{"enc", to_hex(rec.in_enc_key)}, {"integ", to_hex(rec.in_integ_key)}}},
                         {"out", {{"enc", to_hex(rec.out_enc_key)}, {"integ", to_hex(rec.out_integ_key)}}}};
        }
        ipsec_sas.push_back(j);
    }
    doc["ipsec_sas"] = ipsec_sas;

    auto ec = engine_->counters();
    doc["engine"] = {{"batches", ec.batches},
                     {"packets", ec.packets},
                     {"bytes_in", ec.bytes_in},
                     {"bytes_out", ec.bytes_out},
                     {"by_status", status_counts(ec.by_status, false)}};

    const auto& d = datapath_->counters();
    doc["datapath"] = {{"tun_in", d.tun_in},
                       {"esp_out", d.esp_out},
                       {"esp_in", d.esp_in},
                       {"tun_out", d.tun_out},
                       {"drops",
                        {{"no_policy", d.drop_no_policy},
                         {"bad_packet", d.drop_bad_packet},
                         {"too_big", d.drop_too_big},
                         {"no_transport", d.drop_no_transport},
                         {"send", d.drop_send},
                         {"inbound_policy", d.drop_inbound_policy},
                         {"tun_write", d.drop_tun_write},
                         {"engine_out", status_counts(d.engine_out, true)},
                         {"engine_in", status_counts(d.engine_in, true)}}}};

    const auto& sc = sockets_->counters();
    doc["sockets"] = {{"ike_in", sc.ike_in},
                      {"ike_out", sc.ike_out},
                      {"ike_send_errors", sc.ike_send_errors},
                      {"keepalives", sc.keepalives},
                      {"malformed", sc.malformed},
                      {"truncated", sc.truncated}};
    return doc;
}

}  // namespace ikeoff::daemon
