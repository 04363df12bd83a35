# shellcheck shell=bash
# Shared by the benchmark scripts (source it, never run it): builds the router
# and the benchmark tools in Release, then loads tests/netns/lib.sh.
#
#   source "$(dirname "$0")/common.sh"
#   bench_setup              # sets ILNP, RELAY, TRAFFIC; exits 77 without root
#
# BENCH_BUILD names the build directory (default build-release at the top of
# the repository); ILNP_BENCH_NO_BUILD=1 uses it as it is (any build type with
# the ilnp and experiments/ilnp_bench_* targets built). ILNP=/path/to/ilnp
# measures another router binary (e.g. one built before a change) with the
# same tools. Results go to experiments/results/ (ignored by git) as
# bench-PART-UTCTIME.{jsonl,txt}, or to BENCH_RUN_DIR/PART.jsonl when run.sh
# drives the part. Every process of a benchmark runs at nice BENCH_NICE
# (default -10), so that other work on the machine (a build) does not decide
# the figures.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_ROOT=$(cd "$BENCH_DIR/../.." && pwd)
# shellcheck disable=SC2034 # used by the scripts that source this file
BENCH_UID=$(($(id -u) % 65536))  # the group mapping's U, as ilnp computes it
BENCH_TARGETS=(ilnp ilnp_bench_relay ilnp_bench_traffic)

# Configures and builds TARGETS in BENCH_BUILD (Release, no tests) unless
# ILNP_BENCH_NO_BUILD=1; prints the build's tail and exits 1 on failure.
bench_build() {  # TARGET...
  local build=${BENCH_BUILD:-$BENCH_ROOT/build-release} log
  [[ ${ILNP_BENCH_NO_BUILD:-0} == 1 ]] && return 0
  log=$(mktemp)
  if ! { cmake -S "$BENCH_ROOT" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF &&
    cmake --build "$build" -j "$(nproc)" --target "$@"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "FAIL: the Release build in $build failed" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
}

bench_setup() {
  local build=${BENCH_BUILD:-$BENCH_ROOT/build-release}
  bench_build "${BENCH_TARGETS[@]}"
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

# The results file of this part (JSON lines): BENCH_RUN_DIR/PART.jsonl under
# run.sh, else experiments/results/bench-PART-UTCTIME.jsonl. Its first line is
# {"params": {...}}: the PARAMS given as KEY=VALUE (strings), and the machine.
bench_results() {  # PART KEY=VALUE...
  local file
  if [[ -n ${BENCH_RUN_DIR:-} ]]; then
    file=$BENCH_RUN_DIR/$1.jsonl
  else
    mkdir -p "$BENCH_ROOT/experiments/results"
    file=$BENCH_ROOT/experiments/results/bench-$1-$(date -u +%Y%m%dT%H%M%SZ).jsonl
  fi
  python3 -c 'import json, sys
print(json.dumps({"params": dict(a.split("=", 1) for a in sys.argv[1:])}))' "machine=$(bench_machine)" "${@:2}" >"$file"
  echo "$file"
}

# Prints the detailed table of PART from its results file, and writes it next
# to the file (FILE.txt) when the part runs alone.
bench_report() {  # PART FILE
  if [[ -n ${BENCH_RUN_DIR:-} ]]; then
    python3 "$BENCH_DIR/report.py" "$1" "$2"
  else
    python3 "$BENCH_DIR/report.py" "$1" "$2" | tee "${2%.jsonl}.txt"
    log "results in $2 and ${2%.jsonl}.txt"
  fi
}

# rotate RUN ITEM...: sets ORDER to the items rotated by RUN, so that each run
# starts with another one and drift in the machine's load does not always
# favour the same.
rotate() {
  local shift_by=$(($1 % ($# - 1)))
  shift
  # shellcheck disable=SC2034 # read by the scripts that source this file
  ORDER=("${@:shift_by+1}" "${@:1:shift_by}")
}

# stop_forwarder KIND LABEL: ours and the relay must exit with status 0 on
# SIGTERM; the prototype has no clean exit (killed after 3 s).
stop_forwarder() {
  if [[ $1 == prototype ]]; then
    netns_stop "$2" 3 || true
  else
    netns_stop "$2" 5 || fail "$2 ($1) stopped with an error"
  fi
}

# CPU time of a process so far (user + system, all threads), in seconds.
cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / hz }' "/proc/$1/stat"
}
# VmRSS or VmHWM (peak) of a process, in kB.
memory_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }

# The Python prototype, when a copy is present: extracts its src/ from
# ILNP_PROTOTYPE_DIR (a checkout) or the bare mirror ILNP_PROTOTYPE_GIT
# (default /work/.mirror/RyanGibb+ilnp-overlay-network/repo) into this run's
# directory (never into the repository), as the interop tests do. Sets
# PROTOTYPE_DIR and PROTOTYPE (where it came from; empty: no copy). Its
# configs come from CONFIG_DIR (a fixture directory) via prototype_config.
bench_prototype() {  # CONFIG_DIR
  : "${ILNP_PROTOTYPE_GIT:=/work/.mirror/RyanGibb+ilnp-overlay-network/repo}"
  PROTOTYPE_DIR=$NETNS_DIR/prototype PROTOTYPE="" PROTOTYPE_CONFIGS=$1
  mkdir -p "$PROTOTYPE_DIR"
  if [[ -n ${ILNP_PROTOTYPE_DIR:-} ]]; then
    [[ -f $ILNP_PROTOTYPE_DIR/src/experiment.py ]] || return 0
    cp -r "$ILNP_PROTOTYPE_DIR/src" "$PROTOTYPE_DIR/src"
    PROTOTYPE=$ILNP_PROTOTYPE_DIR
  elif [[ -d $ILNP_PROTOTYPE_GIT ]]; then
    git --git-dir="$ILNP_PROTOTYPE_GIT" archive HEAD src 2>/dev/null | tar -x -C "$PROTOTYPE_DIR" 2>/dev/null || return 0
    [[ -f $PROTOTYPE_DIR/src/experiment.py ]] || return 0
    PROTOTYPE="$ILNP_PROTOTYPE_GIT at $(git --git-dir="$ILNP_PROTOTYPE_GIT" rev-parse --short HEAD)"
  fi
  [[ -z $PROTOTYPE ]] || PROTOTYPE="$PROTOTYPE, $(python3 --version 2>&1)"
}

# prototype_config HOST SECTION.KEY=VALUE...: PROTOTYPE_DIR/config_HOST.ini,
# the fixture's with eth0, discovery.wait_time 2 and its per-datagram log
# files off (which only spares the prototype work), and the given settings.
prototype_config() {
  write_config "$PROTOTYPE_CONFIGS/config_$1.ini" "$PROTOTYPE_DIR/config_$1.ini" link.mcast_interface=eth0 \
    discovery.wait_time=2 link.log=false network.log=false transport.log=false discovery.log=false "${@:2}" ||
    fail "cannot write the prototype's config for $1"
}

# A line about where the figures were taken.
bench_machine() {
  local cpu
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  echo "$(nproc) CPUs (${cpu:-unknown}), kernel $(uname -r), router $(cd "$BENCH_ROOT" && git describe --always --dirty 2>/dev/null || echo '?')"
}
