#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz", clang) and runs each for N seconds (default 60)
# from its seed corpus under fuzz/corpus/<target>/. Exits non-zero on the first crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
bash scripts/install-deps.sh --test
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j"$(nproc)" --target fuzzers
shopt -s nullglob
targets=(build/fuzz/fuzz/*_fuzz)
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz: no targets built" >&2
  exit 1
fi
for t in "${targets[@]}"; do
  name=$(basename "$t")
  corpus=fuzz/corpus/${name%_fuzz}
  work=$(mktemp -d)
  [[ -d $corpus ]] && cp -r "$corpus"/. "$work"/
  echo "fuzz: $name for ${seconds}s"
  "$t" -max_total_time="$seconds" -print_final_stats=1 "$work" 2>&1 | tail -n 3
  rm -rf "$work"
done
