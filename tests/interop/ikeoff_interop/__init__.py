"""Interop test harness: network namespaces, strongSwan's charon, ikeoffd.

Everything a test starts is recorded in its work directory (PID files with
the program name), so teardown, and the next run after a crash, stop exactly
those processes and nothing else. See tests/interop/README.md.
"""
