#!/usr/bin/env bash
# Installs the Debian 12 packages NDC needs to build, test and run. Idempotent: packages already
# installed are skipped, and apt-get runs only when something is missing. Runs as root or via sudo.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git mold
  # libraries
  libboost-dev libboost-system-dev libsqlite3-dev libpq-dev libssl-dev libsodium-dev libicu-dev
  libre2-dev libsimdjson-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev
  zlib1g-dev
  # tcmalloc (gperftools): the ndc binary's allocator (CMake option NDC_TCMALLOC)
  libgoogle-perftools-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev sqlite3 postgresql curl
  # the OpenAPI document's YAML check (tests/integration/CMakeLists.txt)
  python3-yaml
  # fuzzing the ingest readers with libFuzzer (the slow test ingest_formats_fuzz)
  clang libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
# The postgresql package starts a cluster of its own; NDC's tests start private servers instead
# and do not need it, so leave it as the package set it up.
echo "setup: done"
