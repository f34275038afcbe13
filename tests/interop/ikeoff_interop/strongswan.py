"""strongSwan's charon as an independent IKEv1 peer inside a namespace.

The kernel here has no ESP xfrm, so charon uses kernel-libipsec (userspace
ESP behind a TUN device, ipsec0) and always encapsulates ESP in UDP 4500,
claiming a NAT. Each instance is self-contained in its work directory:
strongswan.conf, swanctl.conf, charon.log (keys at chd=4), its own vici
socket, and a private /run (charon writes /run/charon.pid unconditionally,
so two instances would otherwise collide).
"""
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .charon_log import child_sas
from .procs import Background, remove_socket, short_dir, wait_for

CHARON = "/usr/lib/ipsec/charon"
# No stroke (fixed socket path), resolve (writes /etc/resolv.conf) or updown.
PLUGINS = ("random nonce openssl aes sha1 sha2 md5 hmac gmp pem pkcs1 x509 pubkey kdf gcm ctr "
           "kernel-libipsec kernel-netlink socket-default vici")
LOG_LEVELS = {"default": 1, "ike": 4, "chd": 4, "cfg": 2, "net": 2, "enc": 1, "knl": 2, "esp": 2, "mgr": 2,
              "job": 1, "lib": 1}


@dataclass
class SwanPeer:
    local_addr: str
    remote_addr: str
    local_ts: str = "dynamic"
    remote_ts: str = "dynamic"
    ike: str = "aes128-sha1-modp2048"
    esp: str = "aes128-sha1"
    aggressive: bool = False
    auth: str = "psk"            # psk | pubkey
    psk: str = "interop-secret"
    local_id: str = ""           # default: the address
    remote_id: str = ""
    cert: str = ""               # pubkey: our certificate (PEM), key and the CA
    key: str = ""
    cacert: str = ""
    conn: str = "peer"
    child: str = "net"
    retransmit_tries: int = 3
    extra_conn: str = ""
    extra_charon: str = ""
    log_levels: dict = field(default_factory=lambda: dict(LOG_LEVELS))


class Charon:
    def __init__(self, netns, workdir, peer):
        self.ns = netns
        self.dir = Path(workdir)
        self.peer = peer
        self.conf = self.dir / "strongswan.conf"
        self.swanctl_conf = self.dir / "swanctl.conf"
        self.vici = short_dir(self.dir) / "charon.vici"
        self.logfile = self.dir / "charon.log"
        self.rundir = self.dir / "run"
        self.proc = None

    # -- configuration -------------------------------------------------------
    def _write_config(self):
        p = self.peer
        levels = "\n".join(f"        {k} = {v}" for k, v in p.log_levels.items())
        self.conf.write_text(f"""charon {{
  load_modular = no
  load = {PLUGINS}
  install_routes = yes
  # strongSwan refuses to answer Aggressive Mode with PSK without this.
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
  retransmit_tries = {p.retransmit_tries}
  retransmit_timeout = 1.0
  retransmit_base = 1.5
  syslog {{
  }}
  filelog {{
    interop {{
      path = {self.logfile}
      time_format = %H:%M:%S
      ike_name = yes
      append = no
      flush_line = yes
{levels}
    }}
  }}
  plugins {{
    vici {{
      socket = unix://{self.vici}
    }}
  }}
{p.extra_charon}
}}
""")
        lid = p.local_id or p.local_addr
        rid = p.remote_id or p.remote_addr
        if p.auth == "psk":
            local_auth = f"auth = psk\n      id = {lid}"
            remote_auth = f"auth = psk\n      id = {rid}"
            secrets = f"""  ike-interop {{
    id-local = {lid}
    id-remote = {rid}
    secret = "{p.psk}"
  }}"""
        else:
            # swanctl loads credentials from directories next to the file
            # given with --file: x509/ (ours), x509ca/ (trust anchors),
            # private/ (our key, any PEM/DER type).
            for sub, src in (("x509", p.cert), ("x509ca", p.cacert), ("private", p.key)):
                (self.dir / sub).mkdir(exist_ok=True)
                shutil.copy(src, self.dir / sub / Path(src).name)
            local_auth = f"auth = pubkey\n      id = {lid}\n      certs = {Path(p.cert).name}"
            remote_auth = f"auth = pubkey\n      id = {rid}\n      cacerts = {Path(p.cacert).name}"
            secrets = ""
        self.swanctl_conf.write_text(f"""connections {{
  {p.conn} {{
    version = 1
    aggressive = {"yes" if p.aggressive else "no"}
    local_addrs = {p.local_addr}
    remote_addrs = {p.remote_addr}
    proposals = {p.ike}
    encap = yes
    local {{
      {local_auth}
    }}
    remote {{
      {remote_auth}
    }}
    children {{
      {p.child} {{
        local_ts = {p.local_ts}
        remote_ts = {p.remote_ts}
        esp_proposals = {p.esp}
        mode = tunnel
      }}
    }}
{p.extra_conn}
  }}
}}
secrets {{
{secrets}
}}
""")

    # -- lifecycle ---------------------------------------------------------------
    def start(self, timeout=10):
        self.dir.mkdir(parents=True, exist_ok=True)
        self.rundir.mkdir(exist_ok=True)
        for f in (self.vici, self.rundir / "charon.pid"):
            f.unlink(missing_ok=True)
        self._write_config()
        env = dict(os.environ, STRONGSWAN_CONF=str(self.conf))
        # ip netns exec -> unshare -> sh -> charon all exec(): the PID is charon's.
        argv = ["ip", "netns", "exec", self.ns, "unshare", "--mount", "--propagation", "private", "sh", "-c",
                'mount --bind "$1" /run && exec "$2"', "charon-launch", self.rundir, CHARON]
        self.proc = Background("charon", argv, self.dir, marker="charon", env=env).start()
        ok = wait_for(lambda: not self.proc.running() or (self.vici.exists() and self.swanctl("--stats").returncode == 0),
                      timeout)
        if not self.proc.running() or not ok:
            raise RuntimeError(f"charon did not start:\n{self.proc.output()}\n{self.log()[-3000:]}")
        r = self.swanctl("--load-all", "--file", self.swanctl_conf)
        if r.returncode != 0:
            raise RuntimeError(f"swanctl --load-all failed: {r.stdout}{r.stderr}")
        return self

    def stop(self):
        if self.proc:
            self.proc.stop()
            self.proc = None
        remove_socket(self.vici)

    # -- control -------------------------------------------------------------------
    def swanctl(self, *args, timeout=30):
        env = dict(os.environ, STRONGSWAN_CONF=str(self.conf))
        return subprocess.run(["swanctl", *map(str, args), "--uri", f"unix://{self.vici}"], capture_output=True,
                              text=True, timeout=timeout, env=env)

    def initiate(self, timeout=20):
        """Main/Aggressive Mode + Quick Mode; (ok, output)."""
        r = self.swanctl("--initiate", "--child", self.peer.child, "--timeout", timeout, timeout=timeout + 5)
        return r.returncode == 0, r.stdout + r.stderr

    def terminate(self, timeout=10):
        r = self.swanctl("--terminate", "--ike", self.peer.conn, "--timeout", timeout, timeout=timeout + 5)
        return r.returncode == 0, r.stdout + r.stderr

    def list_sas(self):
        """The installed CHILD_SAs of `swanctl --list-sas` as dicts:
        {'name', 'state', 'spi_in', 'spi_out', 'bytes_in', 'bytes_out', 'proposal'}, plus
        the IKE SAs as {'ike_state', ...}."""
        return parse_list_sas(self.swanctl("--list-sas").stdout)

    def wait_installed(self, timeout=15):
        return wait_for(lambda: [c for c in self.list_sas()["children"] if c["state"] == "INSTALLED"], timeout, 0.1)

    def wait_no_sas(self, timeout=15):
        return wait_for(lambda: not (s := self.list_sas())["children"] and not s["ike"], timeout, 0.1)

    def log(self):
        try:
            return self.logfile.read_text(errors="replace")
        except OSError:
            return ""

    def child_keys(self):
        """CHILD_SAs with SPIs and ESP keys from charon.log (chd=4)."""
        return child_sas(self.log())


_IKE_RE = re.compile(r"^(\S+): #(\d+), (\w+), IKEv1, ([0-9a-f]{16})_i\*? ([0-9a-f]{16})_r")
_CHILD_RE = re.compile(r"^\s+(\S+): #(\d+), reqid \d+, (\w+), (\S+), (\S+)")
_SPI_RE = re.compile(r"^\s+(in|out)\s+([0-9a-f]{8}),\s+(\d+) bytes,\s+(\d+) packets")


def parse_list_sas(text):
    """Parses swanctl --list-sas text (strongSwan 5.9) into IKE and CHILD SAs."""
    ike, children = [], []
    for line in text.splitlines():
        m = _IKE_RE.match(line)
        if m:
            ike.append({"name": m[1], "id": int(m[2]), "state": m[3], "cookie_i": m[4], "cookie_r": m[5]})
            continue
        m = _CHILD_RE.match(line)
        if m:
            children.append({"name": m[1], "id": int(m[2]), "state": m[3], "mode": m[4], "proposal": m[5]})
            continue
        m = _SPI_RE.match(line)
        if m and children:
            children[-1][f"spi_{m[1]}"] = m[2]
            children[-1][f"bytes_{m[1]}"] = int(m[3])
            children[-1][f"packets_{m[1]}"] = int(m[4])
    return {"ike": ike, "children": children}
