"""Every exception class, raised for its cause; the hierarchy; the attributes."""

import hashlib
import hmac
import socket
import threading

import pytest

import ikeoffload
from ikeoffload import PacketStatus
from conftest import GCM_KEY, SHA256_KEY, cbc_sa_fields, gcm_sa_fields, ipv4_udp, payload

PACKET_ERRORS = {
    PacketStatus.icv_failure: ikeoffload.IcvError,
    PacketStatus.replay: ikeoffload.ReplayError,
    PacketStatus.before_window: ikeoffload.BeforeWindowError,
    PacketStatus.bad_padding: ikeoffload.PaddingError,
    PacketStatus.unknown_spi: ikeoffload.UnknownSpiError,
    PacketStatus.sa_expired: ikeoffload.ExpiredError,
    PacketStatus.malformed: ikeoffload.MalformedError,
    PacketStatus.seq_overflow: ikeoffload.SequenceOverflowError,
    PacketStatus.buffer_too_small: ikeoffload.BufferTooSmallError,
    PacketStatus.wrong_direction: ikeoffload.WrongDirectionError,
    PacketStatus.unsupported: ikeoffload.UnsupportedPacketError,
}


def test_packet_status_values_are_the_engine_codes():
    assert [(s.name, int(s)) for s in PacketStatus] == [
        ("ok", 0), ("icv_failure", 1), ("replay", 2), ("before_window", 3), ("bad_padding", 4),
        ("unknown_spi", 5), ("sa_expired", 6), ("malformed", 7), ("seq_overflow", 8),
        ("buffer_too_small", 9), ("wrong_direction", 10), ("unsupported", 11)]
    assert set(PACKET_ERRORS) == set(PacketStatus) - {PacketStatus.ok}


def test_hierarchy():
    for cls in PACKET_ERRORS.values():
        assert issubclass(cls, ikeoffload.PacketError) and issubclass(cls, ikeoffload.Error)
        assert cls.__module__ == "ikeoffload"
        assert cls.__doc__
    assert issubclass(ikeoffload.ConfigError, ValueError)
    assert issubclass(ikeoffload.ParseError, ValueError)
    assert issubclass(ikeoffload.IsakmpError, ikeoffload.ParseError)
    assert issubclass(ikeoffload.NotFoundError, LookupError)
    assert issubclass(ikeoffload.IoError, OSError)
    assert issubclass(ikeoffload.DeadlineError, TimeoutError)
    assert issubclass(ikeoffload.AbiMismatchError, ikeoffload.NoDeviceError)
    assert issubclass(ikeoffload.DaemonUnreachableError, ikeoffload.DaemonError)
    assert issubclass(ikeoffload.DaemonUnreachableError, ConnectionError)
    for name in ("ConfigError", "ParseError", "UnsupportedError", "NotFoundError", "AlreadyExistsError",
                 "CryptoError", "IoError", "NoDeviceError", "AbiMismatchError", "StateError", "DeadlineError",
                 "InternalError", "PacketError", "DaemonError"):
        assert issubclass(getattr(ikeoffload, name), ikeoffload.Error)
    assert not issubclass(ikeoffload.Error, RuntimeError)


def _raises(cls, status, fn):
    with pytest.raises(cls) as info:
        fn()
    assert type(info.value) is cls, "expected exactly %s, got %r" % (cls.__name__, info.value)
    assert info.value.status is status
    return info.value


# ---- one test per packet status ---------------------------------------------

def test_icv_error(engine):
    sa = engine.add_sa(**gcm_sa_fields())
    esp = bytearray(sa.encap(ipv4_udp(payload(64))))
    esp[40] ^= 1
    e = _raises(ikeoffload.IcvError, PacketStatus.icv_failure, lambda: sa.decap(esp))
    assert "icv-failure" in str(e) and "0x00001000" in str(e)


def test_replay_error(engine):
    sa = engine.add_sa(**gcm_sa_fields())
    esp = sa.encap(ipv4_udp(b"x"))
    sa.decap(esp)
    _raises(ikeoffload.ReplayError, PacketStatus.replay, lambda: sa.decap(esp))


def test_before_window_error(engine):
    sa = engine.add_sa(**cbc_sa_fields(replay_window=64))
    packets = [sa.encap(ipv4_udp(payload(8, i))) for i in range(70)]
    sa.decap(packets[69])  # window top 70: 1..6 are now older than the window
    _raises(ikeoffload.BeforeWindowError, PacketStatus.before_window, lambda: sa.decap(packets[0]))
    assert sa.decap(packets[10]) == ipv4_udp(payload(8, 10))  # still inside


def test_padding_error(engine):
    """A packet whose ICV verifies but whose trailer is wrong: re-MAC a modified NULL-cipher packet."""
    sa = engine.add_sa(spi=0x4242, src="192.0.2.1", dst="192.0.2.2", enc="null", integ="sha256",
                       integ_key=SHA256_KEY)
    esp = bytearray(sa.encap(ipv4_udp(payload(30))))
    body = esp[20:-16]          # SPI .. next header (NULL cipher: plaintext)
    assert body[-1] == 4        # tunnel mode: next header IPv4
    body[-1] = 17               # not 4/41: bad_padding (RFC 4303 section 2.6)
    icv = hmac.new(SHA256_KEY, bytes(body), hashlib.sha256).digest()[:16]
    forged = bytes(esp[:20]) + bytes(body) + icv
    _raises(ikeoffload.PaddingError, PacketStatus.bad_padding, lambda: sa.decap(forged))


def test_unknown_spi_error(engine):
    other = ikeoffload.Engine("soft").add_sa(**gcm_sa_fields(spi=0xDEAD))
    esp = other.encap(ipv4_udp(b"x"))
    _raises(ikeoffload.UnknownSpiError, PacketStatus.unknown_spi, lambda: engine.decap(esp))


def test_expired_error(engine):
    sa = engine.add_sa(**gcm_sa_fields(hard={"packets": 1}))
    sa.encap(ipv4_udp(b"x"))
    _raises(ikeoffload.ExpiredError, PacketStatus.sa_expired, lambda: sa.encap(ipv4_udp(b"x")))


def test_malformed_error(engine):
    sa = engine.add_sa(**gcm_sa_fields())
    _raises(ikeoffload.MalformedError, PacketStatus.malformed, lambda: sa.encap(b"\x45" + bytes(10)))
    _raises(ikeoffload.MalformedError, PacketStatus.malformed, lambda: sa.decap(b"garbage"))
    _raises(ikeoffload.MalformedError, PacketStatus.malformed, lambda: sa.encap(b""))


def test_sequence_overflow_error(engine):
    sa = engine.add_sa(**gcm_sa_fields(seq=0xFFFFFFFF))
    sa.encap(ipv4_udp(b"last"))  # 2^32-1 is the last number without ESN
    _raises(ikeoffload.SequenceOverflowError, PacketStatus.seq_overflow, lambda: sa.encap(ipv4_udp(b"x")))
    assert [e["kind"] for e in engine.take_events()] == ["seq_overflow"]


def test_buffer_too_small_in_a_batch(engine):
    sa = engine.add_sa(**gcm_sa_fields())
    p = ipv4_udp(payload(200))
    res = sa.encap_buffer(p + p, [0, len(p)], [len(p), len(p)], stride=len(p) + 8)
    assert res.statuses() == [PacketStatus.buffer_too_small] * 2
    err = res.error(1)
    assert type(err) is ikeoffload.BufferTooSmallError and err.status is PacketStatus.buffer_too_small
    with pytest.raises(ikeoffload.BufferTooSmallError, match="packet 0"):
        res.check()


def test_wrong_direction_error(engine):
    out = engine.add_sa(**gcm_sa_fields(spi=0x101, direction="out"))
    inb = engine.add_sa(**gcm_sa_fields(spi=0x102, direction="in"))
    esp = out.encap(ipv4_udp(b"x"))
    _raises(ikeoffload.WrongDirectionError, PacketStatus.wrong_direction, lambda: inb.encap(ipv4_udp(b"x")))
    _raises(ikeoffload.WrongDirectionError, PacketStatus.wrong_direction, lambda: out.decap(esp))


def test_unsupported_packet_error():
    """csim's kernels take packets up to 9216 octets (jumbo frames); soft takes any IP packet."""
    if "csim" not in ikeoffload.available_drivers():
        pytest.skip("no csim driver")
    big = ipv4_udp(payload(10000))
    sa = ikeoffload.Engine("csim").add_sa(**gcm_sa_fields())
    _raises(ikeoffload.UnsupportedPacketError, PacketStatus.unsupported, lambda: sa.encap(big))
    assert ikeoffload.Engine("soft").add_sa(**gcm_sa_fields()).encap(big)


# ---- errors of calls ------------------------------------------------------------

@pytest.mark.parametrize("fields, message", [
    (gcm_sa_fields(enc_key=bytes(16)), "enc_key: .*20"),
    (cbc_sa_fields(integ_key=bytes(5)), "integ_key: .*20"),
    (gcm_sa_fields(enc="aes128gcm12x"), "enc: .*aes128gcm12x"),
    (cbc_sa_fields(integ="sha3"), "integ: .*sha3"),
    (gcm_sa_fields(replay_windw=64), "replay_windw: unknown field"),
    (gcm_sa_fields(spi=1 << 32), "spi: must be 0..0xffffffff"),
    (gcm_sa_fields(spi="zz"), "spi: expected a hex string"),
    (gcm_sa_fields(src="not-an-address"), "src: "),
    (gcm_sa_fields(seq=-1), "seq: must not be negative"),
    (gcm_sa_fields(replay_window=5000), "replay_window: at most 4096"),
    (gcm_sa_fields(esn="yes"), "esn: expected true or false"),
    (gcm_sa_fields(encap={"sport": 70000}), "encap.sport: at most 65535"),
    (gcm_sa_fields(iv_seed=bytes(3)), "iv_seed: needs 16 bytes"),
    (gcm_sa_fields(enc_key=object()), "enc_key: unsupported type object"),
    ({k: v for k, v in gcm_sa_fields().items() if k != "spi"}, "spi: required"),
    ({k: v for k, v in gcm_sa_fields().items() if k != "enc"}, "enc: required"),
    (cbc_sa_fields(integ="md5", integ_key=bytes(16)), "allow_weak"),
])
def test_bad_sa_fields_raise_config_error(soft, fields, message):
    with pytest.raises(ikeoffload.ConfigError, match=message) as info:
        soft.add_sa(**fields)
    assert isinstance(info.value, ValueError)
    assert info.value.code == "invalid_argument"


def test_add_sa_positional_must_be_a_dict(soft):
    with pytest.raises(ikeoffload.ConfigError, match="must be a dict"):
        soft.add_sa([("spi", 1)])


def test_already_exists_error(engine):
    engine.add_sa(**gcm_sa_fields(spi=0x999, direction="in"))
    with pytest.raises(ikeoffload.AlreadyExistsError) as info:
        engine.add_sa(**gcm_sa_fields(spi=0x999, direction="in"))
    assert info.value.code == "already_exists"


def test_not_found_error(soft):
    sa = soft.add_sa(**gcm_sa_fields())
    soft.remove_sa(sa)
    with pytest.raises(ikeoffload.NotFoundError) as info:
        sa.counters
    assert isinstance(info.value, LookupError) and info.value.code == "not_found"


def test_state_error(soft):
    soft.close()
    with pytest.raises(ikeoffload.StateError):
        soft.allocate_spi()


def test_unsupported_error_when_the_csim_sa_table_is_full():
    """csim's SA table has contract::kMaxSaSlots rows; one more is `unsupported`."""
    if "csim" not in ikeoffload.available_drivers():
        pytest.skip("no csim driver")
    e = ikeoffload.Engine("csim")
    fields = gcm_sa_fields(direction="out")
    added = 0
    with pytest.raises(ikeoffload.UnsupportedError, match="SA table full") as info:
        while added <= 1 << 20:
            fields["spi"] = added + 0x100
            e.add_sa(**fields)
            added += 1
    assert added == 65536
    assert info.value.code == "unsupported"


def test_parse_error_and_io_error(tmp_path, soft):
    sa = soft.add_sa(**gcm_sa_fields())
    not_pcap = tmp_path / "x.pcap"
    not_pcap.write_bytes(b"this is not a capture file at all")
    with pytest.raises(ikeoffload.ParseError):
        ikeoffload.pcap.decap_file(not_pcap, tmp_path / "o.pcap", sa)
    with pytest.raises(ikeoffload.NotFoundError):
        ikeoffload.pcap.decap_file(tmp_path / "missing.pcap", tmp_path / "o.pcap", sa)
    from scapy.all import wrpcap, IP
    good = tmp_path / "in.pcap"
    wrpcap(str(good), [IP(ipv4_udp(b"x"))])
    with pytest.raises(ikeoffload.IoError) as info:
        ikeoffload.pcap.encap_file(good, tmp_path / "no" / "such" / "dir.pcap", sa)
    assert isinstance(info.value, OSError)


def test_isakmp_error_carries_the_notify():
    with pytest.raises(ikeoffload.IsakmpError) as info:
        ikeoffload.isakmp.parse(b"\x01" * 10)
    assert info.value.notify == "PAYLOAD-MALFORMED"
    assert isinstance(info.value, ValueError)


def test_deadline_error_from_a_silent_daemon(tmp_path):
    path = str(tmp_path / "silent.ctl")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(1)
    held = []
    t = threading.Thread(target=lambda: held.append(server.accept()), daemon=True)
    t.start()
    try:
        with pytest.raises(ikeoffload.DeadlineError):
            ikeoffload.Controller(path, timeout=0.3).status()
    finally:
        t.join(2)
        for conn, _ in held:
            conn.close()
        server.close()


def test_errors_from_library_carry_code_and_errors_from_python_do_not():
    assert ikeoffload.Error("x").code is None
    with pytest.raises(ikeoffload.ConfigError) as info:
        ikeoffload.ike.skeyid_psk("sha3", b"k", b"n" * 8, b"n" * 8)
    assert info.value.code == "invalid_argument"
