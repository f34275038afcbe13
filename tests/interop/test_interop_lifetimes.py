"""ikeoffd against strongSwan 5.9 over time: DPD, rekeying, reauthentication.

    ns ikoi<pid>-ls: charon   10.77.0.1  protects 10.77.1.0/24 (lo 10.77.1.1)
    ns ikoi<pid>-ld: ikeoffd  10.77.0.2  protects 10.77.2.0/24 (lo 10.77.2.1)

Each case runs pings through the tunnel while the SAs change underneath and
checks both sides afterwards:
  * DPD (RFC 3706): charon's R-U-THEREs (dpd_delay) are answered; ikeoffd's
    (dpdaction=clear) are answered by charon; when charon's side of the link
    goes down, ikeoffd clears the SAs after dpdtimeout.
  * CHILD_SA rekeying started by either side: new SPIs on both sides, the
    same on both, traffic uninterrupted, the old SAs gone.
  * Reauthentication started by either side (strongSwan: a new Main Mode on
    port 4500 while the old ISAKMP SA lives, no Quick Mode, the old ISAKMP
    SA deleted later): the IPsec SAs survive on both sides.
"""
import re
import time

import pytest

from ikeoff_interop.ikeoffd import Ikeoffd
from ikeoff_interop.netns import NetnsPair, sh
from ikeoff_interop.procs import wait_for
from ikeoff_interop.strongswan import Charon, SwanPeer

pytestmark = pytest.mark.usefixtures("netns_required", "binaries")

PSK = "interop-lifetimes"


class ChildTunedCharon(Charon):
    """Charon whose CHILD_SA block gets extra lines (rekey_time, life_time)."""

    def __init__(self, netns, workdir, peer, child_extra=""):
        super().__init__(netns, workdir, peer)
        self.child_extra = child_extra

    def _write_config(self):
        super()._write_config()
        if self.child_extra:
            text = self.swanctl_conf.read_text()
            self.swanctl_conf.write_text(text.replace("mode = tunnel", "mode = tunnel\n        " + self.child_extra, 1))


@pytest.fixture(scope="module")
def pair():
    p = NetnsPair("ls", "ld")
    p.up()
    yield p
    p.down()


def dut_config(pair, extra=()):
    lines = ["conn ss", "    keyexchange=ikev1", f"    left={pair.ip_b}", f"    right={pair.ip_a}",
             "    leftsubnet=10.77.2.0/24", "    rightsubnet=10.77.1.0/24", "    authby=secret",
             "    ike=aes128-sha1-modp2048!", "    esp=aes128-sha1!", "    auto=add", *("    " + e for e in extra)]
    return "\n".join(lines) + "\n"


def dut_secrets(pair):
    return f'{pair.ip_b} {pair.ip_a} : PSK "{PSK}"\n'


def swan_peer(pair, extra_conn=""):
    return SwanPeer(pair.ip_a, pair.ip_b, "10.77.1.0/24", "10.77.2.0/24", ike="aes128-sha1-modp2048",
                    esp="aes128-sha1", psk=PSK, extra_conn=extra_conn)


def diagnostics(dut, swan):
    return (f"\n--- ikeoffd ---\n{dut.output()[-5000:]}\n--- charon.log ---\n{swan.log()[-8000:]}"
            f"\n--- swanctl --list-sas ---\n{swan.swanctl('--list-sas').stdout}")


def pings(pair, seconds):
    """Pings from charon's LAN to ikeoffd's for `seconds`; (sent, answered)."""
    n = int(seconds / 0.25)
    return n, pair.ping(pair.a, pair.lan_ip_a, pair.lan_ip_b, count=n, interval=0.25, timeout=seconds + 5)


def pairs(dut):
    return {(s["spi_in"], s["spi_out"]) for s in dut.status()["ipsec_sas"]}


def swan_pairs(swan):
    """charon's CHILD_SAs in any state, as ikeoffd sees them (in <-> out)."""
    return {("0x" + c["spi_out"], "0x" + c["spi_in"]) for c in swan.list_sas()["children"] if "spi_in" in c}


def same_child(dut, swan):
    """ikeoffd's and charon's installed pairs agree (in <-> out)."""
    ours = {(s["spi_in"], s["spi_out"]) for s in dut.status()["ipsec_sas"]}
    theirs = {("0x" + c["spi_out"], "0x" + c["spi_in"]) for c in swan.list_sas()["children"]
              if c["state"] == "INSTALLED" and "spi_in" in c}
    return ours & theirs


def start(swan, dut, initiator):
    swan.start()
    dut.start()
    if initiator == "dut":
        r = dut.up("ss", timeout=20)
        assert r.returncode == 0, f"ikeoffctl up: {r.stdout}{r.stderr}" + diagnostics(dut, swan)
    else:
        ok, out = swan.initiate()
        assert ok, out + diagnostics(dut, swan)
    assert swan.wait_installed() and dut.wait_ipsec_sas(), diagnostics(dut, swan)


def test_strongswan_dpd_is_answered(pair, workdir):
    swan = Charon(pair.a, workdir / "strongswan", swan_peer(pair, "    dpd_delay = 2s\n    dpd_timeout = 8s"))
    dut = Ikeoffd(pair.b, workdir / "ikeoffd", dut_config(pair), dut_secrets(pair))
    try:
        start(swan, dut, "swan")
        time.sleep(7)  # idle: charon asks every 2 s
        log = swan.log()
        assert re.search(r"parsed INFORMATIONAL_V1 request \d+ \[ HASH N\(DPD_ACK\) \]", log), diagnostics(dut, swan)
        assert "DPD check timed out" not in log, diagnostics(dut, swan)
        assert same_child(dut, swan), diagnostics(dut, swan)
        sent, got = pings(pair, 1)
        assert got == sent, diagnostics(dut, swan)
    finally:
        dut.stop()
        swan.stop()


def test_ikeoffd_dpd_asks_and_clears_a_dead_peer(pair, workdir):
    swan = Charon(pair.a, workdir / "strongswan", swan_peer(pair))
    dut = Ikeoffd(pair.b, workdir / "ikeoffd",
                  dut_config(pair, ["dpdaction=clear", "dpddelay=2s", "dpdtimeout=6s"]), dut_secrets(pair))
    try:
        start(swan, dut, "dut")
        time.sleep(5)
        log = swan.log()
        assert re.search(r"parsed INFORMATIONAL_V1 request \d+ \[ HASH N\(DPD\) \]", log), diagnostics(dut, swan)
        assert re.search(r"generating INFORMATIONAL_V1 request \d+ \[ HASH N\(DPD_ACK\) \]", log), \
            diagnostics(dut, swan)
        assert dut.status()["ipsec_sas"], "answered DPD must keep the SAs" + diagnostics(dut, swan)
        # charon's side of the link goes away: no more answers.
        sh("ip", "-n", pair.a, "link", "set", pair.if_a, "down")
        try:
            assert dut.wait_no_sas(timeout=15), "dpdaction=clear did not clear" + diagnostics(dut, swan)
        finally:
            sh("ip", "-n", pair.a, "link", "set", pair.if_a, "up")
    finally:
        dut.stop()
        swan.stop()


@pytest.mark.parametrize("who", ["swan", "dut"])
def test_child_rekey_keeps_traffic(pair, workdir, who):
    if who == "swan":
        # charon rekeys its CHILD_SA after 5 s (life 20 s: see the README caveat).
        swan = ChildTunedCharon(pair.a, workdir / "strongswan", swan_peer(pair),
                                "rekey_time = 5s\n        life_time = 20s\n        rand_time = 0s")
        dut = Ikeoffd(pair.b, workdir / "ikeoffd", dut_config(pair), dut_secrets(pair))
    else:
        swan = Charon(pair.a, workdir / "strongswan", swan_peer(pair))
        dut = Ikeoffd(pair.b, workdir / "ikeoffd",
                      dut_config(pair, ["lifetime=20s", "rekeymargin=14s", "rekeyfuzz=0%"]), dut_secrets(pair))
    try:
        start(swan, dut, who)
        first = same_child(dut, swan)
        assert first, diagnostics(dut, swan)
        sent, got = pings(pair, 9)  # one rekey at 5-6 s in
        assert got >= sent - 1, f"{got}/{sent} pings" + diagnostics(dut, swan)
        assert wait_for(lambda: (now := same_child(dut, swan)) and not (now & first), 10, 0.2), \
            "no new SPIs on both sides" + diagnostics(dut, swan)
        # Both sides hold the same pairs at all times ...
        assert wait_for(lambda: pairs(dut) == swan_pairs(swan), 5, 0.2), diagnostics(dut, swan)
        # ... and the replaced one leaves both: ikeoffd deletes what it
        # rekeyed 5 s later; strongSwan (IKEv1) never deletes a REKEYED
        # CHILD_SA, it lets it expire, and we follow its lifetime.
        gone = 15 if who == "dut" else 25
        assert wait_for(lambda: not (pairs(dut) & first) and not (swan_pairs(swan) & first), gone, 0.2), \
            diagnostics(dut, swan)
        if who == "dut":
            assert wait_for(lambda: len(pairs(dut)) == 1 and len(swan_pairs(swan)) == 1, 10, 0.2), \
                diagnostics(dut, swan)
        sent, got = pings(pair, 1)
        assert got == sent, diagnostics(dut, swan)
    finally:
        dut.stop()
        swan.stop()


@pytest.mark.parametrize("who", ["swan", "dut"])
def test_reauthentication_keeps_ipsec_sas(pair, workdir, who):
    if who == "swan":
        # IKEv1 "rekeying" of the IKE_SA is a reauthentication; over_time
        # keeps the old SA alive long enough (README caveat).
        swan = Charon(pair.a, workdir / "strongswan",
                      swan_peer(pair, "    rekey_time = 6s\n    over_time = 30s\n    rand_time = 0s"))
        dut = Ikeoffd(pair.b, workdir / "ikeoffd", dut_config(pair), dut_secrets(pair))
    else:
        swan = Charon(pair.a, workdir / "strongswan", swan_peer(pair))
        dut = Ikeoffd(pair.b, workdir / "ikeoffd",
                      dut_config(pair, ["ikelifetime=30s", "rekeymargin=24s", "rekeyfuzz=0%"]), dut_secrets(pair))
    try:
        start(swan, dut, who)
        child = same_child(dut, swan)
        cookies = {(s["cookie_i"], s["cookie_r"]) for s in dut.status()["isakmp_sas"]}
        assert child and cookies, diagnostics(dut, swan)
        sent, got = pings(pair, 10)  # the reauthentication happens at ~6 s
        assert got >= sent - 1, f"{got}/{sent} pings" + diagnostics(dut, swan)
        log = swan.log()
        if who == "dut":
            assert "detected reauth of existing IKE_SA, adopting 1 children" in log, diagnostics(dut, swan)
        # charon's established ISAKMP SA is a new one, and ours too. (charon
        # keeps the replaced ones, REKEYING, until over_time; when ikeoffd
        # reauthenticates, it deletes the old one at once.)
        def ours():
            return {(s["cookie_i"], s["cookie_r"]) for s in dut.status()["isakmp_sas"]}

        def new_ike_on_both():
            est = {(i["cookie_i"], i["cookie_r"]) for i in swan.list_sas()["ike"] if i["state"] == "ESTABLISHED"}
            return est and est <= ours() and not (est & cookies)
        assert wait_for(new_ike_on_both, 20, 0.2), diagnostics(dut, swan)
        if who == "dut":
            assert wait_for(lambda: len(ours()) == 1 and len(swan.list_sas()["ike"]) == 1, 10, 0.2), \
                diagnostics(dut, swan)
        # The IPsec SAs did not change (no Quick Mode was needed).
        assert same_child(dut, swan) == child, diagnostics(dut, swan)
        sent, got = pings(pair, 1)
        assert got == sent, diagnostics(dut, swan)
    finally:
        dut.stop()
        swan.stop()
