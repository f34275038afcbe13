"""Capture files through an SA: the code behind ``ikeoffctl esp encap|decap``.

Example (decrypt a capture given the keys)::

    engine = ikeoffload.Engine("soft")
    sa = engine.add_sa(spi=0xc0ffee01, src="192.0.2.1", dst="192.0.2.2",
                       enc="aes128gcm16", enc_key=bytes.fromhex("..."))
    stats = ikeoffload.pcap.decap_file("esp.pcap", "plain.pcap", sa)
    print(stats["written"], "packets decrypted,", stats["status"]["icv_failure"], "ICV failures")
"""

from ._ikeoffload import pcap as _native

encap_file = _native.encap_file
decap_file = _native.decap_file

__all__ = ["decap_file", "encap_file"]
