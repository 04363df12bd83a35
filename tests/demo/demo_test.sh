#!/usr/bin/env bash
# Runs scripts/demo.sh (netns, root) or scripts/demo-hub.sh (hub, rootless)
# shortened, as CI does, and checks that it ends by itself with status 0 (or,
# interrupted with SIGINT mid-run, ends promptly) and leaves nothing behind.
#   demo_test.sh netns|hub run|interrupt ILNP_BINARY
set -euo pipefail
kind=$1 mode=$2
ILNP_BIN=$(realpath "$3")
export ILNP_BIN
repo=$(cd "$(dirname "$0")/../.." && pwd)
case $kind in
  netns)
    script=$repo/scripts/demo.sh
    if [[ $(id -u) -ne 0 ]] || ! ip netns list >/dev/null 2>&1; then
      echo "SKIP: the namespace demo needs root and ip netns" >&2
      exit 77
    fi
    ;;
  hub) script=$repo/scripts/demo-hub.sh ;;
  *) echo "usage: $0 netns|hub run|interrupt ILNP_BINARY" >&2; exit 2 ;;
esac
# Every process the demo starts inherits this tag: how the check finds them.
tag=demo-test-$$-$RANDOM
out=$(mktemp "${TMPDIR:-/tmp}/ilnp-demo-test.XXXXXX")
trap 'rm -f "$out"' EXIT
start=$SECONDS
# A background job of a script starts with SIGINT ignored (and bash cannot
# trap a signal ignored at entry): give the demo the default, as a terminal would.
ILNP_DEMO_TAG=$tag DEMO_SECONDS=${DEMO_SECONDS:-15} DEMO_SKIP_SETUP=1 \
  env --default-signal=INT,TERM bash "$script" >"$out" 2>&1 &
demo=$!

fail() {
  echo "FAIL: $*" >&2
  echo "---- the demo's output" >&2
  tail -n 40 "$out" >&2
  exit 1
}

if [[ $mode == interrupt ]]; then
  # Mid-run: once the stream has started and a progress line has been shown.
  until grep -q 'progress' "$out" || ! kill -0 "$demo" 2>/dev/null || ((SECONDS - start > 60)); do sleep 0.1; done
  kill -0 "$demo" 2>/dev/null || fail "the demo ended before it could be interrupted"
  kill -INT "$demo"
  sent=$SECONDS
fi
status=0
wait "$demo" || status=$?
took=$((SECONDS - start))
echo "demo ($kind, $mode): status $status after ${took}s"
tail -n 30 "$out"

if [[ $mode == interrupt ]]; then
  ((status != 0)) || fail "an interrupted demo exited 0"
  ((SECONDS - sent <= 10)) || fail "the demo took $((SECONDS - sent))s to end after SIGINT"
else
  ((status == 0)) || fail "the demo exited with status $status"
  grep -q 'PASS: alice received across all' "$out" || fail "no PASS verdict"
fi

# Nothing left: no process carrying the tag, no namespace or folder of the run.
left=""
for env in /proc/[0-9]*/environ; do
  if { tr '\0' '\n' <"$env"; } 2>/dev/null | grep -qx "ILNP_DEMO_TAG=$tag"; then
    pid=${env#/proc/}
    pid=${pid%/environ}
    left+=" $pid($(cat "/proc/$pid/comm" 2>/dev/null))"
  fi
done
[[ -z $left ]] || fail "processes left behind:$left"
if [[ $kind == netns ]]; then
  ns=$(ip netns list | awk '{ print $1 }' | grep "^ilnpt$demo-" || true)
  [[ -z $ns ]] || fail "namespaces left behind: $ns"
  compgen -G "${TMPDIR:-/tmp}/ilnpt$demo.*" >/dev/null && fail "log folder left behind: $(compgen -G "${TMPDIR:-/tmp}/ilnpt$demo.*")"
else
  dir=$(grep -o 'logs in [^)]*' "$out" | head -n 1 | cut -c9-)
  [[ -n $dir ]] || fail "the demo did not say where its logs are"
  [[ ! -e $dir ]] || fail "folder left behind: $dir"
fi
echo "ok: nothing left behind"
