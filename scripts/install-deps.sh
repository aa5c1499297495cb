#!/usr/bin/env bash
# Installs exactly the Debian 12 packages meterd needs to build, run and test.
# Idempotent: quiet and fast when everything is already there. Needs root (or sudo).
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also the test-only tools (mbpoll, clang for fuzzing, ...)
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev        # Asio, Beast, boost::system::result (1.74 lacks it)
  libmodbus-dev libssl-dev libspdlog-dev nlohmann-json3-dev libyaml-cpp-dev
  libsqlite3-dev libsystemd-dev
  zlib1g-dev              # gzip request bodies of the uplink
  libxlsxwriter-dev       # the REST API's .xlsx export
)
test_pkgs=(
  libgtest-dev libgmock-dev
  clang libclang-rt-14-dev  # libFuzzer targets
  mbpoll                    # independent Modbus master for the simulator test
  systemd                   # systemd-analyze verifies systemd/meterd.service
  nginx-light               # the uplink's integration tests: a real TLS server with client certs
  chromium                  # the API's page tested headless
  wrk                       # bench-api
  unzip curl                # the API tests read the .xlsx back and speak HTTPS
)

want=("${build_pkgs[@]}")
[[ "${1:-}" == "--test" ]] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
