#include "host/config/secrets.hpp"

#include <unistd.h>

#include <cctype>

namespace ikeoff::config {

namespace {

constexpr int kMaxIncludeDepth = 10;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view strip_comment(std::string_view line) {
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (c == '"') quoted = !quoted;
        if (c == '#' && !quoted && (i == 0 || is_space(line[i - 1]))) return line.substr(0, i);
    }
    return line;
}

struct Token {
    std::string text;
    bool quoted = false;
    ~Token() { secure_zero(text.data(), text.size()); }   // tokens may hold secrets
    Token() = default;
    Token(std::string t, bool q) : text(std::move(t)), quoted(q) {}
    Token(Token&& o) noexcept : text(std::move(o.text)), quoted(o.quoted) {}
    Token& operator=(Token&&) = delete;
    Token(const Token&) = delete;
};

// White-space separated tokens; "..." is one token without the quotes.
Result<std::vector<Token>> tokenize(std::string_view line) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < line.size()) {
        if (is_space(line[i])) {
            ++i;
            continue;
        }
        if (line[i] == '"') {
            std::size_t close = line.find('"', i + 1);
            if (close == std::string_view::npos) return Error{Errc::parse_error, "missing closing '\"'"};
            out.emplace_back(std::string(line.substr(i + 1, close - i - 1)), true);
            i = close + 1;
            if (i < line.size() && !is_space(line[i])) return Error{Errc::parse_error, "text right after a closing '\"'"};
            continue;
        }
        std::size_t end = i;
        while (end < line.size() && !is_space(line[end])) ++end;
        std::string_view t = line.substr(i, end - i);
        if (t.find('"') != std::string_view::npos) return Error{Errc::parse_error, "stray '\"'"};
        out.emplace_back(std::string(t), false);
        i = end;
    }
    return out;
}

// A PSK or passphrase: "text", 0x<hex>, 0s<base64>, or a bare word.
Result<SecretBytes> secret_value(const Token& t, std::string_view what) {
    std::string_view v = t.text;
    if (!t.quoted && (v.starts_with("0x") || v.starts_with("0X"))) {
        auto b = from_hex(v.substr(2));
        if (!b.ok() || b->empty()) return Error{Errc::parse_error, std::string(what) + ": bad hex after 0x"};
        SecretBytes s(std::move(*b));
        return s;
    }
    if (!t.quoted && v.starts_with("0s")) {
        auto b = decode_base64(v.substr(2));
        if (!b.ok() || b->empty()) return Error{Errc::parse_error, std::string(what) + ": bad base64 after 0s"};
        SecretBytes s(std::move(*b));
        return s;
    }
    if (v.empty()) return Error{Errc::parse_error, std::string(what) + " is empty"};
    return SecretBytes(as_bytes(v));
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

int match_score(const Identity& selector, const Identity& id) {
    if (selector.is_any()) return 1;
    return selector.same_as(id) ? 3 : 0;
}

}  // namespace

class SecretsParser {
public:
    explicit SecretsParser(const SecretsOptions& opts) : opts_(opts) {}

    Status parse(std::string_view text, const std::string& name, int depth) {
        std::string pending;
        SourceLoc pending_loc;
        unsigned lineno = 0;
        std::size_t pos = 0;
        auto flush = [&]() -> Status {
            if (pending.empty()) return {};
            Status s = entry(pending, pending_loc, depth);
            secure_zero(pending.data(), pending.size());
            pending.clear();
            return s;
        };
        while (pos <= text.size()) {
            std::size_t nl = text.find('\n', pos);
            std::string_view raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
            pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
            ++lineno;
            std::string_view line = strip_comment(raw);
            bool blank = line.find_first_not_of(" \t\r") == std::string_view::npos;
            if (blank) continue;
            if (is_space(line.front()) && !pending.empty()) {
                pending += ' ';
                pending += line;
                continue;
            }
            IKEOFF_TRY(flush());
            pending_loc = SourceLoc{name, lineno};
            pending = std::string(line);
        }
        return flush();
    }

    Secrets take() { return std::move(out_); }

private:
    Error err(const SourceLoc& loc, const std::string& msg) const {
        return Error{Errc::parse_error, loc.to_string() + ": " + msg};
    }

    Status entry(std::string_view line, const SourceLoc& loc, int depth) {
        auto tokens_r = tokenize(line);
        if (!tokens_r.ok()) return err(loc, tokens_r.error().message);
        std::vector<Token>& tokens = *tokens_r;
        if (tokens.empty()) return {};
        if (tokens[0].text == "include" && !tokens[0].quoted) {
            if (tokens.size() != 2) return err(loc, "include needs exactly one file name (glob patterns allowed)");
            if (depth >= kMaxIncludeDepth) return err(loc, "includes nested more than 10 deep");
            std::string base = dir_of(loc.file);
            auto files = expand_include(tokens[1].text, base);
            if (!files.ok()) return err(loc, files.error().message);
            for (const auto& f : *files) {
                auto content = read_text_file(f);
                if (!content.ok()) return err(loc, content.error().message);
                Status s = parse(*content, f, depth + 1);
                secure_zero(content->data(), content->size());
                IKEOFF_TRY(s);
            }
            return {};
        }
        std::size_t colon = tokens.size();
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            if (tokens[i].text == ":" && !tokens[i].quoted) {
                colon = i;
                break;
            }
        }
        if (colon == tokens.size()) {
            return err(loc, "expected 'selectors : TYPE value' (the ':' needs white space around it)");
        }
        SecretEntry e;
        e.where = loc;
        for (std::size_t i = 0; i < colon; ++i) {
            auto id = Identity::parse(tokens[i].text);
            if (!id.ok()) return err(loc, "selector " + id.error().message);
            e.selectors.push_back(std::move(*id));
        }
        if (colon + 1 >= tokens.size()) return err(loc, "missing secret type after ':' (PSK, RSA, ...)");
        std::string type = upper(tokens[colon + 1].text);
        std::size_t nvalues = tokens.size() - colon - 2;
        const Token* v1 = nvalues >= 1 ? &tokens[colon + 2] : nullptr;
        const Token* v2 = nvalues >= 2 ? &tokens[colon + 3] : nullptr;

        if (type == "PSK") {
            if (nvalues != 1) return err(loc, "PSK needs exactly one value (quote secrets containing white space)");
            auto s = secret_value(*v1, "PSK");
            if (!s.ok()) return err(loc, s.error().message);
            e.type = SecretType::psk;
            e.psk = std::move(*s);
        } else if (type == "RSA" || type == "DSA") {
            if (nvalues < 1 || nvalues > 2) return err(loc, type + " needs a key file and an optional passphrase");
            e.type = type == "RSA" ? SecretType::rsa : SecretType::dsa;
            std::string path = v1->text;
            if (!path.starts_with('/')) path = (opts_.key_dir.empty() ? dir_of(loc.file) : opts_.key_dir) + "/" + path;
            if (opts_.check_files && access(path.c_str(), R_OK) != 0) {
                return err(loc, type + ": cannot read key file '" + path + "'");
            }
            e.key_file = path;
            if (v2 != nullptr) {
                if (v2->text == "%prompt" && !v2->quoted) {
                    return err(loc, type + ": %prompt is not supported (ikeoffd runs unattended); give the passphrase");
                }
                auto s = secret_value(*v2, "passphrase");
                if (!s.ok()) return err(loc, s.error().message);
                e.passphrase = std::move(*s);
            }
        } else if (type == "ECDSA") {
            return err(loc, "ECDSA private keys are not supported (ikeoffd has no ECDSA authentication); use RSA");
        } else if (type == "PIN") {
            return err(loc, "PIN (smartcard) entries are not supported");
        } else if (type == "EAP" || type == "XAUTH" || type == "NTLM") {
            out_.warnings_.push_back(loc.to_string() + ": " + type + " secret ignored (not used by IKEv1 Main/Aggressive Mode)");
            return {};
        } else {
            return err(loc, "unknown secret type '" + tokens[colon + 1].text + "' (PSK, RSA, DSA)");
        }
        out_.entries_.push_back(std::move(e));
        return {};
    }

    const SecretsOptions& opts_;
    Secrets out_;
};

Result<Bytes> decode_base64(std::string_view text) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (text.size() % 4 == 1) return Error{Errc::parse_error, "base64 length is impossible"};
    Bytes out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        int v = value(c);
        if (v < 0) return Error{Errc::parse_error, "invalid base64 character"};
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<uint8_t>(acc >> bits));
        }
    }
    secure_zero(&acc, sizeof acc);
    return out;
}

Result<Secrets> Secrets::parse(std::string_view text, const std::string& display_name, const SecretsOptions& opts) {
    SecretsParser p(opts);
    IKEOFF_TRY(p.parse(text, display_name, 0));
    return p.take();
}

Result<Secrets> Secrets::load(const std::string& path, const SecretsOptions& opts) {
    IKEOFF_ASSIGN(std::string text, read_text_file(path));
    auto r = parse(text, path, opts);
    secure_zero(text.data(), text.size());
    return r;
}

int Secrets::psk_score(const SecretEntry& e, const Identity& local, const Identity& remote) {
    if (e.type != SecretType::psk) return 0;
    if (e.selectors.empty()) return 2;
    int me = 0, other = 0;
    for (const auto& s : e.selectors) {
        me = std::max(me, match_score(s, local));
        other = std::max(other, match_score(s, remote));
    }
    if (e.selectors.size() == 1) return me + other;
    return me > 0 && other > 0 ? me + other : 0;
}

const SecretEntry* Secrets::find_psk(const Identity& local, const Identity& remote) const {
    const SecretEntry* best = nullptr;
    int best_score = 0;
    for (const auto& e : entries_) {
        int s = psk_score(e, local, remote);
        if (s > best_score) {
            best = &e;
            best_score = s;
        }
    }
    return best;
}

const SecretEntry* Secrets::find_private_key(const Identity& local, SecretType type) const {
    const SecretEntry* best = nullptr;
    int best_score = 0;
    for (const auto& e : entries_) {
        if (e.type != type) continue;
        int s = e.selectors.empty() ? 1 : 0;
        for (const auto& sel : e.selectors) s = std::max(s, match_score(sel, local));
        if (s > best_score) {
            best = &e;
            best_score = s;
        }
    }
    return best;
}

}  // namespace ikeoff::config
