#!/usr/bin/env bash
# The original study's three experiments, shortened (experiments/*-ci.exp:
# moves every 3 s, 1.5 s soft handoff, 2 cycles, 1396-byte datagrams every
# 10 ms for 19.5 s), each run through `scripts/experiment run` on the
# emulated testbed. Asserts per run (check_results.py): no loss and no
# duplicates in soft handoff, datagrams counted at both ends and in the raw
# records, at least 6 moves with every locator update acknowledged, and
# non-empty PNG and PDF plots. And the link-events experiment: alice's eth0
# pulled and restored twice by the runner, 4 moves, bounded loss, no
# duplicates; and both ends moving at the same moments (exp5), lossless.
# About 25 s per experiment.
#
# usage: experiments_test.sh ILNP_BINARY [EXPERIMENT...]   (exit 77: not root)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ilnp=${1:?usage: experiments_test.sh ILNP_BINARY [EXPERIMENT...]}
shift
experiments=("$@")
((${#experiments[@]})) || experiments=(exp1-cn-to-mn-ci exp2-mn-to-cn-ci exp3-both-ci exp4-link-events-ci exp5-both-moving-ci)
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: the emulated testbed needs root" >&2
  exit 77
fi
ip netns list >/dev/null 2>&1 || { echo "SKIP: no ip netns" >&2; exit 77; }
out=$(mktemp -d "${TMPDIR:-/tmp}/ilnp-testbed-exp.XXXX")
trap 'status=$?; if ((status == 0)) && [[ -z ${KEEP_RESULTS:-} ]]; then rm -rf "$out"; else echo "results kept in $out" >&2; fi' EXIT
for e in "${experiments[@]}"; do
  start=$SECONDS
  "$repo/scripts/experiment" run "$e" --ilnp "$ilnp" --name "t$$" --out "$out/$e" >"$out/$e.txt" 2>&1 || {
    echo "FAIL: scripts/experiment run $e failed:" >&2
    tail -n 40 "$out/$e.txt" >&2
    exit 1
  }
  echo "== $e ($((SECONDS - start)) s)"
  case $e in
    exp4-link-events-ci) checks=(--min-moves 4 --link-events 4 --max-lost 40) ;;  # a pulled link loses what was on it
    *) checks=(--lossless) ;;
  esac
  python3 "$here/check_results.py" "$out/$e" "${checks[@]}" || { sed -n '/## Flows/,$p' "$out/$e/summary.md" >&2; exit 1; }
  sed -n '/## Flows/,/^$/p;/^| flow/,/^$/p' "$out/$e/summary.md" | sed -n '3,6p'
done
# Nothing of the runs may be left behind.
left=$(ip netns list | grep -c "^itb-t$$-" || true)
[[ $left -eq 0 ]] || { echo "FAIL: $left namespaces of the runs left behind" >&2; exit 1; }
echo "ok: ${experiments[*]}"
