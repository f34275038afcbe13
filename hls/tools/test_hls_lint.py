#!/usr/bin/env python3
"""Unit tests for hls_lint.py: each rule fires on a minimal bad snippet and
stays quiet on the synthesizable idiom that replaces it."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hls_lint  # noqa: E402


def rules(src):
    return sorted({r for _, r, _ in hls_lint.lint_text(src)})


class LintRules(unittest.TestCase):
    def test_heap(self):
        self.assertEqual(rules("void f(){ int* p = new int[4]; delete[] p; }"), ["heap"])
        self.assertEqual(rules("void f(){ void* p = malloc(4); free(p); }"), ["heap"])

    def test_exceptions(self):
        self.assertEqual(rules("void f(){ try { g(); } catch (...) {} }"), ["exception"])
        self.assertEqual(rules("void f(int x){ if (x) throw 1; }"), ["exception"])

    def test_virtual(self):
        self.assertEqual(rules("struct A { virtual void f(); };"), ["virtual"])

    def test_stl(self):
        self.assertEqual(rules("#include <vector>\nvoid f(){ std::vector<int> v; }"), ["stl"])
        self.assertEqual(rules("void f(){ std::string s; }"), ["stl"])
        self.assertEqual(rules("#include <cstdint>\nvoid f(){ uint8_t b[4]; }"), [])

    def test_recursion(self):
        self.assertEqual(rules("int f(int n) { if (n < 1) return 0; return f(n - 1); }"), ["recursion"])
        self.assertEqual(rules("int g(int n); int f(int n) { return g(n); }"), [])
        # A member of another object with the same name is not recursion.
        self.assertEqual(rules("void push(S& s) { s.push(1); }"), [])

    def test_loops(self):
        self.assertEqual(rules("void f(int n){ while (n) --n; }"), ["unbounded-loop"])
        self.assertEqual(rules("void f(int n){ do { --n; } while (n); }"), ["unbounded-loop"])
        self.assertEqual(rules("void f(int n){ for (int i = 0; i < n; ++i) {} }"), ["unbounded-loop"])
        self.assertEqual(rules("void f(int n){ for (;;) {} }"), ["unbounded-loop"])
        good = ("void f(int n){ for (int i = 0; i < kMaxBytes / 16 + 2; ++i) { if (i >= n) break; }"
                " for (int j = 0; j <= H::kBlock; ++j) {} for (int k = 0; k < 64; ++k) {}"
                " for (int m = 0; m < sizeof(T) * 8; ++m) {} }")
        self.assertEqual(rules(good), [])

    def test_comments_and_strings_are_ignored(self):
        self.assertEqual(rules('// new vector while throw\nconst char* s = "virtual new";'), [])

    def test_waiver(self):
        self.assertEqual(rules("void f(int n){ while (n) --n; }  // hls-lint: allow(unbounded-loop) test"), [])


if __name__ == "__main__":
    unittest.main()
