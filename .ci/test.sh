#!/usr/bin/env bash
# The test command: set up, build, run every test (C++ via CTest, which also
# runs the Python tests and the interop tests), then rebuild the parsers of
# untrusted input with AddressSanitizer + UBSan and run their malformed-input
# tests. Exit status is CI's verdict.
#   IKEOFF_SKIP_SANITIZE=1  skip the sanitizer stage (quicker local runs)
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/setup.sh
build=${IKEOFF_BUILD_DIR:-build}
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@"

if [ "${IKEOFF_SKIP_SANITIZE:-0}" != 1 ]; then
  # Only the binaries that eat wire input: the ISAKMP codec and its corpus,
  # the IKE exchanges' malformed-message tests and the ESP/AH engine.
  san=${build}-sanitize
  targets=(ikeoff_wire_tests ikeoff_isakmp_tests ikeoff_fuzz_corpus_tests)
  cmake -S . -B "$san" -G Ninja -DIKEOFF_WERROR=ON -DIKEOFF_SANITIZE=ON -DIKEOFF_PYTHON=OFF \
        -DCMAKE_BUILD_TYPE=Debug >/dev/null
  available=$(ninja -C "$san" -t targets all | sed -n 's/^\([a-z_]*_tests\): .*/\1/p')
  for t in ikeoff_exchange_malformed_tests; do
    if grep -qx "$t" <<<"$available"; then targets+=("$t"); fi
  done
  cmake --build "$san" -j"$(nproc)" --target "${targets[@]}"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  for t in "${targets[@]}"; do
    bin=$(find "$san/tests" -type f -name "$t" -perm -u+x | head -1)
    echo "sanitize: $t"
    "$bin" --gtest_brief=1
  done
fi
