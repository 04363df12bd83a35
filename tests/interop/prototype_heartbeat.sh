#!/usr/bin/env bash
# Interop with the Python prototype (github.com/RyanGibb/ilnp-overlay-network)
# in network namespaces, heartbeat fixtures with the interface set to eth0,
# alice's locator cycle pinned to 0:0:0:a and discovery.wait_time 2:
#   (a) prototype alice + our router + our bob
#   (b) our alice + prototype router + our bob
# Asserts, in each: heartbeats arrive both ways (each side prints the other's
# "<timestamp> | <hostname>"), the prototype printed no traceback (its main
# thread dies on an exception while the process lives on), and our nodes exit
# with status 0 and their closing summary; in (a) our router forwarded > 0;
# in (b) our alice delivered > 0 and the prototype logged forwarding.
#
# The prototype's code comes from $ILNP_PROTOTYPE_DIR (a checkout: its src/ is
# copied) or the bare git mirror $ILNP_PROTOTYPE_GIT (default
# /work/.mirror/RyanGibb+ilnp-overlay-network/repo), extracted into this run's
# temporary directory and deleted with it; never copied into this repository.
# Neither available: exit 77 (skipped). Everything runs as root, and uid is
# part of the multicast group, so all nodes share it.
#
# usage: prototype_heartbeat.sh ILNP_BINARY
# shellcheck source=SCRIPTDIR/../netns/lib.sh
source "$(dirname "$0")/../netns/lib.sh"
netns_require
netns_require_python

FIX="$ILNP_FIXTURES_DIR/prototype-configs/heartbeat"
: "${ILNP_PROTOTYPE_GIT:=/work/.mirror/RyanGibb+ilnp-overlay-network/repo}"
WAIT_TIME=2
LIMIT=12 # seconds for the first heartbeat each way (Python start-up + ~3 rounds)

if [[ -z ${ILNP_PROTOTYPE_DIR:-} && ! -d $ILNP_PROTOTYPE_GIT ]]; then
  skip "no prototype source: set ILNP_PROTOTYPE_DIR to a checkout of RyanGibb/ilnp-overlay-network (or ILNP_PROTOTYPE_GIT to a bare mirror)"
fi
if [[ -n ${ILNP_PROTOTYPE_DIR:-} && ! -f $ILNP_PROTOTYPE_DIR/src/heartbeat.py ]]; then
  skip "ILNP_PROTOTYPE_DIR=$ILNP_PROTOTYPE_DIR has no src/heartbeat.py"
fi

netns_setup alice router bob

# The prototype writes its logs to src/../logs: give it a directory of its own.
PROTO="$NETNS_DIR/prototype"
mkdir -p "$PROTO"
if [[ -n ${ILNP_PROTOTYPE_DIR:-} ]]; then
  cp -r "$ILNP_PROTOTYPE_DIR/src" "$PROTO/src"
  log "prototype from $ILNP_PROTOTYPE_DIR"
else
  git --git-dir="$ILNP_PROTOTYPE_GIT" archive HEAD src 2>"$NETNS_DIR/git.err" | tar -x -C "$PROTO" ||
    true
  [[ -f $PROTO/src/heartbeat.py ]] ||
    skip "could not extract src/ from $ILNP_PROTOTYPE_GIT: $(head -c 300 "$NETNS_DIR/git.err")"
  log "prototype from $ILNP_PROTOTYPE_GIT at $(git --git-dir="$ILNP_PROTOTYPE_GIT" rev-parse --short HEAD)"
fi

# The prototype takes no command-line overrides: write its configs.
write_config "$FIX/config_alice.ini" "$PROTO/config_alice.ini" link.mcast_interface=eth0 \
  "discovery.wait_time=$WAIT_TIME" network.locators=0:0:0:a || fail "cannot write alice's config"
write_config "$FIX/config_router.ini" "$PROTO/config_router.ini" link.mcast_interface=eth0 \
  "discovery.wait_time=$WAIT_TIME" || fail "cannot write the router's config"
ours=(--link.mcast_interface=eth0 "--discovery.wait_time=$WAIT_TIME")

# heard LABEL HOST FROM: LABEL (running as HOST) printed a heartbeat from FROM.
heard() { has_line "$(out_of "$1")" " -> \\[$2/.*\\| $3\$"; }
no_traceback() { ! grep -q Traceback "$(err_of "$1")"; }
stop_ours() {
  local label status
  for label in "$@"; do
    status=0
    netns_stop "$label" 5 || status=$?
    check "$label exited with status 0 on SIGTERM" test "$status" -eq 0
    check "$label wrote its closing summary" has_line "$(err_of "$label")" 'application info: stopping: '
  done
}

# ---- (a) prototype alice + our router + our bob
log "(a) prototype alice, our router, our bob"
netns_start router a_router -- "$ILNP" node -c "$FIX/config_router.ini" "${ours[@]}"
wait_for 5 "our router joined its locators" has_line "$(err_of a_router)" 'joined locator 0:0:0:c' ||
  fail "(a) our router did not start"
netns_start alice a_alice_py -- python3 -B -u "$PROTO/src/heartbeat.py" "$PROTO/config_alice.ini"
netns_start bob a_bob -- "$ILNP" heartbeat -c "$FIX/config_bob.ini" "${ours[@]}"

wait_for "$LIMIT" "(a) prototype alice received bob's heartbeat" heard a_alice_py alice bob ||
  fail "(a) no heartbeat from our bob at the prototype alice"
wait_for "$LIMIT" "(a) our bob received the prototype alice's heartbeat" heard a_bob bob alice ||
  fail "(a) no heartbeat from the prototype alice at our bob"
check "(a) prototype alice is alive" is_running a_alice_py
check "(a) prototype alice printed no traceback" no_traceback a_alice_py
netns_stop a_alice_py 3 || true # the prototype has no clean exit
stop_ours a_bob a_router
forwarded=$(summary_count "$(err_of a_router)" forwarded)
check "(a) our router forwarded > 0 (forwarded=$forwarded)" gt "$forwarded" 0

# ---- (b) our alice + prototype router + our bob
log "(b) our alice, prototype router, our bob"
netns_start router b_router_py -- python3 -B -u "$PROTO/src/heartbeat.py" "$PROTO/config_router.ini"
wait_for 5 "the prototype router joined its locators" \
  has_line "$PROTO/logs/link_desktop.log" 'Joined ff12:0:[0-9a-f]+:0:0:0:0:c%eth0' ||
  fail "(b) the prototype router did not start"
netns_start alice b_alice -- "$ILNP" heartbeat -c "$FIX/config_alice.ini" "${ours[@]}" --network.locators=0:0:0:a
netns_start bob b_bob -- "$ILNP" heartbeat -c "$FIX/config_bob.ini" "${ours[@]}"

wait_for "$LIMIT" "(b) our alice received bob's heartbeat through the prototype router" heard b_alice alice bob ||
  fail "(b) no heartbeat from bob at alice through the prototype router"
wait_for "$LIMIT" "(b) our bob received alice's heartbeat through the prototype router" heard b_bob bob alice ||
  fail "(b) no heartbeat from alice at bob through the prototype router"
check "(b) prototype router is alive" is_running b_router_py
check "(b) prototype router printed no traceback" no_traceback b_router_py
stop_ours b_alice b_bob
netns_stop b_router_py 3 || true
delivered=$(summary_count "$(err_of b_alice)" delivered)
check "(b) our alice delivered > 0 (delivered=$delivered)" gt "$delivered" 0
# The prototype logs each forwarded datagram with its source marked '*'.
proto_forwarded=$(count_lines "$PROTO/logs/network_desktop.log" ' <- +\*')
check "(b) the prototype router logged forwarding (lines=$proto_forwarded)" gt "$proto_forwarded" 0
echo "PASS: heartbeats both ways with the prototype as host and as router ($(elapsed)s)"
