#!/usr/bin/env bash
# alice (locator a) and bob (locator b) exchange heartbeats through a router
# joined to a, b and c, each in its own namespace, all running the prototype's
# heartbeat fixture files (only the interface and alice's locator cycle are
# overridden; mobility is tested elsewhere).
#
# Asserts: each side prints a heartbeat from the other within a few discovery
# rounds; every node exits cleanly on SIGTERM with its closing summary; the
# router forwarded > 0 datagrams.
#
# usage: heartbeat_through_router.sh ILNP_BINARY   (exit 77: skipped, not root)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require

FIX="$ILNP_FIXTURES_DIR/prototype-configs/heartbeat"
WAIT_TIME=2 # discovery.wait_time: solicitations every 1-2 s
ROUNDS=3    # deadline in discovery rounds (+1 s for the heartbeat timer)
common=(--link.mcast_interface=eth0 "--discovery.wait_time=$WAIT_TIME")

netns_setup alice router bob

netns_start router router -- "$ILNP" node -c "$FIX/config_router.ini" "${common[@]}"
wait_for 5 "router joined its three locators" has_line "$(err_of router)" 'joined locator 0:0:0:c' ||
  fail "the router did not start"

netns_start alice alice -- "$ILNP" heartbeat -c "$FIX/config_alice.ini" "${common[@]}" --network.locators=0:0:0:a
netns_start bob bob -- "$ILNP" heartbeat -c "$FIX/config_bob.ini" "${common[@]}"

limit=$((ROUNDS * WAIT_TIME + 1))
wait_for "$limit" "alice received bob's heartbeat via the router" has_line "$(out_of alice)" ' -> \[alice/.*\| bob$' ||
  fail "no heartbeat from bob at alice within ${limit}s"
wait_for "$limit" "bob received alice's heartbeat via the router" has_line "$(out_of bob)" ' -> \[bob/.*\| alice$' ||
  fail "no heartbeat from alice at bob within ${limit}s"
# The path must keep working, not just deliver once.
n_alice=$(count_lines "$(out_of alice)" '\| bob$')
wait_for 3 "a further heartbeat from bob at alice" more_lines "$(out_of alice)" '\| bob$' "$n_alice" ||
  fail "heartbeats from bob stopped after the first"

for label in alice bob router; do
  status=0
  netns_stop "$label" 5 || status=$?
  check "$label exited with status 0 on SIGTERM" test "$status" -eq 0
  check "$label wrote its closing summary" has_line "$(err_of "$label")" 'application info: stopping: '
done

forwarded=$(summary_count "$(err_of router)" forwarded)
delivered_alice=$(summary_count "$(err_of alice)" delivered)
delivered_bob=$(summary_count "$(err_of bob)" delivered)
log "router: $(summary_line "$(err_of router)" | sed 's/.*stopping: //')"
check "router forwarded > 0 (forwarded=$forwarded)" gt "$forwarded" 0
check "alice delivered > 0 (delivered=$delivered_alice)" gt "$delivered_alice" 0
check "bob delivered > 0 (delivered=$delivered_bob)" gt "$delivered_bob" 0
echo "PASS: heartbeats crossed the router both ways in $(elapsed)s"
