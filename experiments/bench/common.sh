# shellcheck shell=bash
# Shared by the benchmark scripts (source it, never run it): builds the router
# and the benchmark tools in Release, then loads tests/netns/lib.sh.
#
#   source "$(dirname "$0")/common.sh"
#   bench_setup              # sets ILNP, RELAY, TRAFFIC; exits 77 without root
#
# BENCH_BUILD names the build directory (default build-release at the top of
# the repository); ILNP_BENCH_NO_BUILD=1 uses it as it is. ILNP=/path/to/ilnp
# measures another router binary (e.g. one built before a change) with the
# same tools. Results go to experiments/results/ (ignored by git) as well.
# Every process of a benchmark runs at nice BENCH_NICE (default -10), so that
# other work on the machine (a build) does not decide the figures.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_ROOT=$(cd "$BENCH_DIR/../.." && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
BENCH_UID=$(($(id -u) % 65536))  # the group mapping's U, as ilnp computes it

bench_setup() {
  local build=${BENCH_BUILD:-$BENCH_ROOT/build-release}
  if [[ ${ILNP_BENCH_NO_BUILD:-0} != 1 ]]; then
    local log
    log=$(mktemp)
    if ! { cmake -S "$BENCH_ROOT" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
      cmake --build "$build" -j "$(nproc)" --target ilnp ilnp_bench_relay ilnp_bench_traffic; } >"$log" 2>&1; then
      tail -n 30 "$log" >&2
      echo "FAIL: the Release build in $build failed (the top-level CMakeLists.txt needs add_subdirectory(experiments))" >&2
      exit 1
    fi
    rm -f "$log"
  fi
  ILNP=${ILNP:-$build/ilnp}
  RELAY=$build/experiments/ilnp_bench_relay
  TRAFFIC=$build/experiments/ilnp_bench_traffic
  [[ -x $RELAY && -x $TRAFFIC ]] || {
    echo "FAIL: no benchmark tools in $build/experiments" >&2
    exit 1
  }
  # shellcheck source=SCRIPTDIR/../../tests/netns/lib.sh
  source "$BENCH_ROOT/tests/netns/lib.sh" "$ILNP"
  netns_require
  netns_require_python
  renice -n "${BENCH_NICE:--10}" -p $$ >/dev/null  # inherited by every process started from here
}

# The results file of this run: experiments/results/bench-NAME-UTCTIME.EXT.
bench_results() {
  mkdir -p "$BENCH_ROOT/experiments/results"
  echo "$BENCH_ROOT/experiments/results/bench-$1-$(date -u +%Y%m%dT%H%M%SZ).$2"
}

# CPU time of a process so far (user + system, all threads), in seconds.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / hz }' "/proc/$1/stat"
}
# VmRSS or VmHWM (peak) of a process, in kB.
memory_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }

# A line about where the figures were taken.
bench_machine() {
  local cpu
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  echo "$(nproc) CPUs (${cpu:-unknown}), kernel $(uname -r), router $(cd "$BENCH_ROOT" && git describe --always --dirty 2>/dev/null || echo '?')"
}
