#!/usr/bin/env python3
"""Synthesizability lint for the HLS kernel sources (hls/include/ipsec_hls, hls/kernels).

Vitis HLS rejects, or synthesizes badly, a few C++ constructs that compile
fine for the CPU. This lint keeps them out of kernel code so that the csim
build (g++) cannot drift away from what v++ accepts:

  heap            new/delete, malloc/calloc/realloc/free, make_unique/make_shared
  recursion       a function that calls itself (direct recursion)
  exception       throw/try/catch
  virtual         virtual functions
  stl             dynamic STL containers/strings/std::function (and their #includes)
  unbounded-loop  while/do loops, and for loops whose condition does not
                  compare the loop variable against a compile-time bound
                  (literals, kConstants, ALL_CAPS names, Type::kMember, sizeof)

The idiom for data-dependent trip counts is a constant bound plus an early
exit:  for (i = 0; i < kMax; ++i) { if (i >= n) break; ... }

A finding can be waived on its line with `// hls-lint: allow(<rule>) <why>`.

Usage: hls_lint.py [--expect-violations r1,r2,...] PATH...
  Exit 0 when clean (or, with --expect-violations, when every listed rule
  fired at least once), 1 otherwise.
"""
import argparse
import os
import re
import sys

RULES = ("heap", "recursion", "exception", "virtual", "stl", "unbounded-loop")
SOURCE_EXT = (".hpp", ".h", ".cpp", ".cc")

STL_NAMES = ("vector", "map", "unordered_map", "multimap", "set", "unordered_set", "multiset", "list",
             "forward_list", "deque", "queue", "priority_queue", "stack", "string", "wstring", "function",
             "shared_ptr", "unique_ptr", "any", "variant", "optional", "regex")
STL_RE = re.compile(r"\bstd\s*::\s*(%s)\b" % "|".join(STL_NAMES))
STL_INCLUDE_RE = re.compile(r"#\s*include\s*<(%s)>" % "|".join(STL_NAMES + ("memory", "sstream", "iostream")))
HEAP_RE = re.compile(r"(\bnew\b|\bdelete\b|\b(malloc|calloc|realloc|free)\s*\(|\bmake_(unique|shared)\b)")
EXC_RE = re.compile(r"\b(throw|try|catch)\b")
VIRTUAL_RE = re.compile(r"\bvirtual\b")
ALLOW_RE = re.compile(r"hls-lint:\s*allow\(([\w,\- ]+)\)")
KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "catch", "do", "else", "static_assert",
            "defined", "alignof", "decltype"}
# Tokens a compile-time loop bound may consist of.
BOUND_TOKEN_RE = re.compile(
    r"\s*(?:(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*|(?:\w+\s*::\s*)*k[A-Z]\w*|(?:\w+\s*::\s*)*[A-Z][A-Z0-9_]*"
    r"|sizeof\s*\([^()]*\)|[-+*/%()<>&|^~]|<<|>>)")


def strip_comments_and_strings(text):
    """Blank out comments and string/char literals, keeping line structure."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join("\n" if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else c)
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def matching(text, pos, open_ch, close_ch):
    """Index just past the bracket matching text[pos] == open_ch, or -1."""
    depth = 0
    for i in range(pos, len(text)):
        if text[i] == open_ch:
            depth += 1
        elif text[i] == close_ch:
            depth -= 1
            if depth == 0:
                return i + 1
    return -1


def split_top(s, sep):
    parts, depth, cur = [], 0, []
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def is_constant_bound(expr):
    expr = expr.strip()
    if not expr:
        return False
    pos = 0
    while pos < len(expr):
        m = BOUND_TOKEN_RE.match(expr, pos)
        if not m or m.end() == pos:
            return expr[pos:].strip() == ""
        pos = m.end()
    return True


def loop_findings(code):
    found = []
    for m in re.finditer(r"\b(while|do)\b", code):
        if m.group(1) == "while":
            # `} while (...)` closing a do-loop is reported once, at the `do`.
            before = code[:m.start()].rstrip()
            if before.endswith("}") and re.search(r"\bdo\b", code[max(0, m.start() - 4000):m.start()]):
                continue
        found.append((m.start(), "unbounded-loop", "%s loop: use a for loop with a constant bound" % m.group(1)))
    for m in re.finditer(r"\bfor\s*\(", code):
        open_pos = code.index("(", m.start())
        end = matching(code, open_pos, "(", ")")
        header = code[open_pos + 1:end - 1] if end > 0 else ""
        parts = split_top(header, ";")
        if len(parts) != 3:
            found.append((m.start(), "unbounded-loop", "range-based or malformed for loop; use an indexed loop"))
            continue
        cond = parts[1]
        cm = re.match(r"\s*(\w+)\s*(<=|<|>=|>|!=)\s*(.+)$", cond, re.S)
        if not cm or not is_constant_bound(cm.group(3)):
            found.append((m.start(), "unbounded-loop",
                          "for loop condition '%s' has no compile-time bound" % " ".join(cond.split())))
    return found


def recursion_findings(code):
    found = []
    # A function definition: name ( params ) [const] [noexcept] {   -- not a control statement.
    for m in re.finditer(r"\b([A-Za-z_]\w*)\s*\(([^;{}()]|\([^()]*\))*\)\s*(const\s*)?(noexcept\s*)?\{", code):
        name = m.group(1)
        if name in KEYWORDS:
            continue
        body_start = m.end() - 1
        body_end = matching(code, body_start, "{", "}")
        if body_end < 0:
            continue
        body = code[body_start + 1:body_end - 1]
        call = re.search(r"(?<![\w.>:])%s\s*(<[^;{}]*>)?\s*\(" % re.escape(name), body)
        if call:
            found.append((body_start + 1 + call.start(), "recursion", "function '%s' calls itself" % name))
    return found


def lint_text(text):
    code = strip_comments_and_strings(text)
    raw_lines = text.split("\n")
    findings = []
    for rx, rule, msg in ((HEAP_RE, "heap", "dynamic memory"), (EXC_RE, "exception", "exceptions"),
                          (VIRTUAL_RE, "virtual", "virtual function"), (STL_RE, "stl", "dynamic STL type")):
        for m in rx.finditer(code):
            findings.append((m.start(), rule, "%s: '%s'" % (msg, m.group(0).strip())))
    for m in STL_INCLUDE_RE.finditer(text):
        findings.append((m.start(), "stl", "includes <%s>" % m.group(1)))
    findings += loop_findings(code)
    findings += recursion_findings(code)
    result = []
    for pos, rule, msg in sorted(findings):
        ln = line_of(text, pos)
        allow = ALLOW_RE.search(raw_lines[ln - 1]) if ln - 1 < len(raw_lines) else None
        if allow and rule in [r.strip() for r in allow.group(1).split(",")]:
            continue
        result.append((ln, rule, msg))
    return result


def collect(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files += [os.path.join(root, f) for f in sorted(names) if f.endswith(SOURCE_EXT)]
        else:
            files.append(p)
    return files


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--expect-violations", default="", help="comma-separated rules that must fire")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args(argv)
    files = collect(args.paths)
    if not files:
        print("hls_lint: no source files under %s" % " ".join(args.paths))
        return 1
    fired = set()
    total = 0
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for ln, rule, msg in lint_text(fh.read()):
                print("%s:%d: [%s] %s" % (f, ln, rule, msg))
                fired.add(rule)
                total += 1
    if args.expect_violations:
        want = {r.strip() for r in args.expect_violations.split(",") if r.strip()}
        missing = sorted(want - fired)
        if missing:
            print("hls_lint: expected violations not reported: %s" % ", ".join(missing))
            return 1
        print("hls_lint: all expected rules fired (%d findings)" % total)
        return 0
    print("hls_lint: %d file(s), %d finding(s)" % (len(files), total))
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
