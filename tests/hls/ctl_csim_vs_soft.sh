#!/usr/bin/env bash
# `ikeoffctl esp encap|decap --engine csim` must write byte-identical pcaps
# to `--engine soft` (issue 4, verification): for several SAs (GCM, GMAC,
# CBC+HMAC with a fixed IV seed, 3DES, NULL, AH; tunnel and transport; UDP
# encapsulation; ESN), encapsulate the same capture with both engines and
# compare, then decapsulate soft's output with both and compare again.
#
#   ctl_csim_vs_soft.sh <ikeoffctl> <work dir>
set -euo pipefail
ctl=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
demo=$here/../tool/demo_packets.py
mkdir -p "$work"
/usr/bin/python3 "$demo" make "$work/plain.pcap"

sa() {  # name, JSON body
  printf '{ "spi": "0x2000%02x", "src": "192.0.2.1", "dst": "192.0.2.2", "replay_window": 64, %s }\n' "$3" "$2" >"$work/$1.json"
}
sa gcm '"protocol": "esp", "mode": "tunnel", "enc": "aes256gcm16", "enc_key": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223", "esn": true' 1
sa gmac '"protocol": "esp", "mode": "transport", "enc": "aes128gmac", "enc_key": "0f0e0d0c0b0a09080706050403020100a1a2a3a4"' 2
sa cbc '"protocol": "esp", "mode": "tunnel", "enc": "aes128", "enc_key": "00112233445566778899aabbccddeeff", "integ": "sha256", "integ_key": "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20", "iv_seed": "f0e1d2c3b4a5968778695a4b3c2d1e0f", "encap": {"sport": 4500, "dport": 4500}' 3
sa tdes '"protocol": "esp", "mode": "transport", "enc": "3des", "enc_key": "0123456789abcdeffedcba987654321089abcdef01234567", "integ": "sha1", "integ_key": "0102030405060708090a0b0c0d0e0f1011121314", "iv_seed": "00000000000000000000000000000001"' 4
sa null '"protocol": "esp", "mode": "tunnel", "enc": "null", "integ": "sha512", "integ_key": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"' 5
sa ah '"protocol": "ah", "mode": "transport", "integ": "sha384", "integ_key": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"' 6
sa ah_tunnel '"protocol": "ah", "mode": "tunnel", "integ": "md5", "integ_key": "00112233445566778899aabbccddeeff", "allow_weak": true' 7

fail=0
for name in gcm gmac cbc tdes null ah ah_tunnel; do
  for engine in soft csim; do
    rc=0
    "$ctl" esp encap --sa "$work/$name.json" --in "$work/plain.pcap" --out "$work/$name.esp.$engine.pcap" \
      --engine "$engine" --json >"$work/$name.encap.$engine.json" || rc=$?
    [ "$rc" -le 1 ] || { echo "FAIL $name: encap --engine $engine exited $rc"; fail=1; continue 2; }
    rc=0
    "$ctl" esp decap --sa "$work/$name.json" --in "$work/$name.esp.soft.pcap" --out "$work/$name.dec.$engine.pcap" \
      --engine "$engine" --json >"$work/$name.decap.$engine.json" || rc=$?
    [ "$rc" -le 1 ] || { echo "FAIL $name: decap --engine $engine exited $rc"; fail=1; continue 2; }
  done
  if ! cmp -s "$work/$name.esp.soft.pcap" "$work/$name.esp.csim.pcap"; then
    echo "FAIL $name: encap pcaps differ"; fail=1
  elif ! cmp -s "$work/$name.dec.soft.pcap" "$work/$name.dec.csim.pcap"; then
    echo "FAIL $name: decap pcaps differ"; fail=1
  elif ! cmp -s "$work/plain.pcap" "$work/$name.dec.soft.pcap"; then
    echo "FAIL $name: round trip does not restore the capture"; fail=1
  else
    echo "ok $name: encap and decap pcaps byte-identical (soft vs csim), $(stat -c %s "$work/$name.esp.soft.pcap") octets"
  fi
done
exit $fail
