"""Two network namespaces joined by a veth pair.

    ns_a: if_a addr_a (10.77.0.1/24)  <--veth-->  addr_b (10.77.0.2/24) if_b :ns_b
          lo: lan_a (10.77.1.1)                     lan_b (10.77.2.1) :lo

The "lan" addresses stand for the protected subnets behind each gateway;
traffic between them goes through the tunnel.
"""
import os
import re
import subprocess
import uuid

from .procs import pid_alive

# Namespace names carry the PID of the test run that made them, so two runs
# on one machine never touch each other's namespaces, and a run can tell
# leftovers of a dead run (whose PID is gone) from a live one's.
_OURS = re.compile(r"^ikoi(\d+)-")


def run_name(tag):
    """The namespace name for `tag` in this test run."""
    return f"ikoi{os.getpid()}-{tag}"


def sh(*argv, check=True, timeout=30, ns=None, capture=True):
    """Runs a command (inside namespace `ns` if given) and returns it."""
    cmd = [str(a) for a in argv]
    if ns:
        cmd = ["ip", "netns", "exec", ns] + cmd
    r = subprocess.run(cmd, capture_output=capture, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip() or r.stdout.strip()}")
    return r


def namespaces():
    r = sh("ip", "netns", "list", check=False)
    return {line.split()[0] for line in r.stdout.splitlines() if line.strip()}


def remove_stale_namespaces():
    """Deletes namespaces that runs which no longer exist left behind."""
    for ns in namespaces():
        m = _OURS.match(ns)
        if m and int(m[1]) != os.getpid() and not pid_alive(int(m[1])):
            sh("ip", "netns", "del", ns, check=False)


def netns_unavailable_reason():
    """None if this process can create network namespaces, else why not."""
    probe = "ikoi-probe-" + uuid.uuid4().hex[:6]
    try:
        r = sh("ip", "netns", "add", probe, check=False)
    except FileNotFoundError:
        return "iproute2 ('ip') is not installed"
    if r.returncode != 0:
        return f"cannot create network namespaces here ({r.stderr.strip()}); needs root and CAP_SYS_ADMIN"
    sh("ip", "netns", "del", probe, check=False)
    return None


class NetnsPair:
    def __init__(self, tag_a, tag_b, addr_a="10.77.0.1/24", addr_b="10.77.0.2/24", lan_a="10.77.1.1/32",
                 lan_b="10.77.2.1/32", if_a="veth-a", if_b="veth-b"):
        self.a, self.b = run_name(tag_a), run_name(tag_b)
        self.addr_a, self.addr_b = addr_a, addr_b
        self.lan_a, self.lan_b = lan_a, lan_b
        self.if_a, self.if_b = if_a, if_b

    @property
    def ip_a(self):
        return self.addr_a.split("/")[0]

    @property
    def ip_b(self):
        return self.addr_b.split("/")[0]

    @property
    def lan_ip_a(self):
        return self.lan_a.split("/")[0]

    @property
    def lan_ip_b(self):
        return self.lan_b.split("/")[0]

    def up(self):
        remove_stale_namespaces()
        sh("ip", "netns", "add", self.a)
        sh("ip", "netns", "add", self.b)
        sh("ip", "link", "add", self.if_a, "netns", self.a, "type", "veth", "peer", "name", self.if_b, "netns", self.b)
        for ns, ifname, addr, lan in ((self.a, self.if_a, self.addr_a, self.lan_a),
                                      (self.b, self.if_b, self.addr_b, self.lan_b)):
            sh("ip", "-n", ns, "addr", "add", addr, "dev", ifname)
            sh("ip", "-n", ns, "addr", "add", lan, "dev", "lo")
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            sh("ip", "-n", ns, "link", "set", ifname, "up")
            # Decrypted packets come out of a TUN device with sources the
            # kernel would otherwise consider martian.
            sh("sysctl", "-qw", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0", ns=ns)
        for _ in range(50):
            if sh("ping", "-c1", "-W1", "-q", self.ip_b, ns=self.a, check=False).returncode == 0:
                return self
        raise RuntimeError(f"veth between {self.a} and {self.b} passes no traffic")

    def down(self):
        existing = namespaces()
        for ns in (self.a, self.b):
            if ns in existing:
                sh("ip", "netns", "del", ns, check=False)

    def ping(self, from_ns, src, dst, count=3, interval=0.2, timeout=10):
        """Returns how many of `count` echo requests were answered."""
        r = sh("ping", "-c", count, "-i", interval, "-W", "2", "-I", src, dst, ns=from_ns, check=False,
               timeout=timeout + count)
        for line in r.stdout.splitlines():
            if "received" in line:
                return int(line.split(",")[1].split()[0])
        return 0
