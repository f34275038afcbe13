"""ESP keys and SPIs of each CHILD_SA, read from a charon log at chd=4.

charon prints, per CHILD_SA (level 4 of the CHD group):
    encryption initiator key => 16 bytes @ 0x...
       0: 27 4C F1 ...                                  (hex dump lines)
    encryption responder key / integrity initiator key / integrity responder key
    adding inbound ESP SA /   SPI 0xb8617a9e, src 10.77.0.2 dst 10.77.0.1
    adding outbound ESP SA /  SPI 0xed692505, src ... dst ...
    CHILD_SA net{1} established with SPIs b8617a9e_i ed692505_o and TS ...
"Initiator" keys protect traffic from the Quick Mode initiator to the
responder (RFC 2409 §5.5 KEYMAT is per SPI; strongSwan names them by role).
Whether this charon initiated the Quick Mode shows in its ENC lines:
"generating QUICK_MODE request N [ HASH SA No ..." (initiator) or "parsed
QUICK_MODE request N [ HASH SA No ..." (responder).
"""
import re

_TAG = re.compile(r"<([^>]*)>")
_KEY = re.compile(r"(encryption|integrity) (initiator|responder) key => (\d+) bytes")
_DUMP = re.compile(r"\]\s(?:<[^>]*>\s)?\s+\d+: ((?:[0-9A-F]{2} ){1,16})")
_SPI = re.compile(r"SPI 0x([0-9a-f]{8}), src (\S+) dst (\S+)")
_ESTABLISHED = re.compile(r"CHILD_SA (\S+)\{(\d+)\} established with SPIs ([0-9a-f]{8})_i ([0-9a-f]{8})_o")
_QM_I = re.compile(r"generating QUICK_MODE request \d+ \[ HASH SA No")
_QM_R = re.compile(r"parsed QUICK_MODE request \d+ \[ HASH SA No")


def _ike_sa(line):
    m = _TAG.search(line)
    return m[1].split("|")[-1] if m else ""


def child_sas(log_text):
    """List of dicts, one per established CHILD_SA:
    spi_in, spi_out (hex, charon's point of view), qm_initiator,
    in_enc, in_integ, out_enc, out_integ (hex; "" when absent)."""
    result = []
    state = {}  # per IKE_SA: keys, SPIs, role
    want = None  # (sa, slot, nbytes) while reading a hex dump
    dump = ""
    for line in log_text.splitlines():
        sa = _ike_sa(line)
        if want:
            m = _DUMP.search(line)
            if m:
                dump += m[1].replace(" ", "")
                if len(dump) >= want[2] * 2:
                    state.setdefault(want[0], {}).setdefault("keys", {})[want[1]] = dump[: want[2] * 2].lower()
                    want, dump = None, ""
                continue
            want, dump = None, ""
        st = state.setdefault(sa, {})
        m = _KEY.search(line)
        if m:
            want = (sa, f"{m[1]} {m[2]}", int(m[3]))
            dump = ""
            continue
        if _QM_I.search(line):
            st["qm_initiator"] = True
            st.pop("keys", None)
        elif _QM_R.search(line):
            st["qm_initiator"] = False
            st.pop("keys", None)
        if "adding inbound" in line:
            st["dir"] = "in"
        elif "adding outbound" in line:
            st["dir"] = "out"
        m = _SPI.search(line)
        if m and "dir" in st:
            st[f"spi_{st['dir']}"] = m[1]
        m = _ESTABLISHED.search(line)
        if m:
            keys = st.get("keys", {})
            init = st.get("qm_initiator", False)
            # Our outbound SA carries initiator keys if we initiated the QM.
            out_role, in_role = ("initiator", "responder") if init else ("responder", "initiator")
            result.append({
                "name": m[1],
                "unique": int(m[2]),
                "spi_in": m[3],
                "spi_out": m[4],
                "qm_initiator": init,
                "out_enc": keys.get(f"encryption {out_role}", ""),
                "out_integ": keys.get(f"integrity {out_role}", ""),
                "in_enc": keys.get(f"encryption {in_role}", ""),
                "in_integ": keys.get(f"integrity {in_role}", ""),
            })
            st.pop("keys", None)
    return result
