#!/usr/bin/env bash
# Moves driven by link events over real interfaces. Two bridges, locator a
# on one and b on the other; alice has a veth on each (a%eth0 preferred,
# b%eth1) with network.moves = links, the router has a veth on each and
# forwards between them, bob is on a only and streams to alice at 100/s
# (LINK_EVENTS_WAIT_TIME=0.0001: 10,000/s). Mid-flow alice's eth0 is pulled
# (`ip link set dev eth0 down`) and restored 3 s later.
#
# Asserts: alice left a at once and told bob through b (the router relayed
# between its two interfaces), came back to a when eth0 came up, `ctl status`
# showed eth0 down in between and counted one down and one up, nothing was
# duplicated, the longest receive gap and the loss stay bounded (a link pulled
# mid-flow loses what was on it until bob hears of the move). Prints the
# figures: lost, duplicates, longest gap, time from each netlink event to the
# first locator update sent (from alice's log).
#
# usage: link_events.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
WAIT_TIME=${LINK_EVENTS_WAIT_TIME:-0.01}
DOWN_AT=${LINK_EVENTS_DOWN_AT:-4}
DOWN_FOR=${LINK_EVENTS_DOWN_FOR:-3}
RUN_TIME=${LINK_EVENTS_RUN_TIME:-10}
MAX_LOST=${LINK_EVENTS_MAX_LOST:-}  # default: 100 ms of the flow, at least 10

netns_setup alice router bob
# The second bridge, and eth1 of alice and the router on it (fd01::N).
ip -n "$NETNS_BRIDGE_NS" link add br1 type bridge mcast_snooping 0
ip -n "$NETNS_BRIDGE_NS" link set br1 addrgenmode none
ip -n "$NETNS_BRIDGE_NS" link set br1 up
n=0
for host in alice router; do
  n=$((n + 1))
  ns=$(netns_name "$host")
  ip -n "$NETNS_BRIDGE_NS" link add "q$n-$host" type veth peer name eth1 netns "$ns"
  ip -n "$NETNS_BRIDGE_NS" link set "q$n-$host" addrgenmode none
  ip -n "$NETNS_BRIDGE_NS" link set "q$n-$host" master br1 up
  ip -n "$ns" link set eth1 addrgenmode none
  ip -n "$ns" addr add "fd01::$n/64" dev eth1 nodad
  ip -n "$ns" link set eth1 up
done
# As a Pi's link-local address comes back with its link, ours must survive the
# pull (addrgenmode none makes none): multicast needs a source address.
ip netns exec "$(netns_name alice)" sysctl -qw net.ipv6.conf.eth0.keep_addr_on_down=1

two=(--network.locators="0:0:0:a%eth0, 0:0:0:b%eth1")
logs=(--network.log=info --link.log=info)
netns_start router router -- "$ILNP" node "${two[@]}" --network.nid=ffff:0:0:d --discovery.hostname=router "${logs[@]}"
wait_for 5 "router joined a and b" has_line "$(err_of router)" 'joined group .*b%eth1' || fail "the router did not start"
grep -q 'joined group .*a%eth0' "$(err_of router)" || fail "the router did not join a on eth0"
netns_start alice alice -- "$ILNP" experiment "${two[@]}" --network.moves=links --network.nid=ffff:0:0:1 \
  --discovery.hostname=alice --application.port=1000 --application.print_datagrams=false \
  --application.run_time="$((RUN_TIME + 2))" "${logs[@]}"
wait_for 5 "alice watches her links" has_line "$(err_of alice)" 'watching interface\(s\) eth0, eth1' ||
  fail "alice did not start"
netns_start bob bob -- "$ILNP" experiment --network.locators=0:0:0:a --link.mcast_interface=eth0 \
  --network.nid=ffff:0:0:2 --discovery.hostname=bob --application.port=1000 --application.remote_hostname=alice \
  --application.remote_port=1000 --application.wait_time="$WAIT_TIME" --application.print_datagrams=false \
  --application.run_time="$RUN_TIME" "${logs[@]}"

alice_ns=$(netns_name alice)
sock=$NETNS_DIR/run/alice/ilnp/alice.sock
sleep "$DOWN_AT"
log "pulling alice's eth0"
ip -n "$alice_ns" link set dev eth0 down
wait_for 3 "alice left a" has_line "$(err_of alice)" 'left locator 0:0:0:a' || fail "alice did not leave a"
wait_for 3 "alice told bob through b" has_line "$(err_of alice)" 'sent locator update 0:0:0:b to .* via 0:0:0:b' ||
  fail "no locator update through b"
status=$("$ILNP" ctl --socket "$sock" status) || fail "ctl status failed"
grep -q 'interfaces: eth0 down eth1 up' <<<"$status" || fail "ctl status does not show eth0 down: $status"
grep -q 'link_downs=1' <<<"$status" || fail "ctl status did not count the link down: $status"
sleep "$DOWN_FOR"
log "restoring alice's eth0"
ip -n "$alice_ns" link set dev eth0 up
wait_for 3 "alice back on a" has_line "$(err_of alice)" 'sent locator update 0:0:0:a,0:0:0:b to ' ||
  fail "alice did not come back to a"
status=$("$ILNP" ctl --socket "$sock" status) || fail "ctl status failed"
grep -q 'interfaces: eth0 up eth1 up' <<<"$status" || fail "ctl status does not show eth0 up again: $status"
grep -q 'link_ups=1' <<<"$status" || fail "ctl status did not count the link up: $status"

for who in bob alice; do
  rc=0
  netns_wait_exit "$who" 20 || rc=$?
  check "$who stopped by itself with status 0" test "$rc" -eq 0
done
netns_stop router 5 || true
forwarded=$(summary_count "$(err_of router)" forwarded)
check "the router forwarded between its two interfaces ($forwarded)" gt "$forwarded" 0

verdict=$(python3 - "$(out_of alice)" "$(out_of bob)" "$(err_of alice)" "$WAIT_TIME" "$MAX_LOST" <<'PY'
import datetime, json, re, sys
alice_out, bob_out, alice_err, wait_time, max_lost = sys.argv[1:6]
def summary(path):
    lines = open(path).read().splitlines()
    return json.loads(lines[-1]) if lines else {}
alice, bob = summary(alice_out), summary(bob_out)
def stamp(line):
    return datetime.datetime.strptime(" ".join(line.split()[:2]), "%Y-%m-%d %H:%M:%S.%f")
lines = open(alice_err).read().splitlines()
def event_to_update(event, update):
    for i, line in enumerate(lines):
        if re.search(event, line):
            for later in lines[i:]:
                if re.search(update, later):
                    return 1000 * (stamp(later) - stamp(line)).total_seconds()
    return None
down = event_to_update(r"interface eth0 went down", r"sent locator update 0:0:0:b to ")
up = event_to_update(r"interface eth0 is up", r"sent locator update 0:0:0:a,0:0:0:b to ")
sent, got = bob.get("sent", 0), alice.get("received", 0)
rate = 1 / float(wait_time)
limit = int(max_lost) if max_lost else max(10, int(0.1 * rate))
print("%d/s: sent %d received %d lost %d duplicates %d longest gap %.0f ms; netlink event to first update: "
      "down %s ms, up %s ms" % (rate, sent, got, sent - got, alice.get("duplicates", -1),
                                1000 * alice.get("longest_gap_s", -1),
                                "%.1f" % down if down is not None else "-", "%.1f" % up if up is not None else "-"))
problems = []
if sent < 0.5 * rate * 10: problems.append("bob sent only %d" % sent)
if sent - got > limit: problems.append("lost %d > %d" % (sent - got, limit))
if alice.get("duplicates", 1) != 0: problems.append("duplicates")
if alice.get("longest_gap_s", 9) > 1.0: problems.append("a %.0f ms gap" % (1000 * alice["longest_gap_s"]))
if down is None or down > 500: problems.append("no update within 500 ms of the link down")
if up is None or up > 500: problems.append("no update within 500 ms of the link up")
if problems:
    print("FAILED: " + "; ".join(problems)); sys.exit(1)
PY
) || fail "$verdict"
log "$verdict"
