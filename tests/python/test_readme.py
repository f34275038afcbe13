"""The Python examples of README.md run as written.

Every ```python block of the README's "Python" section is preceded by a
comment `<!-- readme-test: KIND -->` saying what the test prepares first:
  plain        nothing (a fresh working directory)
  esp-capture  esp.pcap: ESP packets made with the example's SA and keys
  daemon       ikeoffd.conf/.secrets for conn "home" and a peer ikeoffd, in a
               private network namespace that ikeoffd is started in (through
               $IKEOFFD), and the control socket moved from /run to the
               working directory
"""

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import ikeoffload
from conftest import REPO, build_dir, ipv4_udp, payload

README = (REPO / "README.md").read_text()


def python_section():
    start = README.index("\n## Python\n")
    end = README.find("\n## ", start + 10)
    return README[start:end if end != -1 else len(README)]


BLOCKS = re.findall(r"<!-- readme-test: ([\w-]+) -->\n```python\n(.*?)```", python_section(), re.S)


def test_every_python_block_is_marked():
    assert len(BLOCKS) == python_section().count("```python") >= 4


def run(code, cwd, monkeypatch):
    monkeypatch.chdir(cwd)
    exec(compile(code, "README.md", "exec"), {"__name__": "__readme__"})


@pytest.mark.parametrize("kind, code", [b for b in BLOCKS if b[0] != "daemon"],
                         ids=[b[0] + "-%d" % i for i, b in enumerate(BLOCKS) if b[0] != "daemon"])
def test_example(kind, code, tmp_path, monkeypatch, capsys):
    if kind == "esp-capture":
        from scapy.all import IP, rdpcap, wrpcap

        key = re.search(r'bytes.fromhex\("([0-9a-f]+)"\)', code).group(1)
        peer = ikeoffload.Engine("soft").add_sa(spi=0x1234ABCD, src="192.0.2.1", dst="192.0.2.2",
                                                enc="aes128gcm16", enc_key=bytes.fromhex(key))
        inner = [ipv4_udp(payload(50 + i, i), ident=i) for i in range(10)]
        wire = [peer.encap(p) for p in inner]
        wire[4] = wire[4][:-1] + bytes([wire[4][-1] ^ 1])  # one that fails its ICV
        wrpcap(str(tmp_path / "esp.pcap"), [IP(w) for w in wire])
        run(code, tmp_path, monkeypatch)
        assert [bytes(p) for p in rdpcap(str(tmp_path / "plain.pcap"))] == inner[:4] + inner[5:]
        assert "9 decrypted, 1 dropped: {'ok': 9, 'icv_failure': 1}" in capsys.readouterr().out
    else:
        assert kind == "plain"
        run(code, tmp_path, monkeypatch)
        out = capsys.readouterr().out
        if "ReplayError" in code:
            assert "refused: replay" in out and "driver: soft" in out


CONF = """conn home
    keyexchange=ikev1
    left={left}
    right={right}
    leftsubnet={lnet}
    rightsubnet={rnet}
    authby=secret
    ike=aes128-sha1-modp2048!
    esp=aes128gcm16!
    auto=add
"""
SECRETS = '192.0.2.1 192.0.2.2 : PSK "readme-example"\n'


def _netns_tools():
    if os.geteuid() != 0:
        return "needs root"
    for tool in ("unshare", "nsenter", "ip"):
        if not shutil.which(tool):
            return "needs " + tool
    if not (build_dir() / "host" / "ikeoffd").exists():
        return "ikeoffd not built"
    return None


@pytest.mark.skipif(_netns_tools() is not None, reason=str(_netns_tools()))
def test_daemon_example(tmp_path, monkeypatch, capsys):
    [code] = [c for k, c in BLOCKS if k == "daemon"]
    ikeoffd = build_dir() / "host" / "ikeoffd"
    holder = subprocess.Popen(["unshare", "--net", "--", "sleep", "3600"])
    peer = None
    try:
        ns = "/proc/%d/ns/net" % holder.pid
        while os.readlink(ns) == os.readlink("/proc/self/ns/net"):
            time.sleep(0.01)
        enter = ["nsenter", "--net=" + ns, "--"]
        subprocess.run(enter + ["ip", "link", "set", "lo", "up"], check=True)
        for addr in ("192.0.2.1/24", "192.0.2.2/24"):
            subprocess.run(enter + ["ip", "addr", "add", addr, "dev", "lo"], check=True)
        (tmp_path / "ikeoffd.conf").write_text(CONF.format(left="192.0.2.1", right="192.0.2.2",
                                                           lnet="10.1.0.0/24", rnet="10.2.0.0/24"))
        (tmp_path / "ikeoffd.secrets").write_text(SECRETS)
        peer = ikeoffload.Daemon.from_text(CONF.format(left="192.0.2.2", right="192.0.2.1", lnet="10.2.0.0/24",
                                                       rnet="10.1.0.0/24"), SECRETS, engine="soft",
                                           listen=["192.0.2.2"], ikeoffd=ikeoffd, command_prefix=enter).start()
        wrapper = tmp_path / "ikeoffd-in-netns"
        wrapper.write_text('#!/bin/sh\nexec nsenter --net=%s -- %s "$@"\n' % (ns, ikeoffd))
        wrapper.chmod(0o755)
        monkeypatch.setenv("IKEOFFD", str(wrapper))
        run(code.replace("/run/ikeoffd.ctl", str(tmp_path / "ikeoffd.ctl")), tmp_path, monkeypatch)
        out = capsys.readouterr().out
        assert re.search(r"^home 0x[0-9a-f]{8} 0x[0-9a-f]{8} aes128gcm16 10\.1\.0\.0/24 <-> 10\.2\.0\.0/24 "
                         r"packets in/out: 0 0$", out, re.M), out
    finally:
        if peer is not None:
            peer.close()
        holder.kill()
        holder.wait()
