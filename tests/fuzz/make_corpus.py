#!/usr/bin/python3
"""Seed corpora for the libFuzzer targets, from the capture test data.

  tests/fuzz/make_corpus.py      (writes tests/fuzz/corpus/{datagram,body,payload}/)

datagram: each captured UDP payload; body: [first payload type, mode=1,
decrypted or cleartext body]; payload: [payload type, payload body] for each
top-level payload of each message. The same inputs seed
malformed_corpus_test.cpp, which reads the JSON directly.
"""
import glob
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "unit", "isakmp", "data")


def write(kind, blob):
    d = os.path.join(HERE, "corpus", kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(blob).hexdigest()[:16]), "wb") as f:
        f.write(blob)


def chain(body, first):
    out, pos, t = [], 0, first
    while t and pos + 4 <= len(body):
        nxt, length = body[pos], int.from_bytes(body[pos + 2:pos + 4], "big")
        out.append(bytes([t]) + body[pos + 4:pos + length])
        pos, t = pos + length, nxt
    return out


for path in sorted(glob.glob(os.path.join(DATA, "*.json"))):
    for m in json.load(open(path))["messages"]:
        udp = bytes.fromhex(m["udp_payload"])
        write("datagram", udp)
        msg = udp[4:] if udp[:4] == b"\0\0\0\0" else udp
        body = bytes.fromhex(m["decrypted_body"]) if "decrypted_body" in m else msg[28:]
        write("body", bytes([msg[16], 1]) + body)
        for p in chain(body, msg[16]):
            write("payload", p)
