#!/usr/bin/env bash
# Runs one libFuzzer target for ILNP_FUZZ_SECONDS (default 30; 0 = the seeds
# only) on a fresh copy of its seed corpus in a temporary directory. Crash
# inputs and the log are kept in <artifact_dir>. Registered by CMakeLists.txt:
#   run_fuzzer.sh <fuzzer> <seed_tool> <target> <artifact_dir> [libFuzzer flags...]
set -euo pipefail

if (($# < 4)); then
  echo "usage: $0 <fuzzer> <seed_tool> <target> <artifact_dir> [libFuzzer flags...]" >&2
  exit 2
fi
fuzzer=$1 seed_tool=$2 target=$3 artifacts=$4
shift 4

seconds=${ILNP_FUZZ_SECONDS:-30}
if ! [[ $seconds =~ ^[0-9]+$ ]]; then
  echo "fuzz_$target: ILNP_FUZZ_SECONDS must be a whole number of seconds, not '$seconds'" >&2
  exit 2
fi

corpus=$(mktemp -d "${TMPDIR:-/tmp}/ilnp-fuzz-$target.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
"$seed_tool" "$target" "$corpus"
seeds=$(find "$corpus" -type f | wc -l)

mkdir -p "$artifacts"
log=$artifacts/last-run.log
# -max_total_time=0 would mean "forever": 0 runs the seeds once instead.
if ((seconds > 0)); then budget=(-max_total_time="$seconds"); else budget=(-runs=0); fi
echo "fuzz_$target: ${seconds}s on $seeds seeds; crash inputs go to $artifacts/"

status=0
"$fuzzer" "${budget[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$@" \
  -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?

# libFuzzer's last status line, e.g. "#123456 DONE cov: 321 ft: 1234 corp: 50/2Kb ...".
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
if ((status != 0)); then
  cat "$log"
  echo "fuzz_$target: FAILED (exit $status). Reproduce with: $fuzzer $artifacts/<crash-file>" >&2
  exit "$status"
fi
echo "fuzz_$target: ok, ${runs:-?} runs, ${rate:-?} exec/s, $seeds seeds; ${last:-no status line}"
