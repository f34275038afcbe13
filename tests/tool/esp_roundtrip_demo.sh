#!/usr/bin/env bash
# ESP round trip through `ikeoffctl esp`: make a capture of plain IPv4 and
# IPv6 traffic, encapsulate it with a built-in AES-128-GCM tunnel SA,
# decapsulate the result and check that every packet comes back unchanged.
#
#   tests/tool/esp_roundtrip_demo.sh [path/to/ikeoffctl]
#
#   IKEOFF_ENGINE    engine driver (default auto: the card if present, else soft)
#   IKEOFF_DEMO_DIR  where the captures go (default: a fresh temporary directory)
#
# Exit status 0 only when both directions ran without drops and the round
# trip is byte-identical.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ctl=${1:-$here/../../build/host/ikeoffctl}
engine=${IKEOFF_ENGINE:-auto}
work=${IKEOFF_DEMO_DIR:-$(mktemp -d /tmp/ikeoff-demo.XXXXXX)}
mkdir -p "$work"

if [ ! -x "$ctl" ]; then
  echo "esp_roundtrip_demo: $ctl is not built (run .ci/setup.sh first)" >&2
  exit 2
fi

# A demonstration SA: the key is public, never use it for real traffic.
cat >"$work/sa.json" <<'JSON'
{
  "spi": "0x1234abcd",
  "protocol": "esp",
  "mode": "tunnel",
  "src": "192.0.2.1",
  "dst": "192.0.2.2",
  "enc": "aes128gcm16",
  "enc_key": "4a6f8e2d1c0b3a5968778695a4b3c2d1e0f01020",
  "replay_window": 64
}
JSON

/usr/bin/python3 "$here/demo_packets.py" make "$work/plain.pcap"

# ikeoffctl exits 1 when packets were dropped; the report below says how many.
rc=0
"$ctl" esp encap --sa "$work/sa.json" --in "$work/plain.pcap" --out "$work/esp.pcap" \
  --engine "$engine" --json >"$work/encap.json" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
"$ctl" esp decap --sa "$work/sa.json" --in "$work/esp.pcap" --out "$work/decap.pcap" \
  --engine "$engine" --json >"$work/decap.json" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"

if command -v tshark >/dev/null 2>&1; then
  echo "First packets as tshark sees them (plain -> ESP):"
  tshark -r "$work/plain.pcap" -c 2 2>/dev/null | sed 's/^/  /' || true
  tshark -r "$work/esp.pcap" -c 2 2>/dev/null | sed 's/^/  /' || true
fi

exec /usr/bin/python3 "$here/demo_packets.py" report "$work/plain.pcap" "$work/esp.pcap" \
  "$work/decap.pcap" "$work/encap.json" "$work/decap.json"
