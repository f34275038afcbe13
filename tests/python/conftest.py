"""Shared fixtures and packet builders for the ikeoffload Python tests.

The package under test is the one the CMake build assembled: CTest sets
PYTHONPATH to <build>/python and IKEOFF_BUILD_DIR to the build tree. Run by
hand with
    PYTHONPATH=build/python IKEOFF_BUILD_DIR=build /usr/bin/python3 -m pytest tests/python
"""

import os
import struct
import sys
from pathlib import Path

import pytest

import ikeoffload

REPO = Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"

# Drivers that run without hardware; each one this build has is exercised.
SOFTWARE_DRIVERS = [d for d in ("soft", "csim") if d in ikeoffload.available_drivers()]

GCM_KEY = bytes(range(1, 21))  # 16-octet AES key + 4-octet salt
CBC_KEY = bytes(range(0x20, 0x30))
SHA1_KEY = bytes(range(0x40, 0x54))
SHA256_KEY = bytes(range(0x60, 0x80))


def build_dir() -> Path:
    d = os.environ.get("IKEOFF_BUILD_DIR")
    if d:
        # Absolute: daemon tests start programs from other directories.
        return Path(d).resolve()
    # <build>/python/ikeoffload/__init__.py -> <build>
    return Path(ikeoffload.__file__).resolve().parents[2]


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4_udp(payload: bytes, src="10.1.0.1", dst="10.2.0.1", ident=1, ttl=64, sport=1234, dport=5678) -> bytes:
    """An IPv4/UDP packet with correct lengths and header checksum."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    total = 20 + len(udp)
    hdr = struct.pack(
        "!BBHHHBBH4s4s", 0x45, 0, total, ident & 0xFFFF, 0x4000, ttl, 17, 0,
        bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))),
    )
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + udp


def ipv6_udp(payload: bytes, src="2001:db8:1::1", dst="2001:db8:2::1") -> bytes:
    import ipaddress

    udp = struct.pack("!HHHH", 1234, 5678, 8 + len(payload), 0) + payload
    return (
        struct.pack("!IHBB", 6 << 28, len(udp), 17, 64)
        + ipaddress.IPv6Address(src).packed
        + ipaddress.IPv6Address(dst).packed
        + udp
    )


def payload(n: int, seed: int = 0) -> bytes:
    return bytes((seed * 31 + i * 7) & 0xFF for i in range(n))


def gcm_sa_fields(spi=0x1000, **extra):
    f = dict(spi=spi, src="192.0.2.1", dst="192.0.2.2", enc="aes128gcm16", enc_key=GCM_KEY)
    f.update(extra)
    return f


def cbc_sa_fields(spi=0x2000, **extra):
    f = dict(spi=spi, src="192.0.2.1", dst="192.0.2.2", enc="aes128", enc_key=CBC_KEY,
             integ="sha1", integ_key=SHA1_KEY)
    f.update(extra)
    return f


@pytest.fixture(params=SOFTWARE_DRIVERS)
def engine(request):
    e = ikeoffload.Engine(request.param)
    yield e
    e.close()


@pytest.fixture
def soft():
    e = ikeoffload.Engine("soft")
    yield e
    e.close()


def python_env() -> dict:
    """Environment for a child /usr/bin/python3 that imports the same package."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    return env
