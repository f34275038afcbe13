"""The two ends of the demo tunnel and the traffic sent through it.

Both ends are driven through the interop harness (tests/interop/ikeoff_interop):
the peer is strongSwan's charon (kernel-libipsec) or, when strongSwan cannot
run here, a second ikeoffd. Either way a peer reports its SAs in one shape,
so the demo compares them with ikeoffd's without caring which it is:

    sas()  -> {"ike": [(cookie_i, cookie_r), ...],
               "child": {"spi_in", "spi_out", "packets_in", "packets_out",
                         "bytes_in", "bytes_out", "proposal"} or None}
    keys() -> {"in_enc", "in_integ", "out_enc", "out_integ"} (hex) or None

SPIs are 8 lowercase hex digits without "0x"; "in" is what the peer receives.
"""
import json
import re
import subprocess

from ikeoff_interop.ikeoffd import Ikeoffd
from ikeoff_interop.netns import sh
from ikeoff_interop.strongswan import CHARON, Charon, SwanPeer


def bare_spi(spi):
    return spi[2:] if spi.startswith("0x") else spi


def without_keys(status_text):
    """`ikeoffctl status` text without the key lines --log-level 4 adds."""
    return "\n".join(line for line in status_text.splitlines() if not line.lstrip().startswith("key "))


def ikeoffd_sas(status):
    """An ikeoffd status document in the peer shape above."""
    ike = [(s["cookie_i"], s["cookie_r"]) for s in status["isakmp_sas"]]
    child = None
    if status["ipsec_sas"]:
        sa = status["ipsec_sas"][0]
        child = {"spi_in": bare_spi(sa["spi_in"]), "spi_out": bare_spi(sa["spi_out"]),
                 "packets_in": sa["in"]["packets"], "packets_out": sa["out"]["packets"],
                 "bytes_in": sa["in"]["bytes"], "bytes_out": sa["out"]["bytes"],
                 "proposal": sa["enc"] + ("" if sa["integ"] in ("", "none") else "/" + sa["integ"])}
    return {"ike": ike, "child": child}


def ikeoffd_keys(status):
    sas = status["ipsec_sas"]
    if not sas or "keys" not in sas[0]:
        return None
    k = sas[0]["keys"]
    return {"in_enc": k["in"]["enc"], "in_integ": k["in"]["integ"],
            "out_enc": k["out"]["enc"], "out_integ": k["out"]["integ"]}


def strongswan_missing():
    """None when charon and swanctl are installed, else what is missing."""
    import os
    import shutil
    missing = [p for p, ok in ((CHARON, os.access(CHARON, os.X_OK)), ("swanctl", shutil.which("swanctl")))
               if not ok]
    return f"{' and '.join(missing)} not installed" if missing else None


class StrongSwanPeer:
    name = "strongSwan"

    def __init__(self, ns, workdir, net, proposals, psk):
        peer = SwanPeer(net["peer_ip"], net["dut_ip"], net["peer_subnet"], net["dut_subnet"],
                        ike=proposals["ike"], esp=proposals["esp"], psk=psk, conn="demo", child="net")
        self.charon = Charon(ns, workdir / "strongswan", peer)
        self.version = ""

    def start(self):
        self.charon.start()
        r = self.charon.swanctl("--version", "--daemon")
        m = re.search(r"(\d+\.\d+\.\d+)", r.stdout)
        self.version = m[1] if m else "5.9"
        return f"strongSwan {self.version} (charon, kernel-libipsec: userspace ESP, always in UDP 4500)"

    def stop(self):
        self.charon.stop()

    def sas(self):
        s = self.charon.list_sas()
        installed = [c for c in s["children"] if c.get("state") == "INSTALLED"]
        child = None
        if installed:
            c = installed[0]
            child = {k: c.get(k) for k in ("spi_in", "spi_out", "packets_in", "packets_out", "bytes_in", "bytes_out")}
            child["proposal"] = c["proposal"]
        return {"ike": [(i["cookie_i"], i["cookie_r"]) for i in s["ike"]], "child": child}

    def ike_proposal(self):
        """The IKE_SA's algorithms as `swanctl --list-sas` prints them."""
        m = re.search(r"^\s+([A-Z0-9_]+[-/][A-Z0-9_/\-]+)\s*$", self.listing(), re.M)
        return m[1] if m else "?"

    def keys(self):
        ks = self.charon.child_keys()
        if not ks:
            return None
        k = ks[-1]
        return {d: k[d] for d in ("in_enc", "in_integ", "out_enc", "out_integ")}

    def listing(self):
        return self.charon.swanctl("--list-sas").stdout

    def listing_title(self):
        return "swanctl --list-sas (strongSwan's view)"

    def wait_no_sas(self, timeout):
        return self.charon.wait_no_sas(timeout)

    def logs(self):
        return [("charon.log", self.charon.log()), ("swanctl --list-sas", self.listing())]


class IkeoffdPeer:
    """A second ikeoffd as the responder (strongSwan not available)."""
    name = "ikeoffd (peer)"

    def __init__(self, ns, workdir, net, proposals, psk, engine):
        conf = conn_config(local=net["peer_ip"], remote=net["dut_ip"], local_subnet=net["peer_subnet"],
                           remote_subnet=net["dut_subnet"], proposals=proposals)
        secrets = f'{net["peer_ip"]} {net["dut_ip"]} : PSK "{psk}"\n'
        self.d = Ikeoffd(ns, workdir / "ikeoffd-peer", conf, secrets, engine=engine, log_level=4)

    def start(self):
        self.d.start()
        return f"a second ikeoffd, engine {self.d.status()['daemon']['engine']} (responder)"

    def stop(self):
        self.d.stop()

    def sas(self):
        return ikeoffd_sas(self.d.status())

    def ike_proposal(self):
        s = self.d.status()["isakmp_sas"]
        return s[0]["proposal"] if s else "?"

    def keys(self):
        return ikeoffd_keys(self.d.status())

    def listing(self):
        return without_keys(self.d.ctl("status").stdout)

    def listing_title(self):
        return "ikeoffctl status on the peer ikeoffd (ESP keys left out)"

    def wait_no_sas(self, timeout):
        return self.d.wait_no_sas(timeout)

    def logs(self):
        return [("peer ikeoffd log", self.d.output())]


def conn_config(local, remote, local_subnet, remote_subnet, proposals):
    """ipsec.conf for one side: Main Mode, PSK, one tunnel between subnets."""
    return f"""# ikeoffload demo: written by tests/demo/ike_tunnel_demo.py
conn demo
    keyexchange=ikev1
    aggressive=no
    authby=secret
    left={local}
    leftsubnet={local_subnet}
    right={remote}
    rightsubnet={remote_subnet}
    ike={proposals['ike']}!
    esp={proposals['esp']}!
    auto=add
"""


# -- traffic -------------------------------------------------------------------

def ping(ns, src, dst, count, interval=0.2, wait=2):
    """(sent, received, average rtt in ms or None) for `count` echo requests."""
    r = sh("ping", "-n", "-c", count, "-i", interval, "-W", wait, "-I", src, dst, ns=ns, check=False,
           timeout=count * interval + 15)
    sent = received = 0
    avg = None
    for line in r.stdout.splitlines():
        m = re.match(r"(\d+) packets transmitted, (\d+) received", line)
        if m:
            sent, received = int(m[1]), int(m[2])
        m = re.search(r"= [\d.]+/([\d.]+)/", line)
        if m:
            avg = float(m[1])
    return sent, received, avg


_ECHO_SERVER = r"""
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
s.settimeout(20)
print("listening", flush=True)
c, _ = s.accept()
c.settimeout(20)
data = bytearray()
while True:
    b = c.recv(65536)
    if not b:
        break
    data += b
c.sendall(data)
c.close()
"""

_ECHO_CLIENT = r"""
import json, os, socket, sys, time
src, dst, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = os.urandom(n)
t0 = time.monotonic()
c = socket.create_connection((dst, port), timeout=20, source_address=(src, 0))
c.sendall(data)
c.shutdown(socket.SHUT_WR)
back = bytearray()
while True:
    b = c.recv(65536)
    if not b:
        break
    back += b
print(json.dumps({"sent": n, "received": len(back), "intact": bytes(back) == data,
                  "seconds": time.monotonic() - t0}))
"""


def tcp_echo(client_ns, client_ip, server_ns, server_ip, port, nbytes):
    """Sends `nbytes` random octets over TCP and reads them back.

    The server (in `server_ns`) returns everything it received once the
    client has finished sending, so both directions of the tunnel carry the
    whole transfer. Returns the client's report as a dict."""
    server = subprocess.Popen(["ip", "netns", "exec", server_ns, "/usr/bin/python3", "-c", _ECHO_SERVER,
                               server_ip, str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    try:
        if server.stdout.readline().strip() != "listening":
            raise RuntimeError(f"TCP echo server did not start: {server.stderr.read().strip()}")
        r = sh("/usr/bin/python3", "-c", _ECHO_CLIENT, client_ip, server_ip, port, nbytes, ns=client_ns,
               check=False, timeout=40)
        if r.returncode != 0:
            raise RuntimeError(f"TCP echo client failed: {r.stderr.strip()[-500:]}")
        server.wait(10)
        return json.loads(r.stdout)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(5)


def tunnel_routes(ns):
    """The routes ikeoffd installed into its TUN device (protocol 222)."""
    return [line.strip() for line in sh("ip", "route", "show", "proto", "222", ns=ns).stdout.splitlines()
            if line.strip()]


def receive_drops(ns):
    """Datagrams the kernel of namespace `ns` dropped because a socket's
    receive buffer was full: UDP RcvbufErrors plus the drops of raw
    sockets (plain ESP). When a burst of ESP reaches a slow userspace
    peer, this is where the packets that never reach it are counted."""
    snmp = sh("cat", "/proc/net/snmp", ns=ns).stdout.splitlines()
    udp = [line.split()[1:] for line in snmp if line.startswith("Udp:")]
    drops = int(dict(zip(udp[0], udp[1]))["RcvbufErrors"]) if len(udp) >= 2 else 0
    for table in ("/proc/net/raw", "/proc/net/raw6"):
        rows = sh("cat", table, ns=ns, check=False).stdout.splitlines()[1:]
        drops += sum(int(r.split()[-1]) for r in rows if r.split())
    return drops
