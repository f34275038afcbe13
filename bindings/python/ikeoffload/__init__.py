"""ikeoffload: script the IPsec engine and IKEv1 tools of ikeoffload from Python.

* :class:`Engine` / :class:`Sa`: ESP/AH through the soft, csim or xrt driver,
  one packet at a time (raising :class:`PacketError` subclasses) or in batches
  (:class:`BatchResult`, per-packet :class:`PacketStatus`, GIL released).
* :mod:`ikeoffload.ike`: RFC 2409 key derivation (SKEYID*, KEYMAT, HASH_I/R).
* :mod:`ikeoffload.isakmp`: ISAKMP messages to dicts and back.
* :mod:`ikeoffload.pcap`: capture files through an SA (as ``ikeoffctl esp``).
* :mod:`ikeoffload.daemon`: start ikeoffd, bring tunnels up/down, read status.

Every exception derives from :class:`Error`; bad arguments raise
:class:`ConfigError`, which is also a ``ValueError``.
"""

from ._ikeoffload import (
    AbiMismatchError,
    AlreadyExistsError,
    BatchResult,
    BeforeWindowError,
    BufferTooSmallError,
    ConfigError,
    CryptoError,
    DeadlineError,
    Engine,
    Error,
    ExpiredError,
    IcvError,
    InternalError,
    IoError,
    IsakmpError,
    MalformedError,
    NoDeviceError,
    NotFoundError,
    PacketError,
    PacketStatus,
    PaddingError,
    ParseError,
    ReplayError,
    Sa,
    SequenceOverflowError,
    StateError,
    UnknownSpiError,
    UnsupportedError,
    UnsupportedPacketError,
    WrongDirectionError,
    __version__,
    available_drivers,
    log_level,
    set_log_level,
)
from . import daemon, ike, isakmp, pcap
from .daemon import Controller, Daemon, DaemonError, DaemonUnreachableError

#: Worst-case growth of an outbound packet (outer IPv6 + UDP + ESP header, IV, padding, ICV).
MAX_OVERHEAD = 128

__all__ = [
    "AbiMismatchError",
    "AlreadyExistsError",
    "BatchResult",
    "BeforeWindowError",
    "BufferTooSmallError",
    "ConfigError",
    "Controller",
    "CryptoError",
    "Daemon",
    "DaemonError",
    "DaemonUnreachableError",
    "DeadlineError",
    "Engine",
    "Error",
    "ExpiredError",
    "IcvError",
    "InternalError",
    "IoError",
    "IsakmpError",
    "MAX_OVERHEAD",
    "MalformedError",
    "NoDeviceError",
    "NotFoundError",
    "PacketError",
    "PacketStatus",
    "PaddingError",
    "ParseError",
    "ReplayError",
    "Sa",
    "SequenceOverflowError",
    "StateError",
    "UnknownSpiError",
    "UnsupportedError",
    "UnsupportedPacketError",
    "WrongDirectionError",
    "__version__",
    "available_drivers",
    "daemon",
    "ike",
    "isakmp",
    "log_level",
    "pcap",
    "set_log_level",
]
