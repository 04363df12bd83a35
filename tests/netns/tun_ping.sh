#!/usr/bin/env bash
# IP over the overlay (proto/README.md section 13): alice and bob with [tun]
# enabled, a router (no TUN) between them on locators a, b, c; alice moves
# between a and c every 3 s with a 1 s soft handoff, bob stays on b.
#
# Asserts: ping from alice to bob's identifier address at 100/s across at
# least six moves loses nothing (a few per move in the hard handoff); a
# 100 MB TCP transfer over the TUNs, across moves, arrives with its SHA-256
# intact and no stall over 200 ms in a soft handoff (the longest is printed); a packet from the TUN with a source that is not
# alice's identifier address is dropped and counted (ip_spoofed_source);
# programs resolve bob.ilnp through the NSS module (getent as root and as
# nobody, ping, the TCP transfer and ssh by name, an ssh session across a
# move), an unknown name is not found; tracepath shows the MTU;
# a too-big ping gets an ICMPv6 Packet Too Big, and a burst of them gets no
# more answers than the rate limit allows; `ctl status` shows the interface
# and bob's packet counts; without CAP_NET_ADMIN the node says so and exits
# non-zero.
#
# usage: tun_ping.sh ILNP_BINARY [plain|sealed|legacy]   (exit 77: skipped, not root)
#   ILNP_NSS_DIR: the directory of libnss_ilnp.so.2 (CTest passes the build's)
#   plain: secure mode (signed discovery and updates), IP in clear;
#   sealed: security.encrypt (next header 48); legacy: the prototype's mode,
#   with a hard handoff (handoff_time 0) where the others have a 1 s soft one.
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
command -v ping >/dev/null 2>&1 || skip "needs ping (iputils-ping)"
command -v ncat >/dev/null 2>&1 || skip "needs ncat"
[[ -c /dev/net/tun ]] || skip "needs /dev/net/tun"
[[ -f ${ILNP_NSS_DIR:-}/libnss_ilnp.so.2 ]] || fail "no libnss_ilnp.so.2 in ILNP_NSS_DIR ('${ILNP_NSS_DIR:-}')"

MODE=${2:-plain}
PINGS=${TUN_PINGS:-2400} # at 100/s: 24 s, eight moves of 3 s
BYTES=${TUN_BYTES:-100000000}
common=(--link.mcast_interface=eth0 --discovery.wait_time=2 --network.default_hop_limit=4
  --network.log=info)
HANDOFF=1
case $MODE in
  plain) ;;
  sealed) common+=(--security.encrypt=true) ;;
  legacy) common+=(--security.mode=legacy); HANDOFF=0 ;;
  *) fail "mode '$MODE' is not plain, sealed or legacy" ;;
esac

netns_setup alice router bob
chmod 711 "$NETNS_DIR" # the names socket is for every user: nobody must reach it

netns_start router router -- "$ILNP" node "${common[@]}" --discovery.hostname=router \
  --network.locators=0:0:0:a,0:0:0:b,0:0:0:c
wait_for 5 "router joined its locators" has_line "$(err_of router)" 'joined locator 0:0:0:c' ||
  fail "the router did not start"
netns_start bob bob -- "$ILNP" node "${common[@]}" --discovery.hostname=bob --network.locators=0:0:0:b \
  --tun.enable=true --tun.names_dir="$NETNS_DIR/names-bob"
netns_start alice alice -- "$ILNP" node "${common[@]}" --discovery.hostname=alice \
  --network.locators=0:0:0:a-0:0:0:c --network.move_time=3 --network.handoff_time=$HANDOFF --tun.enable=true \
  --tun.names_dir="$NETNS_DIR/names-alice"

address_of() { sed -n 's/.*tun: interface ilnp0 address \([0-9a-f:]*\)\/64 mtu \([0-9]*\).*/\1/p' "$(err_of "$1")"; }
wait_for 5 "bob's TUN" has_line "$(err_of bob)" 'tun: interface ilnp0 address' || fail "bob made no TUN"
wait_for 5 "alice's TUN" has_line "$(err_of alice)" 'tun: interface ilnp0 address' || fail "alice made no TUN"
bob_addr=$(address_of bob)
alice_addr=$(address_of alice)
mtu=$(sed -n 's/.*tun: interface ilnp0 address .* mtu \([0-9]*\).*/\1/p' "$(err_of alice)")
log "alice $alice_addr, bob $bob_addr, mtu $mtu ($MODE)"
in_alice() { ip netns exec "$(netns_name alice)" "$@"; }
in_bob() { ip netns exec "$(netns_name bob)" "$@"; }
check "the kernel's MTU is the node's ($mtu)" grep -q "mtu $mtu " <(in_alice ip link show ilnp0)

first_ping() { in_alice ping -6 -c 1 -W 1 "$bob_addr" >/dev/null 2>&1; }
wait_for 15 "a first ping reaches bob" first_ping || fail "no ping reply from bob within 15 s"

# Names for programs: alice's own /etc/nsswitch.conf (a private bind mount)
# asks the "ilnp" source, which asks alice's node over its names socket.
printf 'hosts: files ilnp\n' >"$NETNS_DIR/nsswitch.conf"
by_name() {
  in_alice env LD_LIBRARY_PATH="$ILNP_NSS_DIR" ILNP_NAMES_DIR="$NETNS_DIR/names-alice" \
    unshare -m sh -c 'mount --bind "$0" /etc/nsswitch.conf && exec "$@"' "$NETNS_DIR/nsswitch.conf" "$@"
}
check "getent hosts bob.ilnp gives bob's identifier address" grep -q "^$bob_addr .*bob.ilnp" <(by_name getent hosts bob.ilnp)
check "and for an unprivileged user too" grep -q "^$bob_addr " \
  <(by_name setpriv --reuid=65534 --regid=65534 --clear-groups getent hosts bob.ilnp)
check "ping bob.ilnp is answered" by_name ping -6 -c 1 -W 2 bob.ilnp
rc=0
by_name getent hosts nobody.ilnp >/dev/null || rc=$?
check "an unknown name is not found (getent status $rc)" test "$rc" -eq 2

moves_before=$(count_lines "$(err_of alice)" 'moving from')
in_alice ping -6 -q -i 0.01 -W 2 -c "$PINGS" "$bob_addr" >"$NETNS_DIR/ping.out" 2>&1 || true
moves=$(($(count_lines "$(err_of alice)" 'moving from') - moves_before))
stats=$(grep -E 'packets transmitted' "$NETNS_DIR/ping.out" || true)
rtt=$(grep -E '^rtt' "$NETNS_DIR/ping.out" || true)
log "ping: $stats; $rtt; $moves moves during it"
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$stats")
min_moves=$((PINGS / 400)) # a move every 3 s: 6 for the default 24 s of pings
check "alice moved at least $min_moves times during the pings ($moves)" ge "$moves" "$min_moves"
if ((HANDOFF > 0)); then
  check "all $PINGS pings answered across the moves (received=$received)" test "${received:-0}" -eq "$PINGS"
else  # hard: what was in flight to the locator left, at most a few per move
  check "pings answered but for at most 5 per move (received=$received)" ge "${received:-0}" $((PINGS - 5 * moves))
fi

# TCP over the TUNs, by name, while alice keeps moving: tcp_hash.py's sink on
# bob's identifier address answers the SHA-256 and the longest wait between
# two reads.
netns_start bob sink -- python3 "$NETNS_LIB_DIR/tcp_hash.py" sink 5000 "$bob_addr"
wait_for 5 "bob's TCP sink" has_line "$(out_of sink)" '^listening' || fail "the TCP sink did not start"
moves_before=$(count_lines "$(err_of alice)" 'moving from')
transfer=$(by_name timeout 90 python3 "$NETNS_LIB_DIR/tcp_hash.py" source 5000 "$BYTES" bob.ilnp) ||
  fail "the TCP transfer to bob.ilnp failed: $transfer"
moves=$(($(count_lines "$(err_of alice)" 'moving from') - moves_before))
field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$transfer" "$1"; }
gap=$(field longest_gap_ms)
log "TCP: $BYTES bytes in $(field seconds) s ($(field MBps) MB/s), longest stall $gap ms, $moves moves during it"
check "the TCP transfer arrived with its SHA-256 intact" test "$(field ok)" = True
# A move every 3 s: a transfer over 3 s spans one (a faster machine may not).
if awk -v t="$(field seconds)" 'BEGIN { exit !(t > 3) }'; then
  check "alice moved during the transfer ($moves)" ge "$moves" 1
else
  log "the transfer took under 3 s: it may not have spanned a move ($moves)"
fi
if ((HANDOFF > 0)); then
  check "no stall over 200 ms in the soft handoffs (longest $gap ms)" awk -v g="$gap" 'BEGIN { exit !(g <= 200) }'
fi

# ssh by name: sshd on bob's identifier address, and a session across a move.
ssh_result="ssh skipped"
if netns_sshd bob "$bob_addr" 2222; then
  ssh_to_bob=(timeout 20 ssh "${NETNS_SSH_OPTS[@]}" -p 2222 root@bob.ilnp)
  said=$(by_name "${ssh_to_bob[@]}" echo ok 2>"$NETNS_DIR/ssh.err") ||
    fail "ssh root@bob.ilnp failed: $(tail -n 5 "$NETNS_DIR/ssh.err")"
  check "ssh root@bob.ilnp printed ok" test "$said" = ok
  moves_before=$(count_lines "$(err_of alice)" 'moving from')
  said=$(by_name "${ssh_to_bob[@]}" 'sleep 3.5; echo still ok' 2>>"$NETNS_DIR/ssh.err") || true
  moves=$(($(count_lines "$(err_of alice)" 'moving from') - moves_before))
  check "an ssh session across $moves move(s) of alice ended well" test "$said" = "still ok" -a "$moves" -ge 1
  ssh_result="ssh by name across a move"
else
  log "SKIP ssh by name"
fi

# tracepath finds the TUN's MTU as the path MTU.
if command -v tracepath >/dev/null; then
  in_alice timeout 20 tracepath -6 -n -m 3 "$bob_addr" >"$NETNS_DIR/tracepath.out" 2>&1 || true
  log "tracepath: $(tail -n 1 "$NETNS_DIR/tracepath.out")"
  check "tracepath shows pmtu $mtu" grep -q "pmtu $mtu" "$NETNS_DIR/tracepath.out"
else
  log "SKIP tracepath: not installed (iputils-tracepath)"
fi

# Packet Too Big: raise the TUN's MTU behind the node's back, ping with DF.
in_alice ip link set ilnp0 mtu 1500
in_alice ping -6 -c 2 -W 1 -M do -s 1452 "$bob_addr" >"$NETNS_DIR/ptb.out" 2>&1 || true
in_alice ip link set ilnp0 mtu "$mtu"
check "a too-big ping got a Packet Too Big with mtu $mtu" grep -Eiq "mtu ?[=:]? ?$mtu" "$NETNS_DIR/ptb.out"
# A burst of 200 too big (UDP with IPV6_PMTUDISC_PROBE: sent at the
# interface's MTU whatever path MTU the first answer taught the kernel): the
# node answers its burst of 10 and 10 a second, not all 200.
in_alice ip link set ilnp0 mtu 1500
in_alice python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, 23, 3)  # IPV6_MTU_DISCOVER = IPV6_PMTUDISC_PROBE
for _ in range(200):
    s.sendto(b"x" * 1452, (sys.argv[1], 9))
' "$bob_addr" || fail "the burst of too-big datagrams could not be sent"
in_alice ip link set ilnp0 mtu "$mtu"

sock=$NETNS_DIR/run/alice/ilnp/alice.sock
status=$("$ILNP" ctl --socket "$sock" status) || fail "ctl status failed"
check "ctl status shows the interface and its address" grep -q "^tun: ilnp0 $alice_addr/64 mtu $mtu" <<<"$status"
bob_line=$(grep -E "^  [0-9a-f:]+ \(bob\) out " <<<"$status" || true)
log "ctl status: $bob_line"
bob_out=$(sed -n 's/.* out \([0-9]*\) packets.*/\1/p' <<<"$bob_line")
check "and alice's packets to bob (out=${bob_out:-none})" ge "${bob_out:-0}" "$PINGS"
answered=$(sed -n 's/.* ip_too_big_answered=\([0-9]*\).*/\1/p' <<<"$status")
too_big=$(sed -n 's/.* drop_ip_too_big=\([0-9]*\).*/\1/p' <<<"$status")
log "Packet Too Big: $answered answered of $too_big too big"
check "every too-big packet was counted (${too_big:-0} >= 200)" ge "${too_big:-0}" 200
check "and the answers were rate-limited (${answered:-0} <= 30)" test "${answered:-0}" -le 30 -a "${answered:-0}" -ge 1

# A source that is not alice's identifier address: dropped and counted.
spoofed=fd69:6c6e:7000::dead # in the (default) prefix, not alice's
in_alice ip addr add "$spoofed/128" dev ilnp0 nodad
in_alice ping -6 -c 3 -i 0.2 -W 1 -I "$spoofed" "$bob_addr" >/dev/null 2>&1 &&
  fail "a ping from $spoofed was answered"

# Without CAP_NET_ADMIN the node explains and exits non-zero.
if command -v capsh >/dev/null 2>&1; then
  rc=0
  ip netns exec "$(netns_name bob)" capsh --drop=cap_net_admin -- -c \
    "exec $ILNP node ${common[*]} --discovery.hostname=nocap --network.locators=0:0:0:b --tun.enable=true --tun.name=ilnp9 --state.database=false" \
    >"$NETNS_DIR/nocap.out" 2>&1 || rc=$?
  check "without CAP_NET_ADMIN the node exits non-zero ($rc)" test "$rc" -ne 0
  check "and says it needs CAP_NET_ADMIN" grep -q CAP_NET_ADMIN "$NETNS_DIR/nocap.out"
else
  log "capsh is missing: the CAP_NET_ADMIN check is skipped"
fi

for label in alice bob router; do
  status=0
  netns_stop "$label" 5 || status=$?
  check "$label exited with status 0 on SIGTERM" test "$status" -eq 0
done
spoof_drops=$(summary_count "$(err_of alice)" ip_spoofed_source)
log "alice: $(summary_line "$(err_of alice)" | sed 's/.*stopping: //')"
log "bob: $(summary_line "$(err_of bob)" | sed 's/.*stopping: //')"
check "alice counted the spoofed packets (ip_spoofed_source=$spoof_drops)" ge "$spoof_drops" 3
check "the router forwarded IP without a TUN" gt "$(summary_count "$(err_of router)" forwarded)" "$PINGS"
echo "PASS: IP over the overlay ($MODE, handoff_time $HANDOFF): $received of $PINGS pings at 100/s answered across alice's moves; $BYTES bytes by TCP intact, longest stall $gap ms; $ssh_result; in $(elapsed)s"
