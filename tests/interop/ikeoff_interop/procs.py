"""Starting and stopping background programs by PID, never by name."""
import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path


def pid_alive(pid):
    """True for a running process (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return False


def cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def stop_pid(pid, marker, timeout=5.0):
    """SIGTERM, then SIGKILL after `timeout`, if `pid` still runs `marker`."""
    if not pid_alive(pid) or marker not in cmdline(pid):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pid_alive(pid):
        time.sleep(0.05)
    if pid_alive(pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        time.sleep(0.1)


def reap_stale(workdir):
    """Stops what an earlier, killed run left behind in `workdir`: only PIDs
    from its PID files, only if the run that started them is gone (another
    run may be using the same directory right now), and only if they still
    run the same program."""
    for pidfile in Path(workdir).rglob("*.pid"):
        try:
            pid_text, owner_text, marker = pidfile.read_text().split(" ", 2)
            owner = int(owner_text)
            if owner != os.getpid() and pid_alive(owner):
                continue
            stop_pid(int(pid_text), marker.strip())
        except (OSError, ValueError):
            pass
        pidfile.unlink(missing_ok=True)


def remove_socket(sock):
    """Removes a socket file and its short_dir() once nothing else is in it."""
    sock = Path(sock)
    sock.unlink(missing_ok=True)
    try:
        sock.parent.rmdir()
    except OSError:
        pass


def short_dir(path):
    """A short directory for Unix sockets that belong to `path` (socket
    paths are limited to 107 bytes; work directories under a build tree
    are often longer)."""
    d = Path("/tmp/ikoi-sock") / hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()[:12]
    d.mkdir(parents=True, exist_ok=True)
    return d


class Background:
    """One detached program with its output in a log file.

    The argv may be a chain of exec()ing wrappers (ip netns exec, unshare,
    sh -c 'exec ...'): the PID stays the program's own, so `marker` (a word
    of the final command line) identifies it for stop and reap_stale.
    """

    def __init__(self, name, argv, workdir, marker, env=None):
        self.name = name
        self.argv = [str(a) for a in argv]
        self.workdir = Path(workdir)
        self.marker = marker
        self.env = env
        self.log = self.workdir / f"{name}.out"
        self.pidfile = self.workdir / f"{name}.pid"
        self.proc = None

    def start(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True, close_fds=True, env=self.env)
        out.close()
        # PID, the PID of this test run (its owner) and the program's name.
        self.pidfile.write_text(f"{self.proc.pid} {os.getpid()} {self.marker}")
        return self

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=5.0):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.pidfile.unlink(missing_ok=True)
        return self.proc.returncode

    def output(self):
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""


def wait_for(predicate, timeout, interval=0.05):
    """Polls `predicate` until it returns something truthy or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)
