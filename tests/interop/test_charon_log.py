"""The charon log parser against Wireshark key tables made independently
from the same runs (tests/interop/data, from the strongSwan peer recipe)."""
import csv
from pathlib import Path

from ikeoff_interop.charon_log import child_sas
from ikeoff_interop.strongswan import parse_list_sas

DATA = Path(__file__).parent / "data"


def esp_table(name):
    """{spi: (dst, enc key hex, integ key hex)} from an esp_sa UAT file."""
    rows = {}
    with open(DATA / name) as f:
        for r in csv.reader(f):
            rows[r[3][2:]] = (r[2], r[5][2:].lower(), r[7][2:].lower())
    return rows


def test_main_mode_initiator_keys_match_the_wireshark_table():
    sas = child_sas((DATA / "mm-psk_aes128-sha1-modp2048_esp-aes128-sha1.initiator-charon.log").read_text())
    table = esp_table("mm-psk_aes128-sha1-modp2048_esp-aes128-sha1.pcapng.esp_sa")
    assert len(sas) == 1
    sa = sas[0]
    assert sa["qm_initiator"] is True
    assert table[sa["spi_in"]] == ("10.77.0.1", sa["in_enc"], sa["in_integ"])
    assert table[sa["spi_out"]] == ("10.77.0.2", sa["out_enc"], sa["out_integ"])
    assert len(sa["out_enc"]) == 32 and len(sa["out_integ"]) == 40


def test_aggressive_mode_responder_gcm_keys_include_the_salt():
    sas = child_sas(
        (DATA / "am-psk_aes256-sha256-modp2048_esp-aes256gcm16-pfs-modp2048.responder-charon.log").read_text())
    table = esp_table("am-psk_aes256-sha256-modp2048_esp-aes256gcm16-pfs-modp2048.pcapng.esp_sa")
    assert len(sas) == 1
    sa = sas[0]
    assert sa["qm_initiator"] is False
    assert len(sa["in_enc"]) == 72  # 32-byte key + 4-byte salt
    assert sa["in_integ"] == "" and sa["out_integ"] == ""
    assert table[sa["spi_in"]][1] == sa["in_enc"]
    assert table[sa["spi_out"]][1] == sa["out_enc"]


def test_list_sas_parser():
    text = """peer: #1, ESTABLISHED, IKEv1, 7255af36e26e3112_i* 5f3f1c1aa3fbd0f4_r
  local  '10.77.0.1' @ 10.77.0.1[4500]
  remote '10.77.0.2' @ 10.77.0.2[4500]
  AES_CBC-128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048
  established 0s ago, reauth in 13897s
  net: #1, reqid 1, INSTALLED, TUNNEL-in-UDP, ESP:AES_CBC-128/HMAC_SHA1_96
    installed 0s ago, rekeying in 3232s, expires in 3960s
    in  c9a1ee31,    252 bytes,     3 packets,     0s ago
    out cc0de2b2,    252 bytes,     3 packets,     0s ago
    local  10.77.1.0/24
    remote 10.77.2.0/24
"""
    s = parse_list_sas(text)
    assert s["ike"] == [{"name": "peer", "id": 1, "state": "ESTABLISHED", "cookie_i": "7255af36e26e3112",
                         "cookie_r": "5f3f1c1aa3fbd0f4"}]
    c = s["children"][0]
    assert (c["state"], c["mode"], c["spi_in"], c["spi_out"], c["packets_in"]) == (
        "INSTALLED", "TUNNEL-in-UDP", "c9a1ee31", "cc0de2b2", 3)
    assert c["proposal"] == "ESP:AES_CBC-128/HMAC_SHA1_96"
