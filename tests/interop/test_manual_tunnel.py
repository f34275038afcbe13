"""ikeoffd <-> ikeoffd with manually keyed SAs (RFC 4301 §4.5): the whole
data path of two real daemons in two namespaces, before any IKE exists.

    ns ikoi<pid>-ma: lo 10.77.1.1 -- TUN -- ikeoffd --+-- veth 10.77.0.1
                                                 |  ESP in UDP 4500
    ns ikoi<pid>-mb: lo 10.77.2.1 -- TUN -- ikeoffd --+-- veth 10.77.0.2
"""
import subprocess
import time

import pytest

from ikeoff_interop.ikeoffd import Ikeoffd, binary
from ikeoff_interop.netns import NetnsPair, sh

pytestmark = pytest.mark.usefixtures("netns_required", "binaries")

EMPTY_CONFIG = "# no IKE connections: manual SAs only\n"
EMPTY_SECRETS = "# none\n"

ALGS = {
    "gcm": dict(enc="aes128gcm16", enc_key="11" * 20, integ=None, integ_key=None, encap=True),
    "cbc-sha1": dict(enc="aes128", enc_key="22" * 16, integ="sha1", integ_key="33" * 20, encap=True),
    # No NAT, no UDP: ESP as IP protocol 50 through the raw sockets.
    "gcm-plain-esp": dict(enc="aes256gcm16", enc_key="44" * 36, integ=None, integ_key=None, encap=False),
}


def sa_json(spi, src, dst, alg, salt):
    a = ALGS[alg]
    j = {"spi": f"0x{spi:08x}", "src": src, "dst": dst, "enc": a["enc"],
         # different keys per direction, as IKE would make them
         "enc_key": a["enc_key"][:-2] + f"{salt:02x}", "encap": a["encap"]}
    if a["integ"]:
        j.update(integ=a["integ"], integ_key=a["integ_key"][:-2] + f"{salt:02x}")
    return j


@pytest.fixture(scope="module")
def pair():
    p = NetnsPair("ma", "mb")
    p.up()
    yield p
    p.down()


@pytest.fixture
def daemons(pair, workdir, request):
    engine = getattr(request, "param", "soft")
    a = Ikeoffd(pair.a, workdir / "a", EMPTY_CONFIG, EMPTY_SECRETS, log_level=2, engine=engine)
    b = Ikeoffd(pair.b, workdir / "b", EMPTY_CONFIG, EMPTY_SECRETS, log_level=2, engine=engine)
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


def install(pair, a, b, alg):
    ra = a.request({"cmd": "manual-sa-add", "name": "m", "local_ts": "10.77.1.0/24", "remote_ts": "10.77.2.0/24",
                    "inbound": sa_json(0x2001, pair.ip_b, pair.ip_a, alg, 2),
                    "outbound": sa_json(0x1001, pair.ip_a, pair.ip_b, alg, 1)})
    rb = b.request({"cmd": "manual-sa-add", "name": "m", "local_ts": "10.77.2.0/24", "remote_ts": "10.77.1.0/24",
                    "inbound": sa_json(0x1001, pair.ip_a, pair.ip_b, alg, 1),
                    "outbound": sa_json(0x2001, pair.ip_b, pair.ip_a, alg, 2)})
    assert ra and ra["ok"], ra
    assert rb and rb["ok"], rb


def send_udp(ns, dst, port, payload_hex):
    code = ("import socket,sys; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
            f"s.sendto(bytes.fromhex('{payload_hex}'), ('{dst}', {port}))")
    sh("/usr/bin/python3", "-c", code, ns=ns)


@pytest.mark.parametrize("alg", ALGS)
def test_traffic_crosses_the_tunnel(pair, daemons, alg):
    a, b = daemons
    # Before any SA: nothing routes 10.77.2.0/24 anywhere.
    assert pair.ping(pair.a, pair.lan_ip_a, pair.lan_ip_b, count=1) == 0
    install(pair, a, b, alg)

    assert pair.ping(pair.a, pair.lan_ip_a, pair.lan_ip_b, count=5) == 5
    # Near the TUN MTU (1400): 1300 bytes of ICMP payload + ESP overhead.
    r = sh("ping", "-c", "2", "-i", "0.2", "-s", "1300", "-I", pair.lan_ip_a, pair.lan_ip_b, ns=pair.a, check=False)
    assert " 0% packet loss" in r.stdout, r.stdout

    sa, sb = a.status(), b.status()
    (ia,), (ib,) = sa["ipsec_sas"], sb["ipsec_sas"]
    assert (ia["spi_out"], ia["spi_in"]) == (ib["spi_in"], ib["spi_out"]) == ("0x00001001", "0x00002001")
    assert ia["out"]["packets"] == ib["in"]["packets"] == 7
    assert ia["in"]["packets"] == ib["out"]["packets"] == 7
    assert ia["enc"] == ALGS[alg]["enc"]
    assert ia["encap"] == ({"sport": 4500, "dport": 4500} if ALGS[alg]["encap"] else None)
    assert sa["datapath"]["esp_out"] == 7 and sa["datapath"]["tun_out"] == 7
    assert ia["manual"] is True

    text = a.ctl("status")
    assert text.returncode == 0
    shown = "ESP in UDP 4500->4500, tunnel" if ALGS[alg]["encap"] else "ESP, tunnel"
    assert f"m #1: INSTALLED (manual keys), {shown}, SPIs 00002001_i 00001001_o" in text.stdout, text.stdout

    # Removing the SA on one side stops the traffic.
    assert a.request({"cmd": "manual-sa-del", "name": "m"})["ok"]
    assert pair.ping(pair.a, pair.lan_ip_a, pair.lan_ip_b, count=1) == 0


@pytest.mark.parametrize("daemons", ["csim"], indirect=True)
def test_csim_engine_carries_the_same_traffic(pair, daemons):
    # The daemon holds an Engine&; the HLS kernels in C simulation behind it
    # must carry the tunnel exactly as the soft driver does.
    a, b = daemons
    assert a.status()["daemon"]["engine"] == "csim"
    install(pair, a, b, "gcm")
    assert pair.ping(pair.a, pair.lan_ip_a, pair.lan_ip_b, count=3) == 3
    (sa,) = b.status()["ipsec_sas"]
    assert sa["in"]["packets"] == 3 and sa["out"]["packets"] == 3


def test_keepalives_are_ignored_and_forged_esp_is_dropped(pair, daemons):
    a, b = daemons
    install(pair, a, b, "cbc-sha1")
    send_udp(pair.b, pair.ip_a, 4500, "ff")                          # NAT-keepalive
    send_udp(pair.b, pair.ip_a, 4500, "00002001" + "00000001" + "ab" * 60)  # our SPI, forged ICV
    send_udp(pair.b, pair.ip_a, 4500, "0000")                        # nothing at all
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        st = a.status()
        if st["sockets"]["keepalives"] == 1 and st["datapath"]["esp_in"] == 1:
            break
        time.sleep(0.05)
    assert st["sockets"]["keepalives"] == 1
    assert st["sockets"]["malformed"] == 1
    assert st["ipsec_sas"][0]["in"]["drops"] == {"icv-failure": 1}
    assert st["ipsec_sas"][0]["in"]["packets"] == 0
    # The tunnel still works afterwards (the forgery did not move the window).
    assert pair.ping(pair.a, pair.lan_ip_a, pair.lan_ip_b, count=2) == 2


def test_engine_choice_and_startup_errors(pair, workdir):
    auto = Ikeoffd(pair.a, workdir / "auto", EMPTY_CONFIG, EMPTY_SECRETS, engine="auto", log_level=1)
    try:
        auto.start()
        assert auto.status()["daemon"]["engine"] in ("soft", "csim", "xrt")
        assert "engine" in auto.output()
    finally:
        auto.stop()

    def run(*args):
        return subprocess.run(["ip", "netns", "exec", pair.a, binary("ikeoffd"), *map(str, args)], capture_output=True,
                              text=True, timeout=20)

    (workdir / "e.conf").write_text(EMPTY_CONFIG)
    (workdir / "e.secrets").write_text(EMPTY_SECRETS)
    xrt = run("--config", workdir / "e.conf", "--secrets", workdir / "e.secrets", "--engine", "xrt", "--control",
              workdir / "x.ctl")
    if xrt.returncode == 0:
        pytest.fail("ikeoffd --engine xrt started without a card")
    lines = [l for l in xrt.stderr.splitlines() if l.startswith("ikeoffd:")]
    assert xrt.returncode == 1 and len(lines) == 1 and "engine xrt" in lines[0], xrt.stderr

    (workdir / "bad.conf").write_text("conn x\n    right=10.0.0.1\n    frobnicate=yes\n    auto=add\n")
    bad = run("--config", workdir / "bad.conf", "--secrets", workdir / "e.secrets", "--engine", "soft")
    assert bad.returncode == 1 and "bad.conf:3" in bad.stderr, bad.stderr

    usage = run("--secrets", workdir / "e.secrets")
    assert usage.returncode == 2 and "--config" in usage.stderr


def test_ikeoffctl_exit_statuses_and_listen(pair, workdir):
    conf = (f"conn home\n    keyexchange=ikev1\n    left={pair.ip_a}\n    right={pair.ip_b}\n"
            "    leftsubnet=10.77.1.0/24\n    rightsubnet=10.77.2.0/24\n    authby=secret\n    auto=add\n")
    d = Ikeoffd(pair.a, workdir / "d", conf, f'{pair.ip_a} {pair.ip_b} : PSK "x"\n', log_level=1,
                listen=pair.ip_a)
    try:
        d.start()
        st = d.status()
        assert st["daemon"]["listening"] == [f"{pair.ip_a}:500", f"{pair.ip_a}:4500"]

        r = d.ctl("status")
        assert r.returncode == 0 and "Connections (1):" in r.stdout and "home: 10.77.0.1...10.77.0.2" in r.stdout

        # Nobody answers on the other side: `up` fails with a reason (what
        # the reason is depends on the IKE engine: timeout, or unsupported
        # while there is none), exit status 1, one line on stderr.
        r = d.ctl("up", "home", "--timeout", "1")
        assert r.returncode == 1, r
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("ikeoffctl: up home failed: "), r.stderr

        r = d.ctl("up", "nope")
        assert r.returncode == 1 and "not-found" in r.stderr

        r = d.ctl("down", "home")
        assert r.returncode == 0 and r.stdout.strip() == "home: down"

        assert d.ctl("up").returncode == 2                     # CONN missing
        assert d.ctl("up", "home", "--timeout", "0").returncode == 2
        assert d.ctl("status", "--bogus").returncode == 2
    finally:
        d.stop()
    r = subprocess.run([binary("ikeoffctl"), "--control", str(workdir / "gone.ctl"), "status"], capture_output=True,
                       text=True, timeout=10)
    assert r.returncode == 3 and "is ikeoffd running" in r.stderr
