#!/usr/bin/env python3
"""Writes the bitstream manifest read by the xrt driver (bitstreams/README.md).

  write_manifest.py entry --name N --xclbin F --platform P --target T --abi A
                          --link-config link/<p>.cfg --tool-version V --out <dir>/N.json
      one manifest holding the single bitstream just built; kernel names and
      compute units come from the link config's nk= lines (what v++ linked).
  write_manifest.py merge --dir <bitstreams> --out <bitstreams>/manifest.json
      every ikeoff_*.json in the directory merged into one manifest.

Only the standard library: the hw/ build must not need pip.
"""
import argparse
import datetime
import hashlib
import json
import os
import pathlib
import re
import sys

FORMAT = "ikeoffload-bitstreams/1"


def fail(msg):
    print("write_manifest: " + msg, file=sys.stderr)
    sys.exit(1)


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def kernels_from_link_config(path):
    """nk=<kernel>:<count>[:<cu1>.<cu2>...] -> [{name, compute_units}] in file order."""
    kernels = []
    for raw in pathlib.Path(path).read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        m = re.fullmatch(r"nk\s*=\s*([A-Za-z_]\w*):(\d+)(?::([\w.]+))?", line)
        if not m:
            continue
        name, count = m.group(1), int(m.group(2))
        cus = m.group(3).split(".") if m.group(3) else [f"{name}_{i + 1}" for i in range(count)]
        if len(cus) != count:
            fail(f"{path}: '{line}' names {len(cus)} compute units but asks for {count}")
        kernels.append({"name": name, "compute_units": cus})
    if not kernels:
        fail(f"{path}: no nk= lines, cannot tell which kernels the xclbin holds")
    return kernels


def build_date():
    # SOURCE_DATE_EPOCH makes rebuilt manifests byte-identical (reproducible builds).
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc) if epoch
            else datetime.datetime.now(datetime.timezone.utc))
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_json(path, doc):
    tmp = str(path) + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)  # readers never see a half-written manifest


def cmd_entry(a):
    xclbin = pathlib.Path(a.xclbin)
    if not xclbin.is_file():
        fail(f"no xclbin at {xclbin}")
    out = pathlib.Path(a.out)
    # Stored relative to the manifest so the bitstreams directory can move.
    rel = os.path.relpath(xclbin.resolve(), out.resolve().parent)
    entry = {
        "name": a.name,
        "xclbin": rel,
        "platform": a.platform,
        "target": a.target,
        "abi": a.abi,
        "sha256": sha256_of(xclbin),
        "kernels": kernels_from_link_config(a.link_config),
        "tool_version": a.tool_version or "unknown",
        "build_date": build_date(),
    }
    write_json(out, {"format": FORMAT, "bitstreams": [entry]})


def cmd_merge(a):
    d = pathlib.Path(a.dir)
    entries = []
    for p in sorted(d.glob("ikeoff_*.json")):
        doc = json.loads(p.read_text())
        if doc.get("format") != FORMAT or doc.get("example"):
            continue
        for e in doc.get("bitstreams", []):
            # Paths stay relative to the directory both files share.
            entries.append(e)
    if not entries:
        fail(f"no ikeoff_*.json bitstream entries in {d}")
    write_json(pathlib.Path(a.out), {"format": FORMAT, "bitstreams": entries})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("entry")
    e.add_argument("--name", required=True)
    e.add_argument("--xclbin", required=True)
    e.add_argument("--platform", required=True)
    e.add_argument("--target", required=True, choices=["hw", "hw_emu"])
    e.add_argument("--abi", required=True, type=int)
    e.add_argument("--link-config", required=True)
    e.add_argument("--tool-version", default="")
    e.add_argument("--out", required=True)
    m = sub.add_parser("merge")
    m.add_argument("--dir", required=True)
    m.add_argument("--out", required=True)
    a = ap.parse_args()
    (cmd_entry if a.cmd == "entry" else cmd_merge)(a)


if __name__ == "__main__":
    main()
