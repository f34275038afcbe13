#!/usr/bin/env bash
# The README's main job: sets up and builds (.ci/setup.sh), then runs the
# demonstration. Until the IKE daemon exists that is an ESP round trip
# through the offline tool (tests/tool/esp_roundtrip_demo.sh), which stays
# available as a script of its own when an IKE negotiation replaces it here.
#   IKEOFF_BUILD_DIR  build directory (default: build)
#   IKEOFF_ENGINE     engine driver for the demo (default: auto)
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/setup.sh
exec tests/tool/esp_roundtrip_demo.sh "${IKEOFF_BUILD_DIR:-build}/host/ikeoffctl"
