#!/usr/bin/env bash
# Soft handoff between a multicast locator and a hub locator, real processes:
# a router joins multicast a and hub locator e (bridging them); the mobile
# node moves a -> e -> a ... every 3 s; the correspondent on e streams
# 100 datagrams/s to it. Asserts the stream arrives across every move and
# the mobile node's locator updates were acknowledged.
#   usage: hub_handoff.sh ILNP_BINARY   (exit 77: skipped, not root)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
SECONDS_STREAM=${HUB_HANDOFF_SECONDS:-10}
netns_setup hub router mobile cn
HUB="[fd00::1]:10010"
E="0:0:0:e@$HUB"
common=(--link.mcast_interface=eth0 --discovery.wait_time=2 --link.hub_keepalive=5 --network.log=true
        --link.log=true --application.print_datagrams=false --application.port=1000)

netns_start hub hub -- "$ILNP" hub --listen "$HUB" --stats-interval 0
wait_for 3 "hub listening" has_line "$(err_of hub)" 'listening on' || fail "no hub"
netns_start router router -- "$ILNP" node --discovery.hostname=router --network.locators="0:0:0:a, $E" "${common[@]}"
netns_start mobile mobile -- "$ILNP" experiment --discovery.hostname=mobile --network.locators="0:0:0:a-$E" \
  --network.move_time=3 --network.handoff_time=1.5 --application.progress=1 \
  --application.run_time=$((SECONDS_STREAM + 3)) "${common[@]}"
sleep 1.5
netns_start cn cn -- "$ILNP" experiment --discovery.hostname=cn --network.locators="$E" \
  --application.remote_hostname=mobile --application.remote_port=1000 --application.wait_time=0.01 \
  --application.run_time="$SECONDS_STREAM" "${common[@]}"
netns_wait_exit cn $((SECONDS_STREAM + 10)) || true
netns_wait_exit mobile 10 || true
summary=$(grep -E '^\{' "$(out_of mobile)" | tail -n 1)
sent=$(grep -E '^\{' "$(out_of cn)" | tail -n 1 | grep -o '"sent": [0-9]*' | grep -o '[0-9]*$')
received=$(grep -o '"received": [0-9]*' <<<"$summary" | grep -o '[0-9]*$')
moves=$(count_lines "$(err_of mobile)" 'moving from')
to_hub=$(count_lines "$(err_of mobile)" 'moving from 0:0:0:a to 0:0:0:e')
to_lan=$(count_lines "$(err_of mobile)" 'moving from 0:0:0:e to 0:0:0:a')
acked=$(count_lines "$(err_of mobile)" 'locator update acknowledged')
log "mobile: $summary"
check "the mobile node moved onto the hub locator and back (to hub $to_hub, to LAN $to_lan)" \
  test "$to_hub" -ge 1 -a "$to_lan" -ge 1
check "its locator updates were acknowledged ($acked for $moves moves)" ge "$acked" "$moves"
check "the stream arrived across the moves (received $received of $sent)" gt "$received" $((sent * 9 / 10))
echo "PASS: soft handoff between multicast and hub locators: $moves moves, $received of $sent datagrams"
