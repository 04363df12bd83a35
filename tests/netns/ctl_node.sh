#!/usr/bin/env bash
# `ilnp ctl` against a running node, and [stream] from the configuration:
#  - `ctl move` refuses what network.locators refuses (the all-nodes locator
#    ff02:0:0:1, 17 locators, a duplicate) with the configuration's texts, on
#    stderr with exit status 1 and nothing on stdout; a good move still works;
#  - the node's other refusals (a bad proxy port) likewise go to stderr, 1;
#  - [stream] serve and listen are made at start (ctl stream list shows them),
#    beside a proxy mapping of port 9900 as the README's SCTP section has it;
#  - a proxy mapping of the gateway's own port 9899 with [stream] serve stops
#    the node at start, naming the FILE:LINE of the stream.serve item.
#
# usage: ctl_node.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_setup alice

cfg=$NETNS_DIR/alice.ini
cat >"$cfg" <<'INI'
[link]
mcast_interface = eth0
[network]
locators = 0:0:0:a
[discovery]
hostname = alice
[proxy]
mappings = 9900 bob 9900
[stream]
serve = ssh 127.0.0.1:22,
  web [::1]:80
listen = 6000 bob ssh
INI
netns_start alice alice -- "$ILNP" node -c "$cfg" --network.log=info
sock=$NETNS_DIR/run/alice/ilnp/alice.sock
wait_for 10 "alice's control socket" test -S "$sock" || fail "alice did not start"

# ctl ARGS...: sets rc, out, err.
ctl() {
  rc=0
  "$ILNP" ctl --socket "$sock" "$@" >"$NETNS_DIR/ctl.out" 2>"$NETNS_DIR/ctl.err" || rc=$?
  out=$(cat "$NETNS_DIR/ctl.out")
  err=$(cat "$NETNS_DIR/ctl.err")
}
refused() { # refused WHAT TEXT ARGS...: exit 1, TEXT on stderr, stdout empty
  local what=$1 text=$2
  shift 2
  ctl "$@"
  [[ $rc == 1 ]] || fail "$what: exit status $rc, not 1 (stdout: $out / stderr: $err)"
  [[ -z $out ]] || fail "$what: the refusal went to stdout: $out"
  grep -Fq -- "$text" <<<"$err" || fail "$what: stderr lacks '$text': $err"
  log "ok: $what"
}

refused "move to the all-nodes locator" "error: 'ff02:0:0:1' is the all-nodes locator and cannot be joined" \
  move ff02:0:0:1
seventeen=$(seq -s, 1 17 | sed 's/\([0-9]*\)/0:0:0:\1/g')
refused "move to 17 locators" "error: a locator set may hold at most 16 locators" move "$seventeen"
refused "move to a duplicate" "error: '0:0:0:b' is listed twice" move 0:0:0:b,0:0:0:b
refused "move to a non-locator" "error: '0:0:0:g' is not a locator (four groups" move 0:0:0:g
refused "a proxy port in hex" "error: '0x10' is not a port" proxy add 2000 bob 0x10
ctl status --json
python3 -c 'import json,sys; l=json.loads(sys.argv[1])["active_locators"]; sys.exit(l != ["0:0:0:a"])' "$out" ||
  fail "a refused move changed the locators: $out"
check "refused moves were not counted as moves" test "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["counters"]["moves"])' "$out")" = 0

ctl move 0:0:0:b,0:0:0:c
[[ $rc == 0 && $out == "moving to 0:0:0:b,0:0:0:c" && -z $err ]] || fail "a good move: rc $rc, stdout $out, stderr $err"
wait_for 5 "alice moved to b and c" bash -c "'$ILNP' ctl --socket '$sock' status --json |
  python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)[\"active_locators\"] != [\"0:0:0:b\", \"0:0:0:c\"])'" ||
  fail "the move did not happen"

# [stream] from the file, beside the README's proxy mapping of 9900.
ctl stream list --json
[[ $rc == 0 ]] || fail "stream list: $err"
python3 - "$out" <<'PY' || fail "the configured streams are not there: $out"
import json, sys
s = json.loads(sys.argv[1])
assert s["started"] and s["port"] == 9899, s
services = {v["name"]: v["target"] for v in s["services"]}
assert sorted(services) == ["ssh", "web"] and services["ssh"].endswith(":22") and services["web"].endswith(":80"), services
assert [(l["tcp_port"], l["service"]) for l in s["listeners"]] == [(6000, "ssh")], s["listeners"]
PY
log "ok: [stream] serve and listen were made at start"
ctl proxy list --json
grep -q '"local_port":9900' <<<"$out" || fail "the proxy mapping of 9900 is missing: $out"
log "ok: a proxy mapping of 9900 and the stream gateway coexist"

# The gateway's own port mapped by the proxy: the node refuses to start,
# naming the stream.serve item's line (10 below).
bad=$NETNS_DIR/conflict.ini
sed -e 's/^hostname = alice/hostname = conflict/' -e 's/^mappings = 9900 bob 9900/mappings = 9899 bob 9899/' "$cfg" >"$bad"
grep -n 'web' "$bad" | grep -q '^11:' || fail "the test's file changed shape: $(cat -n "$bad")"
netns_start alice conflict -- "$ILNP" node -c "$bad"
status=0
netns_wait_exit conflict 10 || status=$?
check "the conflicting node exited with status 1" test "$status" = 1
check "its error names the stream.serve line and the taken port" \
  has_line "$(err_of conflict)" "conflict.ini:10: stream.serve: .*transport port 9899 is already bound"
echo PASS >&2
