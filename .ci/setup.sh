#!/usr/bin/env bash
# Installs what ikeoffload needs on Debian 12 (idempotent), then configures
# and builds into ./build. Used by both README commands and by CI.
#   IKEOFF_BUILD_DIR  build directory (default: build)
#   IKEOFF_CMAKE_ARGS extra arguments for cmake
set -euo pipefail
cd "$(dirname "$0")/.."

# libstrongswan-standard-plugins: the interop peer's userspace ESP gets
# AES-GCM (gcm plugin) and 3DES (openssl plugin) from it; without it charon
# negotiates such SAs and then fails to install them.
packages=(
  build-essential cmake ninja-build pkg-config git
  libssl-dev libboost-program-options-dev libgtest-dev libgmock-dev
  libpcap-dev nlohmann-json3-dev libipsec-mb-dev libxrt-dev uuid-dev
  python3 python3-dev pybind11-dev python3-pytest python3-scapy python3-cryptography
  python3-setuptools python3-pip python3-wheel
  iproute2 strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins tshark
  openssl iputils-ping procps util-linux
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # tshark asks whether non-root users may capture; the answer does not matter here.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build=${IKEOFF_BUILD_DIR:-build}
# shellcheck disable=SC2086
cmake -S . -B "$build" -G Ninja -DIKEOFF_WERROR=ON ${IKEOFF_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)"
