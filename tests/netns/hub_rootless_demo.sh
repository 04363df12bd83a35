#!/usr/bin/env bash
# The rootless demo (scripts/demo-hub.sh), shortened, as an unprivileged user:
# run as root, it drops to nobody:nogroup with setpriv; run as anyone else, it
# runs as that user. Passes when alice moved at least twice and datagrams
# arrived, with no process of the demo running as root.
#   usage: hub_rootless_demo.sh ILNP_BINARY
set -euo pipefail
ilnp=$(realpath "$1")
demo=$(cd "$(dirname "$0")/../.." && pwd)/scripts/demo-hub.sh
out=$(mktemp)
trap 'rm -f "$out"' EXIT
chmod 0644 "$out"
env=(DEMO_SECONDS=10 DEMO_MOVE=3 DEMO_RATE=200 ILNP_BIN="$ilnp" TMPDIR=/tmp)
if [[ $(id -u) -eq 0 ]]; then
  command -v setpriv >/dev/null || { echo "SKIP: needs setpriv (util-linux) to drop root" >&2; exit 77; }
  runner=(setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env env "${env[@]}")
else
  runner=(env "${env[@]}")
fi
# From a directory anyone may read: nobody cannot enter root's home or the build dir's parents otherwise.
(cd / && "${runner[@]}" bash "$demo") >"$out" 2>&1 || { cat "$out"; echo "FAIL: the demo failed" >&2; exit 1; }
cat "$out"
grep -q "ordinary processes of root\|every node is an ordinary process of root" "$out" && {
  echo "FAIL: the demo ran as root" >&2
  exit 1
}
line=$(grep -E '^demo-hub: alice moved [0-9]+ times and received [0-9]+ datagrams' "$out") ||
  { echo "FAIL: no summary line" >&2; exit 1; }
moves=$(awk '{ print $4 }' <<<"$line")
received=$(awk '{ print $8 }' <<<"$line")
(( moves >= 2 )) || { echo "FAIL: alice moved only $moves times" >&2; exit 1; }
# 200/s for ~10 s: most of ~2000 must arrive across the moves.
(( received >= 1000 )) || { echo "FAIL: only $received datagrams arrived" >&2; exit 1; }
echo "PASS: as $(grep -o 'ordinary process of [^ ]*' "$out" | awk '{ print $4 }'), alice moved $moves times, received $received"
