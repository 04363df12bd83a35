#!/usr/bin/env bash
# A node as systemd runs it, without systemd: a datagram socket stands in for
# NOTIFY_SOCKET. Both nodes start before their interface ("ilnpx") exists and
# keep retrying; the veth appears seconds later and heartbeats flow. READY=1
# and periodic WATCHDOG=1 arrive; the socket and identity live in
# RUNTIME_DIRECTORY / STATE_DIRECTORY; `ilnp ctl --node` finds it under
# /run/ilnp/*/; SIGHUP stops cleanly (exit 0, summary, socket removed).
#
# usage: daemon_lifecycle.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
netns_setup alice bob
unit="$NETNS_PREFIX-alice"
rundir=/run/ilnp/$unit
trap 'rm -rf "$rundir"; netns_teardown' EXIT
mkdir -p "$rundir" && chmod 755 "$rundir"
notify=$NETNS_DIR/notify.sock
python3 "$(dirname "$0")/notify_receiver.py" "$notify" >"$NETNS_DIR/notify.out" &
NETNS_PIDS[notify]=$!
wait_for 5 "notify socket" test -S "$notify" || fail "no notify receiver"

common=(--network.locators=0:0:0:a --link.mcast_interface=ilnpx --application.log=info --link.log=true --application.wait_time=0.2 --security.mode=secure)
netns_start alice alice -- env NOTIFY_SOCKET="$notify" WATCHDOG_USEC=400000 RUNTIME_DIRECTORY="$rundir" \
  STATE_DIRECTORY="$NETNS_DIR/alice-state" "$ILNP" heartbeat --discovery.hostname=alice \
  "${common[@]}"
netns_start bob bob -- "$ILNP" heartbeat --discovery.hostname=bob "${common[@]}"
wait_for 5 "alice waits for ilnpx" has_line "$(err_of alice)" 'waiting for interface ilnpx' || fail "no waiting log"
wait_for 5 "READY=1 while waiting" has_line "$NETNS_DIR/notify.out" 'READY=1.*STATUS=waiting for interface ilnpx' ||
  fail "no READY=1"
wait_for 5 "3 watchdog pings" more_lines "$NETNS_DIR/notify.out" '^WATCHDOG=1' 2 || fail "no periodic WATCHDOG=1"
check "socket at RUNTIME_DIRECTORY/HOSTNAME.sock" test -S "$rundir/alice.sock"
check "identity in STATE_DIRECTORY" test -f "$NETNS_DIR/alice-state/identity.key"
"$ILNP" ctl --node alice status | grep -q '^node alice\|alice' || fail "ctl --node alice did not find $rundir/alice.sock"

sleep_until=$(deadline_in 2); while before "$sleep_until"; do sleep 0.2; done  # the interface comes late
ip link add ilnpx netns "$(netns_name alice)" type veth peer name ilnpx netns "$(netns_name bob)"
ip -n "$(netns_name alice)" link set ilnpx up
ip -n "$(netns_name bob)" link set ilnpx up
log "created ilnpx"
wait_for 40 "bob's heartbeat at alice" has_line "$(out_of alice)" '\| bob$' || fail "no traffic after the interface appeared"
check "alice logged the join" has_line "$(err_of alice)" 'joined 1 group\(s\) on ilnpx'
wait_for 5 "STATUS running" has_line "$NETNS_DIR/notify.out" 'STATUS=running on ilnpx' || fail "no running STATUS"

kill -HUP "$(pid_of alice)"
netns_wait_exit alice 5 && status=0 || status=$?
check "SIGHUP: exit 0" test "$status" = 0
check "SIGHUP: summary" has_line "$(err_of alice)" 'stopping: in [0-9]+ .*join_retries=[1-9]'
check "SIGHUP: socket removed" test ! -e "$rundir/alice.sock"
check "STOPPING=1" has_line "$NETNS_DIR/notify.out" 'STOPPING=1'
netns_stop bob 5 && status=0 || status=$?
check "SIGTERM: exit 0" test "$status" = 0
log "PASS"
