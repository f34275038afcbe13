"""ikeoffload.daemon against real ikeoffd processes.

Each test runs its daemons in a private network namespace (so ports 500/4500
and TUN devices never clash with the host or with other tests): a holder
process owns the namespace and the daemons join it with nsenter. Needs root,
unshare and nsenter (util-linux) and ip (iproute2); skipped otherwise.
"""

import os
import shutil
import subprocess
import time

import pytest

import ikeoffload
from ikeoffload.daemon import Controller, Daemon, DaemonError, DaemonUnreachableError
from conftest import build_dir

IKEOFFD = build_dir() / "host" / "ikeoffd"

CONF_A = """conn home
    keyexchange=ikev1
    left=127.0.0.1
    right=127.0.0.2
    leftsubnet=10.1.0.0/24
    rightsubnet=10.2.0.0/24
    authby=secret
    ike=aes128-sha1-modp2048!
    esp=aes128gcm16!
    auto=add
"""
CONF_B = """conn home
    keyexchange=ikev1
    left=127.0.0.2
    right=127.0.0.1
    leftsubnet=10.2.0.0/24
    rightsubnet=10.1.0.0/24
    authby=secret
    ike=aes128-sha1-modp2048!
    esp=aes128gcm16!
    auto=add
"""
SECRETS = '127.0.0.1 127.0.0.2 : PSK "python-test-secret"\n'


def _can_use_namespaces():
    if os.geteuid() != 0:
        return "needs root for network namespaces"
    for tool in ("unshare", "nsenter", "ip"):
        if shutil.which(tool) is None:
            return "needs %s" % tool
    if not IKEOFFD.exists():
        return "ikeoffd not built at %s" % IKEOFFD
    return None


pytestmark = pytest.mark.skipif(_can_use_namespaces() is not None, reason=str(_can_use_namespaces()))


@pytest.fixture
def netns():
    """A network namespace with lo up; yields the command prefix that enters it."""
    holder = subprocess.Popen(["unshare", "--net", "--", "sleep", "3600"])
    try:
        path = "/proc/%d/ns/net" % holder.pid
        deadline = time.monotonic() + 5
        # wait until the holder runs in its own namespace
        while os.readlink(path) == os.readlink("/proc/self/ns/net"):
            assert time.monotonic() < deadline, "unshare did not create a namespace"
            time.sleep(0.01)
        prefix = ["nsenter", "--net=" + path, "--"]
        subprocess.run(prefix + ["ip", "link", "set", "lo", "up"], check=True)
        # An interface address, so the second daemon sees left=127.0.0.2 as its own end.
        subprocess.run(prefix + ["ip", "addr", "add", "127.0.0.2/8", "dev", "lo"], check=True)
        yield prefix
    finally:
        holder.kill()
        holder.wait()


def _daemon(prefix, conf, listen, **kw):
    return Daemon.from_text(conf, SECRETS, engine="soft", listen=[listen], ikeoffd=IKEOFFD, command_prefix=prefix,
                            **kw)


def test_start_status_stop(netns):
    d = _daemon(netns, CONF_A, "127.0.0.1")
    assert not d.running
    d.start()
    try:
        assert d.running and d.pid
        ctl = d.controller
        assert ctl.version() == {"version": ctl.version()["version"], "engine": "soft"}
        assert ctl.version()["version"].startswith("ikeoffd")
        st = ctl.status()
        assert st["daemon"]["engine"] == "soft"
        assert set(st["daemon"]["listening"]) == {"127.0.0.1:500", "127.0.0.1:4500"}
        assert [c["name"] for c in st["connections"]] == ["home"]
        conn = ctl.list_conns()[0]
        assert (conn["local"], conn["remote"], conn["esp"]) == ("127.0.0.1", "127.0.0.2", "aes128gcm16!")
        assert conn["local_ts"] == ["10.1.0.0/24"] and conn["remote_ts"] == ["10.2.0.0/24"]
        assert ctl.list_sas() == [] and ctl.list_isakmp_sas() == []
        assert "engine" in st and "datapath" in st and "sockets" in st
        assert "ikeoffd running" in d.log()
    finally:
        code = d.stop()
        d.close()
    assert code == 0
    assert not d.running and d.returncode == 0
    assert not os.path.exists(d.log_path) and not os.path.exists(d.control)


def test_down_and_up_of_an_unknown_connection_are_clear_errors(netns):
    with _daemon(netns, CONF_A, "127.0.0.1") as d:
        ctl = d.controller
        with pytest.raises(DaemonError) as info:
            ctl.down("nope")
        assert info.value.reason == "not-found"
        assert "nope" in str(info.value)
        assert info.value.reply["ok"] is False
        with pytest.raises(DaemonError) as info:
            ctl.up("nope", timeout=5)
        assert info.value.reason == "not-found"
        with pytest.raises(DaemonError, match="unknown command 'frobnicate'"):
            ctl.request("frobnicate")
        assert ctl.down("home")["ok"] is True  # known, nothing to delete


def test_up_without_a_peer_times_out(netns):
    with _daemon(netns, CONF_A, "127.0.0.1") as d:
        with pytest.raises(DaemonError) as info:
            d.controller.up("home", timeout=1)
        assert info.value.reason == "timeout"


def test_manual_sas_are_listed(netns):
    with _daemon(netns, CONF_A, "127.0.0.1") as d:
        ctl = d.controller
        key = bytes(range(20))
        sa = dict(src="127.0.0.1", dst="127.0.0.2", enc="aes128gcm16", enc_key=key)
        pair = ctl.manual_sa_add("lab", "10.1.0.0/24", "10.2.0.0/24", inbound=dict(sa, spi=0x1111, src="127.0.0.2",
                                                                                    dst="127.0.0.1"),
                                 outbound=dict(sa, spi=0x2222))
        assert isinstance(pair, int)
        sas = ctl.list_sas()
        assert len(sas) == 1 and ctl.list_sas(conn="lab") == sas and ctl.list_sas(conn="home") == []
        s = sas[0]
        assert (s["conn"], s["manual"], s["spi_in"], s["spi_out"]) == ("lab", True, "0x00001111", "0x00002222")
        assert (s["enc"], s["protocol"], s["mode"]) == ("aes128gcm16", "esp", "tunnel")
        assert s["local_ts"] == "10.1.0.0/24" and s["out"]["packets"] == 0
        with pytest.raises(DaemonError, match="already exists"):
            ctl.manual_sa_add("lab", "10.1.0.0/24", "10.2.0.0/24", inbound=dict(sa, spi=0x3333),
                              outbound=dict(sa, spi=0x4444))
        with pytest.raises(DaemonError, match="enc_key"):
            ctl.manual_sa_add("bad", "10.1.0.0/24", "10.2.0.0/24", inbound=dict(sa, spi=0x5555, enc_key=b"short"),
                              outbound=dict(sa, spi=0x6666))
        ctl.manual_sa_del("lab")
        assert ctl.list_sas() == []
        with pytest.raises(DaemonError):
            ctl.manual_sa_del("lab")


def test_tunnel_up_between_two_daemons(netns):
    """Main Mode + Quick Mode between two ikeoffd: up returns once the SAs are in,
    both sides list the same SA pair (mirrored), down removes it."""
    with _daemon(netns, CONF_A, "127.0.0.1") as a, _daemon(netns, CONF_B, "127.0.0.2") as b:
        ca, cb = a.controller, b.controller
        reply = ca.up("home", timeout=20)
        assert reply["ok"] is True and reply["conn"] == "home"
        sas_a = ca.list_sas("home")
        assert len(sas_a) == 1
        deadline = time.monotonic() + 10
        while not cb.list_sas("home") and time.monotonic() < deadline:
            time.sleep(0.05)
        sas_b = cb.list_sas("home")
        assert len(sas_b) == 1
        sa, peer = sas_a[0], sas_b[0]
        assert sa["manual"] is False and sa["enc"] == "aes128gcm16"
        assert (sa["spi_in"], sa["spi_out"]) == (peer["spi_out"], peer["spi_in"])
        assert (sa["local_ts"], sa["remote_ts"]) == ("10.1.0.0/24", "10.2.0.0/24")
        ike_sas = ca.list_isakmp_sas("home")
        assert len(ike_sas) == 1 and ike_sas[0]["initiator"] is True
        ca.down("home")
        deadline = time.monotonic() + 10
        while (ca.list_sas() or cb.list_sas()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ca.list_sas() == [] and cb.list_sas() == []


def test_a_bad_configuration_fails_start_with_the_daemons_words(netns):
    d = _daemon(netns, "conn broken\n    left=\n    frobnicate=yes\n", "127.0.0.1")
    with pytest.raises(DaemonError) as info:
        d.start(timeout=10)
    assert info.value.reason == "exited"
    assert "status 1" in str(info.value)
    assert d.returncode == 1
    d.close()


def test_unreachable_daemon():
    with pytest.raises(DaemonUnreachableError) as info:
        Controller("/nonexistent/ikeoffd.ctl").status()
    assert isinstance(info.value, ConnectionError) and "is ikeoffd running" in str(info.value)


def test_command_line_and_program_lookup(tmp_path, monkeypatch):
    d = Daemon(tmp_path / "c.conf", tmp_path / "s.secrets", control=tmp_path / "x.ctl", engine="csim",
               listen=["127.0.0.1", "::1"], log_level=2, ikeoffd="/opt/ikeoffd", command_prefix=["env"])
    assert d.command == ["env", "/opt/ikeoffd", "--config", str(tmp_path / "c.conf"), "--secrets",
                         str(tmp_path / "s.secrets"), "--control", str(tmp_path / "x.ctl"), "--engine", "csim",
                         "--log-level", "2", "--listen", "127.0.0.1", "--listen", "::1"]
    assert repr(d).endswith("stopped>") and d.stop() is None
    monkeypatch.setenv("IKEOFFD", "/somewhere/ikeoffd")
    assert ikeoffload.daemon.find_ikeoffd() == "/somewhere/ikeoffd"
    # A relative path is made absolute: the daemon may start in another directory.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IKEOFFD", "bin/ikeoffd")
    assert ikeoffload.daemon.find_ikeoffd() == str(tmp_path / "bin" / "ikeoffd")
    monkeypatch.setenv("IKEOFFD", "ikeoffd")  # a bare name is looked up on PATH when run
    assert ikeoffload.daemon.find_ikeoffd() == "ikeoffd"
    monkeypatch.delenv("IKEOFFD")
    assert os.path.samefile(ikeoffload.daemon.find_ikeoffd(), IKEOFFD)
