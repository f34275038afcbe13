"""ikeoffload.pcap: capture files through an SA, byte-identical to `ikeoffctl esp`."""

import json
import subprocess

import pytest

scapy_all = pytest.importorskip("scapy.all")
from scapy.all import ARP, IP, Ether, rdpcap, wrpcap  # noqa: E402

import ikeoffload  # noqa: E402
from conftest import GCM_KEY, build_dir, cbc_sa_fields, gcm_sa_fields, ipv4_udp, ipv6_udp, payload  # noqa: E402


def _ip_capture(path, packets):
    wrpcap(str(path), [IP(p) for p in packets])


@pytest.fixture
def inner():
    return [ipv4_udp(payload(40 + 13 * i, i), ident=i) for i in range(20)]


def test_encap_then_decap_file(tmp_path, engine, inner):
    sa = engine.add_sa(**gcm_sa_fields())
    src, esp, plain = tmp_path / "in.pcap", tmp_path / "esp.pcap", tmp_path / "plain.pcap"
    _ip_capture(src, inner)
    stats = ikeoffload.pcap.encap_file(src, esp, sa, batch=7)
    assert stats["frames"] == 20 and stats["packets"] == 20 and stats["written"] == 20
    assert stats["dropped"] == 0 and stats["non_ip"] == 0
    assert stats["batches"] == 3
    assert stats["bytes_in"] == sum(map(len, inner))
    assert stats["status"]["ok"] == 20 and sum(stats["status"].values()) == 20
    assert stats["events"] == []
    wire = [bytes(p) for p in rdpcap(str(esp))]
    assert all(w[9] == 50 for w in wire)
    assert stats["bytes_out"] == sum(map(len, wire))
    back = ikeoffload.pcap.decap_file(str(esp), str(plain), sa)
    assert back["written"] == 20
    assert [bytes(p) for p in rdpcap(str(plain))] == inner


def test_decrypt_a_capture_with_failures_counted(tmp_path, soft, inner):
    peer = ikeoffload.Engine("soft").add_sa(**cbc_sa_fields(spi=0x7700))
    other = ikeoffload.Engine("soft").add_sa(**cbc_sa_fields(spi=0x7800))
    wire = [peer.encap(p) for p in inner]
    tampered = bytearray(wire[3])
    tampered[-1] ^= 1
    wire[3] = bytes(tampered)
    wire.append(wire[5])                      # a replay
    wire.append(other.encap(inner[0]))        # another SPI
    src, out = tmp_path / "esp.pcap", tmp_path / "plain.pcap"
    _ip_capture(src, wire)
    sa = soft.add_sa(**cbc_sa_fields(spi=0x7700))
    stats = ikeoffload.pcap.decap_file(src, out, sa)
    assert stats["status"]["icv_failure"] == 1
    assert stats["status"]["replay"] == 1
    assert stats["status"]["unknown_spi"] == 1
    assert stats["written"] == 19 and stats["dropped"] == 3
    assert [bytes(p) for p in rdpcap(str(out))] == inner[:3] + inner[4:]
    assert sa.counters["drops"]["icv_failure"] == 1


def test_ethernet_frames_and_non_ip_frames(tmp_path, soft):
    sa = soft.add_sa(**gcm_sa_fields(src="2001:db8::1", dst="2001:db8::2"))
    frames = [Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IP(ipv4_udp(b"v4")),
              Ether() / ARP(),
              Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02", type=0x86DD) / ipv6_udp(b"v6")]
    src, out = tmp_path / "eth.pcap", tmp_path / "esp.pcap"
    wrpcap(str(src), frames)
    stats = ikeoffload.pcap.encap_file(src, out, sa)
    assert (stats["frames"], stats["non_ip"], stats["written"]) == (3, 1, 2)
    written = rdpcap(str(out))
    # Ethernet headers kept; the EtherType follows the new (outer IPv6) header
    assert all(f[Ether].type == 0x86DD and f[Ether].src == "02:00:00:00:00:01" for f in written)


def test_same_bytes_as_ikeoffctl(tmp_path, inner):
    ctl = build_dir() / "host" / "ikeoffctl"
    if not ctl.exists():
        pytest.skip("ikeoffctl not built")
    fields = cbc_sa_fields(spi=0xABCD, iv_seed=bytes(range(16)), integ="sha256", integ_key=bytes(32))
    src = tmp_path / "in.pcap"
    _ip_capture(src, inner)
    sa_json = tmp_path / "sa.json"
    sa_json.write_text(json.dumps({k: (v.hex() if isinstance(v, bytes) else v) for k, v in
                                   dict(fields, spi="0x%x" % fields["spi"]).items()}))
    by_ctl = tmp_path / "ctl.pcap"
    r = subprocess.run([str(ctl), "esp", "encap", "--sa", str(sa_json), "--in", str(src), "--out", str(by_ctl),
                        "--engine", "soft"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    by_py = tmp_path / "py.pcap"
    ikeoffload.pcap.encap_file(src, by_py, ikeoffload.Engine("soft").add_sa(**fields))
    assert by_py.read_bytes() == by_ctl.read_bytes()


def test_argument_checks(tmp_path, soft, inner):
    sa = soft.add_sa(**gcm_sa_fields())
    src = tmp_path / "in.pcap"
    _ip_capture(src, inner)
    with pytest.raises(ikeoffload.ConfigError, match="must not be the input"):
        ikeoffload.pcap.encap_file(src, src, sa)
    with pytest.raises(ikeoffload.ConfigError, match="batch: must be 1..4096"):
        ikeoffload.pcap.encap_file(src, tmp_path / "o.pcap", sa, batch=0)
    soft.close()
    with pytest.raises(ikeoffload.StateError):
        ikeoffload.pcap.encap_file(src, tmp_path / "o.pcap", sa)


def test_failed_run_leaves_no_output(tmp_path, soft):
    """A capture that is cut off mid-record fails as a whole (ParseError) and, as with
    ikeoffctl, no half-written output file is left behind."""
    sa = soft.add_sa(**gcm_sa_fields())
    src = tmp_path / "in.pcap"
    _ip_capture(src, [ipv4_udp(payload(100)) for _ in range(3)])
    data = src.read_bytes()
    src.write_bytes(data[:-30])
    out = tmp_path / "o.pcap"
    with pytest.raises(ikeoffload.ParseError):
        ikeoffload.pcap.encap_file(src, out, sa)
    assert not out.exists()


def test_gcm_key_example_from_the_readme_shape(tmp_path):
    """The keys-in-hand decryption flow: a peer's capture, our SA with the same keys."""
    peer = ikeoffload.Engine("soft").add_sa(spi=0xC0FFEE01, src="192.0.2.1", dst="192.0.2.2",
                                            enc="aes128gcm16", enc_key=GCM_KEY)
    packets = [ipv4_udp(payload(64, i)) for i in range(5)]
    _ip_capture(tmp_path / "esp.pcap", [peer.encap(p) for p in packets])
    sa = ikeoffload.Engine("csim" if "csim" in ikeoffload.available_drivers() else "soft").add_sa(
        spi=0xC0FFEE01, src="192.0.2.1", dst="192.0.2.2", enc="aes128gcm16", enc_key=GCM_KEY.hex())
    stats = ikeoffload.pcap.decap_file(tmp_path / "esp.pcap", tmp_path / "plain.pcap", sa)
    assert stats["written"] == 5
    assert [bytes(p) for p in rdpcap(str(tmp_path / "plain.pcap"))] == packets
