"""ikeoffd under test inside a namespace, driven through ikeoffctl."""
import json
import os
import socket
import subprocess
from pathlib import Path

from .procs import Background, remove_socket, short_dir, wait_for


def binary(name):
    """The build's binary: $IKEOFFD / $IKEOFFCTL (set by CTest), else PATH."""
    return os.environ.get(name.upper(), name)


class Ikeoffd:
    def __init__(self, netns, workdir, config, secrets, engine="soft", log_level=4, listen=None):
        self.ns = netns
        self.dir = Path(workdir)
        self.config_text = config
        self.secrets_text = secrets
        self.engine = engine
        self.log_level = log_level
        self.listen = listen
        self.ctl_path = short_dir(self.dir) / "ikeoffd.ctl"
        self.proc = None

    def argv(self):
        a = ["ip", "netns", "exec", self.ns, binary("ikeoffd"), "--config", self.dir / "ipsec.conf", "--secrets",
             self.dir / "ipsec.secrets", "--control", self.ctl_path, "--engine", self.engine, "--log-level",
             self.log_level]
        if self.listen:
            a += ["--listen", self.listen]
        return a

    def start(self, timeout=10):
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "ipsec.conf").write_text(self.config_text)
        secrets = self.dir / "ipsec.secrets"
        secrets.write_text(self.secrets_text)
        secrets.chmod(0o600)
        self.ctl_path.unlink(missing_ok=True)
        self.proc = Background("ikeoffd", self.argv(), self.dir, marker="ikeoffd").start()
        ok = wait_for(lambda: not self.proc.running() or self.request({"cmd": "version"}) is not None, timeout)
        if not self.proc.running() or not ok:
            raise RuntimeError(f"ikeoffd did not start:\n{self.proc.output()}")
        return self

    def stop(self):
        rc = None
        if self.proc:
            rc = self.proc.stop()
            self.proc = None
        remove_socket(self.ctl_path)
        return rc

    def output(self):
        return self.proc.output() if self.proc else (self.dir / "ikeoffd.out").read_text(errors="replace")

    # -- control -----------------------------------------------------------------
    def ctl(self, *args, timeout=60):
        """Runs ikeoffctl against this daemon; returns CompletedProcess."""
        return subprocess.run([binary("ikeoffctl"), "--control", str(self.ctl_path), *map(str, args)],
                              capture_output=True, text=True, timeout=timeout)

    def request(self, req, timeout=10):
        """One raw control request (JSON line); None if the daemon is not there."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(timeout)
                s.connect(str(self.ctl_path))
                s.sendall((json.dumps(req) + "\n").encode())
                buf = b""
                while b"\n" not in buf:
                    chunk = s.recv(65536)
                    if not chunk:
                        return None
                    buf += chunk
                return json.loads(buf.split(b"\n", 1)[0])
        except (OSError, ValueError):
            return None

    def status(self):
        r = self.ctl("status", "--json")
        if r.returncode != 0:
            raise RuntimeError(f"ikeoffctl status failed: {r.stderr}")
        return json.loads(r.stdout)

    def up(self, conn, timeout=20):
        return self.ctl("up", conn, "--timeout", timeout, timeout=timeout + 10)

    def down(self, conn):
        return self.ctl("down", conn)

    def wait_ipsec_sas(self, count=1, timeout=15):
        return wait_for(lambda: len(s := self.status()["ipsec_sas"]) >= count and s, timeout, 0.1)

    def wait_no_sas(self, timeout=15):
        return wait_for(lambda: not (s := self.status())["ipsec_sas"] and not s["isakmp_sas"], timeout, 0.1)

    def has_ike_exchanges(self, conn):
        """False while this build's IKE core cannot negotiate at all."""
        r = self.request({"cmd": "up", "conn": conn, "timeout": 0.5}, timeout=5)
        return not (r and r.get("reason") == "unsupported")
