#!/usr/bin/env bash
# All the benchmarks of issue 8 in one run, and one table: builds in Release
# (build-release at the top of the repository), then runs the parts, each
# measuring ours and its reference side by side in the same run, several
# runs each:
#   forwarding  our router vs a minimal C relay (forwarding.sh)
#   latency     ping-pong through 0, 1 and 3 routers, ours vs C relays (latency.sh)
#   endtoend    ilnp experiment vs the Python prototype's, and the proxy (endtoend.sh)
#   micro       codec and forwarding-decision microbenchmarks (Google Benchmark)
# and, only when asked for (--parts tun; it needs iperf3 and yggdrasil, which
# CI does not install):
#   tun         TCP (iperf3) and ping over the TUN, ilnp plain and sealed vs
#               Yggdrasil and the kernel's routed path (tun.sh, issue 17)
# and prints one table: medians of the runs [min-max], the issue's ratios
# (per run, ours/reference) and targets, the machine and its load average
# during the run; then each part's detailed table. Both go to
# experiments/results/bench-UTCTIME.txt, every measurement (one JSON object
# a line, tagged {"bench": PART}) to bench-UTCTIME.jsonl.
#
# usage: experiments/bench/run.sh [--quick] [--parts "PART..."] [--runs N]
#                                 [--prebuilt BUILD_DIR] [--results-dir DIR]
#   --quick        one short run of each part (~1 min with the build done): a
#                  check that everything runs, not figures (or BENCH_QUICK=1)
#   --parts        which parts, default all but tun (or BENCH_PARTS)
#   --runs         runs of each part (default 3; the microbenchmarks repeat 5x)
#   --prebuilt     measure the binaries of an existing build (any build type,
#                  with ilnp and the experiments/ilnp_bench_* targets built)
#                  instead of building build-release; CI uses its own build
#   --results-dir  where the results go (default experiments/results)
# Needs root for the namespaces (exit 77 otherwise, unless only micro runs).
# Exits 1 if a part failed (the table is printed all the same, its rows n/a);
# a part that skips itself (exit 77: tun without iperf3 or yggdrasil) is
# reported as skipped, not failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"

QUICK=${BENCH_QUICK:-0}
PARTS=${BENCH_PARTS:-forwarding latency endtoend micro}
RUNS=""
RESULTS_DIR=$BENCH_ROOT/experiments/results
while (($#)); do
  case $1 in
    --quick) QUICK=1 ;;
    --parts) PARTS=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --prebuilt) export BENCH_BUILD=$2 ILNP_BENCH_NO_BUILD=1; shift ;;
    --results-dir) RESULTS_DIR=$2; shift ;;
    *) sed -n '2,33p' "$0"; exit 2 ;;
  esac
  shift
done
BUILD=${BENCH_BUILD:-$BENCH_ROOT/build-release}

# The options of each part: a short run, or the parts' own defaults.
if [[ $QUICK == 1 ]]; then
  RUNS=${RUNS:-1}
  micro_args=(--benchmark_repetitions=1 --benchmark_min_time=0.01)
else
  RUNS=${RUNS:-3}
  micro_args=(--benchmark_repetitions=5 --benchmark_min_time=0.2)
fi
part_args() {  # PART: sets args, the options of the part's script
  args=(-n "$RUNS")
  [[ $QUICK == 1 ]] || return 0
  case $1 in
    forwarding) args+=(-t 1 -r "10000 0" -p 5000) ;;
    latency) args+=(-c 200) ;;
    endtoend) args+=(-t 1 -r 0 -p 0) ;;
    tun) args+=(-t 2 -c 10) ;;
  esac
}

for part in $PARTS; do
  [[ $part =~ ^(forwarding|latency|endtoend|micro|tun)$ ]] || { echo "run.sh: no part '$part'" >&2; exit 2; }
  if [[ $part != micro && $(id -u) -ne 0 ]]; then
    echo "SKIP: the $part benchmark needs root (network namespaces)" >&2
    exit 77
  fi
done

say() { printf '[run.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

targets=("${BENCH_TARGETS[@]}")
[[ " $PARTS " == *" micro "* ]] && targets+=(ilnp_bench_micro)
if [[ ${ILNP_BENCH_NO_BUILD:-0} == 1 ]]; then
  say "measuring the binaries in $BUILD as they are (prebuilt)"
else
  say "building ${targets[*]} in $BUILD (Release)"
fi
bench_build "${targets[@]}"
export BENCH_BUILD=$BUILD ILNP_BENCH_NO_BUILD=1

work=$(mktemp -d "${TMPDIR:-/tmp}/ilnp-bench.XXXX")
loadavg_pid=""
cleanup() {
  [[ -n $loadavg_pid ]] && kill "$loadavg_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# The 1-minute load average every 2 s while the benchmarks run.
while :; do cut -d' ' -f1 /proc/loadavg; sleep 2; done >"$work/loadavg" &
loadavg_pid=$!

micro() {  # runs the microbenchmarks; their rows go to $BENCH_RUN_DIR/micro.jsonl
  local binary=$BUILD/experiments/ilnp_bench_micro results
  [[ -x $binary ]] || { echo "no $binary (Google Benchmark not found at configure time?)" >&2; return 1; }
  results=$(bench_results micro "repetitions=$(tr -dc 0-9 <<<"${micro_args[0]}")")
  "$binary" --benchmark_format=json "${micro_args[@]}" >"$work/micro.json"
  python3 - "$work/micro.json" >>"$results" <<'EOF'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("run_type") == "iteration":
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        print(json.dumps({"benchmark": b["run_name"], "ns": b["cpu_time"] * scale}))
EOF
  python3 "$here/report.py" micro "$results"
}

failed=()
skipped=()
export BENCH_RUN_DIR=$work
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for part in $PARTS; do
  say "$part: $RUNS run(s)"
  t0=$SECONDS
  if [[ $part == micro ]]; then
    micro >"$work/micro.txt" 2>"$work/micro.log" || failed+=(micro)
  else
    part_args "$part"
    status=0
    bash "$here/$part.sh" "${args[@]}" >"$work/$part.txt" 2>"$work/$part.log" || status=$?
    if ((status == 77)); then
      skipped+=("$part")
      say "$part skipped: $(grep -m 1 '^SKIP' "$work/$part.log" || echo "no SKIP line")"
      continue
    fi
    ((status == 0)) || failed+=("$part")
  fi
  if [[ " ${failed[*]} " == *" $part "* ]]; then
    say "$part FAILED after $((SECONDS - t0)) s: $(grep -m 1 '^FAIL' "$work/$part.log" || echo "no FAIL line")"
    kept=$RESULTS_DIR/bench-$part-failed-$(date -u +%Y%m%dT%H%M%SZ).log
    mkdir -p "$RESULTS_DIR"
    cp "$work/$part.log" "$kept"
    say "its log: $kept; its end:"
    tail -n 40 "$work/$part.log" >&2
  else
    say "$part done in $((SECONDS - t0)) s"
  fi
done
kill "$loadavg_pid" 2>/dev/null
loadavg_pid=""

mkdir -p "$RESULTS_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results=$RESULTS_DIR/bench-$stamp.jsonl
python3 - "$results" "$work" "$started" "$(bench_machine)" "$QUICK" "$RUNS" "${failed[*]}" "$PARTS" "${skipped[*]}" <<'EOF'
import json, os, statistics, sys
out, work, when, machine, quick, runs, failed, parts = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], \
    sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8].split()
skipped = sys.argv[9].split()
load = [float(x) for x in open(os.path.join(work, "loadavg")).read().split()]
params = {"when": when, "machine": machine, "quick": quick == "1", "runs": runs, "failed": failed.split(),
          "skipped": skipped,
          "load": "%.2f at the start, %.2f at the end, median %.2f, max %.2f (sampled every 2 s)" % (
              load[0], load[-1], statistics.median(load), max(load)) if load else "n/a"}
with open(out, "w") as f:
    f.write(json.dumps({"bench": "run", "params": params}) + "\n")
    for part in parts:
        path = os.path.join(work, part + ".jsonl")
        if os.path.exists(path):
            for line in open(path):
                if line.strip():
                    f.write(json.dumps(dict(json.loads(line), bench=part)) + "\n")
EOF
{
  python3 "$here/report.py" summary "$results"
  for part in $PARTS; do
    echo
    cat "$work/$part.txt"
  done
  echo
  echo "reproduce: experiments/bench/run.sh$([[ $QUICK == 1 ]] && echo " --quick") --runs $RUNS --parts \"$PARTS\""
} | tee "${results%.jsonl}.txt"
say "results in $results and ${results%.jsonl}.txt"
((${#failed[@]} == 0))
