#!/usr/bin/env bash
# Cross-builds ilnp and the unit tests for a Raspberry Pi architecture
# (arm64 or armhf) with Debian's cross toolchain and multiarch -dev packages,
# then runs the unit tests under qemu-user-static. Usage: cross-build.sh ARCH
set -euo pipefail
cd "$(dirname "$0")/.."

arch=${1:?usage: scripts/cross-build.sh arm64|armhf}
case $arch in
arm64) triple=aarch64-linux-gnu qemu=qemu-aarch64-static ;;
armhf) triple=arm-linux-gnueabihf qemu=qemu-arm-static ;;
*) echo "cross-build: unknown architecture '$arch' (arm64 or armhf)" >&2; exit 2 ;;
esac
# armhf runs its unit tests too unless CROSS_RUN_TESTS=0 (qemu-arm is slower).
run_tests=${CROSS_RUN_TESTS:-1}

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
libs=(libboost-dev libboost-program-options-dev libsodium-dev libsqlite3-dev libusrsctp-dev libsystemd-dev libmnl-dev libgtest-dev libgmock-dev)
packages=("g++-$triple" qemu-user-static "${libs[@]/%/:$arch}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "cross-build: installing ${missing[*]}"
  dpkg --print-foreign-architectures | grep -qx "$arch" || "${sudo_cmd[@]}" dpkg --add-architecture "$arch"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build_dir=${BUILD_DIR:-build-$arch}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
start=$SECONDS
# -O1 -g0: this build checks that the code compiles and passes its unit tests
# on the target; it is not the binary a Pi runs (that one is built there or
# packaged), so it skips the optimiser's and debug info's time.
cmake -S . -B "$build_dir" --toolchain "cmake/toolchain-$arch.cmake" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g0" -DILNP_WERROR=ON -DCMAKE_GTEST_DISCOVER_TESTS_DISCOVERY_MODE=PRE_TEST \
  "${launcher[@]}" >/dev/null
jobs=$(scripts/lib/build-jobs.sh)
cmake --build "$build_dir" -j "$jobs" --target ilnp ilnp_unit_tests
echo "cross-build: $arch build took $((SECONDS - start)) s"

file "$build_dir/ilnp" 2>/dev/null || true
# No `-L /usr/$triple`: that prefix makes qemu load the cross package's ld.so
# while the libraries still resolve to the multiarch ones (libc6:$arch, a
# different glibc build), and pthread_create then spins forever in the
# mismatched loader. The multiarch runtime alone is consistent (and is a Pi's).
"$qemu" "$build_dir/ilnp" --help >/dev/null
if [[ $run_tests == 1 ]]; then
  start=$SECONDS
  "$qemu" "$build_dir/tests/ilnp_unit_tests" --gtest_brief=1
  echo "cross-build: $arch unit tests under $qemu took $((SECONDS - start)) s"
fi
