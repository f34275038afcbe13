"""ikeoffload.isakmp: parse/build of ISAKMP messages as dicts."""

import struct

import pytest

import ikeoffload
from ikeoffload import isakmp

COOKIE_I = bytes.fromhex("16079285048c779c")
COOKIE_R = bytes.fromhex("b2f3a0c4d5e6f708")


def main_mode_1():
    return {
        "header": {"initiator_cookie": COOKIE_I, "exchange": "ID_PROT"},
        "payloads": [
            {"type": "SA", "doi": 1, "situation": 1, "proposals": [
                {"number": 1, "protocol": "ISAKMP", "spi": b"", "transforms": [
                    {"number": 1, "id": 1, "attributes": [
                        {"type": 1, "value": 7},        # Encryption-Algorithm AES-CBC
                        {"type": 14, "value": 128},     # Key-Length
                        {"type": 2, "value": 2},        # Hash SHA
                        {"type": 3, "value": 1},        # Authentication pre-shared key
                        {"type": 4, "value": 14},       # Group 14
                        {"type": 11, "value": 1},       # Life-Type seconds
                        {"type": 12, "value": b"\x00\x01\x51\x80"},  # Life-Duration 86400 as TLV
                    ]}]}]},
            {"type": "VENDOR_ID", "data": bytes.fromhex("4a131c81070358455c5728f20e95452f")},
            {"type": "NAT_D", "hash": b"\x01" * 20},
        ],
    }


def test_build_then_parse():
    wire = isakmp.build(main_mode_1())
    assert wire[:8] == COOKIE_I and wire[8:16] == bytes(8)
    assert wire[16] == 1 and wire[17] == 0x10 and wire[18] == 2  # next payload SA, version 1.0, ID_PROT
    assert struct.unpack("!I", wire[24:28])[0] == len(wire)
    msg = isakmp.parse(wire)
    h = msg["header"]
    assert h["exchange"] == "ID_PROT" and h["next_payload"] == "SA" and h["length"] == len(wire)
    assert (h["major_version"], h["minor_version"], h["flags"], h["message_id"]) == (1, 0, 0, 0)
    assert [p["type"] for p in msg["payloads"]] == ["SA", "VENDOR_ID", "NAT_D"]
    sa = msg["payloads"][0]
    t = sa["proposals"][0]["transforms"][0]
    assert sa["proposals"][0]["protocol"] == "ISAKMP" and t["id_name"] == "KEY_IKE"
    attrs = {a["name"]: a for a in t["attributes"]}
    assert attrs["Encryption-Algorithm"]["value"] == 7 and attrs["Encryption-Algorithm"]["value_name"] == "AES-CBC"
    assert attrs["Life-Duration"]["tv"] is False and attrs["Life-Duration"]["number"] == 86400
    assert msg["payloads"][2]["hash"] == b"\x01" * 20
    assert msg["padding"] == 0
    # parse -> build is the identity on the wire
    assert isakmp.build(msg) == wire


def test_raw_bodies_are_what_rfc2409_hashes():
    wire = isakmp.build(main_mode_1())
    msg = isakmp.parse(wire)
    sa_payload = msg["payloads"][0]
    # SAi_b: the SA payload body without its generic header
    assert sa_payload["raw"] == isakmp.encode_body(sa_payload)
    assert wire[28 + 4:28 + 4 + len(sa_payload["raw"])] == sa_payload["raw"]


def test_against_scapy_isakmp():
    """scapy's ISAKMP layer (an independent encoder) builds, we parse, and the reverse."""
    sc = pytest.importorskip("scapy.layers.isakmp")
    pkt = sc.ISAKMP(init_cookie=COOKIE_I, exch_type="identity prot.", next_payload=1) / sc.ISAKMP_payload_SA(
        prop=sc.ISAKMP_payload_Proposal(trans_nb=1, trans=sc.ISAKMP_payload_Transform(
            transforms=[("Encryption", "AES-CBC"), ("KeyLength", 256), ("Hash", "SHA"),
                        ("Authentication", "PSK"), ("GroupDesc", "2048MODPgr"), ("LifeType", "Seconds"),
                        ("LifeDuration", 28800)])))
    msg = isakmp.parse(bytes(pkt))
    t = msg["payloads"][0]["proposals"][0]["transforms"][0]
    values = {a["name"]: a.get("value_name") for a in t["attributes"]}
    assert values["Encryption-Algorithm"] == "AES-CBC"
    assert values["Group-Description"] in ("MODP-2048", "modp2048", "14") or "2048" in values["Group-Description"]
    assert {a["name"]: a["value"] for a in t["attributes"] if a["tv"]}["Key-Length"] == 256
    ours = isakmp.build(msg)
    back = sc.ISAKMP(ours)
    assert back.init_cookie == COOKIE_I and back.exch_type == 2
    assert bytes(back) == bytes(pkt)


def test_every_buildable_payload_type_round_trips():
    payloads = [
        {"type": "HASH", "data": b"h" * 20},
        {"type": "SA", "proposals": [{"protocol": "ESP", "spi": b"\xc0\xff\xee\x01", "transforms": [
            {"id": 12, "attributes": [{"type": 1, "value": 1}, {"type": 2, "value": 3600, "tv": False},
                                      {"type": 4, "value": 1}, {"type": 5, "value": 2}, {"type": 6, "value": 128}]}]}]},
        {"type": "NONCE", "data": b"n" * 16},
        {"type": "KEY_EXCHANGE", "data": b"k" * 256},
        {"type": "ID", "id_type": "ID_IPV4_ADDR_SUBNET", "protocol": 0, "port": 0,
         "data": bytes([10, 1, 0, 0, 255, 255, 255, 0])},
        {"type": "ID", "id_type": "ID_FQDN", "data": b"vpn.example.org"},
        {"type": "NOTIFICATION", "protocol": "ESP", "notify_type": "INITIAL-CONTACT", "spi": b"\0\0\0\1",
         "data": b""},
        {"type": "DELETE", "protocol": "ESP", "spis": [b"\0\0\0\1", b"\0\0\0\2"]},
        {"type": "VENDOR_ID", "data": b"v" * 16},
        {"type": "NAT_D_DRAFT", "hash": b"d" * 20},
        {"type": "NAT_OA", "id_type": "ID_IPV4_ADDR", "address": bytes([192, 168, 1, 2])},
        {"type": "CERTIFICATE_REQUEST", "cert_type": "X509_SIGNATURE", "authority": b""},
        {"type": "CERTIFICATE", "encoding": "X509_SIGNATURE", "data": b"0\x82cert"},
        {"type": "SIGNATURE", "data": b"s" * 64},
    ]
    msg = {"header": {"initiator_cookie": COOKIE_I, "responder_cookie": COOKIE_R, "exchange": "INFORMATIONAL",
                      "message_id": 0x11223344}, "payloads": payloads}
    wire = isakmp.build(msg)
    back = isakmp.parse(wire)
    assert back["header"]["message_id"] == 0x11223344
    assert [p["type"] for p in back["payloads"]] == [p["type"] for p in payloads]
    ids = [p for p in back["payloads"] if p["type"] == "ID"]
    assert ids[0]["text"] == "10.1.0.0/24" and ids[1]["text"] == "vpn.example.org"
    n = back["payloads"][6]
    assert (n["notify_type"], n["protocol"], n["spi"]) == ("INITIAL-CONTACT", "ESP", b"\0\0\0\1")
    assert back["payloads"][7]["spis"] == [b"\0\0\0\1", b"\0\0\0\2"]
    assert back["payloads"][10]["text"] == "192.168.1.2"
    assert isakmp.build(back) == wire
    # names and numbers are interchangeable
    numeric = dict(msg, header=dict(msg["header"], exchange=5))
    numeric["payloads"] = [dict(p, type={"HASH": 8}.get(p["type"], p["type"])) for p in payloads]
    assert isakmp.build(numeric) == wire


@pytest.mark.parametrize("mutate, notify", [
    (lambda w: w[:20], "PAYLOAD-MALFORMED"),
    (lambda w: w[:17] + b"\x20" + w[18:], "INVALID-MAJOR-VERSION"),
    (lambda w: bytes(8) + w[8:], "INVALID-COOKIE"),
    (lambda w: w[:18] + b"\x63" + w[19:], "INVALID-EXCHANGE-TYPE"),
    (lambda w: w[:19] + b"\x80" + w[20:], "INVALID-FLAGS"),
    (lambda w: w + b"\0", "UNEQUAL-PAYLOAD-LENGTHS"),
    (lambda w: w[:16] + b"\x63" + w[17:], "INVALID-PAYLOAD-TYPE"),
])
def test_parse_errors_name_the_notify(mutate, notify):
    wire = isakmp.build(main_mode_1())
    with pytest.raises(ikeoffload.IsakmpError) as info:
        isakmp.parse(mutate(wire))
    assert info.value.notify == notify
    assert notify in str(info.value)


def test_trailing_bytes_may_be_allowed():
    wire = isakmp.build(main_mode_1())
    assert isakmp.parse(wire + b"junk", allow_trailing_bytes=True)["header"]["length"] == len(wire)


def test_encrypted_messages_parse_in_two_steps():
    """parse() refuses an encrypted message; parse_header() frames it and
    parse_body() reads the decrypted body (cipher padding allowed)."""
    body, first = isakmp.build_payloads([{"type": "HASH", "data": b"h" * 20},
                                         {"type": "NOTIFICATION", "notify_type": "R-U-THERE",
                                          "protocol": "ISAKMP", "spi": COOKIE_I + COOKIE_R,
                                          "data": b"\0\0\0\7"}])
    assert first == "HASH"
    padded = body + bytes(16 - len(body) % 16)
    header = struct.pack("!8s8sBBBBII", COOKIE_I, COOKIE_R, 8, 0x10, 5, isakmp.FLAG_ENCRYPTION, 0x55,
                         28 + len(padded))
    wire = header + padded  # stands in for ciphertext of the same length
    with pytest.raises(ikeoffload.IsakmpError) as info:
        isakmp.parse(wire)
    assert info.value.notify is None
    h, b = isakmp.parse_header(wire)
    assert h["flags"] & isakmp.FLAG_ENCRYPTION and b == padded
    msg = isakmp.parse_body(h, padded)
    assert [p["type"] for p in msg["payloads"]] == ["HASH", "NOTIFICATION"]
    assert msg["payloads"][1]["notify_type"] == "R-U-THERE"
    assert msg["padding"] == len(padded) - len(body)
    with pytest.raises(ikeoffload.IsakmpError):
        isakmp.parse_body(h, padded, allow_padding=False)
    assert "flags=E" in isakmp.describe(wire) or "E" in isakmp.describe(wire)


def test_describe():
    line = isakmp.describe(isakmp.build(main_mode_1()))
    assert line.startswith("ID_PROT") and "SA" in line


@pytest.mark.parametrize("message, error", [
    ({"header": {"exchange": "ID_PROT"}, "payloads": [{"type": "NONCE"}]}, "payloads\\[0\\].data: required"),
    ({"header": {"exchange": "NOPE"}}, "header.exchange: unknown exchange type 'NOPE'"),
    ({"header": {"exchange": "ID_PROT", "initiator_cookie": b"123"}}, "header.initiator_cookie: needs 8 bytes"),
    ({"header": {}}, "header.exchange: required"),
    ({"header": {"exchange": 2}, "payloads": [{"type": "SA", "proposals": [{"protocl": "ESP"}]}]},
     "payloads\\[0\\].proposals\\[0\\].protocl: unknown field"),
    ({"header": {"exchange": 2}, "payloads": [{"type": "NONCE", "data": "text"}]}, "expected bytes, got str"),
    ({"header": {"exchange": 2}, "payloads": [{"type": "PROPOSAL"}]}, "cannot be built"),
    ({"header": {"exchange": 2, "flags": 1}}, "cleartext"),
    ({"header": {"exchange": 2}, "extra": 1}, "extra: unknown field"),
    ({"header": {"exchange": 2}, "payloads": [{"type": "SA", "proposals": [{"transforms": [
        {"attributes": [{"type": 1, "value": 70000, "tv": True}]}]}]}]}, "TV attribute holds at most 65535"),
])
def test_build_errors_name_the_field(message, error):
    with pytest.raises(ikeoffload.ConfigError, match=error):
        isakmp.build(message)


def test_constants():
    assert isakmp.HEADER_SIZE == 28
    assert (isakmp.FLAG_ENCRYPTION, isakmp.FLAG_COMMIT, isakmp.FLAG_AUTH_ONLY) == (1, 2, 4)
