#!/usr/bin/env bash
# The test command: set up, build, run every test (C++ via CTest, which also
# runs the Python tests and the interop tests). Exit status is CI's verdict.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/setup.sh
ctest --test-dir "${IKEOFF_BUILD_DIR:-build}" --output-on-failure -j"$(nproc)" "$@"
