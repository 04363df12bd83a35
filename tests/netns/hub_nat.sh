#!/usr/bin/env bash
# Relay hub across NAT, real processes in namespaces. A secure hub (locator e
# restricted to the four nodes' keys); a router joined to multicast locator a
# and hub locator e bridges the LAN node `lan` to the hub; alice and bob sit
# behind NAT (nftables masquerade inside their own namespaces, source ports
# 20000-20999); carol reaches the hub directly.
#
# Asserts: alice and lan exchange heartbeats (NAT -> hub -> router -> LAN and
# back); carol streams 100 datagrams/s to bob across the hub; after both NATs
# rebind (new address, ports 30000-30999: the hub sees new endpoints) the
# stream and heartbeats continue, and the hub re-learned both members from
# signed registrations; bob's recovery time is measured; registrations from
# an unlisted key, an unsigned one and one with a bad signature are refused
# and counted.
#
# usage: hub_nat.sh ILNP_BINARY   (exit 77: skipped, not root or no nft)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
command -v nft >/dev/null 2>&1 || skip "needs nftables' nft"

STREAM_SECONDS=${HUB_NAT_SECONDS:-14}
netns_setup hub lan router alice bob carol mallory
HUB="[fd00::1]:10010"
E="0:0:0:e@$HUB"

# NAT inside a namespace: everything leaving eth0 is masqueraded to eth0's
# address and a source port in RANGE.
nat() {  # nat HOST RANGE
  ip netns exec "$(netns_name "$1")" nft -f - <<NFT
table ip6 hubnat
delete table ip6 hubnat
table ip6 hubnat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "eth0" udp dport 10010 masquerade to :$2
  }
}
NFT
}
nat alice 20000-20999 || skip "nftables masquerade is unavailable here"
nat bob 20000-20999

key_of() {  # key_of LABEL: the public key of the node LABEL will run as LABEL
  XDG_STATE_HOME="$NETNS_DIR/state/$1" "$ILNP" id --hostname "$1" | awk '/^public_key/ { print $2 }'
}
mkdir -p "$NETNS_DIR"/state/{alice,bob,carol,router,mallory}
allow=()
for n in alice bob carol router; do allow+=(--allow "0:0:0:e=$(key_of "$n")"); done

netns_start hub hub -- "$ILNP" hub --listen "$HUB" "${allow[@]}" --stats-interval 0
wait_for 3 "hub listening" has_line "$(err_of hub)" 'listening on' || fail "the hub did not start"
common=(--discovery.wait_time=2 --link.hub_keepalive=2 --network.log=true --link.log=true)
netns_start router router -- "$ILNP" node --discovery.hostname=router --link.mcast_interface=eth0 \
  --network.locators="0:0:0:a, $E" "${common[@]}"
netns_start lan lan -- "$ILNP" heartbeat --discovery.hostname=lan --link.mcast_interface=eth0 \
  --network.locators=0:0:0:a --application.port=2000 --application.remote_hostname=alice \
  --application.remote_port=2000 "${common[@]}"
netns_start alice alice -- "$ILNP" heartbeat --discovery.hostname=alice --network.locators="$E" \
  --application.port=2000 --application.remote_hostname=lan --application.remote_port=2000 "${common[@]}"
netns_start bob bob -- "$ILNP" experiment --discovery.hostname=bob --network.locators="$E" \
  --application.port=1000 --application.print_datagrams=false --application.progress=1 "${common[@]}"

wait_for 10 "alice got lan's heartbeat (LAN -> router -> hub -> NAT)" has_line "$(out_of alice)" '\| lan$' ||
  fail "no heartbeat from lan at alice"
wait_for 5 "lan got alice's heartbeat (NAT -> hub -> router -> LAN)" has_line "$(out_of lan)" '\| alice$' ||
  fail "no heartbeat from alice at lan"
check "alice's registrations left through the NAT (port 20000-20999)" \
  has_line "$(err_of hub)" "registered: locator 0:0:0:e member .* at \\[fd00:0:0:0:0:0:0:4\\]:20[0-9]{3} "

netns_start carol carol -- "$ILNP" experiment --discovery.hostname=carol --network.locators="$E" \
  --application.port=1000 --application.remote_hostname=bob --application.remote_port=1000 \
  --application.wait_time=0.01 --application.print_datagrams=false \
  --application.run_time="$STREAM_SECONDS" "${common[@]}"
wait_for 10 "bob receives carol's stream" has_line "$(out_of bob)" 'received [1-9]' || fail "no stream at bob"
sleep 3

# The NATs rebind: a new public address and port range, the old mappings
# flushed with the old address (masquerade forgets them).
for host in alice bob; do
  n=$([[ $host == alice ]] && echo 4 || echo 5)
  nat "$host" 30000-30999
  ip -n "$(netns_name "$host")" addr add "fd00::10$n/64" dev eth0 nodad
  ip -n "$(netns_name "$host")" addr del "fd00::$n/64" dev eth0
done
log "alice's and bob's NATs rebound"
wait_for 8 "the hub re-learned bob at his new address" has_line "$(err_of hub)" \
  'rebound: locator 0:0:0:e member .* at \[fd00:0:0:0:0:0:0:105\]:30[0-9]{3}' || fail "bob was not re-learned"
wait_for 8 "the hub re-learned alice at her new address" has_line "$(err_of hub)" \
  'rebound: locator 0:0:0:e member .* at \[fd00:0:0:0:0:0:0:104\]:30[0-9]{3}' || fail "alice was not re-learned"
n=$(count_lines "$(out_of alice)" '\| lan$')
wait_for 5 "heartbeats from lan reach alice again" more_lines "$(out_of alice)" '\| lan$' "$n" ||
  fail "no heartbeat at alice after the rebinding"

# Forged registrations: an unlisted key (a real node), unsigned, a bad signature.
netns_start mallory mallory -- "$ILNP" node --discovery.hostname=mallory --network.locators="$E" "${common[@]}"
ip netns exec "$(netns_name mallory)" python3 - <<'PY'
import hashlib, os, socket, struct, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(2)
now = int(time.time() * 1e6)
# First the address cookie, as any registrant must (a 25-byte challenge).
s.sendto(struct.pack(">BBQQQ", 2, 0, 0xE, 0x1234, now), ("fd00::1", 10010))
cookie = s.recv(64)[9:25]
s.sendto(struct.pack(">BBQQQ", 2, 4, 0xE, 0x1234, now + 1) + cookie, ("fd00::1", 10010))  # unsigned
key = os.urandom(32)
nid = int.from_bytes(hashlib.blake2b(key, digest_size=8, key=b"ilnp-overlay nid").digest(), "big")
s.sendto(struct.pack(">BBQQQ", 2, 6, 0xE, nid, now) + cookie + key + os.urandom(64), ("fd00::1", 10010))  # bad signature
PY
wait_for 5 "the hub refused mallory's key" has_line "$(err_of hub)" 'refused registration: .*key_not_allowed' ||
  fail "mallory's registration was not refused"
wait_for 3 "the hub refused the unsigned registration" has_line "$(err_of hub)" 'unsigned_refused \(unsigned\)' ||
  fail "the unsigned registration was not refused"
wait_for 3 "the hub refused the bad signature" has_line "$(err_of hub)" 'refused registration: .*bad_signature' ||
  fail "the bad signature was not refused"

netns_wait_exit carol $((STREAM_SECONDS + 10)) || true
sleep 1
netns_stop bob 5 || true
kill -INT "$(pid_of hub)" 2>/dev/null
netns_wait_exit hub 5 || true
counters=$(grep -o 'stopping: .*' "$(err_of hub)" | tail -n 1)
log "hub: $counters"
summary=$(grep -E '^\{' "$(out_of bob)" | tail -n 1)
log "bob: $summary"
received=$(grep -o '"received": [0-9]*' <<<"$summary" | grep -o '[0-9]*$')
sent=$(grep -E '^\{' "$(out_of carol)" | tail -n 1 | grep -o '"sent": [0-9]*' | grep -o '[0-9]*$')
gap=$(grep -o '"longest_gap_s": [0-9.]*' <<<"$summary" | grep -o '[0-9.]*$')
check "bob received most of carol's $sent datagrams across the rebinding (received=$received)" \
  gt "$received" $((sent * 3 / 4))
counters_have() { grep -Eq -- "$1" <<<"$counters"; }
check "the hub counted two rebinds" counters_have ' rebinds=2 '
check "the hub counted the refusals" counters_have \
  'refused_unsigned_refused=1 .*refused_bad_signature=1 .*refused_key_not_allowed=[1-9]'
echo "PASS: NAT traversal through the hub; bob's recovery after the rebinding: ${gap}s (longest gap in the stream)"
