#!/usr/bin/env bash
# A hub-backed locator bound to an interface (LOCATOR%IFNAME@HOST:PORT): alice
# reaches the hub for locator e from eth1 only, and multicast locator a is on
# her eth0; network.moves = links. The router joins a and e and bridges them;
# bob is on e (hub) and streams to alice at 100/s. Mid-flow alice's eth1 is
# pulled and restored.
#
# Asserts: every frame the hub got from alice came from eth1's address (an
# nftables counter in the hub's namespace: none from eth0's); pulling eth1
# is the hub locator's link going down (alice leaves e, tells bob through a
# and the router), restoring it brings her back to e (registered from eth1
# again); the stream loses at most 100 ms of datagrams and duplicates none.
#
# usage: hub_bound.sh ILNP_BINARY   (exit 77: skipped, not root)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
command -v nft >/dev/null 2>&1 || skip "needs nft (nftables)"
RUN_TIME=${HUB_BOUND_RUN_TIME:-8}

netns_setup hub router bob alice # fd00::1 .. fd00::4 on eth0
HUB="[fd00::1]:10010"
alice_ns=$(netns_name alice)
# alice's second card on the same LAN, fd00::104; addresses survive a pull.
ip -n "$NETNS_BRIDGE_NS" link add q4-alice type veth peer name eth1 netns "$alice_ns"
ip -n "$NETNS_BRIDGE_NS" link set q4-alice addrgenmode none
ip -n "$NETNS_BRIDGE_NS" link set q4-alice master br0 up
ip -n "$alice_ns" link set eth1 addrgenmode none
ip -n "$alice_ns" addr add fd00::104/64 dev eth1 nodad
ip -n "$alice_ns" link set eth1 up
for dev in eth0 eth1; do ip netns exec "$alice_ns" sysctl -qw "net.ipv6.conf.$dev.keep_addr_on_down=1"; done
# What the hub sees of alice, by source address.
ip netns exec "$(netns_name hub)" nft -f - <<NFT
table inet seen {
  chain input {
    type filter hook input priority 0;
    ip6 saddr fd00::104 udp dport 10010 counter
    ip6 saddr fd00::4 udp dport 10010 counter
  }
}
NFT
frames_from() {
  ip netns exec "$(netns_name hub)" nft list chain inet seen input |
    sed -n "s/.*saddr $1 udp dport 10010 counter packets \([0-9]*\).*/\1/p"
}

common=(--discovery.wait_time=2 --link.hub_keepalive=5 --network.log=info --link.log=info
  --application.print_datagrams=false --application.port=1000)
netns_start hub hub -- "$ILNP" hub --listen "$HUB" --stats-interval 0
wait_for 3 "hub listening" has_line "$(err_of hub)" 'listening on' || fail "no hub"
netns_start router router -- "$ILNP" node --discovery.hostname=router --link.mcast_interface=eth0 \
  --network.locators="0:0:0:a, 0:0:0:e@$HUB" "${common[@]}"
netns_start alice alice -- "$ILNP" experiment --discovery.hostname=alice \
  --network.locators="0:0:0:e%eth1@$HUB, 0:0:0:a%eth0" --network.moves=links --network.handoff_time=1 \
  --application.run_time=$((RUN_TIME + 3)) "${common[@]}"
wait_for 5 "alice registered e with the hub" has_line "$(err_of alice)" 'registered locator 0:0:0:e' ||
  fail "alice did not register locator e"
netns_start bob bob -- "$ILNP" experiment --discovery.hostname=bob --network.locators="0:0:0:e@$HUB" \
  --link.mcast_interface=lo --application.remote_hostname=alice --application.remote_port=1000 \
  --application.wait_time=0.01 --application.run_time="$RUN_TIME" "${common[@]}"

sleep 3
log "pulling alice's eth1 (her way to the hub)"
ip -n "$alice_ns" link set dev eth1 down
wait_for 3 "alice left e" has_line "$(err_of alice)" 'link of locator 0:0:0:e went down' ||
  fail "alice did not see locator e's link go down"
wait_for 3 "alice told bob through a" has_line "$(err_of alice)" 'sent locator update 0:0:0:a to .* via 0:0:0:a' ||
  fail "no locator update through a"
sleep 2
log "restoring alice's eth1"
registered_before=$(count_lines "$(err_of alice)" 'registered locator 0:0:0:e')
ip -n "$alice_ns" link set dev eth1 up
wait_for 3 "alice back on e" has_line "$(err_of alice)" 'link of locator 0:0:0:e came up' ||
  fail "alice did not see locator e's link come up"
wait_for 5 "alice registered e again" more_lines "$(err_of alice)" 'registered locator 0:0:0:e' "$registered_before" ||
  fail "alice did not register e again"

for who in bob alice; do
  rc=0
  netns_wait_exit "$who" 20 || rc=$?
  check "$who stopped by itself with status 0" test "$rc" -eq 0
done
from_eth1=$(frames_from fd00::104)
from_eth0=$(frames_from fd00::4)
log "hub frames from alice: eth1 (fd00::104) $from_eth1, eth0 (fd00::4) $from_eth0"
check "the hub heard alice from eth1's address" gt "${from_eth1:-0}" 0
check "and never from eth0's" test "${from_eth0:-x}" = 0
summary=$(grep -E '^\{' "$(out_of alice)" | tail -n 1)
sent=$(grep -E '^\{' "$(out_of bob)" | tail -n 1 | grep -o '"sent": [0-9]*' | grep -o '[0-9]*$')
received=$(grep -o '"received": [0-9]*' <<<"$summary" | grep -o '[0-9]*$')
duplicates=$(grep -o '"duplicates": [0-9]*' <<<"$summary" | grep -o '[0-9]*$')
log "alice: $summary"
check "the stream lost at most 100 ms across the pull (received $received of $sent)" ge "${received:-0}" $((sent - 10))
check "and duplicated nothing ($duplicates)" test "${duplicates:-x}" = 0
echo "PASS: hub locator bound to eth1: $from_eth1 frames to the hub from eth1, 0 from eth0; $received of $sent datagrams across its link down and up"
