#!/usr/bin/env bash
# Figures for the relay hub, by hand (not in CI; root for namespaces):
#  1. datagram rate through a multicast locator and through a hub locator in
#     the same run: `ilnp experiment` with wait_time 0, sender and receiver in
#     two namespaces, the hub in a third;
#  2. hub memory per member: RSS with HUB_MEMBERS registered members vs none.
#   usage: hub_figures.sh ILNP_BINARY   HUB_RATE_SECONDS=5 HUB_MEMBERS=50000
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
seconds=${HUB_RATE_SECONDS:-5}
members=${HUB_MEMBERS:-50000}
netns_setup hub sender receiver
HUB="[fd00::1]:10010"
netns_start hub hub -- "$ILNP" hub --listen "$HUB" --legacy --max-members $((members + 100)) --stats-interval 0
wait_for 3 "hub listening" has_line "$(err_of hub)" 'listening on' || fail "no hub"

rate() {  # rate NAME LOCATOR: prints the receiver's datagrams per second
  local name=$1 locator=$2 common
  common=(--link.mcast_interface=eth0 --discovery.wait_time=1 --application.print_datagrams=false
          --application.port=1000)
  netns_start receiver "rx_$name" -- "$ILNP" experiment --discovery.hostname=rx "${common[@]}" \
    --network.locators="$locator" --application.run_time=$((seconds + 4))
  sleep 1.5
  netns_start sender "tx_$name" -- "$ILNP" experiment --discovery.hostname=tx "${common[@]}" \
    --network.locators="$locator" --application.remote_hostname=rx --application.remote_port=1000 \
    --application.wait_time=0 --application.run_time="$seconds"
  netns_wait_exit "tx_$name" $((seconds + 10)) || true
  netns_wait_exit "rx_$name" 10 || true
  local rx tx
  rx=$(grep -E '^\{' "$(out_of "rx_$name")" | tail -n 1)
  tx=$(grep -E '^\{' "$(out_of "tx_$name")" | tail -n 1)
  python3 - "$name" "$rx" "$tx" "$seconds" <<'PY'
import json, sys
name, rx, tx, seconds = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), float(sys.argv[4])
print(f"{name}: sent {tx['sent']} ({tx['sent']/seconds:.0f}/s) received {rx['received']} "
      f"({rx['received']/seconds:.0f}/s, {rx['bytes_received']*8/seconds/1e6:.1f} Mbit/s) lost {rx['lost']}")
PY
}
rate multicast 0:0:0:a
rate hub "0:0:0:e@$HUB"

rss() { awk '/^VmRSS/ { print $2 }' "/proc/$(pid_of hub)/status"; }
before=$(rss)
ip netns exec "$(netns_name sender)" python3 - "$members" <<'PY'
import socket, struct, sys, time
n = int(sys.argv[1])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
now = int(time.time() * 1e6)
for i in range(n):  # distinct (locator, NID) members from one socket
    s.sendto(struct.pack(">BBQQQ", 2, 0, 0x100 + i % 64, 0x10000 + i, now), ("fd00::1", 10010))
    if i % 256 == 255:
        time.sleep(0.002)
time.sleep(0.5)
PY
after=$(rss)
kill -INT "$(pid_of hub)"
sleep 0.5
# Some registrations may be lost to the hub's socket buffer: count what it holds.
held=$(grep -o 'stopping: members=[0-9]*' "$(err_of hub)" | tail -n 1 | grep -o '[0-9]*$')
awk -v b="$before" -v a="$after" -v n="$held" -v sent="$members" \
  'BEGIN { printf "hub memory: RSS %d KiB with 0 members, %d KiB with %d members (of %d registrations sent): %.0f bytes per member\n", b, a, n, sent, (a - b) * 1024 / n }'
