#!/usr/bin/env bash
# The node's state database across a restart: alice learns bob, both stop;
# alice starts again alone and knows bob at once from state.db (bob is not
# there to answer discovery), `ctl peers` and `ctl bindings` show what
# `sqlite3 state.db` shows, the database passes integrity_check, and the
# identity (hence the NID) is the same after the restart.
#
# usage: state_restart.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
command -v sqlite3 >/dev/null || skip "needs sqlite3"
T="$(dirname "$0")/../../topo/demo"
netns_setup alice bob
state=$NETNS_DIR/alice-state
ctl() { "$ILNP" ctl --socket "$NETNS_DIR/run/$1/ilnp/alice.sock" "${@:2}"; }
node_alice() { netns_start alice "$1" -- "$ILNP" node -c "$T/alice.ini" --network.locators=0:0:0:b \
  --security.state_dir="$state" --discovery.wait_time=30 --application.log=info; }
node_alice alice1
netns_start bob bob -- "$ILNP" node -c "$T/bob.ini"
wait_for 10 "alice knows bob" bash -c "$(declare -f ctl); ILNP='$ILNP' NETNS_DIR='$NETNS_DIR' ctl alice1 status | grep -q '^  bob at'" ||
  fail "alice never learned bob"
nid_before=$(ctl alice1 status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nid"])')
netns_stop bob 5 || true
netns_stop alice1 5 || fail "alice did not stop cleanly"

node_alice alice2
wait_for 5 "alice's control socket" test -S "$NETNS_DIR/run/alice2/ilnp/alice.sock" || fail "alice did not restart"
status=$(ctl alice2 status)
log "after restart: $(grep -A3 '^names' <<<"$status" | tr '\n' ' ')"
grep -q '^  bob at' <<<"$status" || fail "alice forgot bob across the restart"
check "restored before any discovery answer (bob is gone)" has_line "$(err_of alice2)" 'restored [1-9][0-9]* live bindings'
nid_after=$(ctl alice2 status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nid"])')
check "the identity survived the restart" test "$nid_before" = "$nid_after"
peers=$(ctl alice2 peers)
log "ctl peers: $peers"
grep -q "bob" <<<"$peers" || fail "ctl peers does not show bob"
bindings=$(ctl alice2 bindings --json)
db_rows=$(sqlite3 "$state/state.db" 'select count(*) from bindings')
python3 -c "import json,sys; n=len(json.loads(sys.argv[1])); sys.exit(0 if n==int(sys.argv[2]) else 1)" "$bindings" "$db_rows" ||
  fail "ctl bindings ($bindings) and sqlite3 ($db_rows rows) disagree"
check "state.db passes integrity_check" test "$(sqlite3 "$state/state.db" 'PRAGMA integrity_check')" = ok
check "state.db is readable by its owner only" test "$(stat -c %a "$state/state.db")" = 600
