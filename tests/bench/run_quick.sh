#!/usr/bin/env bash
# Runs experiments/bench/run.sh --quick on an existing build and checks that
# it completed and printed every row of its table with a measurement in the
# "ours" column (the prototype's reference may be n/a: no copy here). Asserts
# no figure: on a shared machine they mean nothing in a short run. One row may
# read n/a: CPU at the same lossless rate, when the short sweep's one paced
# rate lost datagrams with either forwarder (a loaded machine).
#
# usage: run_quick.sh BUILD_DIR   (BENCH_PARTS: the parts, default all; 77 = skipped)
set -euo pipefail
build=${1:?usage: run_quick.sh BUILD_DIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (network namespaces)"; exit 77; }
parts=${BENCH_PARTS:-forwarding latency endtoend micro}
out=$(mktemp -d "${TMPDIR:-/tmp}/ilnp-bench-test.XXXX")
trap 'rm -rf "$out"' EXIT

status=0
BENCH_NICE=0 bash "$root/experiments/bench/run.sh" --quick --parts "$parts" --prebuilt "$build" \
  --results-dir "$out" >"$out/stdout" || status=$?
cat "$out/stdout"
[[ $status -eq 77 ]] && exit 77
[[ $status -eq 0 ]] || { echo "FAIL: run.sh exited with $status"; exit 1; }

# The rows of each part, as the table names them.
declare -A rows=(
  [forwarding]="max forwarding rate|lossless rate|CPU per datagram at saturation|CPU per datagram, same rate|RSS idle|RSS at full rate"
  [endtoend]="ilnp experiment, received/s|router peak RSS|proxy, received/s"
  [latency]="0 routers, one-way median|0 routers, one-way p99|1 router, one-way median|1 router, one-way p99|3 routers, one-way median|3 routers, one-way p99|per hop, 1 router, median|per hop, 1 router, p99|per hop, 3 routers, median|per hop, 3 routers, p99"
  [micro]="BM_DecodeHeader|BM_DecodeDiscovery|BM_HandleDatagramForward|BM_HandleDatagramDeliver"
)
# The summary: from its header to its first blank line. Columns: the row's
# name (44 characters), then ours.
table=$(sed -n '/ target$/,/^$/p' "$out/stdout")
ours_of() { awk -v n="  $1" 'index($0, n) == 1 { c = substr($0, 45, 23); gsub(/ /, "", c); print c; exit }' <<<"$table"; }
missing=0
for part in $parts; do
  IFS='|' read -ra names <<<"${rows[$part]}"
  for name in "${names[@]}"; do
    figure=$(ours_of "$name")
    [[ $name == "CPU per datagram, same rate" && $figure == n/a ]] && continue
    if [[ ! $figure =~ ^-?[0-9] ]]; then  # a difference of two p99s can be negative
      echo "FAIL: the row '$name' is missing or has no figure for ours ('$figure')"
      missing=1
    fi
  done
done
ls "$out"/bench-*.jsonl "$out"/bench-*.txt >/dev/null || { echo "FAIL: no results files in $out"; exit 1; }
((missing == 0)) || exit 1
echo "PASS: run.sh --quick printed every row ($parts)"
