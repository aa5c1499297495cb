#!/usr/bin/env bash
# Builds meterd (release preset) and runs it in the foreground on the example configuration,
# which polls the built-in simulated B-Smart meters when no hardware is configured.
# Installs missing Debian 12 packages first. Extra arguments go to meterd (e.g. --log-level debug).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target meterd  # the daemon only: no tests, no benches
config=${METERD_CONFIG:-config/meterd.yaml}
# The example names no state_dir, so meterd takes $STATE_DIRECTORY (as systemd's StateDirectory=
# sets it): here a folder in the build tree, so a try-out needs no /var/lib and no root.
export STATE_DIRECTORY=${STATE_DIRECTORY:-$PWD/build/run-state}
mkdir -p "$STATE_DIRECTORY"
echo "run: STATE_DIRECTORY=$STATE_DIRECTORY build/release/src/app/meterd --config $config $*" >&2
echo "run: the page and REST API are on http://127.0.0.1:8080/ ; Ctrl-C stops meterd" >&2
exec build/release/src/app/meterd --config "$config" "$@"
