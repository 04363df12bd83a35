#!/usr/bin/env bash
# Installs every build and test dependency from Debian packages (idempotent)
# and builds ilnp into build/. Run as root, or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config clang libclang-rt-dev
  libboost-dev libboost-program-options-dev libsodium-dev libsqlite3-dev
  libsystemd-dev libgtest-dev libgmock-dev libbenchmark-dev libusrsctp-dev
  iproute2 iptables nftables ncat netcat-openbsd python3 python3-matplotlib procps tshark sqlite3
  openssh-server openssh-client
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CMAKE_ARGS:-}
cmake --build "$build_dir" -j "$(nproc)"
echo "setup: built $build_dir/ilnp"
