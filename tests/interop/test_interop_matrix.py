"""ikeoffd against strongSwan 5.9 (charon + kernel-libipsec): the interop
matrix of issue 3.

    ns ikoi<pid>-xs: charon   10.77.0.1  protects 10.77.1.0/24 (lo 10.77.1.1)
    ns ikoi<pid>-xd: ikeoffd  10.77.0.2  protects 10.77.2.0/24 (lo 10.77.2.1)

Cells: ikeoffd as initiator and as responder x {Main Mode PSK, Aggressive
Mode PSK, Main Mode RSA signatures with openssl-made X.509 certificates} x
Quick Mode with and without PFS, plus every IKE proposal x ESP proposal of
the issue in both roles. Each cell checks that both sides agree:
  * the CHILD_SA is installed on both sides and its SPIs in `swanctl
    --list-sas` are ikeoffd's (in <-> out), the ISAKMP cookies too;
  * the ESP keys ikeoffd installed (status --json at --log-level 4) equal
    the ones charon logs at chd=4;
  * pings pass through the tunnel both ways and are counted on both sides;
  * a delete from one side (ikeoffd's `down` when it initiated, charon's
    terminate when it did) removes the SAs on both.
strongSwan always claims a NAT here (libipsec only does ESP in UDP), so
every cell also exercises NAT-T: floating to 4500 and UDP-encapsulated ESP.

The module skips (with a message) only if this ikeoffd has no IKEv1
exchanges at all (ike::create_ike_core being a placeholder).
"""
import pytest

from ikeoff_interop.ikeoffd import Ikeoffd
from ikeoff_interop.netns import NetnsPair
from ikeoff_interop.pki import Pki
from ikeoff_interop.strongswan import Charon, SwanPeer

pytestmark = pytest.mark.usefixtures("netns_required", "binaries")

IKE = ["aes128-sha1-modp2048", "aes256-sha256-modp3072", "3des-sha1-modp1024"]
ESP = ["aes128gcm16", "aes128-sha1", "aes256-sha256"]
AUTH = ["mm-psk", "am-psk", "mm-rsa"]
ROLES = ["init", "resp"]  # ikeoffd's role
PFS_GROUP = "modp2048"
PSK = "interop-secret"


def build_cells():
    cells = {}

    def add(role, auth, ike, esp, pfs):
        cid = f"{role}-{auth}-{ike}-esp-{esp}{'-pfs' if pfs else ''}"
        cells.setdefault(cid, dict(role=role, auth=auth, ike=ike, esp=esp, pfs=pfs))

    i = 0
    for role in ROLES:
        for auth in AUTH:
            for pfs in (False, True):
                add(role, auth, IKE[i % 3], ESP[(i + 1) % 3], pfs)
                i += 1
    for role in ROLES:
        for ike in IKE:
            for esp in ESP:
                add(role, "mm-psk", ike, esp, False)
    return cells


CELLS = build_cells()


@pytest.fixture(scope="module")
def pair():
    p = NetnsPair("xs", "xd")
    p.up()
    yield p
    p.down()


@pytest.fixture(scope="module")
def pki(workroot):
    return Pki(workroot / "pki-matrix")


def dut_config(pair, cell, pki):
    esp = cell["esp"] + (f"-{PFS_GROUP}" if cell["pfs"] else "")
    lines = []
    if cell["auth"] == "mm-rsa":
        lines += ["ca interop", f"    cacert={pki.ca}", "    auto=add", ""]
    lines += [
        "conn ss",
        "    keyexchange=ikev1",
        f"    left={pair.ip_b}",
        f"    right={pair.ip_a}",
        "    leftsubnet=10.77.2.0/24",
        "    rightsubnet=10.77.1.0/24",
        f"    authby={'rsasig' if cell['auth'] == 'mm-rsa' else 'secret'}",
        f"    ike={cell['ike']}!",
        f"    esp={esp}!",
        f"    aggressive={'yes' if cell['auth'] == 'am-psk' else 'no'}",
        "    auto=add",
    ]
    if cell["auth"] == "mm-rsa":
        cert, _ = pki.host("dut", pair.ip_b)
        lines.insert(-1, f"    leftcert={cert}")
    return "\n".join(lines) + "\n"


def dut_secrets(pair, cell, pki):
    if cell["auth"] == "mm-rsa":
        _, key = pki.host("dut", pair.ip_b)
        return f": RSA {key}\n"
    return f'{pair.ip_b} {pair.ip_a} : PSK "{PSK}"\n'


def swan_peer(pair, cell, pki):
    esp = cell["esp"] + (f"-{PFS_GROUP}" if cell["pfs"] else "")
    extra = {}
    if cell["auth"] == "mm-rsa":
        cert, key = pki.host("strongswan", pair.ip_a)
        extra = dict(auth="pubkey", cert=str(cert), key=str(key), cacert=str(pki.ca))
    # swanctl.conf proposals take no trailing '!' (that is ipsec.conf
    # syntax); a swanctl proposal list is exact by itself.
    return SwanPeer(pair.ip_a, pair.ip_b, "10.77.1.0/24", "10.77.2.0/24", ike=cell["ike"], esp=esp,
                    aggressive=cell["auth"] == "am-psk", psk=PSK, **extra)


@pytest.fixture(scope="module")
def ike_ready(pair, workroot, binaries):
    """Skips the module while ikeoffd cannot negotiate at all."""
    probe = Ikeoffd(pair.b, workroot / "matrix-probe",
                    f"conn ss\n    keyexchange=ikev1\n    left={pair.ip_b}\n    right={pair.ip_a}\n"
                    "    authby=secret\n    auto=add\n", f'{pair.ip_b} {pair.ip_a} : PSK "x"\n')
    try:
        probe.start()
        ready = probe.has_ike_exchanges("ss")
    finally:
        probe.stop()
    if not ready:
        pytest.skip("this ikeoffd has no IKEv1 exchanges yet (ike::create_ike_core is the placeholder); "
                    "the matrix runs as soon as they land")


def diagnostics(dut, swan):
    return (f"\n--- ikeoffd ---\n{dut.output()[-4000:]}\n--- charon.log ---\n{swan.log()[-6000:]}"
            f"\n--- swanctl --list-sas ---\n{swan.swanctl('--list-sas').stdout}")


@pytest.mark.parametrize("cid", CELLS)
def test_cell(pair, pki, workdir, ike_ready, cid):
    cell = CELLS[cid]
    swan = Charon(pair.a, workdir / "strongswan", swan_peer(pair, cell, pki))
    dut = Ikeoffd(pair.b, workdir / "ikeoffd", dut_config(pair, cell, pki), dut_secrets(pair, cell, pki),
                  log_level=4)
    try:
        swan.start()
        dut.start()
        if cell["role"] == "init":
            r = dut.up("ss", timeout=20)
            assert r.returncode == 0, f"ikeoffctl up: {r.stdout}{r.stderr}" + diagnostics(dut, swan)
        else:
            ok, out = swan.initiate()
            assert ok, out + diagnostics(dut, swan)

        children = swan.wait_installed()
        ours = dut.wait_ipsec_sas()
        assert children and ours, diagnostics(dut, swan)
        child, sa = children[0], ours[0]

        # Same SAs on both sides: their inbound SPI is our outbound one.
        assert sa["spi_out"] == "0x" + child["spi_in"], diagnostics(dut, swan)
        assert sa["spi_in"] == "0x" + child["spi_out"], diagnostics(dut, swan)
        assert child["mode"] == "TUNNEL-in-UDP"
        assert sa["encap"] is not None and sa["mode"] == "tunnel"
        status = dut.status()
        cookies = {(s["cookie_i"], s["cookie_r"]) for s in status["isakmp_sas"]}
        ike = swan.list_sas()["ike"]
        assert (ike[0]["cookie_i"], ike[0]["cookie_r"]) in cookies

        # Same keys: charon's outbound keys are our inbound keys and back.
        keys = swan.child_keys()
        assert keys, "charon logged no CHILD_SA keys" + diagnostics(dut, swan)
        k = keys[-1]
        assert (k["spi_in"], k["spi_out"]) == (child["spi_in"], child["spi_out"])
        assert sa["keys"]["in"]["enc"] == k["out_enc"] and sa["keys"]["in"]["integ"] == k["out_integ"]
        assert sa["keys"]["out"]["enc"] == k["in_enc"] and sa["keys"]["out"]["integ"] == k["in_integ"]

        # Traffic both ways, counted by both.
        assert pair.ping(pair.a, pair.lan_ip_a, pair.lan_ip_b, count=3) == 3, diagnostics(dut, swan)
        sa = dut.status()["ipsec_sas"][0]
        assert sa["in"]["packets"] >= 3 and sa["out"]["packets"] >= 3
        child = swan.list_sas()["children"][0]
        assert child["packets_in"] >= 3 and child["packets_out"] >= 3

        # A delete from either side clears both.
        if cell["role"] == "init":
            r = dut.down("ss")
            assert r.returncode == 0, r.stderr
        else:
            ok, out = swan.terminate()
            assert ok, out
        assert swan.wait_no_sas(10), "strongSwan kept SAs" + diagnostics(dut, swan)
        assert dut.wait_no_sas(10), "ikeoffd kept SAs" + diagnostics(dut, swan)
    finally:
        dut.stop()
        swan.stop()
