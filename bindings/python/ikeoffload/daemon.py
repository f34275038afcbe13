"""Drive ikeoffd from Python: start it, bring connections up and down, read its status.

Two pieces, in the spirit of strongSwan's ``vici`` package:

* :class:`Controller` speaks ikeoffd's control protocol (one JSON object per
  line over a Unix stream socket, one reply line per request; see
  host/daemon/control_protocol.hpp) and returns the replies as dicts.
* :class:`Daemon` runs an ikeoffd process with a configuration and stops it.

Example::

    with Daemon.from_text(CONFIG, SECRETS, engine="soft") as d:
        ctl = d.controller
        ctl.up("home")                       # waits until the IPsec SAs are installed
        for sa in ctl.list_sas():
            print(sa["conn"], sa["spi_in"], sa["spi_out"], sa["in"]["packets"])
        ctl.down("home")
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from ._ikeoffload import DeadlineError, Error, NotFoundError

__all__ = [
    "DEFAULT_CONTROL_SOCKET",
    "Controller",
    "Daemon",
    "DaemonError",
    "DaemonUnreachableError",
    "find_ikeoffd",
]

#: Where ikeoffd listens for control requests unless told otherwise (--control).
DEFAULT_CONTROL_SOCKET = "/run/ikeoffd.ctl"

_MAX_REPLY = 16 << 20  # as the C++ client: a reply larger than this is refused

PathLike = Union[str, "os.PathLike[str]"]


class DaemonError(Error):
    """ikeoffd answered a request with ``{"ok": false}``.

    Attributes:
        reason: the protocol-level reason when the daemon gave one
            ("NO-PROPOSAL-CHOSEN", "timeout", "not-found", "unsupported", ...), else None.
        reply: the whole reply dict (None when there was no reply).
    """

    def __init__(self, message: str, reason: Optional[str] = None, reply: Optional[Dict[str, Any]] = None):
        super().__init__(message)
        self.reason = reason
        self.reply = reply


class DaemonUnreachableError(DaemonError, ConnectionError):
    """The control socket is not there or the daemon closed it without a reply."""


def _sa_json(fields: Mapping[str, Any]) -> Dict[str, Any]:
    """SA fields as add_sa() takes them (int SPI, bytes keys) -> the SA JSON of the protocol."""
    out: Dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        if key == "spi" and isinstance(value, int) and not isinstance(value, bool):
            value = "0x%08x" % value
        elif isinstance(value, (bytes, bytearray, memoryview)):
            value = bytes(value).hex()
        elif not isinstance(value, (str, int, float, bool, dict, list)):
            value = str(value)  # ipaddress objects
        out[key] = value
    return out


class Controller:
    """A client of ikeoffd's control socket.

    Every method sends one request on a fresh connection and waits up to
    `timeout` seconds (``up`` waits for its own timeout plus a margin).
    Failures raise :class:`DaemonError` with the daemon's sentence and
    ``reason``; an absent daemon raises :class:`DaemonUnreachableError`; no reply
    in time raises :class:`ikeoffload.DeadlineError`.
    """

    def __init__(self, socket_path: PathLike = DEFAULT_CONTROL_SOCKET, timeout: float = 10.0):
        self.socket_path = os.fspath(socket_path)
        self.timeout = timeout

    def __repr__(self) -> str:
        return "<ikeoffload.daemon.Controller %s>" % self.socket_path

    # ---- the protocol ---------------------------------------------------------

    def request(self, cmd: str, *, timeout: Optional[float] = None, **fields: Any) -> Dict[str, Any]:
        """Send ``{"cmd": cmd, **fields}`` and return the reply dict.

        Raises DaemonError when the reply says ``"ok": false``.
        """
        req = dict(fields)
        req["cmd"] = cmd
        reply = self._exchange(req, self.timeout if timeout is None else timeout)
        if not reply.get("ok", False):
            raise DaemonError(
                "ikeoffd: %s: %s" % (cmd, reply.get("error", "request failed")), reply.get("reason"), reply
            )
        return reply

    def _exchange(self, req: Dict[str, Any], timeout: float) -> Dict[str, Any]:
        deadline = time.monotonic() + timeout
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            try:
                s.connect(self.socket_path)
            except OSError as e:
                raise DaemonUnreachableError(
                    "cannot connect to ikeoffd at %s: %s (is ikeoffd running? see --control)"
                    % (self.socket_path, e.strerror or e)
                ) from None
            s.sendall(json.dumps(req).encode() + b"\n")
            data = b""
            while b"\n" not in data:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DeadlineError("no reply from ikeoffd within %.1f s" % timeout)
                s.settimeout(left)
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    raise DeadlineError("no reply from ikeoffd within %.1f s" % timeout) from None
                if not chunk:
                    raise DaemonUnreachableError("ikeoffd closed the control connection without a reply")
                data += chunk
                if len(data) > _MAX_REPLY:
                    raise DaemonError("reply from ikeoffd is too large")
        line = data.split(b"\n", 1)[0]
        try:
            reply = json.loads(line)
        except ValueError:
            raise DaemonError("ikeoffd sent a reply that is not JSON") from None
        if not isinstance(reply, dict):
            raise DaemonError("ikeoffd sent a reply that is not a JSON object")
        return reply

    # ---- commands ---------------------------------------------------------------

    def version(self) -> Dict[str, Any]:
        """``{"version": "ikeoffd 0.1", "engine": "soft"}``."""
        r = self.request("version")
        return {"version": r.get("version"), "engine": r.get("engine")}

    def status(self) -> Dict[str, Any]:
        """The daemon's status document: daemon, connections, isakmp_sas, ipsec_sas,
        engine, datapath, sockets (as ``ikeoffctl status --json`` prints it)."""
        return self.request("status")["status"]

    def list_conns(self) -> List[Dict[str, Any]]:
        """The configured connections (name, local, remote, ike, esp, local_ts, ...)."""
        return list(self.status().get("connections", []))

    def list_sas(self, conn: Optional[str] = None) -> List[Dict[str, Any]]:
        """Installed IPsec SA pairs (spi_in, spi_out, enc, integ, selectors, per-direction
        counters ``in``/``out``), optionally only those of connection `conn`."""
        sas = self.status().get("ipsec_sas", [])
        return [s for s in sas if conn is None or s.get("conn") == conn]

    def list_isakmp_sas(self, conn: Optional[str] = None) -> List[Dict[str, Any]]:
        """Phase-1 (ISAKMP) SAs, optionally only those of connection `conn`."""
        sas = self.status().get("isakmp_sas", [])
        return [s for s in sas if conn is None or s.get("conn") == conn]

    def up(self, conn: str, timeout: float = 30.0) -> Dict[str, Any]:
        """Initiate `conn` and wait until its IPsec SAs are installed.

        Returns the reply (``{"ok": True, "conn": ...}``). Raises DaemonError with
        ``reason`` "NO-PROPOSAL-CHOSEN", "AUTHENTICATION-FAILED", "timeout",
        "not-found" (no such connection), "unsupported", ...
        """
        # The daemon bounds the negotiation with "timeout"; the socket waits a little longer.
        req = {"cmd": "up", "conn": conn, "timeout": timeout}
        reply = self._exchange(req, timeout + max(5.0, self.timeout))
        if not reply.get("ok", False):
            raise DaemonError("ikeoffd: up %s: %s" % (conn, reply.get("error", "failed")), reply.get("reason"), reply)
        return reply

    def down(self, conn: str) -> Dict[str, Any]:
        """Delete `conn`'s SAs (Delete notifications go out first). Raises DaemonError
        (reason "not-found") for a connection the configuration does not have."""
        return self.request("down", conn=conn)

    def manual_sa_add(
        self,
        name: str,
        local_ts: str,
        remote_ts: str,
        inbound: Mapping[str, Any],
        outbound: Mapping[str, Any],
    ) -> int:
        """Install a manually keyed SA pair (RFC 4301 section 4.5) between two traffic
        selectors. `inbound`/`outbound` take the fields of Engine.add_sa() (int SPI and
        bytes keys are fine). Returns the daemon's id of the pair."""
        r = self.request(
            "manual-sa-add",
            name=name,
            local_ts=str(local_ts),
            remote_ts=str(remote_ts),
            inbound=_sa_json(inbound),
            outbound=_sa_json(outbound),
        )
        return int(r["id"])

    def manual_sa_del(self, name: str) -> None:
        """Remove a manually keyed SA pair."""
        self.request("manual-sa-del", name=name)


def find_ikeoffd() -> str:
    """The ikeoffd program: $IKEOFFD, else the one of the build tree this package
    came from, else ikeoffd on PATH. Raises NotFoundError when there is none."""
    env = os.environ.get("IKEOFFD")
    if env:
        # The daemon may be started in another directory (a namespace, cwd=).
        return os.path.abspath(env) if os.sep in env else env
    try:
        from . import _build_info  # written by the CMake build

        built = getattr(_build_info, "IKEOFFD", "")
        if built and os.access(built, os.X_OK):
            return built
    except ImportError:
        pass
    found = shutil.which("ikeoffd")
    if found:
        return found
    raise NotFoundError("ikeoffd not found: set $IKEOFFD or put it on PATH")


class Daemon:
    """An ikeoffd process.

    Daemon(config, secrets, *, control=None, engine="soft", listen=(), log_level=1,
           ikeoffd=None, command_prefix=(), env=None)

    config, secrets
        paths of the connection file (ipsec.conf syntax) and the secrets file.
    control
        control socket path; default: a fresh temporary directory's ``ikeoffd.ctl``.
    engine
        "soft", "csim", "xrt" or "auto".
    listen
        addresses to bind UDP 500/4500 on (default: all).
    command_prefix
        words put before the ikeoffd command line, e.g. to run it in a network
        namespace (``["ip", "netns", "exec", "red"]``).

    start() waits until the daemon answers on its control socket; stop() sends
    SIGTERM (the daemon deletes its SAs and exits) and waits. As a context
    manager it starts on entry and stops on exit. The daemon's stderr goes to a
    log file: see :attr:`log_path` and :meth:`log`.
    """

    def __init__(
        self,
        config: PathLike,
        secrets: PathLike,
        *,
        control: Optional[PathLike] = None,
        engine: str = "soft",
        listen: Sequence[str] = (),
        log_level: int = 1,
        ikeoffd: Optional[PathLike] = None,
        command_prefix: Sequence[str] = (),
        env: Optional[Mapping[str, str]] = None,
    ):
        self.config = os.fspath(config)
        self.secrets = os.fspath(secrets)
        self.engine = engine
        self.listen = [str(a) for a in listen]
        self.log_level = int(log_level)
        self.program = os.fspath(ikeoffd) if ikeoffd is not None else None
        self.command_prefix = list(command_prefix)
        self.env = dict(env) if env is not None else None
        self._tmp: Optional[tempfile.TemporaryDirectory] = None
        self._owned_tmp: Optional[tempfile.TemporaryDirectory] = None
        if control is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="ikeoffd-")
            control = os.path.join(self._tmp.name, "ikeoffd.ctl")
        self.control = os.fspath(control)
        log_dir = self._tmp.name if self._tmp else tempfile.gettempdir()
        self.log_path = os.path.join(log_dir, "ikeoffd-%d-%d.log" % (os.getpid(), id(self)))
        self._proc: Optional[subprocess.Popen] = None
        self._log_file = None

    @classmethod
    def from_text(cls, config: str, secrets: str, **kwargs: Any) -> "Daemon":
        """A Daemon whose configuration and secrets are given as text; the files live in
        a temporary directory removed with the Daemon."""
        tmp = tempfile.TemporaryDirectory(prefix="ikeoffd-conf-")
        conf_path = Path(tmp.name, "ikeoffd.conf")
        sec_path = Path(tmp.name, "ikeoffd.secrets")
        conf_path.write_text(config)
        sec_path.write_text(secrets)
        os.chmod(sec_path, 0o600)
        d = cls(conf_path, sec_path, **kwargs)
        d._owned_tmp = tmp
        return d

    def __repr__(self) -> str:
        state = "running pid %d" % self._proc.pid if self.running else "stopped"
        return "<ikeoffload.daemon.Daemon %s %s>" % (self.control, state)

    @property
    def command(self) -> List[str]:
        """The command line start() runs."""
        prog = self.program or find_ikeoffd()
        cmd = self.command_prefix + [
            prog,
            "--config", self.config,
            "--secrets", self.secrets,
            "--control", self.control,
            "--engine", self.engine,
            "--log-level", str(self.log_level),
        ]
        for a in self.listen:
            cmd += ["--listen", a]
        return cmd

    @property
    def running(self) -> bool:
        """True while the process runs."""
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> Optional[int]:
        """The process id once started, else None."""
        return self._proc.pid if self._proc is not None else None

    @property
    def returncode(self) -> Optional[int]:
        """The exit status once the process ended (0 clean stop, 1 could not start, 2 usage)."""
        return self._proc.returncode if self._proc is not None else None

    @property
    def controller(self) -> Controller:
        """A Controller for this daemon's control socket."""
        return Controller(self.control)

    def log(self) -> str:
        """What the daemon wrote to stderr so far."""
        try:
            return Path(self.log_path).read_text(errors="replace")
        except OSError:
            return ""

    def start(self, timeout: float = 10.0) -> "Daemon":
        """Start ikeoffd and wait until it answers on its control socket.

        Raises DaemonError (with the daemon's last log lines) if it exits first, and
        DeadlineError if it does not answer within `timeout` seconds.
        """
        if self.running:
            raise DaemonError("ikeoffd is already running (pid %d)" % self._proc.pid)
        cmd = self.command
        env = dict(os.environ)
        if self.env:
            env.update(self.env)
        self._log_file = open(self.log_path, "wb")
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=subprocess.STDOUT, env=env
        )
        deadline = time.monotonic() + timeout
        probe = Controller(self.control, timeout=1.0)
        while True:
            code = self._proc.poll()
            if code is not None:
                self._close_log()
                tail = "\n".join(self.log().strip().splitlines()[-5:])
                raise DaemonError("ikeoffd exited with status %d while starting: %s" % (code, tail), "exited")
            if os.path.exists(self.control):
                try:
                    probe.version()
                    return self
                except (DaemonUnreachableError, DeadlineError):
                    pass
            if time.monotonic() > deadline:
                self.stop()
                raise DeadlineError("ikeoffd did not answer on %s within %.1f s" % (self.control, timeout))
            time.sleep(0.05)

    def stop(self, timeout: float = 10.0) -> Optional[int]:
        """SIGTERM the daemon (it sends Delete notifications and removes its SAs) and
        wait; SIGKILL after `timeout` seconds. Returns the exit status. Idempotent."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._close_log()
        return proc.returncode

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def close(self) -> None:
        """stop() and remove the temporary files (the log included)."""
        self.stop()
        try:
            os.unlink(self.log_path)
        except OSError:
            pass
        for tmp in (self._tmp, self._owned_tmp):
            if tmp is not None:
                tmp.cleanup()
        self._tmp = self._owned_tmp = None

    def __enter__(self) -> "Daemon":
        if not self.running:
            self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
