"""Cross-checks of `ikeoffctl esp` against an independent ESP implementation:
scapy's scapy.layers.ipsec.SecurityAssociation (Debian python3-scapy 2.5).

For every algorithm / mode / address-family case:
  * encap_then_scapy: packets encapsulated by `ikeoffctl esp encap` are
    decrypted by scapy and must equal the originals byte for byte;
  * scapy_then_decap: packets encrypted by scapy are decapsulated by
    `ikeoffctl esp decap`, every one must end with status ok and equal the
    original;
  * scapy_reproduces_bytes: given the IV and sequence number ikeoffctl used,
    scapy builds the very same ESP packet, which pins the packet format of
    host/ipsec/sa.hpp (padding, outer header fields) to an outside reference.

Environment: IKEOFFCTL = path of the ikeoffctl binary (CTest sets it);
IKEOFF_ENGINE = engine driver to check (default soft; CTest also runs csim).

Notes on scapy 2.5 (read from scapy/layers/ipsec.py):
  * AES-GCM takes key||salt as crypt_key and splits the 4-octet salt off
    itself, which is exactly the SA JSON's enc_key layout (RFC 4106 §8.1).
  * It pads to lcm(block size, 4) with 1, 2, 3, ... like our engine.
  * Transport-mode decrypt rebuilds the IP header (protocol/next header,
    length, checksum); tunnel-mode decrypt returns the inner packet.
  * AH: scapy zeroes the mutable IPv4/IPv6 fields itself (RFC 4302 §3.3.3),
    so AH is cross-checked both ways too.
  * ESN only reaches the AES-GCM AAD; scapy leaves the ESN high bits out of
    HMAC for ESP, so ESN is cross-checked with GCM only.
  * With nat_t_header, scapy serialises the UDP header before the ESP payload
    is attached, so its UDP length field says 8; fix_scapy_udp_length()
    repairs that (RFC 768: length covers header and data).
  * Random IVs by default; the tests pass IV and sequence number explicitly.
  * wrpcap() labels IP packets LINKTYPE_IPV4 whatever their version, so the
    capture files here are written and read by a few lines of struct code.
"""

import json
import os
import struct
import subprocess

import pytest

from scapy.layers.inet import ICMP, IP, TCP, UDP
from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest
from scapy.layers.ipsec import AH, ESP, SecurityAssociation
from scapy.layers.l2 import Ether
from scapy.packet import Raw, raw

IKEOFFCTL = os.environ.get("IKEOFFCTL", "ikeoffctl")
ENGINE = os.environ.get("IKEOFF_ENGINE", "soft")
SPI = 0x5CA9E001

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101

# ---- capture files -------------------------------------------------------------


def write_pcap(path, frames, linktype=LINKTYPE_RAW):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, i, len(frame), len(frame)))
            f.write(frame)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, _, _, _, _, _, linktype = struct.unpack_from("<IHHiIII", data, 0)
    assert magic == 0xA1B2C3D4, "expected a little-endian microsecond pcap"
    frames, off = [], 24
    while off < len(data):
        _, _, caplen, _ = struct.unpack_from("<IIII", data, off)
        off += 16
        frames.append(data[off:off + caplen])
        off += caplen
    assert off == len(data)
    return linktype, frames


def fix_scapy_udp_length(b, case):
    """Patch the UDP length scapy leaves at 8 in NAT-T packets (see above)."""
    if not case.encap:
        return b
    ip_len = 20 if b[0] >> 4 == 4 else 40
    return b[:ip_len + 4] + struct.pack("!H", len(b) - ip_len) + b[ip_len + 6:]


def dissect_ip(b):
    return IP(b) if b[0] >> 4 == 4 else IPv6(b)


# ---- cases ------------------------------------------------------------------------


def key(n, seed):
    return bytes((seed + 11 * i) & 0xFF for i in range(n))


# (name, enc keyword, enc key bytes incl. salt, integ keyword, integ key bytes,
#  scapy crypt algo, scapy auth algo)
ALGOS = [
    ("aes128gcm16", "aes128gcm16", 20, None, 0, "AES-GCM", None),
    ("aes256gcm16", "aes256gcm16", 36, None, 0, "AES-GCM", None),
    ("aes128-sha1", "aes128", 16, "sha1", 20, "AES-CBC", "HMAC-SHA1-96"),
    ("aes256-sha256", "aes256", 32, "sha256", 32, "AES-CBC", "SHA2-256-128"),
    ("aes192-sha384", "aes192", 24, "sha384", 48, "AES-CBC", "SHA2-384-192"),
    ("aes256-sha512", "aes256", 32, "sha512", 64, "AES-CBC", "SHA2-512-256"),
    ("3des-sha1", "3des", 24, "sha1", 20, "3DES", "HMAC-SHA1-96"),
    ("null-sha256", "null", 0, "sha256", 32, "NULL", "SHA2-256-128"),
]

# (name, mode, inner family, outer family, UDP encapsulation)
LAYOUTS = [
    ("tunnel-v4", "tunnel", 4, 4, False),
    ("tunnel-v6", "tunnel", 6, 6, False),
    ("tunnel-v4in6", "tunnel", 4, 6, False),
    ("tunnel-v6in4", "tunnel", 6, 4, False),
    ("transport-v4", "transport", 4, 4, False),
    ("transport-v6", "transport", 6, 6, False),
    ("tunnel-v4-udp", "tunnel", 4, 4, True),
    ("transport-v4-udp", "transport", 4, 4, True),
]

OUTER = {4: ("192.0.2.1", "192.0.2.2"), 6: ("2001:db8:ffff::1", "2001:db8:ffff::2")}
INNER = {4: ("10.1.0.1", "10.2.0.1"), 6: ("2001:db8:1::1", "2001:db8:2::1")}


class Case:
    def __init__(self, algo, layout, seq=1, esn=False):
        (self.name, self.enc, enc_len, self.integ, integ_len, self.scapy_crypt, self.scapy_auth) = algo
        (self.layout, self.mode, self.inner, self.outer, self.encap) = layout
        self.enc_key = key(enc_len, 0x10)
        self.integ_key = key(integ_len, 0x80)
        self.seq = seq
        self.esn = esn

    @property
    def tunnel(self):
        return self.mode == "tunnel"

    def sa_json(self):
        j = {"spi": "0x%08x" % SPI, "protocol": "esp", "mode": self.mode, "enc": self.enc,
             "enc_key": self.enc_key.hex(), "seq": self.seq, "esn": self.esn}
        if self.integ:
            j["integ"] = self.integ
            j["integ_key"] = self.integ_key.hex()
        if self.tunnel:
            j["src"], j["dst"] = OUTER[self.outer]
        if self.encap:
            j["encap"] = {"sport": 4500, "dport": 4500}
        return j

    def scapy_sa(self, seq_num=1, tunnel_header=None, esn=0):
        if self.tunnel and tunnel_header is None:
            src, dst = OUTER[self.outer]
            tunnel_header = IP(src=src, dst=dst) if self.outer == 4 else IPv6(src=src, dst=dst)
        return SecurityAssociation(
            ESP, spi=SPI, seq_num=seq_num,
            crypt_algo=self.scapy_crypt, crypt_key=self.enc_key or None,
            auth_algo=self.scapy_auth, auth_key=self.integ_key or None,
            tunnel_header=tunnel_header,
            nat_t_header=UDP(sport=4500, dport=4500) if self.encap else None,
            esn_en=self.esn, esn=esn)


def inner_packets(family):
    """Payload sizes 0..17 hit every padding length for 4-, 8- and 16-octet
    alignment; a few large ones, and some protocols other than UDP."""
    src, dst = INNER[family]
    pkts = []
    sizes = list(range(18)) + [100, 255, 1000, 1400]
    for i, n in enumerate(sizes):
        payload = Raw(bytes((i + 7 * k) & 0xFF for k in range(n)))
        if family == 4:
            hdr = IP(src=src, dst=dst, tos=(i * 4) & 0xFC, id=1000 + i, flags="DF" if i % 2 else 0, ttl=60)
        else:
            hdr = IPv6(src=src, dst=dst, tc=(i * 4) & 0xFC, fl=i, hlim=60)
        pkts.append(hdr / UDP(sport=1000 + i, dport=53) / payload)
    if family == 4:
        pkts.append(IP(src=src, dst=dst) / ICMP(id=7, seq=1) / Raw(b"ping" * 10))
        pkts.append(IP(src=src, dst=dst, flags="DF") / TCP(sport=40000, dport=443, flags="S"))
    else:
        pkts.append(IPv6(src=src, dst=dst) / ICMPv6EchoRequest(id=7, seq=1, data=b"ping" * 10))
        pkts.append(IPv6(src=src, dst=dst) / TCP(sport=40000, dport=443, flags="S"))
    return [raw(p) for p in pkts]


def ikeoffctl(*args):
    r = subprocess.run([IKEOFFCTL, *args, "--json"], capture_output=True, text=True, timeout=60)
    assert r.returncode in (0, 1), "ikeoffctl %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr)
    return r.returncode, json.loads(r.stdout)


def run_ctl(tmp_path, case, direction, frames, linktype=LINKTYPE_RAW):
    sa_path = tmp_path / "sa.json"
    sa_path.write_text(json.dumps(case.sa_json()))
    in_path, out_path = tmp_path / ("in_%s.pcap" % direction), tmp_path / ("out_%s.pcap" % direction)
    write_pcap(in_path, frames, linktype)
    rc, summary = ikeoffctl("esp", direction, "--sa", str(sa_path), "--in", str(in_path), "--out", str(out_path),
                            "--engine", ENGINE)
    assert summary["engine"]["driver"] == ENGINE
    out_linktype, out_frames = read_pcap(out_path)
    assert out_linktype == linktype
    return rc, summary, out_frames


def esp_offset(pkt_bytes, case):
    """Offset of the ESP header in an outer packet of this case."""
    base = 20 if pkt_bytes[0] >> 4 == 4 else 40
    return base + (8 if case.encap else 0)


CASES = [pytest.param(Case(a, l), id="%s-%s" % (a[0], l[0])) for a in ALGOS for l in LAYOUTS]
# ESN (RFC 4303 §2.2.1) through the GCM AAD: ikeoffctl starts above 2^32.
ESN_CASES = [
    pytest.param(Case(ALGOS[0], LAYOUTS[0], seq=(1 << 32) + 5, esn=True), id="aes128gcm16-tunnel-v4-esn"),
    pytest.param(Case(ALGOS[1], LAYOUTS[5], seq=(3 << 32) + 0xFFFFFFF0, esn=True), id="aes256gcm16-transport-v6-esn"),
]


# ---- ikeoffctl -> scapy ------------------------------------------------------------


@pytest.mark.parametrize("case", CASES + ESN_CASES)
def test_encap_then_scapy_decrypts(tmp_path, case):
    plain = inner_packets(case.inner)
    rc, summary, out = run_ctl(tmp_path, case, "encap", plain)
    assert rc == 0 and summary["ok"] == len(plain) and len(out) == len(plain), summary
    for i, (orig, esp_bytes) in enumerate(zip(plain, out)):
        seq = case.seq + i
        pkt = dissect_ip(esp_bytes)
        assert pkt.haslayer(ESP), "packet %d: no ESP layer: %r" % (i, pkt)
        assert pkt[ESP].spi == SPI
        assert pkt[ESP].seq == seq & 0xFFFFFFFF
        if case.tunnel:
            assert (pkt.src, pkt.dst) == OUTER[case.outer]
        if case.encap:
            assert (pkt[UDP].sport, pkt[UDP].dport, pkt[UDP].chksum) == (4500, 4500, 0)
        sa = case.scapy_sa(esn=seq >> 32)
        dec = sa.decrypt(pkt)
        assert raw(dec) == orig, "packet %d differs after scapy decrypt" % i


@pytest.mark.parametrize("case", CASES + ESN_CASES)
def test_scapy_reproduces_ikeoffctl_bytes(tmp_path, case):
    """Same key, IV and sequence number: scapy's packet == ikeoffctl's packet."""
    plain = inner_packets(case.inner)
    _, _, out = run_ctl(tmp_path, case, "encap", plain)
    algo = case.scapy_sa().crypt_algo
    for i, (orig, esp_bytes) in enumerate(zip(plain, out)):
        seq = case.seq + i
        off = esp_offset(esp_bytes, case)
        iv = esp_bytes[off + 8:off + 8 + algo.iv_size]
        inner = dissect_ip(orig)
        tunnel_header = None
        if case.tunnel:
            # sa.hpp: TOS / traffic class copied, DF copied from an IPv4 inner
            # header, IPv4 ID = low 16 bits of the sequence number, TTL / hop
            # limit 64, IPv6 flow label 0.
            src, dst = OUTER[case.outer]
            tos = inner.tos if case.inner == 4 else inner.tc
            if case.outer == 4:
                df = case.inner == 4 and bool(inner.flags.DF)
                tunnel_header = IP(src=src, dst=dst, tos=tos, id=seq & 0xFFFF, flags="DF" if df else 0, ttl=64)
            else:
                tunnel_header = IPv6(src=src, dst=dst, tc=tos, fl=0, hlim=64)
        sa = case.scapy_sa(seq_num=seq & 0xFFFFFFFF, tunnel_header=tunnel_header, esn=seq >> 32)
        ref = fix_scapy_udp_length(raw(sa.encrypt(inner, seq_num=seq & 0xFFFFFFFF, iv=iv or None)), case)
        assert ref == esp_bytes, "packet %d: scapy\n %s\nikeoffctl\n %s" % (i, ref.hex(), esp_bytes.hex())


# ---- scapy -> ikeoffctl ------------------------------------------------------------


@pytest.mark.parametrize("case", CASES + [
    pytest.param(Case(ALGOS[0], LAYOUTS[0], esn=True), id="aes128gcm16-tunnel-v4-esn"),
])
def test_scapy_encrypts_then_decap(tmp_path, case):
    plain = inner_packets(case.inner)
    sa = case.scapy_sa()
    iv_size = sa.crypt_algo.iv_size
    esp = []
    for i, p in enumerate(plain):
        iv = bytes((0xA0 + i + k) & 0xFF for k in range(iv_size)) if iv_size else None
        esp.append(fix_scapy_udp_length(raw(sa.encrypt(dissect_ip(p), seq_num=i + 1, iv=iv)), case))
    rc, summary, out = run_ctl(tmp_path, case, "decap", esp)
    assert rc == 0, summary
    assert summary["status"]["ok"] == len(plain), summary["status"]
    assert out == plain


# ---- AH (RFC 4302): scapy zeroes the mutable fields itself ----------------------------

AH_ALGOS = [("sha1", 20, "HMAC-SHA1-96"), ("sha256", 32, "SHA2-256-128"),
            ("sha384", 48, "SHA2-384-192"), ("sha512", 64, "SHA2-512-256")]
AH_CASES = [pytest.param(integ, layout, id="ah-%s-%s" % (integ[0], layout[0]))
            for integ in AH_ALGOS for layout in LAYOUTS if not layout[4]]


def ah_setup(integ, layout):
    (name, key_len, scapy_name), (_, mode, inner, outer, _) = integ, layout
    k = key(key_len, 0x80)
    j = {"spi": "0x%08x" % SPI, "protocol": "ah", "mode": mode, "integ": name, "integ_key": k.hex()}
    tunnel_header = None
    if mode == "tunnel":
        j["src"], j["dst"] = OUTER[outer]
        tunnel_header = IP(src=j["src"], dst=j["dst"]) if outer == 4 else IPv6(src=j["src"], dst=j["dst"])

    def scapy_sa():
        return SecurityAssociation(AH, spi=SPI, auth_algo=scapy_name, auth_key=k, tunnel_header=tunnel_header)
    return j, scapy_sa, inner_packets(inner)


def run_ctl_json(tmp_path, sa_json, direction, frames):
    (tmp_path / "sa.json").write_text(json.dumps(sa_json))
    in_path, out_path = tmp_path / "in.pcap", tmp_path / "out.pcap"
    write_pcap(in_path, frames)
    rc, summary = ikeoffctl("esp", direction, "--sa", str(tmp_path / "sa.json"), "--in", str(in_path),
                            "--out", str(out_path), "--engine", ENGINE)
    return rc, summary, read_pcap(out_path)[1]


@pytest.mark.parametrize("integ,layout", AH_CASES)
def test_ah_encap_then_scapy_verifies(tmp_path, integ, layout):
    sa_json, scapy_sa, plain = ah_setup(integ, layout)
    rc, summary, out = run_ctl_json(tmp_path, sa_json, "encap", plain)
    assert rc == 0 and len(out) == len(plain), summary
    for i, (orig, ah_bytes) in enumerate(zip(plain, out)):
        pkt = dissect_ip(ah_bytes)
        assert pkt.haslayer(AH) and pkt[AH].spi == SPI and pkt[AH].seq == i + 1
        assert raw(scapy_sa().decrypt(pkt)) == orig, "packet %d" % i  # decrypt() verifies the ICV


@pytest.mark.parametrize("integ,layout", AH_CASES)
def test_scapy_ah_then_decap(tmp_path, integ, layout):
    sa_json, scapy_sa, plain = ah_setup(integ, layout)
    sa = scapy_sa()
    ah = [raw(sa.encrypt(dissect_ip(p), seq_num=i + 1)) for i, p in enumerate(plain)]
    rc, summary, out = run_ctl_json(tmp_path, sa_json, "decap", ah)
    assert rc == 0 and summary["status"]["ok"] == len(plain), summary["status"]
    assert out == plain


# ---- link types and negative checks --------------------------------------------------


def test_ethernet_frames_both_ways(tmp_path):
    """Ethernet captures: scapy frames in, ESP out with the right EtherType
    (IPv6 inner in an IPv4 tunnel), and back."""
    case = Case(ALGOS[2], LAYOUTS[3])  # aes128-sha1, IPv6 inner, IPv4 outer
    plain = inner_packets(6)
    eth = Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")
    frames = [raw(eth / IPv6(p)) for p in plain]
    rc, summary, out = run_ctl(tmp_path, case, "encap", frames, LINKTYPE_ETHERNET)
    assert rc == 0 and len(out) == len(frames), summary
    sa = case.scapy_sa()
    for orig, f in zip(plain, out):
        e = Ether(f)
        assert e.type == 0x0800 and e.src == "02:00:00:00:00:01"
        assert raw(sa.decrypt(e[IP])) == orig
    rc, summary, back = run_ctl(tmp_path, case, "decap", out, LINKTYPE_ETHERNET)
    assert rc == 0 and back == frames, summary


def test_scapy_packets_with_wrong_key_fail_icv(tmp_path):
    case = Case(ALGOS[3], LAYOUTS[0])
    plain = inner_packets(4)[:5]
    wrong = Case(ALGOS[3], LAYOUTS[0])
    wrong.integ_key = key(32, 0x81)
    sa = wrong.scapy_sa()
    esp = [raw(sa.encrypt(dissect_ip(p), seq_num=i + 1, iv=bytes(16))) for i, p in enumerate(plain)]
    rc, summary, out = run_ctl(tmp_path, case, "decap", esp)
    assert rc == 1
    assert summary["status"]["icv-failure"] == len(plain) and out == []


def test_scapy_replayed_packet_is_dropped(tmp_path):
    case = Case(ALGOS[0], LAYOUTS[4])
    plain = inner_packets(4)[:4]
    sa = case.scapy_sa()
    esp = [raw(sa.encrypt(dissect_ip(p), seq_num=i + 1, iv=bytes(8))) for i, p in enumerate(plain)]
    esp.append(esp[1])
    rc, summary, out = run_ctl(tmp_path, case, "decap", esp)
    assert rc == 1
    assert summary["status"]["ok"] == 4 and summary["status"]["replay"] == 1
    assert out == plain
