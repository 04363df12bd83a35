#!/usr/bin/env bash
# RFC 6951 UDP-encapsulated SCTP crosses the overlay unchanged through the
# local UDP proxies: a usrsctp client on alice and a usrsctp server on bob
# (different locators, through a router), each with native UDP encapsulation
# on port 9899; each proxy maps 9899 to the other node's 9899. The client
# sends 20 MB; in the middle alice moves to another locator (soft handoff).
#
# Asserts: the server receives exactly the bytes sent (same SHA-256); no
# SCTP packet was too large for the overlay (the proxies' too_large counters
# are 0 with the recommended MTU); alice moved while the transfer ran and the
# association survived it. With tshark installed, the captured SCTP packets
# (client <-> proxy on alice's loopback) decode as SCTP with good CRC32c.
#
# usage: sctp_through_proxy.sh ILNP_BINARY SCTP_TRANSFER_BINARY   (77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
SCTP=${2:-}
[[ -x $SCTP ]] || skip "sctp_transfer was not built (needs libusrsctp-dev)"
BYTES=${SCTP_BYTES:-20000000}
# The SCTP path MTU that keeps every SCTP packet within one transport
# datagram (1396 bytes with the default buffer_size). usrsctp's encapsulated
# packets are spp_pathmtu + 12 bytes (measured: 1300 -> 1312), so 1384.
MTU=1384

FIX="$ILNP_FIXTURES_DIR/prototype-configs/heartbeat"
common=(--link.mcast_interface=eth0 --link.buffer_size=1440 --discovery.wait_time=2 --network.log=info)
# SCTP_IMPAIRED=1: alice's and bob's sends each see 0.5% loss and 10 ms delay,
# so the path has ~1% loss and a 20 ms round trip (emulated in ilnp's link
# layer: this kernel has no tc netem); 5 MB keep the run short.
impaired=()
if [[ -n ${SCTP_IMPAIRED:-} ]]; then
  impaired=(--link.emulate_loss=0.005 --link.emulate_delay=0.01)
  BYTES=${SCTP_BYTES:-5000000}
fi
netns_setup alice router bob
netns_start router router -- "$ILNP" node -c "$FIX/config_router.ini" "${common[@]}"
netns_start alice alice -- "$ILNP" node -c "$FIX/config_alice.ini" "${common[@]}" "${impaired[@]}" \
  --network.locators=0:0:0:a
netns_start bob bob -- "$ILNP" node -c "$FIX/config_bob.ini" "${common[@]}" "${impaired[@]}"
ctl() { "$ILNP" ctl --socket "$NETNS_DIR/run/$1/ilnp/$1.sock" "${@:2}"; }
wait_for 5 "control sockets" bash -c "test -S '$NETNS_DIR/run/alice/ilnp/alice.sock' && test -S '$NETNS_DIR/run/bob/ilnp/bob.sock'" ||
  fail "nodes did not start"
alice_port=$(ctl alice proxy add 9899 bob 9899) || fail "proxy add on alice: $alice_port"
bob_port=$(ctl bob proxy add 9899 alice 9899) || fail "proxy add on bob: $bob_port"
wait_for 10 "alice and bob know each other" bash -c \
  "'$ILNP' ctl --socket '$NETNS_DIR/run/alice/ilnp/alice.sock' status | grep -q '^  bob at'"

capture=""
if command -v tshark >/dev/null; then
  capture="$NETNS_DIR/alice-lo.pcap"
  ip netns exec "$(netns_name alice)" ip link set lo up
  netns_start alice tshark -- tshark -q -i lo -f "udp port $alice_port" -c 200 -w "$capture"
  sleep 1
fi
netns_start bob server -- "$SCTP" server --encaps-port 9899 --sctp-port 5001 --mtu "$MTU"
wait_for 5 "the SCTP server listens" has_line "$(out_of server)" listening || fail "no SCTP server"
netns_start alice client -- "$SCTP" client --encaps-port 9899 --remote-encaps-port "$alice_port" \
  --sctp-port 5001 --bytes "$BYTES" --mtu "$MTU"
# Move alice to another locator while the transfer runs.
wait_for 10 "the transfer is under way" bash -c \
  "'$ILNP' ctl --socket '$NETNS_DIR/run/alice/ilnp/alice.sock' proxy list --json | grep -q '\"datagrams_out\":[1-9][0-9][0-9]'" ||
  fail "no SCTP data crossed alice's proxy: $(ctl alice proxy list)"
moved_at=$(elapsed)
ctl alice move 0:0:0:c >/dev/null || fail "ctl move"
netns_wait_exit client 100 || fail "the SCTP client failed"
netns_wait_exit server 10 || fail "the SCTP server failed"
sent=$(tail -n 1 "$(out_of client)")
got=$(tail -n 1 "$(out_of server)")
log "client: $sent"
log "server: $got"
log "alice moved to 0:0:0:c at ${moved_at}s"
[[ $(awk '{print $4}' <<<"$sent") == "$(awk '{print $4}' <<<"$got")" ]] || fail "SHA-256 differs"
[[ $(awk '{print $3}' <<<"$got") == "$BYTES" ]] || fail "the server received $(awk '{print $3}' <<<"$got") bytes"
check "alice moved during the transfer" has_line "$(err_of alice)" 'moving from 0:0:0:a to 0:0:0:c'
for n in alice bob; do
  list=$(ctl "$n" proxy list --json)
  grep -q '"too_large":0' <<<"$list" || fail "$n's proxy refused oversize SCTP packets: $list"
  log "$n proxy: $list"
done
if [[ -n $capture ]]; then
  netns_wait_exit tshark 10 || true
  statuses=$(tshark -r "$capture" -d "udp.port==$alice_port,sctp" -o sctp.checksum:CRC-32c \
    -T fields -e sctp.checksum.status 2>/dev/null | sort | uniq -c)
  log "CRC32c status of captured SCTP packets: $(tr '\n' ' ' <<<"$statuses")"
  grep -q " 1$" <<<"$statuses" || fail "no captured packet decoded as SCTP with a good checksum"
  if grep -qv " 1$" <<<"$statuses"; then fail "a captured SCTP packet has a bad checksum"; fi
fi
