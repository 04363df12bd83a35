#!/usr/bin/env bash
# A node under a stream of malformed datagrams. alice (the victim) and bob run
# heartbeats to each other on locator a; mallory, a third namespace on the
# same bridge, sends garbage into locator a's group with inject_garbage.py:
# every malformed class (short header, payload length mismatch, truncated or
# bad discovery, bad UTF-8 hostname, unknown next header to alice's NID, ...)
# then thousands of random byte strings and valid headers over random payloads.
#
# Asserts: alice is still running after the flood and still exchanges
# heartbeats with bob (a new one arrives each way after the flood); alice
# exits with status 0 on SIGTERM; her closing summary counts at least the
# datagrams sent for each targeted drop reason under that reason.
#
# usage: malformed_input.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python

FIX="$ILNP_FIXTURES_DIR/prototype-configs/heartbeat"
VICTIM_NID=ffff:0:0:a # from config_alice.ini
BUFFER_SIZE=65487     # from the fixtures
common=(--link.mcast_interface=eth0 --discovery.wait_time=2 --network.locators=0:0:0:a)

netns_setup alice bob mallory

netns_start alice alice -- "$ILNP" heartbeat -c "$FIX/config_alice.ini" "${common[@]}"
netns_start bob bob -- "$ILNP" heartbeat -c "$FIX/config_bob.ini" "${common[@]}"
wait_for 8 "alice hears bob before the flood" has_line "$(out_of alice)" ' -> \[alice/.*\| bob$' ||
  fail "alice and bob never met (before any garbage was sent)"

injected=$(ip netns exec "$(netns_name mallory)" python3 "$NETNS_LIB_DIR/inject_garbage.py" \
  --interface eth0 --locator 0:0:0:a --victim-nid "$VICTIM_NID" --buffer-size "$BUFFER_SIZE" \
  2>"$NETNS_DIR/mallory.err") || fail "the injector failed: $(tail -n 5 "$NETNS_DIR/mallory.err")"
log "injected: $injected"

check "alice survived the flood" is_running alice
# Fresh heartbeats both ways, counted from the end of the flood.
at_alice=' -> \[alice/.*\| bob$'
at_bob=' -> \[bob/.*\| alice$'
from_bob=$(count_lines "$(out_of alice)" "$at_alice")
from_alice=$(count_lines "$(out_of bob)" "$at_bob")
wait_for 4 "a heartbeat from bob reaches alice after the flood" more_lines "$(out_of alice)" "$at_alice" "$from_bob" ||
  fail "alice no longer receives bob's heartbeats"
wait_for 4 "a heartbeat from alice reaches bob after the flood" more_lines "$(out_of bob)" "$at_bob" "$from_alice" ||
  fail "alice no longer sends heartbeats that reach bob"

for label in alice bob; do
  status=0
  netns_stop "$label" 5 || status=$?
  check "$label exited with status 0 on SIGTERM" test "$status" -eq 0
done
check "alice wrote her closing summary" has_line "$(err_of alice)" 'application info: stopping: '
summary=$(summary_line "$(err_of alice)")
log "alice: ${summary#*stopping: }"
log "bob:   $(summary_line "$(err_of bob)" | sed 's/.*stopping: //')"

# Every targeted reason must be counted at least as often as it was sent.
reasons=$(python3 -c 'import json, sys
d = json.loads(sys.argv[1])
print(" ".join("%s:%d" % (k, v) for k, v in sorted(d.items()) if k not in ("total", "targeted", "seed")))' "$injected")
for pair in $reasons; do
  reason=${pair%%:*}
  want=${pair##*:}
  got=$(summary_count "$(err_of alice)" "$reason")
  check "alice counted $reason=$got >= $want sent" ge "$got" "$want"
done
# Every injected datagram reached alice's node, or the kernel says it dropped
# it for want of socket buffer (a loaded machine, a small net.core.rmem_max):
# alice's namespace holds only her node's sockets.
total=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["total"])' "$injected")
in_count=$(summary_count "$(err_of alice)" in)
# shellcheck disable=SC2016 # awk's $1, $2
rcvbuf_errors=$(ip netns exec "$(netns_name alice)" awk '$1 == "Udp6RcvbufErrors" { print $2 }' /proc/net/snmp6)
log "alice: in=$in_count, kernel receive-buffer drops=$rcvbuf_errors, injected=$total"
check "alice took in every injected datagram the kernel delivered (in + rcvbuf drops >= $total)" \
  ge "$((in_count + rcvbuf_errors))" "$total"
check "the kernel delivered most of the flood (rcvbuf drops $rcvbuf_errors <= 10% of $total)" \
  test "$((rcvbuf_errors * 10))" -le "$total"
echo "PASS: alice survived $total malformed datagrams and counted them by reason ($(elapsed)s)"
