#!/usr/bin/env bash
# Builds meterd (release preset) and runs it in the foreground on the example configuration,
# which polls the built-in simulated B-Smart meters when no hardware is configured.
# Installs missing Debian 12 packages first. Extra arguments go to meterd (e.g. --log-level debug).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
config=${METERD_CONFIG:-config/meterd.yaml}
echo "run: build/release/src/app/meterd --config $config $*" >&2
exec build/release/src/app/meterd --config "$config" "$@"
