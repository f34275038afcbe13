#include "host/config/conf_file.hpp"

#include <glob.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ikeoff::config {

namespace {

constexpr int kMaxIncludeDepth = 10;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// Removes a comment: '#' at the start or after white space, outside quotes.
std::string_view strip_comment(std::string_view line) {
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (c == '"') quoted = !quoted;
        if (c == '#' && !quoted && (i == 0 || is_space(line[i - 1]))) return line.substr(0, i);
    }
    return line;
}

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

bool valid_key(std::string_view k) {
    if (k.empty()) return false;
    for (char c : k) {
        if (!is_name_char(c)) return false;
    }
    return true;
}

bool valid_section_name(std::string_view n) {
    if (n == "%default") return true;
    if (n.empty() || !std::isalpha(static_cast<unsigned char>(n.front()))) return false;
    for (char c : n) {
        if (!is_name_char(c)) return false;
    }
    return true;
}

class Parser {
public:
    Result<ConfFile> run(std::string_view text, const std::string& name, const std::string& base_dir) {
        IKEOFF_TRY(parse(text, name, base_dir, 0));
        return std::move(out_);
    }

private:
    Status parse(std::string_view text, const std::string& name, const std::string& base_dir, int depth) {
        ConfSection* current = nullptr;
        unsigned lineno = 0;
        std::size_t pos = 0;
        while (pos <= text.size()) {
            std::size_t nl = text.find('\n', pos);
            std::string_view raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
            pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
            ++lineno;
            SourceLoc loc{name, lineno};
            std::string_view line = strip_comment(raw);
            if (trim(line).empty()) continue;
            if (line.find('\0') != std::string_view::npos) return err(loc, "NUL character in line");

            if (is_space(line.front())) {
                if (current == nullptr) {
                    return err(loc, "indented line outside of a section (sections start with 'conn NAME', "
                                    "'config setup' or 'ca NAME' in column 0)");
                }
                IKEOFF_TRY(parse_entry(trim(line), loc, *current));
                continue;
            }

            current = nullptr;
            std::string_view body = trim(line);
            std::size_t sp = body.find_first_of(" \t");
            std::string_view word = body.substr(0, sp);
            std::string_view arg = sp == std::string_view::npos ? std::string_view{} : trim(body.substr(sp));
            if (word == "include") {
                if (arg.empty() || arg.find_first_of(" \t") != std::string_view::npos) {
                    return err(loc, "include needs exactly one file name (glob patterns allowed)");
                }
                if (depth >= kMaxIncludeDepth) return err(loc, "includes nested more than 10 deep");
                auto files = expand_include(std::string(arg), base_dir);
                if (!files.ok()) return err(loc, files.error().message);
                for (const auto& f : *files) {
                    auto content = read_text_file(f);
                    if (!content.ok()) return err(loc, content.error().message);
                    IKEOFF_TRY(parse(*content, f, dir_of(f), depth + 1));
                }
                continue;
            }
            if (word == "version") continue;   // "version 2" in pre-5.0 files
            if (word == "config" || word == "conn" || word == "ca") {
                if (arg.empty()) return err(loc, std::string(word) + " section needs a name");
                if (arg.find_first_of(" \t") != std::string_view::npos) {
                    return err(loc, "section name '" + std::string(arg) + "' contains white space");
                }
                if (word == "config" && arg != "setup") {
                    return err(loc, "unknown section 'config " + std::string(arg) + "' (only 'config setup')");
                }
                if (!valid_section_name(arg)) {
                    return err(loc, "bad section name '" + std::string(arg) +
                                        "' (start with a letter; letters, digits, '.', '_', '-')");
                }
                for (const auto& s : out_.sections) {
                    if (s.type == word && s.name == arg && arg != "%default" && arg != "setup") {
                        return err(loc, std::string(word) + " '" + std::string(arg) + "' is already defined at " +
                                            s.where.to_string());
                    }
                }
                out_.sections.push_back(ConfSection{std::string(word), std::string(arg), loc, {}});
                current = &out_.sections.back();
                continue;
            }
            if (body.find('=') != std::string_view::npos) {
                return err(loc, "'" + std::string(body) + "' must be indented under a section");
            }
            return err(loc, "unknown line '" + std::string(body) + "' (expected conn NAME, config setup, ca NAME "
                            "or include FILE)");
        }
        return {};
    }

    Status parse_entry(std::string_view line, const SourceLoc& loc, ConfSection& section) {
        std::size_t eq = line.find('=');
        if (eq == std::string_view::npos) {
            return err(loc, "'" + std::string(line) + "' is not of the form key=value");
        }
        std::string key(trim(line.substr(0, eq)));
        if (!valid_key(key)) return err(loc, "bad key name '" + key + "'");
        std::string_view v = trim(line.substr(eq + 1));
        std::string value;
        if (!v.empty() && v.front() == '"') {
            std::size_t close = v.find('"', 1);
            if (close == std::string_view::npos) return err(loc, key + ": missing closing '\"'");
            if (!trim(v.substr(close + 1)).empty()) {
                return err(loc, key + ": unexpected text after the closing '\"'");
            }
            value = std::string(v.substr(1, close - 1));
        } else {
            if (v.find('"') != std::string_view::npos) return err(loc, key + ": stray '\"' in value");
            if (v.find_first_of(" \t") != std::string_view::npos) {
                return err(loc, key + ": value contains white space; put it in double quotes");
            }
            value = std::string(v);
        }
        for (const auto& e : section.entries) {
            if (e.key == key) {
                return err(loc, key + ": given twice in " + section.type + " '" + section.name + "' (first at line " +
                                    std::to_string(e.where.line) + ")");
            }
        }
        section.entries.push_back(ConfEntry{std::move(key), std::move(value), loc});
        return {};
    }

    static Error err(const SourceLoc& loc, const std::string& msg) {
        return Error{Errc::parse_error, loc.to_string() + ": " + msg};
    }

    ConfFile out_;
};

}  // namespace

const ConfEntry* ConfSection::find(std::string_view key) const {
    for (const auto& e : entries) {
        if (e.key == key) return &e;
    }
    return nullptr;
}

std::string dir_of(const std::string& path) {
    std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

Result<std::string> read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error{Errc::io_error, "cannot read '" + path + "': " + std::strerror(errno)};
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return Error{Errc::io_error, "error reading '" + path + "'"};
    return ss.str();
}

Result<std::vector<std::string>> expand_include(const std::string& pattern, const std::string& base_dir) {
    std::string full = pattern.starts_with('/') ? pattern : base_dir + "/" + pattern;
    bool wildcard = pattern.find_first_of("*?[") != std::string::npos;
    glob_t g{};
    int rc = glob(full.c_str(), GLOB_ERR, nullptr, &g);
    std::vector<std::string> files;
    if (rc == 0) {
        for (std::size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (rc != 0 && rc != GLOB_NOMATCH) return Error{Errc::io_error, "cannot expand include '" + pattern + "'"};
    if (files.empty() && !wildcard) return Error{Errc::io_error, "include: cannot read '" + full + "': no such file"};
    return files;
}

Result<ConfFile> parse_conf_text(std::string_view text, const std::string& display_name, const std::string& base_dir) {
    return Parser{}.run(text, display_name, base_dir);
}

Result<ConfFile> read_conf_file(const std::string& path) {
    IKEOFF_ASSIGN(std::string text, read_text_file(path));
    return parse_conf_text(text, path, dir_of(path));
}

}  // namespace ikeoff::config
