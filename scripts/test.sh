#!/usr/bin/env bash
# Builds everything and runs every test with ctest. Installs missing Debian 12 packages first.
#   scripts/test.sh            release build, warnings as errors (preset "ci")
#   scripts/test.sh ci-asan    the same suite under AddressSanitizer + UndefinedBehaviorSanitizer
# Extra arguments after the preset go to ctest (e.g. -L unit, -R Obis).
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-ci}
shift || true
bash scripts/install-deps.sh --test
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j"$(nproc)"
ctest --preset "$preset" "$@"
