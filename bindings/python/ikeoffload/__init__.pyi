# Type stubs for the ikeoffload package (the compiled part lives in _ikeoffload).
import enum
import ipaddress
from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional, Sequence, SupportsIndex, TypedDict, Union

from . import daemon as daemon
from . import ike as ike
from . import isakmp as isakmp
from . import pcap as pcap
from .daemon import Controller as Controller
from .daemon import Daemon as Daemon
from .daemon import DaemonError as DaemonError
from .daemon import DaemonUnreachableError as DaemonUnreachableError

__version__: str
MAX_OVERHEAD: int

# Anything with the buffer protocol: bytes, bytearray, memoryview, array.array, mmap.
Buffer = Union[bytes, bytearray, memoryview, Any]
WritableBuffer = Union[bytearray, memoryview, Any]
# Integers: a list/tuple/range of ints, or a buffer of integers such as array('I').
IntSequence = Union[Sequence[int], Any]
Address = Union[str, ipaddress.IPv4Address, ipaddress.IPv6Address]

class PacketStatus(enum.IntEnum):
    ok = 0
    icv_failure = 1
    replay = 2
    before_window = 3
    bad_padding = 4
    unknown_spi = 5
    sa_expired = 6
    malformed = 7
    seq_overflow = 8
    buffer_too_small = 9
    wrong_direction = 10
    unsupported = 11

# ---- exceptions ---------------------------------------------------------------

class Error(Exception):
    code: Optional[str]

class ConfigError(Error, ValueError): ...
class ParseError(Error, ValueError): ...

class IsakmpError(ParseError):
    notify: Optional[str]

class UnsupportedError(Error): ...
class NotFoundError(Error, LookupError): ...
class AlreadyExistsError(Error): ...
class CryptoError(Error): ...
class IoError(Error, OSError): ...
class NoDeviceError(Error): ...
class AbiMismatchError(NoDeviceError): ...
class StateError(Error): ...
class DeadlineError(Error, TimeoutError): ...
class InternalError(Error): ...

class PacketError(Error):
    status: PacketStatus
    seq: Optional[int]

class IcvError(PacketError): ...
class ReplayError(PacketError): ...
class BeforeWindowError(PacketError): ...
class PaddingError(PacketError): ...
class UnknownSpiError(PacketError): ...
class ExpiredError(PacketError): ...
class MalformedError(PacketError): ...
class SequenceOverflowError(PacketError): ...
class BufferTooSmallError(PacketError): ...
class WrongDirectionError(PacketError): ...
class UnsupportedPacketError(PacketError): ...

# ---- dicts returned by the engine -------------------------------------------------

StatusCounts = Dict[str, int]  # one key per PacketStatus name

class Lifetime(TypedDict):
    bytes: int
    packets: int

class UdpEncap(TypedDict):
    sport: int
    dport: int

class SaCounters(TypedDict):
    packets: int
    bytes: int
    drops: StatusCounts

class EngineCounters(TypedDict):
    batches: int
    packets: int
    bytes_in: int
    bytes_out: int
    by_status: StatusCounts

class SaInfo(TypedDict):
    handle: int
    spi: int
    protocol: Literal["esp", "ah"]
    mode: Literal["tunnel", "transport"]
    direction: Literal["in", "out", "both"]
    src: Optional[str]
    dst: Optional[str]
    enc: Optional[str]
    integ: str
    esn: bool
    replay_window: int
    soft: Lifetime
    hard: Lifetime
    encap: Optional[UdpEncap]
    next_seq: int
    replay_top: int
    soft_expired: bool
    hard_expired: bool
    counters: SaCounters

class SaEvent(TypedDict):
    handle: int
    spi: int
    kind: Literal["soft_expired", "hard_expired", "seq_overflow"]
    by: Optional[Literal["bytes", "packets"]]

# ---- engine -----------------------------------------------------------------------

def available_drivers() -> List[str]: ...
def set_log_level(level: int) -> None: ...
def log_level() -> int: ...

class BatchResult:
    """The outcome of one batch call: a status per packet, the results in one buffer."""
    def __len__(self) -> int: ...
    def __getitem__(self, index: SupportsIndex) -> Optional[bytes]: ...
    def view(self, index: SupportsIndex) -> Optional[memoryview]: ...
    def packets(self) -> List[Optional[bytes]]: ...
    def statuses(self) -> List[PacketStatus]: ...
    def error(self, index: SupportsIndex) -> Optional[PacketError]: ...
    def check(self) -> None: ...
    @property
    def status(self) -> bytes: ...
    @property
    def lengths(self) -> List[int]: ...
    @property
    def offsets(self) -> List[int]: ...
    @property
    def seqs(self) -> List[int]: ...
    @property
    def sa_handles(self) -> List[int]: ...
    @property
    def buffer(self) -> WritableBuffer: ...
    @property
    def ok(self) -> int: ...
    @property
    def all_ok(self) -> bool: ...

class Sa:
    """A handle on one SA of an Engine (returned by Engine.add_sa())."""
    @property
    def handle(self) -> int: ...
    @property
    def spi(self) -> int: ...
    @property
    def engine(self) -> Engine: ...
    @property
    def info(self) -> SaInfo: ...
    @property
    def counters(self) -> SaCounters: ...
    def update(
        self,
        *,
        soft: Optional[Lifetime] = ...,
        hard: Optional[Lifetime] = ...,
        encap: Union[bool, None, UdpEncap] = ...,
        src: Optional[Address] = ...,
        dst: Optional[Address] = ...,
    ) -> None: ...
    def encap(self, packet: Buffer) -> bytes: ...
    def decap(self, packet: Buffer) -> bytes: ...
    def encap_batch(self, packets: Iterable[Buffer]) -> BatchResult: ...
    def decap_batch(self, packets: Iterable[Buffer]) -> BatchResult: ...
    def encap_buffer(
        self,
        data: Buffer,
        offsets: IntSequence,
        lengths: IntSequence,
        out: Optional[WritableBuffer] = None,
        stride: Optional[int] = None,
    ) -> BatchResult: ...
    def decap_buffer(
        self,
        data: Buffer,
        offsets: IntSequence,
        lengths: IntSequence,
        out: Optional[WritableBuffer] = None,
        stride: Optional[int] = None,
    ) -> BatchResult: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class Engine:
    """An ESP/AH engine: a set of SAs and the data path that applies them."""
    def __init__(
        self,
        driver: Literal["auto", "soft", "csim", "xrt"] = "auto",
        xclbin: Optional[str] = None,
        *,
        provider: Literal["auto", "openssl", "ipsec-mb"] = "auto",
        fallback: Literal["soft", "csim"] = "soft",
        manifest: Optional[str] = None,
    ) -> None: ...
    @property
    def driver(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def notices(self) -> List[str]: ...
    @property
    def closed(self) -> bool: ...
    def add_sa(
        self,
        params: Optional[Mapping[str, Any]] = None,
        /,
        *,
        spi: Union[int, str] = ...,
        protocol: Literal["esp", "ah"] = ...,
        mode: Literal["tunnel", "transport"] = ...,
        direction: Literal["in", "out", "both"] = ...,
        src: Optional[Address] = ...,
        dst: Optional[Address] = ...,
        enc: Optional[str] = ...,
        integ: Optional[str] = ...,
        enc_key: Union[Buffer, str, None] = ...,
        integ_key: Union[Buffer, str, None] = ...,
        seq: Optional[int] = ...,
        esn: Optional[bool] = ...,
        replay_window: Optional[int] = ...,
        encap: Union[bool, UdpEncap, None] = ...,
        allow_weak: Optional[bool] = ...,
        soft: Optional[Mapping[str, int]] = ...,
        hard: Optional[Mapping[str, int]] = ...,
        iv_seed: Union[Buffer, str, None] = ...,
    ) -> Sa: ...
    def remove_sa(self, sa: Sa) -> None: ...
    @property
    def sas(self) -> List[Sa]: ...
    def find_inbound(self, spi: int, protocol: Literal["esp", "ah"] = "esp") -> Optional[Sa]: ...
    def allocate_spi(self, protocol: Literal["esp", "ah"] = "esp") -> int: ...
    @property
    def counters(self) -> EngineCounters: ...
    def take_events(self) -> List[SaEvent]: ...
    def decap(self, packet: Buffer) -> bytes: ...
    def decap_batch(self, packets: Iterable[Buffer]) -> BatchResult: ...
    def decap_buffer(
        self,
        data: Buffer,
        offsets: IntSequence,
        lengths: IntSequence,
        out: Optional[WritableBuffer] = None,
        stride: Optional[int] = None,
    ) -> BatchResult: ...
    def close(self) -> None: ...
    def __enter__(self) -> Engine: ...
    def __exit__(self, *exc: object) -> None: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
