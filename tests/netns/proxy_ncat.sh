#!/usr/bin/env bash
# Unmodified programs through the local UDP proxy: ncat -u on alice and on
# bob (on different locators, through a router) talk as in the prototype's
# workflow: `ilnp ctl proxy add LOCAL REMOTE REMOTE_PORT` prints the proxy's
# port, and `ncat -u -p LOCAL 127.0.0.1 PROXY_PORT` is the program's side.
#
# Asserts: lines typed on each side come out of the other side's ncat, both
# ways; a datagram too large for the overlay is refused and counted (never
# truncated); a second mapping of the same port is refused with a message;
# `proxy list --json` counts what crossed.
#
# usage: proxy_ncat.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
command -v ncat >/dev/null || skip "needs ncat (apt-get install ncat)"

FIX="$ILNP_FIXTURES_DIR/prototype-configs/heartbeat"
# The heartbeat fixtures say buffer_size 65487; the overlay default 1440 carries 1396 bytes.
common=(--link.mcast_interface=eth0 --link.buffer_size=1440 --discovery.wait_time=2 --transport.log=info)
netns_setup alice router bob
netns_start router router -- "$ILNP" node -c "$FIX/config_router.ini" "${common[@]}"
netns_start alice alice -- "$ILNP" node -c "$FIX/config_alice.ini" "${common[@]}" --network.locators=0:0:0:a
netns_start bob bob -- "$ILNP" node -c "$FIX/config_bob.ini" "${common[@]}"

ctl() { "$ILNP" ctl --socket "$NETNS_DIR/run/$1/ilnp/$1.sock" "${@:2}"; }
wait_for 5 "alice's control socket" test -S "$NETNS_DIR/run/alice/ilnp/alice.sock" || fail "alice did not start"
wait_for 5 "bob's control socket" test -S "$NETNS_DIR/run/bob/ilnp/bob.sock" || fail "bob did not start"
alice_port=$(ctl alice proxy add 2000 bob 3000) || fail "proxy add on alice: $alice_port"
bob_port=$(ctl bob proxy add 3000 alice 2000) || fail "proxy add on bob: $bob_port"
log "alice's proxy on port $alice_port, bob's on $bob_port"
# The refusal goes to standard error (only it is captured here), exit status 1.
if again=$(ctl alice proxy add 2000 bob 4000 2>&1 >/dev/null); then fail "a second mapping of port 2000 was accepted: $again"; fi
check "a port mapped twice is refused with a reason on stderr" grep -q "already mapped" <<<"$again"
wait_for 10 "alice knows bob" bash -c "$(declare -f ctl); ILNP='$ILNP' NETNS_DIR='$NETNS_DIR' ctl alice status | grep -q '^  bob at'"
wait_for 10 "bob knows alice" bash -c "$(declare -f ctl); ILNP='$ILNP' NETNS_DIR='$NETNS_DIR' ctl bob status | grep -q '^  alice at'"

# Each ncat reads a fifo that the test writes lines into.
mkfifo "$NETNS_DIR/alice.in" "$NETNS_DIR/bob.in"
netns_start alice ncat_alice -- bash -c "exec ncat -u -p 2000 127.0.0.1 $alice_port < '$NETNS_DIR/alice.in'"
netns_start bob ncat_bob -- bash -c "exec ncat -u -p 3000 127.0.0.1 $bob_port < '$NETNS_DIR/bob.in'"
exec 7>"$NETNS_DIR/alice.in" 8>"$NETNS_DIR/bob.in"
for i in 1 2 3; do echo "hello bob from alice $i" >&7; sleep 0.3; done
wait_for 10 "alice's line reached bob's ncat" has_line "$(out_of ncat_bob)" 'hello bob from alice' ||
  fail "nothing from alice arrived at bob's ncat"
for i in 1 2 3; do echo "hello alice from bob $i" >&8; sleep 0.3; done
wait_for 10 "bob's line reached alice's ncat" has_line "$(out_of ncat_alice)" 'hello alice from bob' ||
  fail "nothing from bob arrived at alice's ncat"

# 2000 bytes cannot cross (1396 at most): refused and counted, not truncated.
ip netns exec "$(netns_name alice)" python3 -c "
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 2001)); s.sendto(b'x' * 2000, ('127.0.0.1', $alice_port))"
ctl alice proxy add 2001 bob 3000 >/dev/null || fail "mapping 2001"
ip netns exec "$(netns_name alice)" python3 -c "
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 2001)); s.sendto(b'x' * 2000, ('127.0.0.1', $alice_port))"
wait_for 5 "the oversize datagram was counted" bash -c \
  "'$ILNP' ctl --socket '$NETNS_DIR/run/alice/ilnp/alice.sock' proxy list --json | grep -q '\"local_port\":2001[^}]*\"too_large\":1'" ||
  fail "oversize datagram not counted: $(ctl alice proxy list)"
check "the oversize datagram was logged once" has_line "$(err_of alice)" 'dropped a 2000-byte datagram'
check "bob's ncat never saw a truncated datagram" bash -c "! grep -q xxxx '$(out_of ncat_bob)'"

list=$(ctl alice proxy list --json)
log "alice: $list"
python3 - "$list" <<'PY' || fail "proxy counters wrong: $list"
import json, sys
m = {x["local_port"]: x for x in json.loads(sys.argv[1])["mappings"]}
assert m[2000]["datagrams_out"] >= 3 and m[2000]["datagrams_in"] >= 1, m
PY
exec 7>&- 8>&-
log "ncat through the proxies works both ways"
