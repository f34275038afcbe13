"""Engine and Sa: construction, SA fields, single-packet round trips, counters, info."""

import ipaddress
import struct

import pytest

import ikeoffload
from conftest import (CBC_KEY, GCM_KEY, SHA1_KEY, SHA256_KEY, SOFTWARE_DRIVERS, cbc_sa_fields, gcm_sa_fields,
                      ipv4_udp, ipv6_udp, payload)


def test_available_drivers_lists_software_drivers():
    drivers = ikeoffload.available_drivers()
    assert "soft" in drivers and "csim" in drivers
    assert len(set(drivers)) == len(drivers)


@pytest.mark.parametrize("driver", SOFTWARE_DRIVERS)
def test_engine_reports_the_driver_it_runs(driver):
    e = ikeoffload.Engine(driver)
    assert e.driver == driver
    assert driver in e.description
    assert e.notices == []
    assert not e.closed
    assert repr(e) == "<ikeoffload.Engine driver=%s>" % driver


def test_auto_falls_back_without_a_card_and_says_why():
    e = ikeoffload.Engine("auto", fallback="csim")
    # No Alveo card on the test machines: auto must land on the fallback.
    assert e.driver == "csim"
    assert any("csim" in n for n in e.notices)
    assert ikeoffload.Engine().driver == "soft"


def test_unknown_driver_is_a_config_error():
    with pytest.raises(ikeoffload.ConfigError, match="unknown engine 'nope'"):
        ikeoffload.Engine("nope")


def test_xrt_without_a_card_raises_no_device():
    if "xrt" not in ikeoffload.available_drivers():
        pytest.skip("this build has no xrt driver")
    with pytest.raises(ikeoffload.NoDeviceError) as info:
        ikeoffload.Engine("xrt", xclbin="/nonexistent/ikeoff.xclbin")
    assert info.value.code == "no_device"
    assert "engine xrt" in str(info.value)
    with pytest.raises(ikeoffload.NoDeviceError, match="no Alveo card|XRT|xrt"):
        ikeoffload.Engine("xrt")


def _roundtrip(sa, inner):
    esp = sa.encap(inner)
    assert isinstance(esp, bytes)
    assert esp != inner and len(esp) > len(inner)
    assert sa.decap(esp) == inner
    return esp


@pytest.mark.parametrize("fields", [
    gcm_sa_fields(),
    gcm_sa_fields(enc="aes256gcm16", enc_key=bytes(range(36)), esn=True, seq=0xFFFFFFF0),
    dict(spi=0x3000, src="192.0.2.1", dst="192.0.2.2", enc="aes128gmac", enc_key=GCM_KEY),
    cbc_sa_fields(),
    cbc_sa_fields(enc="aes256", enc_key=bytes(32), integ="sha256", integ_key=SHA256_KEY, encap=True),
    cbc_sa_fields(enc="3des", enc_key=bytes(range(24))),
    dict(spi=0x4000, src="192.0.2.1", dst="192.0.2.2", enc="null", integ="sha256", integ_key=SHA256_KEY),
    dict(spi=0x5000, protocol="ah", src="192.0.2.1", dst="192.0.2.2", integ="sha1", integ_key=SHA1_KEY),
    dict(spi=0x6000, mode="transport", enc="aes128gcm16", enc_key=GCM_KEY),
], ids=["gcm", "gcm256-esn", "gmac", "cbc-sha1", "cbc256-sha256-natt", "3des", "null", "ah", "transport"])
def test_roundtrip_every_transform(engine, fields):
    sa = engine.add_sa(**fields)
    for n in (0, 1, 15, 16, 17, 100, 1400):
        _roundtrip(sa, ipv4_udp(payload(n, n)))


def test_roundtrip_ipv6_inner_and_outer(engine):
    sa = engine.add_sa(spi=0x7700, src="2001:db8::1", dst="2001:db8::2", enc="aes128gcm16", enc_key=GCM_KEY)
    esp = _roundtrip(sa, ipv6_udp(payload(300)))
    assert esp[0] >> 4 == 6 and esp[6] == 50  # outer IPv6, next header ESP


def test_tunnel_packet_format(engine):
    """Outer header and ESP header as sa.hpp specifies them."""
    sa = engine.add_sa(**gcm_sa_fields(spi=0xC0FFEE01, seq=7))
    inner = ipv4_udp(payload(64))
    esp = sa.encap(inner)
    assert esp[0] == 0x45 and esp[9] == 50
    assert esp[12:16] == bytes([192, 0, 2, 1]) and esp[16:20] == bytes([192, 0, 2, 2])
    assert struct.unpack("!H", esp[2:4])[0] == len(esp)
    spi, seq = struct.unpack("!II", esp[20:28])
    assert (spi, seq) == (0xC0FFEE01, 7)
    # GCM IV: the 64-bit sequence number
    assert esp[28:36] == struct.pack("!Q", 7)


def test_udp_encapsulation_ports(engine):
    # inbound, ESP-in-UDP is recognised by destination port 4500 (RFC 3948)
    sa = engine.add_sa(**gcm_sa_fields(encap={"sport": 4501, "dport": 4500}))
    esp = sa.encap(ipv4_udp(b"x"))
    assert esp[9] == 17
    assert struct.unpack("!HH", esp[20:24]) == (4501, 4500)
    assert engine.decap(esp) == ipv4_udp(b"x")


def test_add_sa_accepts_a_dict_hex_strings_and_ipaddress_objects(soft):
    sa = soft.add_sa({"spi": "0x00001234", "enc": "aes128gcm16", "enc_key": GCM_KEY.hex()},
                     src=ipaddress.ip_address("192.0.2.1"), dst=ipaddress.ip_address("192.0.2.2"),
                     replay_window=None)
    assert sa.spi == 0x1234
    info = sa.info
    assert info["src"] == "192.0.2.1" and info["dst"] == "192.0.2.2"
    assert info["replay_window"] == 64  # None means default


def test_keywords_override_the_dict(soft):
    sa = soft.add_sa(gcm_sa_fields(spi=0x101), spi=0x102)
    assert sa.spi == 0x102


def test_info_mirrors_the_sa_fields(engine):
    sa = engine.add_sa(**cbc_sa_fields(spi=0xABC, mode="tunnel", direction="both", esn=True, seq=5,
                                       replay_window=128, encap=True, soft={"packets": 10},
                                       hard={"bytes": 10000, "packets": 20}))
    info = sa.info
    assert info["handle"] == sa.handle
    assert info["spi"] == 0xABC
    assert (info["protocol"], info["mode"], info["direction"]) == ("esp", "tunnel", "both")
    assert (info["enc"], info["integ"]) == ("aes128", "sha1")
    assert info["esn"] is True and info["replay_window"] == 128
    assert info["encap"] == {"sport": 4500, "dport": 4500}
    assert info["soft"] == {"bytes": 0, "packets": 10}
    assert info["hard"] == {"bytes": 10000, "packets": 20}
    assert info["next_seq"] == 5
    assert info["soft_expired"] is False and info["hard_expired"] is False
    assert "enc_key" not in info and "integ_key" not in info
    sa.encap(ipv4_udp(b"a"))
    assert sa.info["next_seq"] == 6


def test_counters_count_packets_bytes_and_drops(engine):
    sa = engine.add_sa(**gcm_sa_fields())
    inner = [ipv4_udp(payload(n)) for n in (10, 20, 30)]
    esp = [sa.encap(p) for p in inner]
    with pytest.raises(ikeoffload.IcvError):
        sa.decap(esp[0][:-1] + bytes([esp[0][-1] ^ 1]))
    for p in esp:
        sa.decap(p)
    c = sa.counters
    # 3 out + 3 in, bytes = the plaintext IP packets both ways
    assert c["packets"] == 6
    assert c["bytes"] == 2 * sum(map(len, inner))
    assert c["drops"]["icv_failure"] == 1
    assert sum(c["drops"].values()) == 1
    assert set(c["drops"]) == {s.name for s in ikeoffload.PacketStatus}
    ec = engine.counters
    assert ec["packets"] == 7 and ec["batches"] == 7
    assert ec["by_status"]["ok"] == 6 and ec["by_status"]["icv_failure"] == 1
    assert ec["bytes_in"] == sum(map(len, inner)) + sum(map(len, esp)) + len(esp[0])
    assert ec["bytes_out"] == sum(map(len, inner)) + sum(map(len, esp))
    assert sa.info["counters"] == sa.counters


def test_engine_decap_finds_the_sa_by_spi(engine):
    a = engine.add_sa(**gcm_sa_fields(spi=0x1010))
    b = engine.add_sa(**cbc_sa_fields(spi=0x1020))
    pa, pb = ipv4_udp(b"for a"), ipv4_udp(b"for b")
    assert engine.decap(b.encap(pb)) == pb
    assert engine.decap(a.encap(pa)) == pa
    with pytest.raises(ikeoffload.UnknownSpiError):
        b.decap(a.encap(pa))  # forced to SA b, whose SPI differs


def test_sas_find_inbound_and_remove(engine):
    a = engine.add_sa(**gcm_sa_fields(spi=0x1010))
    b = engine.add_sa(**gcm_sa_fields(spi=0x1020, direction="in"))
    c = engine.add_sa(**gcm_sa_fields(spi=0x1030, direction="out"))
    assert engine.sas == [a, b, c]
    assert engine.find_inbound(0x1020) == b
    assert engine.find_inbound(0x1030) is None  # outbound-only SAs are not looked up inbound
    assert engine.find_inbound(0x1020, protocol="ah") is None
    engine.remove_sa(b)
    assert engine.sas == [a, c]
    assert engine.find_inbound(0x1020) is None
    with pytest.raises(ikeoffload.NotFoundError):
        engine.remove_sa(b)
    with pytest.raises(ikeoffload.NotFoundError):
        b.info
    with pytest.raises(ikeoffload.UnknownSpiError):
        b.encap(ipv4_udp(b"x"))


def test_remove_sa_refuses_an_sa_of_another_engine(soft):
    other = ikeoffload.Engine("soft")
    sa = other.add_sa(**gcm_sa_fields())
    with pytest.raises(ikeoffload.ConfigError, match="another engine"):
        soft.remove_sa(sa)


def test_allocate_spi_avoids_inbound_spis(soft):
    spis = {soft.allocate_spi() for _ in range(20)}
    assert len(spis) == 20 and 0 not in spis
    for spi in spis:
        soft.add_sa(**gcm_sa_fields(spi=spi, direction="in"))
    assert soft.allocate_spi("esp") not in spis
    assert isinstance(soft.allocate_spi("ah"), int)


def test_sa_handle_identity_and_repr(soft):
    sa = soft.add_sa(**cbc_sa_fields(spi=0xC0FFEE))
    same = soft.find_inbound(0xC0FFEE)
    assert same == sa and hash(same) == hash(sa) and same is not sa
    assert sa != 5 and sa != soft and not (soft == sa)
    assert sa.engine == soft
    assert sa.handle == sa.info["handle"]
    assert repr(sa) == "<ikeoffload.Sa spi=0x00c0ffee esp tunnel aes128-sha1 on soft>"


def test_update_changes_lifetimes_encap_and_addresses(engine):
    sa = engine.add_sa(**gcm_sa_fields())
    sa.update(encap={"sport": 4500, "dport": 4501}, src="198.51.100.1", dst="198.51.100.2",
              soft={"packets": 2}, hard={"packets": 3, "bytes": 0})
    info = sa.info
    assert info["encap"] == {"sport": 4500, "dport": 4501}
    assert (info["src"], info["dst"]) == ("198.51.100.1", "198.51.100.2")
    esp = sa.encap(ipv4_udp(b"x"))
    assert esp[12:16] == bytes([198, 51, 100, 1]) and esp[9] == 17
    sa.update(encap=None)
    assert sa.info["encap"] is None
    assert sa.encap(ipv4_udp(b"x"))[9] == 50
    sa.encap(ipv4_udp(b"x"))
    with pytest.raises(ikeoffload.ExpiredError):
        sa.encap(ipv4_udp(b"x"))
    with pytest.raises(ikeoffload.ConfigError, match="spi: not a field"):
        sa.update(spi=5)
    with pytest.raises(ikeoffload.ConfigError, match="soft.bites: unknown field"):
        sa.update(soft={"bites": 1})


def test_events_report_soft_and_hard_expiry(engine):
    sa = engine.add_sa(**gcm_sa_fields(soft={"packets": 1}, hard={"packets": 2}))
    assert engine.take_events() == []
    sa.encap(ipv4_udp(b"1"))
    sa.encap(ipv4_udp(b"2"))
    events = engine.take_events()
    assert [(e["kind"], e["by"], e["spi"], e["handle"]) for e in events] == [
        ("soft_expired", "packets", 0x1000, sa.handle), ("hard_expired", "packets", 0x1000, sa.handle)]
    assert engine.take_events() == []
    assert sa.info["soft_expired"] and sa.info["hard_expired"]


def test_close_and_context_manager(soft):
    with ikeoffload.Engine("soft") as e:
        sa = e.add_sa(**gcm_sa_fields())
        sa.encap(ipv4_udp(b"x"))
    assert e.closed
    assert "closed" in repr(e)
    for call in (lambda: sa.encap(ipv4_udp(b"x")), lambda: sa.info, lambda: e.counters,
                 lambda: e.add_sa(**gcm_sa_fields(spi=0x909))):
        with pytest.raises(ikeoffload.StateError, match="closed"):
            call()
    e.close()  # idempotent


def test_inputs_may_be_any_bytes_like_object(soft):
    sa = soft.add_sa(**gcm_sa_fields())
    inner = ipv4_udp(payload(50))
    for obj in (inner, bytearray(inner), memoryview(inner), memoryview(b"xx" + inner)[2:]):
        assert sa.decap(sa.encap(obj)) == inner
    with pytest.raises(TypeError, match=r"packet: buffer"):
        sa.encap("not bytes")
    with pytest.raises(TypeError, match="contiguous"):
        sa.encap(memoryview(inner)[::2])


def test_results_are_independent_bytes(soft):
    """Outputs are fresh bytes objects; changing or dropping inputs does not touch them."""
    sa = soft.add_sa(**gcm_sa_fields())
    buf = bytearray(ipv4_udp(payload(40)))
    esp = sa.encap(buf)
    original = bytes(buf)
    buf[30] ^= 0xFF
    del buf
    assert sa.decap(esp) == original


def test_csim_and_soft_produce_identical_packets():
    if "csim" not in ikeoffload.available_drivers():
        pytest.skip("no csim driver")
    fields = cbc_sa_fields(iv_seed=bytes(range(16)))
    a = ikeoffload.Engine("soft").add_sa(**fields)
    b = ikeoffload.Engine("csim").add_sa(**fields)
    for n in (1, 100, 1000):
        p = ipv4_udp(payload(n))
        assert a.encap(p) == b.encap(p)
