#!/usr/bin/python3
"""Batch encap throughput through the Python bindings vs the same engine calls from C++.

    PYTHONPATH=build/python /usr/bin/python3 bindings/python/bench/bench_batch.py
        [--driver soft] [--transform aes128gcm16] [--size 1420] [--batch 32,256]
        [--seconds 2] [--check]

For each batch size it times, in the same run and alternating in short
rounds (so both see the same machine):
  python   Sa.encap_buffer(data, offsets, lengths, out): one Python call
           per batch, the GIL released inside, results written into a reused
           output buffer (the fast path the bindings offer);
  list     Sa.encap_batch([...]): a list of bytes in, a fresh bytearray out
           (shown for reference, not part of the ratio);
  C++      _bench_native(): the identical engine->process() call on
           the identical SA and buffers from a C++ loop, no Python in between.
Each rate comes from the median batch time (preempted batches do not count)
and counts the inner packet octets, as tests/bench/esp_bench.cpp does.
The ratio python / C++ is what the bindings cost; --check exits 1 when it is
below 0.8 at any batch size.
"""

import argparse
import array
import statistics
import struct
import sys
import time

import ikeoffload
from ikeoffload._ikeoffload import _bench_native

KEYS = {
    "aes128gcm16": dict(enc="aes128gcm16", enc_key=bytes(range(20))),
    "aes256gcm16": dict(enc="aes256gcm16", enc_key=bytes(range(36))),
    "aes128-sha1": dict(enc="aes128", enc_key=bytes(16), integ="sha1", integ_key=bytes(20)),
    "aes256-sha256": dict(enc="aes256", enc_key=bytes(32), integ="sha256", integ_key=bytes(32)),
}


def ipv4_udp(size, ident):
    """An IPv4/UDP packet of `size` octets (header checksum left 0: the engine does not check it)."""
    body = bytes((ident * 31 + i * 7) & 0xFF for i in range(size - 28))
    udp = struct.pack("!HHHH", 1234, 5678, size - 20, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, size, ident, 0x4000, 64, 17, 0, bytes([10, 0, 0, 1]),
                     bytes([10, 0, 0, 2]))
    return ip + udp + body


def measure(sa, batch, size, seconds):
    packets = [ipv4_udp(size, i) for i in range(batch)]
    data = b"".join(packets)
    offsets = array.array("I", range(0, batch * size, size))
    lengths = array.array("I", [size] * batch)
    out = bytearray(batch * (size + ikeoffload.MAX_OVERHEAD))
    encap = sa.encap_buffer
    clock = time.perf_counter_ns

    # Warm caches, branch predictors and the allocator on both paths.
    _bench_native(sa, data, offsets, lengths, out, 50)
    for _ in range(50):
        encap(data, offsets, lengths, out)
        sa.encap_batch(packets)

    py_ns, list_ns, cpp_ns = [], [], []
    rounds = 20
    until = time.monotonic() + seconds
    while time.monotonic() < until or len(py_ns) < 100:
        cpp_ns += _bench_native(sa, data, offsets, lengths, out, rounds)
        for _ in range(rounds):
            t0 = clock()
            res = encap(data, offsets, lengths, out)
            t1 = clock()
            py_ns.append(t1 - t0)
        if not res.all_ok:
            sys.exit("bench_batch: a benchmarked packet did not come out ok: %r" % res.statuses())
        for _ in range(rounds // 4):
            t0 = clock()
            sa.encap_batch(packets)
            list_ns.append(clock() - t0)
    bits = batch * size * 8
    return tuple(bits / statistics.median(v) for v in (py_ns, list_ns, cpp_ns))  # bits/ns = Gbit/s


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--driver", default="soft")
    ap.add_argument("--transform", default="aes128gcm16", choices=sorted(KEYS))
    ap.add_argument("--size", type=int, default=1420, help="inner packet size in octets (default 1420)")
    ap.add_argument("--batch", default="32,256", help="comma-separated batch sizes (default 32,256)")
    ap.add_argument("--seconds", type=float, default=2.0, help="per batch size (default 2)")
    ap.add_argument("--check", action="store_true", help="exit 1 if python/C++ < 0.8 at any batch size")
    args = ap.parse_args()
    if args.size < 28 or args.size > 65535:
        ap.error("--size must be 28..65535")

    engine = ikeoffload.Engine(args.driver)
    print("bench_batch: %s, %s, %d B inner packets, encap (outbound), %.1f s per batch size"
          % (engine.description, args.transform, args.size, args.seconds))
    worst = None
    for batch in (int(b) for b in args.batch.split(",")):
        # replay_window is irrelevant outbound; the sequence number never nears 2^32 here
        sa = engine.add_sa(spi=0x1000 + batch, direction="out", src="192.0.2.1", dst="192.0.2.2",
                           **KEYS[args.transform])
        py, lst, cpp = measure(sa, batch, args.size, args.seconds)
        ratio = py / cpp
        worst = ratio if worst is None else min(worst, ratio)
        print("  batch %4d: python encap_buffer %6.2f Gbit/s | C++ same calls %6.2f Gbit/s | ratio %.3f"
              "   (python encap_batch(list) %6.2f Gbit/s, ratio %.3f)" % (batch, py, cpp, ratio, lst, lst / cpp))
        engine.remove_sa(sa)
    if args.check and worst is not None and worst < 0.8:
        print("bench_batch: ratio %.3f is below 0.8" % worst)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
