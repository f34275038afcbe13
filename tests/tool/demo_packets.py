#!/usr/bin/python3
"""Helpers for esp_roundtrip_demo.sh (scapy from Debian's python3-scapy).

  demo_packets.py make OUT.pcap
      Ethernet capture of plain IPv4 and IPv6 traffic (UDP, TCP, ICMP,
      payloads of many sizes).
  demo_packets.py report IN.pcap ENC.pcap DEC.pcap ENC.json DEC.json
      Prints the demo summary from ikeoffctl's --json summaries and the three
      captures; exits 0 only if every packet came back byte for byte.
"""

import json
import logging
import struct
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)

from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402
from scapy.layers.inet6 import ICMPv6EchoRequest, IPv6  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw, raw  # noqa: E402


def make(path):
    eth = Ether(src="02:00:00:00:0a:01", dst="02:00:00:00:0a:02")
    frames = []
    for i, size in enumerate([0, 1, 15, 16, 17, 64, 200, 512, 1000, 1400]):
        data = Raw(bytes((i * 31 + k) & 0xFF for k in range(size)))
        frames.append(eth / IP(src="10.1.0.10", dst="10.2.0.20", id=100 + i, flags="DF")
                      / UDP(sport=5000 + i, dport=7) / data)
        frames.append(eth / IPv6(src="2001:db8:1::10", dst="2001:db8:2::20", tc=0x20, hlim=63)
                      / UDP(sport=6000 + i, dport=7) / data)
    frames.append(eth / IP(src="10.1.0.10", dst="10.2.0.20") / ICMP(id=1, seq=1) / Raw(b"ikeoffload" * 5))
    frames.append(eth / IPv6(src="2001:db8:1::10", dst="2001:db8:2::20") / ICMPv6EchoRequest(id=1, seq=1))
    frames.append(eth / IP(src="10.1.0.10", dst="10.2.0.20") / TCP(sport=40000, dport=443, flags="S", seq=1))
    frames.append(eth / IPv6(src="2001:db8:1::10", dst="2001:db8:2::20") / TCP(sport=40001, dport=443, flags="S"))
    write_pcap(path, [raw(f) for f in frames])


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000, i * 1000, len(frame), len(frame)))
            f.write(frame)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    frames, off = [], 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack_from("<IIII", data, off)
        frames.append(data[off + 16:off + 16 + caplen])
        off += 16 + caplen
    return frames


def ip_version(frame):
    return frame[14] >> 4 if len(frame) > 14 else 0


def report(in_path, enc_path, dec_path, enc_json, dec_json):
    plain, esp, back = read_pcap(in_path), read_pcap(enc_path), read_pcap(dec_path)
    with open(enc_json) as f:
        enc = json.load(f)
    with open(dec_json) as f:
        dec = json.load(f)
    same = sum(1 for a, b in zip(plain, back) if a == b)
    identical = len(plain) == len(back) == same
    v4 = sum(1 for f in plain if ip_version(f) == 4)
    statuses = ", ".join("%s %d" % (k, v) for k, v in dec["status"].items() if v) or "none"
    engine = enc["engine"]

    lines = [
        "",
        "ikeoffload: ESP round trip through the offline tool (ikeoffctl esp)",
        "  engine      %s" % engine["description"],
    ]
    lines += ["              (%s)" % n for n in engine["notices"]]
    lines += [
        "  SA          %s" % enc["sa"],
        "  input       %d packets (%d IPv4, %d IPv6), %d bytes of IP"
        % (len(plain), v4, len(plain) - v4, enc["bytes_in"]),
        "  encap       %d ok, %d dropped -> %d ESP packets, %d bytes"
        % (enc["ok"], enc["dropped"], len(esp), enc["bytes_out"]),
        "  decap       %d ok, %d dropped (statuses: %s)" % (dec["ok"], dec["dropped"], statuses),
        "  round trip  byte-identical: %s (%d/%d packets)" % ("yes" if identical else "NO", same, len(plain)),
        "  files       %s -> %s -> %s" % (in_path, enc_path, dec_path),
        "",
    ]
    print("\n".join(lines))
    return 0 if identical and enc["dropped"] == 0 and dec["dropped"] == 0 else 1


def main(argv):
    if len(argv) == 3 and argv[1] == "make":
        make(argv[2])
        return 0
    if len(argv) == 7 and argv[1] == "report":
        return report(*argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
