"""The harness checks itself with strongSwan on both ends.

Everything the ikeoffd interop matrix relies on is exercised here against a
peer whose behaviour is known: namespaces and veth, charon start/stop with
a private /run, `swanctl --list-sas` parsing, ESP keys from both charon logs
(each side's outbound keys must be the other side's inbound keys), traffic
through the tunnel, certificates made by openssl, and deletes that clear
both sides.
"""
import pytest

from ikeoff_interop.netns import NetnsPair
from ikeoff_interop.pki import Pki
from ikeoff_interop.strongswan import Charon, SwanPeer

pytestmark = pytest.mark.usefixtures("netns_required")


@pytest.fixture(scope="module")
def pair():
    p = NetnsPair("pa", "pb")
    p.up()
    yield p
    p.down()


@pytest.fixture(scope="module")
def pki(workroot):
    return Pki(workroot / "pki-pair")


CASES = {
    "mm-psk": dict(ike="aes128-sha1-modp2048", esp="aes128-sha1"),
    "am-psk-pfs-gcm": dict(ike="aes256-sha256-modp3072", esp="aes128gcm16-modp2048", aggressive=True),
    "mm-rsa-3des": dict(ike="3des-sha1-modp1024", esp="aes256-sha256", auth="pubkey"),
}


@pytest.mark.parametrize("case", CASES)
def test_two_charons(pair, pki, workdir, case):
    opts = dict(CASES[case])
    a_opts, b_opts = dict(opts), dict(opts)
    if opts.get("auth") == "pubkey":
        for side, ip, o in (("a", pair.ip_a, a_opts), ("b", pair.ip_b, b_opts)):
            cert, key = pki.host(f"ss-{side}", ip)
            o.update(cert=str(cert), key=str(key), cacert=str(pki.ca))
    a = Charon(pair.a, workdir / "a", SwanPeer(pair.ip_a, pair.ip_b, "10.77.1.0/24", "10.77.2.0/24", **a_opts))
    b = Charon(pair.b, workdir / "b", SwanPeer(pair.ip_b, pair.ip_a, "10.77.2.0/24", "10.77.1.0/24", **b_opts))
    try:
        a.start()
        b.start()
        ok, out = a.initiate()
        assert ok, out
        ca, cb = a.wait_installed(), b.wait_installed()
        assert ca and cb, b.list_sas()
        assert ca[0]["spi_in"] == cb[0]["spi_out"] and ca[0]["spi_out"] == cb[0]["spi_in"]
        assert ca[0]["mode"] == "TUNNEL-in-UDP"  # libipsec: always ESP in UDP

        ka, kb = a.child_keys(), b.child_keys()
        assert len(ka) == 1 and len(kb) == 1
        assert ka[0]["spi_out"] == ca[0]["spi_out"]
        assert ka[0]["qm_initiator"] and not kb[0]["qm_initiator"]
        assert ka[0]["out_enc"] and ka[0]["out_enc"] == kb[0]["in_enc"]
        assert ka[0]["out_integ"] == kb[0]["in_integ"]
        assert ka[0]["in_enc"] == kb[0]["out_enc"] and ka[0]["in_enc"] != ka[0]["out_enc"]

        assert pair.ping(pair.a, pair.lan_ip_a, pair.lan_ip_b) == 3
        counted = a.list_sas()["children"][0]
        assert counted["packets_out"] >= 3 and counted["packets_in"] >= 3

        ok, out = b.terminate()  # the responder deletes: both sides clear
        assert ok, out
        assert b.wait_no_sas(10)
        assert a.wait_no_sas(10), a.list_sas()
    finally:
        a.stop()
        b.stop()
