# Type stubs for ikeoffload.pcap: capture files through an SA.
import os
from typing import Dict, List, Optional, TypedDict, Union

from . import Sa, SaEvent

PathLike = Union[str, "os.PathLike[str]"]

class PcapStats(TypedDict):
    frames: int
    non_ip: int
    packets: int
    written: int
    dropped: int
    bytes_in: int
    bytes_out: int
    batches: int
    status: Dict[str, int]
    events: List[SaEvent]

def encap_file(in_path: PathLike, out_path: PathLike, sa: Sa, *, batch: int = 64) -> PcapStats: ...
def decap_file(in_path: PathLike, out_path: PathLike, sa: Sa, *, batch: int = 64) -> PcapStats: ...
