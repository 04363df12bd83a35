#!/usr/bin/env bash
# Installs dependencies from Debian packages (idempotent) and builds ilnp into
# build/. `--node`: only what the node needs to build and run (a Raspberry
# Pi); default: also everything the tests need (CI). Run as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

# Building and running a node.
node_packages=(
  build-essential cmake pkg-config
  libboost-dev libboost-program-options-dev libsodium-dev libsqlite3-dev libusrsctp-dev libsystemd-dev libmnl-dev
)
# The test tiers: unit (gtest), fuzz (clang), netns and testbed (iproute2,
# nftables, ncat, ssh), Wireshark dissector (tshark), plots (matplotlib),
# the package test (lintian, systemd-analyze).
test_packages=(
  clang libclang-rt-dev libgtest-dev libgmock-dev libbenchmark-dev ccache
  iproute2 iptables nftables ncat netcat-openbsd iputils-tracepath python3 python3-matplotlib procps tshark sqlite3
  openssh-server openssh-client lintian systemd file
)

packages=("${node_packages[@]}")
case ${1-} in
--node) ;;
"") packages+=("${test_packages[@]}") ;;
*) echo "usage: scripts/setup.sh [--node]" >&2; exit 2 ;;
esac
# Without gtest the build skips the tests.
[[ ${1-} == --node ]] && cmake_tests=-DBUILD_TESTING=OFF || cmake_tests=

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
jobs=$(scripts/lib/build-jobs.sh)
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo $cmake_tests ${CMAKE_ARGS:-}
echo "setup: building with $jobs jobs (about 700 MB of memory each)"
cmake --build "$build_dir" -j "$jobs"
echo "setup: built $build_dir/ilnp"
