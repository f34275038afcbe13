"""Interoperability with an independent ESP/AH implementation: scapy's
SecurityAssociation (python3-scapy). Packets go both ways, byte for byte."""

import pytest

scapy_ipsec = pytest.importorskip("scapy.layers.ipsec")
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402

import ikeoffload  # noqa: E402
from conftest import GCM_KEY, SHA1_KEY, SHA256_KEY, ipv4_udp, ipv6_udp, payload  # noqa: E402

AES256 = bytes(range(0x80, 0xA0))
SHA512_KEY = bytes(range(64))

# (name, our fields, scapy SecurityAssociation arguments)
TRANSFORMS = [
    ("aes128gcm16", dict(enc="aes128gcm16", enc_key=GCM_KEY),
     dict(crypt_algo="AES-GCM", crypt_key=GCM_KEY)),
    ("aes256gcm16", dict(enc="aes256gcm16", enc_key=AES256 + b"salt"),
     dict(crypt_algo="AES-GCM", crypt_key=AES256 + b"salt")),
    ("aes128-sha1", dict(enc="aes128", enc_key=GCM_KEY[:16], integ="sha1", integ_key=SHA1_KEY),
     dict(crypt_algo="AES-CBC", crypt_key=GCM_KEY[:16], auth_algo="HMAC-SHA1-96", auth_key=SHA1_KEY)),
    ("aes256-sha256", dict(enc="aes256", enc_key=AES256, integ="sha256", integ_key=SHA256_KEY),
     dict(crypt_algo="AES-CBC", crypt_key=AES256, auth_algo="SHA2-256-128", auth_key=SHA256_KEY)),
    ("3des-sha512", dict(enc="3des", enc_key=AES256[:24], integ="sha512", integ_key=SHA512_KEY),
     dict(crypt_algo="3DES", crypt_key=AES256[:24], auth_algo="SHA2-512-256", auth_key=SHA512_KEY)),
    ("null-sha256", dict(enc="null", integ="sha256", integ_key=SHA256_KEY),
     dict(crypt_algo="NULL", auth_algo="SHA2-256-128", auth_key=SHA256_KEY)),
]


def _pair(engine, spi, ours, theirs, mode="tunnel", v6=False, natt=False, esn=False):
    src, dst = ("2001:db8::1", "2001:db8::2") if v6 else ("192.0.2.1", "192.0.2.2")
    fields = dict(spi=spi, mode=mode, replay_window=128, **ours)
    if mode == "tunnel":
        fields.update(src=src, dst=dst)
    if natt:
        fields["encap"] = {"sport": 4500, "dport": 4500}
    if esn:
        fields.update(esn=True, seq=(1 << 32) + 5)
    sa = engine.add_sa(**fields)
    kwargs = dict(theirs)
    if mode == "tunnel":
        kwargs["tunnel_header"] = IPv6(src=src, dst=dst) if v6 else IP(src=src, dst=dst)
    if natt:
        kwargs["nat_t_header"] = UDP(sport=4500, dport=4500)
    if esn:
        kwargs.update(esn_en=True, esn=1, seq_num=5)
    peer = scapy_ipsec.SecurityAssociation(scapy_ipsec.ESP, spi=spi, **kwargs)
    return sa, peer


def _inner(v6, n, seed):
    return ipv6_udp(payload(n, seed)) if v6 else ipv4_udp(payload(n, seed), ident=seed)


def _check_both_ways(sa, peer, v6):
    cls = IPv6 if v6 else IP
    for i, n in enumerate((0, 1, 31, 200, 1400)):
        inner = _inner(v6, n, i)
        # ours -> scapy
        esp = sa.encap(inner)
        assert bytes(peer.decrypt(cls(esp))) == inner
        # scapy -> ours
        theirs = bytes(peer.encrypt(cls(inner)))
        assert sa.decap(theirs) == inner


@pytest.mark.parametrize("name, ours, theirs", TRANSFORMS, ids=[t[0] for t in TRANSFORMS])
def test_tunnel_mode_ipv4(engine, name, ours, theirs):
    sa, peer = _pair(engine, 0x1001, ours, theirs)
    _check_both_ways(sa, peer, v6=False)


@pytest.mark.parametrize("name, ours, theirs", TRANSFORMS[:3], ids=[t[0] for t in TRANSFORMS[:3]])
def test_tunnel_mode_ipv6(engine, name, ours, theirs):
    sa, peer = _pair(engine, 0x1002, ours, theirs, v6=True)
    _check_both_ways(sa, peer, v6=True)


@pytest.mark.parametrize("name, ours, theirs", TRANSFORMS[::2], ids=[t[0] for t in TRANSFORMS[::2]])
def test_transport_mode(engine, name, ours, theirs):
    sa, peer = _pair(engine, 0x1003, ours, theirs, mode="transport")
    _check_both_ways(sa, peer, v6=False)


def test_nat_traversal_udp_encapsulation(engine):
    name, ours, theirs = TRANSFORMS[2]
    sa, peer = _pair(engine, 0x1004, ours, theirs, natt=True)
    inner = ipv4_udp(payload(77))
    esp = sa.encap(inner)
    assert IP(esp)[UDP].dport == 4500
    assert bytes(peer.decrypt(IP(esp))) == inner
    theirs = bytearray(bytes(peer.encrypt(IP(inner))))
    # scapy 2.5 leaves the UDP length of its nat_t_header at 8; we refuse such a
    # datagram as malformed, so set the length the datagram really has.
    assert theirs[24:26] == b"\x00\x08"
    with pytest.raises(ikeoffload.MalformedError):
        sa.decap(bytes(theirs))
    theirs[24:26] = (len(theirs) - 20).to_bytes(2, "big")
    assert sa.decap(bytes(theirs)) == inner


def test_extended_sequence_numbers(engine):
    # GCM: the high 32 bits enter the AAD (RFC 4106 section 5). scapy 2.5 leaves
    # them out of a non-AEAD ICV, contrary to RFC 4303 section 3.3.2.1.
    name, ours, theirs = TRANSFORMS[0]
    sa, peer = _pair(engine, 0x1005, ours, theirs, esn=True)
    inner = ipv4_udp(payload(99))
    esp = sa.encap(inner)
    assert IP(esp)[scapy_ipsec.ESP].seq == 5  # only the low 32 bits travel (RFC 4303 section 2.2.1)
    assert bytes(peer.decrypt(IP(esp))) == inner
    assert sa.decap(bytes(peer.encrypt(IP(inner)))) == inner


def test_ah(engine):
    for integ, algo, key in (("sha1", "HMAC-SHA1-96", SHA1_KEY), ("sha256", "SHA2-256-128", SHA256_KEY)):
        spi = 0x2000 + len(key)
        sa = engine.add_sa(spi=spi, protocol="ah", src="192.0.2.1", dst="192.0.2.2", integ=integ, integ_key=key)
        peer = scapy_ipsec.SecurityAssociation(scapy_ipsec.AH, spi=spi, auth_algo=algo, auth_key=key,
                                               tunnel_header=IP(src="192.0.2.1", dst="192.0.2.2"))
        inner = ipv4_udp(payload(120))
        ah = sa.encap(inner)
        assert bytes(peer.decrypt(IP(ah))) == inner
        assert sa.decap(bytes(peer.encrypt(IP(inner)))) == inner


def test_scapy_tampering_is_an_icv_error(soft):
    name, ours, theirs = TRANSFORMS[0]
    sa, peer = _pair(soft, 0x1006, ours, theirs)
    wire = bytearray(bytes(peer.encrypt(IP(ipv4_udp(b"hello")))))
    wire[-20] ^= 4
    with pytest.raises(ikeoffload.IcvError):
        sa.decap(bytes(wire))


def test_batch_of_scapy_packets(engine):
    name, ours, theirs = TRANSFORMS[1]
    sa, peer = _pair(engine, 0x1007, ours, theirs)
    inner = [ipv4_udp(payload(100 + i, i), ident=i) for i in range(32)]
    wire = [bytes(peer.encrypt(IP(p))) for p in inner]
    res = sa.decap_batch(wire)
    assert res.all_ok and res.packets() == inner
    assert res.seqs == list(range(1, 33))
