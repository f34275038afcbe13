"""ikeoffload.ike: the RFC 2409 key derivation, against NIST CAVS vectors and an
independent recomputation with Python's hmac/hashlib."""

import hashlib
import hmac
import json
import struct

import pytest

import ikeoffload
from ikeoffload import ike
from conftest import VECTORS


def _load(name):
    with open(VECTORS / name) as f:
        return json.load(f)["vectors"]


PSK = _load("ikev1_kdf_psk_cavs.json")
DSA = _load("ikev1_kdf_dsa_cavs.json")
H = bytes.fromhex


def prf(alg, key, *parts):
    return hmac.new(key, b"".join(parts), getattr(hashlib, alg)).digest()


def test_vector_files_cover_every_hash():
    assert {v["hash"] for v in PSK} == {"sha1", "sha256", "sha384", "sha512"}
    assert len(PSK) == 1700 and len(DSA) == 1700


@pytest.mark.parametrize("hash_name", ["sha1", "sha256", "sha384", "sha512"])
def test_nist_cavs_pre_shared_key(hash_name):
    vectors = [v for v in PSK if v["hash"] == hash_name]
    for v in vectors:
        skeyid = ike.skeyid_psk(hash_name, H(v["pre_shared_key"]), H(v["ni"]), H(v["nr"]))
        assert skeyid.hex() == v["skeyid"], v["count"]
        d, a, e = ike.skeyid_children(hash_name, skeyid, H(v["gxy"]), H(v["cky_i"]), H(v["cky_r"]))
        assert (d.hex(), a.hex(), e.hex()) == (v["skeyid_d"], v["skeyid_a"], v["skeyid_e"]), v["count"]


@pytest.mark.parametrize("hash_name", ["sha1", "sha256", "sha384", "sha512"])
def test_nist_cavs_digital_signature(hash_name):
    for v in (v for v in DSA if v["hash"] == hash_name):
        skeyid = ike.skeyid_signature(hash_name, H(v["ni"]), H(v["nr"]), H(v["gxy"]))
        assert skeyid.hex() == v["skeyid"], v["count"]
        args = (hash_name, skeyid, H(v["gxy"]), H(v["cky_i"]), H(v["cky_r"]))
        assert ike.skeyid_d(*args).hex() == v["skeyid_d"]
        assert ike.skeyid_a(*args).hex() == v["skeyid_a"]
        assert ike.skeyid_e(*args).hex() == v["skeyid_e"]


def test_children_are_a_named_tuple():
    v = PSK[0]
    c = ike.skeyid_children("sha1", H(v["skeyid"]), H(v["gxy"]), H(v["cky_i"]), H(v["cky_r"]))
    assert isinstance(c, ike.SkeyidChildren)
    assert c.d.hex() == v["skeyid_d"] and c.a == c[1] and c.e.hex() == v["skeyid_e"]


def test_pubkey_encryption_skeyid():
    ni, nr, ci, cr = b"\x11" * 16, b"\x22" * 20, b"\x33" * 8, b"\x44" * 8
    for alg in ("md5", "sha1", "sha256"):
        want = prf(alg, getattr(hashlib, alg)(ni + nr).digest(), ci + cr)
        assert ike.skeyid_pubkey_encryption(alg, ni, nr, ci, cr) == want
    # a different plain hash than the PRF's
    want = prf("sha256", hashlib.sha1(ni + nr).digest(), ci + cr)
    assert ike.skeyid_pubkey_encryption("sha256", ni, nr, ci, cr, hash="sha1") == want


@pytest.mark.parametrize("alg", ["sha1", "sha256", "sha512"])
@pytest.mark.parametrize("pfs", [None, bytes(range(256)) * 1])
def test_keymat(alg, pfs):
    """RFC 2409 section 5.5: K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b),
    Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)."""
    d, ni, nr, spi = b"\x5a" * hashlib.new(alg).digest_size, b"N" * 16, b"R" * 32, 0xC0FFEE01
    tail = (pfs or b"") + bytes([3]) + struct.pack("!I", spi) + ni + nr
    k, want = b"", b""
    while len(want) < 100:
        k = prf(alg, d, k, tail)
        want += k
    got = ike.keymat(alg, d, "esp", spi, ni, nr, 100, gxy_qm=pfs)
    assert got == want[:100]
    assert ike.keymat(alg, d, 3, spi, ni, nr, 100, gxy_qm=pfs) == got
    assert ike.keymat(alg, d, "ah", spi, ni, nr, 100, gxy_qm=pfs) != got


def test_encryption_key_appendix_b():
    e = b"\x01" * 20
    assert ike.encryption_key("sha1", e, 16) == e[:16]  # long enough: its prefix
    k1 = prf("sha1", e, b"\x00")
    k2 = prf("sha1", e, k1)
    assert ike.encryption_key("sha1", e, 32) == (k1 + k2)[:32]


def test_phase1_hashes():
    sk, gxi, gxr, ci, cr, sa, idi, idr = (b"k" * 20, b"i" * 128, b"r" * 128, b"c" * 8, b"d" * 8, b"s" * 40,
                                          b"\x01\x00\x00\x00\x0a\x00\x00\x01", b"\x01\x00\x00\x00\x0a\x00\x00\x02")
    assert ike.hash_i("sha256", sk, gxi, gxr, ci, cr, sa, idi) == prf("sha256", sk, gxi, gxr, ci, cr, sa, idi)
    assert ike.hash_r("sha256", sk, gxi, gxr, ci, cr, sa, idr) == prf("sha256", sk, gxr, gxi, cr, ci, sa, idr)


def test_quick_mode_hashes():
    a, mid, ni, nr, rest = b"a" * 20, 0x01020304, b"n" * 16, b"m" * 16, b"payloads after HASH"
    m = struct.pack("!I", mid)
    assert ike.qm_hash1("sha1", a, mid, rest) == prf("sha1", a, m, rest)
    assert ike.qm_hash2("sha1", a, mid, ni, rest) == prf("sha1", a, m, ni, rest)
    assert ike.qm_hash3("sha1", a, mid, ni, nr) == prf("sha1", a, b"\x00", m, ni, nr)


def test_bad_arguments():
    with pytest.raises(ikeoffload.ConfigError, match="prf: unknown hash 'sha3'"):
        ike.skeyid_psk("sha3", b"k", b"n" * 8, b"n" * 8)
    with pytest.raises(ikeoffload.ConfigError, match="hash: unknown hash"):
        ike.skeyid_pubkey_encryption("sha1", b"n", b"n", b"c" * 8, b"c" * 8, hash="whirlpool")
    with pytest.raises(ikeoffload.ConfigError, match="protocol"):
        ike.keymat("sha1", b"d" * 20, "gre", 1, b"n", b"n", 20)
    with pytest.raises(ikeoffload.ConfigError, match="protocol"):
        ike.keymat("sha1", b"d" * 20, 9, 1, b"n", b"n", 20)
    with pytest.raises(TypeError, match="psk: buffer"):
        ike.skeyid_psk("sha1", "text", b"n" * 8, b"n" * 8)
    assert ike.HASHES == ("md5", "sha1", "sha256", "sha384", "sha512")


def test_accepts_bytearray_and_memoryview():
    v = PSK[5]
    args = [bytearray(H(v["pre_shared_key"])), memoryview(H(v["ni"])), H(v["nr"])]
    assert ike.skeyid_psk(v["hash"], *args).hex() == v["skeyid"]
