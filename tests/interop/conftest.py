"""Shared fixtures for the namespace-based end-to-end and interop tests.

Each test module makes its own pair of namespaces, named after the PID of
the test run ("ikoi<pid>-<tag>"), and works in a directory under
$IKEOFF_INTEROP_WORK (default /tmp/ikeoff-interop). Teardown always runs:
processes are stopped by their recorded PIDs and the namespaces deleted. A
run that was killed leaves PID files and namespaces behind; a later run
removes them once the run that made them is gone (its PID is dead), never
while it is still running, so two runs on one machine do not collide.
"""
import os
import shutil
from pathlib import Path

import pytest

from ikeoff_interop.netns import netns_unavailable_reason
from ikeoff_interop.procs import reap_stale


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_ikeoffd: uses the ikeoffd/ikeoffctl binaries")


@pytest.fixture(scope="session")
def workroot():
    root = Path(os.environ.get("IKEOFF_INTEROP_WORK", "/tmp/ikeoff-interop"))
    root.mkdir(parents=True, exist_ok=True)
    reap_stale(root)
    return root


@pytest.fixture(scope="session")
def netns_required():
    """Modules that build namespaces use this (pytestmark); parser tests do not."""
    if os.geteuid() != 0:
        pytest.skip("interop tests need root (network namespaces, TUN devices, ports 500/4500)")
    why = netns_unavailable_reason()
    if why:
        pytest.skip(why)


@pytest.fixture(scope="session")
def binaries():
    missing = [n for n in ("IKEOFFD", "IKEOFFCTL") if not shutil.which(os.environ.get(n, n.lower()))]
    if missing:
        pytest.fail(f"set {', '.join(missing)} to the built binaries (CTest does this)")
    return os.environ.get("IKEOFFD", "ikeoffd"), os.environ.get("IKEOFFCTL", "ikeoffctl")


@pytest.fixture
def workdir(workroot, request):
    d = workroot / request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    return d
