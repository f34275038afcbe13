"""IKEv1 key derivation (RFC 2409 section 5, section 5.5 and Appendix B) over bytes.

The functions run the daemon's own C++ implementation (host/ike/keymat_v1),
so a script computes exactly what ikeoffd computes. `prf` names the hash of
the HMAC: one of :data:`HASHES`.

Example (pre-shared key, then the keys of one ESP SA)::

    skeyid = ike.skeyid_psk("sha1", psk, ni_b, nr_b)
    d, a, e = ike.skeyid_children("sha1", skeyid, gxy, cky_i, cky_r)
    km = ike.keymat("sha1", d, "esp", spi, ni_b, nr_b, 20 + 20)
    enc_key, integ_key = km[:20], km[20:]
"""

from ._ikeoffload import ike as _native

HASHES = _native.HASHES
SkeyidChildren = _native.SkeyidChildren
skeyid_psk = _native.skeyid_psk
skeyid_signature = _native.skeyid_signature
skeyid_pubkey_encryption = _native.skeyid_pubkey_encryption
skeyid_children = _native.skeyid_children
skeyid_d = _native.skeyid_d
skeyid_a = _native.skeyid_a
skeyid_e = _native.skeyid_e
encryption_key = _native.encryption_key
keymat = _native.keymat
hash_i = _native.hash_i
hash_r = _native.hash_r
qm_hash1 = _native.qm_hash1
qm_hash2 = _native.qm_hash2
qm_hash3 = _native.qm_hash3

__all__ = [
    "HASHES",
    "SkeyidChildren",
    "encryption_key",
    "hash_i",
    "hash_r",
    "keymat",
    "qm_hash1",
    "qm_hash2",
    "qm_hash3",
    "skeyid_a",
    "skeyid_children",
    "skeyid_d",
    "skeyid_e",
    "skeyid_psk",
    "skeyid_pubkey_encryption",
    "skeyid_signature",
]
