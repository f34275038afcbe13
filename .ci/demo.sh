#!/usr/bin/env bash
# The README's main job: sets up and builds (.ci/setup.sh), then
#   1. tests/demo/ike_tunnel_demo.py: ikeoffd negotiates an IKEv1 tunnel
#      (Main Mode PSK + Quick Mode, ESP aes128gcm16) with strongSwan in a
#      pair of network namespaces, traffic crosses it through ikeoffd's ESP
#      engine, both sides' SAs are compared and the tunnel is torn down
#      (a second ikeoffd is the peer where strongSwan cannot run);
#   2. tests/tool/esp_roundtrip_demo.sh: the offline ESP round trip of a
#      capture through `ikeoffctl esp encap/decap`.
# Exit status 0 only when both parts worked.
#   IKEOFF_BUILD_DIR  build directory (default: build)
#   IKEOFF_ENGINE     engine for both parts: soft, csim, xrt or auto (default:
#                     auto, the card when present, else soft)
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/setup.sh
build=${IKEOFF_BUILD_DIR:-build}

echo
echo "=== part 1 of 2: IKEv1 tunnel ikeoffd <-> strongSwan, traffic through the engine ==="
ike=0
/usr/bin/python3 tests/demo/ike_tunnel_demo.py --build-dir "$build" || ike=$?

echo
echo "=== part 2 of 2: ESP round trip of a capture through ikeoffctl esp (offline) ==="
esp=0
tests/tool/esp_roundtrip_demo.sh "$build/host/ikeoffctl" || esp=$?

verdict() { [ "$1" -eq 0 ] && echo PASS || echo "FAIL (exit $1)"; }
echo "main job: IKE tunnel $(verdict "$ike"), ESP round trip $(verdict "$esp")"
[ "$ike" -eq 0 ] && [ "$esp" -eq 0 ]
