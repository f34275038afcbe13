#include "host/ipsec/sa.hpp"

#include <string>

namespace ikeoff::ipsec {

SaParams SaParams::clone() const {
    SaParams p;
    p.spi = spi;
    p.protocol = protocol;
    p.mode = mode;
    p.direction = direction;
    p.src = src;
    p.dst = dst;
    p.enc = enc;
    p.integ = integ;
    p.enc_key = enc_key.clone();
    p.integ_key = integ_key.clone();
    p.seq = seq;
    p.esn = esn;
    p.replay_window = replay_window;
    p.soft = soft;
    p.hard = hard;
    p.encap = encap;
    p.allow_weak = allow_weak;
    p.iv_seed = iv_seed;
    return p;
}

namespace {

std::string key_len_message(std::string_view what, std::string_view alg, std::size_t want, std::size_t got,
                            bool with_salt) {
    std::string m(what);
    m += ": ";
    m += alg;
    m += " needs ";
    m += std::to_string(want);
    m += " bytes";
    if (with_salt) m += " (" + std::to_string(want - 4) + " key + 4 salt)";
    m += ", got " + std::to_string(got);
    return m;
}

Status check_limits(const SaParams& p) {
    auto below = [](uint64_t soft, uint64_t hard) { return soft == 0 || hard == 0 || soft <= hard; };
    IKEOFF_ENSURE(below(p.soft.bytes, p.hard.bytes) && below(p.soft.packets, p.hard.packets),
                  Errc::invalid_argument, "soft lifetime must not exceed the hard lifetime");
    return {};
}

}  // namespace

Status validate(const SaParams& p) {
    IKEOFF_ENSURE(p.spi >= 256, Errc::invalid_argument,
                  "spi: values 0-255 are reserved by IANA (RFC 4303 §2.1), got " + std::to_string(p.spi));
    IKEOFF_ENSURE(p.replay_window <= kMaxReplayWindow, Errc::invalid_argument,
                  "replay_window: at most " + std::to_string(kMaxReplayWindow) + ", got " +
                      std::to_string(p.replay_window));
    if (!p.esn) {
        IKEOFF_ENSURE(p.seq >= 1 && p.seq <= 0xffffffffULL, Errc::invalid_argument,
                      "seq: must be 1..2^32-1 without ESN, got " + std::to_string(p.seq));
    } else {
        IKEOFF_ENSURE(p.seq >= 1, Errc::invalid_argument, "seq: must be at least 1");
    }

    if (p.mode == Mode::tunnel && p.direction != SaDirection::inbound) {
        IKEOFF_ENSURE(!p.src.empty() && !p.dst.empty(), Errc::invalid_argument,
                      "src/dst: tunnel mode needs the outer source and destination addresses");
    }
    if (!p.src.empty() && !p.dst.empty()) {
        IKEOFF_ENSURE(p.src.family() == p.dst.family(), Errc::invalid_argument,
                      "src/dst: outer addresses must both be IPv4 or both IPv6");
    }
    IKEOFF_ENSURE(!(p.encap && p.protocol == Protocol::ah), Errc::invalid_argument,
                  "encap: UDP encapsulation applies to ESP only (RFC 3948)");
    if (p.encap) {
        IKEOFF_ENSURE(p.encap->src_port != 0 && p.encap->dst_port != 0, Errc::invalid_argument,
                      "encap: UDP ports must be non-zero");
    }

    if (p.protocol == Protocol::ah) {
        IKEOFF_ENSURE(p.enc.alg == EncAlg::null && p.enc.key_bits == 0 && p.enc_key.empty(),
                      Errc::invalid_argument, "enc: AH has no encryption; leave enc and enc_key unset");
        IKEOFF_ENSURE(p.integ != IntegAlg::none, Errc::invalid_argument,
                      "integ: AH needs an integrity algorithm (sha1, sha256, sha384, sha512)");
    } else {
        if (is_aead(p.enc.alg)) {
            IKEOFF_ENSURE(p.integ == IntegAlg::none, Errc::invalid_argument,
                          "integ: " + std::string(enc_keyword(p.enc)) +
                              " already authenticates; integ must be none");
        } else if (p.enc.alg == EncAlg::null) {
            IKEOFF_ENSURE(p.integ != IntegAlg::none, Errc::invalid_argument,
                          "integ: ESP with null encryption needs an integrity algorithm (RFC 4303 §3.2)");
        }
        bool valid_bits = false;
        switch (p.enc.alg) {
            case EncAlg::null: valid_bits = p.enc.key_bits == 0; break;
            case EncAlg::tdes_cbc: valid_bits = p.enc.key_bits == 192; break;
            default:
                valid_bits = p.enc.key_bits == 128 || p.enc.key_bits == 192 || p.enc.key_bits == 256;
        }
        IKEOFF_ENSURE(valid_bits, Errc::invalid_argument, "enc: invalid key size for the cipher");
        std::size_t want = keymat_enc_bytes(p.enc);
        IKEOFF_ENSURE(p.enc_key.size() == want, Errc::invalid_argument,
                      key_len_message("enc_key", enc_keyword(p.enc), want, p.enc_key.size(),
                                      salt_bytes(p.enc.alg) != 0));
    }
    std::size_t want_integ = integ_key_bytes(p.integ);
    IKEOFF_ENSURE(p.integ_key.size() == want_integ, Errc::invalid_argument,
                  key_len_message("integ_key", integ_keyword(p.integ), want_integ, p.integ_key.size(), false));
    IKEOFF_ENSURE(!is_weak(p.integ) || p.allow_weak, Errc::invalid_argument,
                  "integ: " + std::string(integ_keyword(p.integ)) +
                      " is weak and must be explicitly allowed (allow_weak)");
    IKEOFF_TRY(check_limits(p));
    return {};
}

std::string_view to_string(Protocol p) { return p == Protocol::esp ? "esp" : "ah"; }
std::string_view to_string(Mode m) { return m == Mode::tunnel ? "tunnel" : "transport"; }
std::string_view to_string(SaDirection d) {
    switch (d) {
        case SaDirection::outbound: return "out";
        case SaDirection::inbound: return "in";
        case SaDirection::both: return "both";
    }
    return "?";
}

Result<Protocol> parse_protocol(std::string_view s) {
    if (s == "esp") return Protocol::esp;
    if (s == "ah") return Protocol::ah;
    return Error{Errc::invalid_argument, "protocol: expected esp or ah, got '" + std::string(s) + "'"};
}

Result<Mode> parse_mode(std::string_view s) {
    if (s == "tunnel") return Mode::tunnel;
    if (s == "transport") return Mode::transport;
    return Error{Errc::invalid_argument, "mode: expected tunnel or transport, got '" + std::string(s) + "'"};
}

Result<SaDirection> parse_sa_direction(std::string_view s) {
    if (s == "out" || s == "outbound") return SaDirection::outbound;
    if (s == "in" || s == "inbound") return SaDirection::inbound;
    if (s == "both") return SaDirection::both;
    return Error{Errc::invalid_argument, "direction: expected in, out or both, got '" + std::string(s) + "'"};
}

}  // namespace ikeoff::ipsec
