#!/usr/bin/env bash
# `scripts/testbed down` leaves nothing behind: brings topo/three-pi.topo up
# (checks status, `ilnp ctl` through each node's own socket, logs), takes it
# down and asserts that no namespace, run directory or node process of it is
# left; then kills `scripts/experiment run` with SIGKILL in the middle of a
# run (a crash: nothing cleaned up) and asserts that `testbed down NAME` from
# another shell removes everything; and that `testbed up` refuses clearly
# when not root. About 15 s.
#
# usage: testbed_down_test.sh ILNP_BINARY   (exit 77: not root)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ilnp=${1:?usage: testbed_down_test.sh ILNP_BINARY}
testbed="$repo/scripts/testbed"
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: the emulated testbed needs root" >&2
  exit 77
fi
ip netns list >/dev/null 2>&1 || { echo "SKIP: no ip netns" >&2; exit 77; }
run_root=${ILNP_TESTBED_RUN:-/run/ilnp-testbed}
up="td$$" crashed="tc$$"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ilnp-testbed-down.XXXX")
cleanup() {
  "$testbed" down "$up" >/dev/null 2>&1 || true
  "$testbed" down "$crashed" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

pids_of() { python3 -c 'import json,sys; print(" ".join(str(p["pid"]) for p in json.load(open(sys.argv[1]))["pids"].values()))' "$1"; }
# Nothing of testbed $1 remains: namespaces, run dir, processes $2.
assert_gone() {
  local name=$1 pids=$2 pid
  if ip netns list | grep -q "^itb-$name-"; then fail "namespaces of $name left: $(ip netns list | grep "^itb-$name-" | tr '\n' ' ')"; fi
  [[ ! -e $run_root/$name ]] || fail "$run_root/$name left behind"
  for pid in $pids; do
    if kill -0 "$pid" 2>/dev/null && grep -q ilnp "/proc/$pid/cmdline" 2>/dev/null; then fail "process $pid of $name still runs"; fi
  done
  ok "nothing of $name is left (namespaces, run dir, processes $pids)"
}

# Not root: a clear refusal.
if msg=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$testbed" up three-pi 2>&1); then
  fail "testbed up succeeded as an unprivileged user"
fi
grep -q "needs root" <<<"$msg" || fail "unclear refusal when not root: $msg"
ok "refuses when not root: $msg"

# Up, status, logs, down.
"$testbed" up three-pi --name "$up" --ilnp "$ilnp" --set alice.move_time=2 --set alice.handoff_time=1 >/dev/null
[[ $(ip netns list | grep -c "^itb-$up-") -eq 4 ]] || fail "expected 4 namespaces (3 nodes + bridge)"
sleep 3
"$testbed" status "$up" --json >"$tmp/status.json"
python3 - "$tmp/status.json" <<'PY' || fail "status: $(cat "$tmp/status.json")"
import json, sys
s = json.load(open(sys.argv[1]))
nodes = {n["node"]: n for n in s["nodes"]}
assert set(nodes) == {"alice", "bob", "clare"}, nodes.keys()
for name, n in nodes.items():
    assert n["running"], name + " is not running"
    assert n["control"] and n["control"]["hostname"] == name, name + ": no answer from its control socket"
assert nodes["clare"]["control"]["joined_locators"] == ["0:0:0:a", "0:0:0:b", "0:0:0:c"]
assert nodes["alice"]["control"]["counters"]["moves"] >= 1, "alice has not moved"
PY
ok "status: 3 nodes running, each answering on its own control socket"
"$testbed" logs "$up" alice | grep -q "moving from" || fail "testbed logs alice shows no move"
"$testbed" logs "$up" bob --out | grep -q "| alice" || fail "bob's output has no heartbeat from alice"
ok "logs"
pids=$(pids_of "$run_root/$up/state.json")
"$testbed" down "$up"
assert_gone "$up" "$pids"

# A crash: the experiment runner SIGKILLed mid-run leaves everything up.
"$repo/scripts/experiment" run exp1-cn-to-mn-ci --ilnp "$ilnp" --name "$crashed" --out "$tmp/crashed" \
  --no-plots >"$tmp/crashed.txt" 2>&1 &
runner=$!
for _ in $(seq 100); do
  [[ -f $run_root/$crashed/state.json ]] && [[ $(pids_of "$run_root/$crashed/state.json" | wc -w) -eq 3 ]] && break
  sleep 0.1
done
[[ $(pids_of "$run_root/$crashed/state.json" | wc -w) -eq 3 ]] || fail "the experiment did not start its 3 nodes: $(cat "$tmp/crashed.txt")"
kill -KILL "$runner"
wait "$runner" 2>/dev/null || true
pids=$(pids_of "$run_root/$crashed/state.json")
[[ $(ip netns list | grep -c "^itb-$crashed-") -eq 4 ]] || fail "the crash should have left 4 namespaces"
for pid in $pids; do kill -0 "$pid" || fail "node process $pid died with the runner"; done
ok "after SIGKILL of the runner: 4 namespaces and 3 node processes are left"
(cd / && "$testbed" down "$crashed")
assert_gone "$crashed" "$pids"
