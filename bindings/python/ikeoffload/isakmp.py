"""ISAKMP messages (RFC 2408, RFC 2407, RFC 2409, RFC 3947) to dicts and back.

parse() checks a cleartext message as ikeoffd does (RFC 2408 section 5.2)
and returns ``{"header": {...}, "payloads": [...], "padding": n}``; build()
generates a message from the same shape. Names are the RFC spellings
("ID_PROT", "SA", "NONCE", "INVALID-SPI", "ESP"); numbers are accepted
wherever a name is. Parse errors raise :class:`ikeoffload.IsakmpError`
whose ``notify`` is what a peer would be told.

Example::

    msg = isakmp.parse(datagram)
    if msg["header"]["exchange"] == "ID_PROT":
        sa = msg["payloads"][0]
        for t in sa["proposals"][0]["transforms"]:
            print([(a["name"], a.get("value_name")) for a in t["attributes"]])
    assert isakmp.build(msg) == datagram
"""

from ._ikeoffload import isakmp as _native

HEADER_SIZE = _native.HEADER_SIZE
FLAG_ENCRYPTION = _native.FLAG_ENCRYPTION
FLAG_COMMIT = _native.FLAG_COMMIT
FLAG_AUTH_ONLY = _native.FLAG_AUTH_ONLY
parse = _native.parse
parse_header = _native.parse_header
parse_body = _native.parse_body
build = _native.build
build_payloads = _native.build_payloads
encode_body = _native.encode_body
describe = _native.describe

__all__ = [
    "FLAG_AUTH_ONLY",
    "FLAG_COMMIT",
    "FLAG_ENCRYPTION",
    "HEADER_SIZE",
    "build",
    "build_payloads",
    "describe",
    "encode_body",
    "parse",
    "parse_body",
    "parse_header",
]
