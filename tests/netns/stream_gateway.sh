#!/usr/bin/env bash
# The built-in stream gateway carries unmodified TCP programs across the
# overlay: on alice `ilnp ctl stream listen 6000 bob files`, on bob `ilnp ctl
# stream serve files 127.0.0.1:7000` (alice and bob on different locators,
# through a router). A TCP client on alice sends 50 MB to 127.0.0.1:6000, a
# TCP server on bob hashes what arrives and answers with the count and hash
# after the client's FIN; then again while alice moves to another locator;
# then ssh (sshd in bob's namespace, a throwaway host key and client key)
# through `stream listen 6001 bob ssh`, once plainly and once across a move.
#
# Asserts: both transfers arrive whole (the server's SHA-256 and byte count,
# sent back through the stream after the half-close, match the client's); the
# association survives the move (it comes up once); no SCTP packet was too
# large for a transport datagram and none had a bad checksum; `stream list`
# reports the bytes each way; a stream to a service the peer does not serve
# is refused and the reason shows in `stream list`; a slow consumer throttles
# its sender (which reads at most a credit window ahead) without holding up
# another stream to the same peer; `ssh ... echo ok` prints ok, also in a
# session that spans a move (the ssh part is skipped with a message when sshd
# cannot run here).
# Figures (logged): each transfer's time and rate and the SCTP
# retransmissions, and usrsctp over plain loopback (sctp_transfer, native
# UDP encapsulation, the same MTU) in the same run for comparison.
#
# usage: stream_gateway.sh ILNP_BINARY [SCTP_TRANSFER_BINARY]   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
SCTP=${2:-}
BYTES=${STREAM_BYTES:-50000000}
reference=""
# STREAM_IMPAIRED=1: alice's and bob's sends each see 0.5% loss and 10 ms
# delay (~1% loss, 20 ms round trip; emulated in ilnp's link layer); 5 MB.
impaired=()
if [[ -n ${STREAM_IMPAIRED:-} ]]; then
  impaired=(--link.emulate_loss=0.005 --link.emulate_delay=0.01)
  BYTES=${STREAM_BYTES:-5000000}
fi
# Seconds a transfer may take: generous even at 1 MB/s with loss.
limit=$((30 + BYTES / 1000000 * 2))

FIX="$ILNP_FIXTURES_DIR/prototype-configs/heartbeat"
common=(--link.mcast_interface=eth0 --link.buffer_size=1440 --discovery.wait_time=2 --transport.log=info
  --network.log=info)
netns_setup alice router bob loop
netns_start router router -- "$ILNP" node -c "$FIX/config_router.ini" "${common[@]}"
netns_start alice alice -- "$ILNP" node -c "$FIX/config_alice.ini" "${common[@]}" "${impaired[@]}" \
  --network.locators=0:0:0:a
netns_start bob bob -- "$ILNP" node -c "$FIX/config_bob.ini" "${common[@]}" "${impaired[@]}"
ctl() { "$ILNP" ctl --socket "$NETNS_DIR/run/$1/ilnp/$1.sock" "${@:2}"; }
in_ns() { ip netns exec "$(netns_name "$1")" "${@:2}"; }
wait_for 5 "control sockets" bash -c "test -S '$NETNS_DIR/run/alice/ilnp/alice.sock' && test -S '$NETNS_DIR/run/bob/ilnp/bob.sock'" ||
  fail "nodes did not start"
if answer=$(ctl alice stream list 2>&1); [[ $answer == *"unknown request"* ]]; then
  skip "this ilnp has no stream gateway (built without usrsctp?)"
fi

# ---- the programs at both ends: tcp_hash.py sink / source
netns_start bob sink -- python3 "$NETNS_LIB_DIR/tcp_hash.py" sink 7000
wait_for 5 "the TCP server on bob listens" has_line "$(out_of sink)" listening || fail "no TCP server"
out=$(ctl bob stream serve files 127.0.0.1:7000) || fail "stream serve: $out"
out=$(ctl alice stream listen 6000 bob files) || fail "stream listen: $out"
log "alice: $out"
if again=$(ctl alice stream listen 6000 bob files); then fail "a second listener on 6000 was accepted: $again"; fi
wait_for 10 "alice knows bob" bash -c "'$ILNP' ctl --socket '$NETNS_DIR/run/alice/ilnp/alice.sock' status | grep -q '^  bob at'" ||
  fail "discovery did not find bob"

# json FIELD...: reads `stream list --json` on stdin, prints a path's value.
json() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1:]: d = d[int(k)] if isinstance(d, list) else d[k]
print(d)' "$@"; }
retransmissions() { ctl "$1" stream list --json | json counters sctp_retransmitted_chunks; }
timeouts() { ctl "$1" stream list --json | json counters sctp_data_timeouts; }

# ---- 1: 50 MB on a still path
r0=$(retransmissions alice) o0=$(timeouts alice)
netns_start alice source1 -- python3 "$NETNS_LIB_DIR/tcp_hash.py" source 6000 "$BYTES"
netns_wait_exit source1 "$limit" || fail "transfer 1 failed: $(cat "$(out_of source1)")"
r1=$(retransmissions alice) o1=$(timeouts alice)
t1=$(cat "$(out_of source1)")
log "transfer 1: $t1, SCTP retransmissions $((r1 - r0)), T3 timeouts $((o1 - o0))"
check "transfer 1 arrived whole (server: $(tail -n 1 "$(out_of sink)"))" grep -q '"ok": true' <<<"$t1"

# ---- 2: 50 MB while alice moves from 0:0:0:a to 0:0:0:c
netns_start alice source2 -- python3 "$NETNS_LIB_DIR/tcp_hash.py" source 6000 "$BYTES"
bytes_out() { ctl alice stream list --json | python3 -c 'import json,sys; print(sum(s["bytes_out"] for s in json.load(sys.stdin)["streams"]))'; }
wait_for 20 "transfer 2 is under way" bash -c "$(declare -f ctl bytes_out); ILNP='$ILNP' NETNS_DIR='$NETNS_DIR'; (( \$(bytes_out) > $BYTES / 5 ))" ||
  fail "transfer 2 does not progress: $(ctl alice stream list)"
moved_at=$(elapsed)
ctl alice move 0:0:0:c >/dev/null || fail "ctl move"
netns_wait_exit source2 "$limit" || fail "transfer 2 (with a move) failed: $(cat "$(out_of source2)")"
r2=$(retransmissions alice) o2=$(timeouts alice)
t2=$(cat "$(out_of source2)")
log "transfer 2 (alice moved at ${moved_at}s): $t2, SCTP retransmissions $((r2 - r1)), T3 timeouts $((o2 - o1))"
check "transfer 2 arrived whole across the move" grep -q '"ok": true' <<<"$t2"
check "alice moved during transfer 2" has_line "$(err_of alice)" 'moving from 0:0:0:a to 0:0:0:c'
check "the association came up once and survived the move" \
  test "$(count_lines "$(err_of alice)" 'SCTP association with .* up')" -eq 1

list=$(ctl alice stream list --json)
python3 - "$list" "$BYTES" <<'PY' || fail "alice's stream list is wrong: $list"
import json, sys
d, total = json.loads(sys.argv[1]), int(sys.argv[2])
c = d["counters"]
assert c["too_large"] == 0 and c["sctp_bad_checksums"] == 0 and c["protocol_errors"] == 0, c
assert 0 < c["largest_packet"] <= d["mtu"] <= 1396, (c, d["mtu"])
done = [s for s in d["closed"] if s["service"] == "files"]
assert len(done) == 2 and all(s["bytes_out"] == total and s["bytes_in"] > 64 and not s["error"] for s in done), done
assert d["listeners"][0]["accepted"] == 2 and d["peers"][0]["up"], d
PY
check "bob's stream list counts what arrived" bash -c "'$ILNP' ctl --socket '$NETNS_DIR/run/bob/ilnp/bob.sock' stream list | grep -q '$BYTES bytes in'"
log "alice: $(ctl alice stream list | grep -A1 '^  bob' | tr -s ' ' | tr '\n' ' ')"

# ---- a service the peer does not have: refused, and said so
ctl alice stream listen 6002 bob nosuch >/dev/null || fail "stream listen 6002"
in_ns alice python3 -c '
import socket; s = socket.create_connection(("127.0.0.1", 6002)); s.settimeout(10)
try:
    assert s.recv(10) == b""
except ConnectionResetError:
    pass' || fail "a stream to a missing service was not closed"
wait_for 5 "the refusal shows in stream list" bash -c \
  "'$ILNP' ctl --socket '$NETNS_DIR/run/alice/ilnp/alice.sock' stream list | grep -q \"no service 'nosuch' on bob\"" ||
  fail "no reason given: $(ctl alice stream list)"

# ---- backpressure: a consumer that reads 320 kB/s throttles its sender, and
# other streams to the same peer do not wait behind it
cat >"$NETNS_DIR/slow.py" <<'PY'
import socket, sys, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1])))
srv.listen(1)
print("listening", flush=True)
c, _ = srv.accept()
while c.recv(16384):
    time.sleep(0.05)
PY
netns_start bob slow -- python3 "$NETNS_DIR/slow.py" 7001
wait_for 5 "the slow TCP server on bob listens" has_line "$(out_of slow)" listening || fail "no slow server"
ctl bob stream serve slow 127.0.0.1:7001 >/dev/null || fail "stream serve slow"
ctl alice stream listen 6003 bob slow >/dev/null || fail "stream listen 6003"
netns_start alice slowsource -- python3 -c 'import socket
socket.create_connection(("127.0.0.1", 6003)).sendall(bytes(100_000_000))'
sleep 3
read -r slow_out < <(ctl alice stream list --json | python3 -c 'import json,sys
print(sum(s["bytes_out"] for s in json.load(sys.stdin)["streams"] if s["service"] == "slow"))')
read -r slow_in < <(ctl bob stream list --json | python3 -c 'import json,sys
print(sum(s["bytes_in"] for s in json.load(sys.stdin)["streams"] if s["service"] == "slow"))')
log "slow stream after 3 s: alice read $slow_out bytes from TCP, bob wrote $slow_in to TCP"
check "the sender reads at most a window (512 kB) ahead of the slow consumer" \
  test "$slow_out" -le $((slow_in + 512 * 1024)) -a "$slow_out" -lt 50000000
netns_start alice small -- python3 "$NETNS_LIB_DIR/tcp_hash.py" source 6000 100000
netns_wait_exit small 5 || fail "a small transfer waited behind the slow stream: $(cat "$(out_of small)")"
check "another stream to bob is not held up by the slow one" grep -q '"ok": true' "$(out_of small)"
netns_stop slowsource 1 || true

# ---- usrsctp over plain loopback, for comparison (same MTU: 1396-byte packets)
if [[ -x $SCTP ]]; then
  netns_start loop lserver -- "$SCTP" server --encaps-port 9901 --sctp-port 5001 --mtu 1384
  wait_for 5 "the loopback SCTP server listens" has_line "$(out_of lserver)" listening || fail "no loopback SCTP server"
  netns_start loop lclient -- "$SCTP" client --encaps-port 9902 --remote-encaps-port 9901 --sctp-port 5001 \
    --bytes "$BYTES" --mtu 1384
  netns_wait_exit lclient 30 || fail "usrsctp over loopback failed"
  netns_wait_exit lserver 10 || true
  log "usrsctp over loopback: $(tail -n 1 "$(out_of lclient)")"
  reference="$(awk '{ print $9 " s, " $11 " MB/s" }' <<<"$(tail -n 1 "$(out_of lclient)")")"
else
  log "sctp_transfer not built: no loopback comparison"
fi

# ---- ssh through the gateway
ssh_part() {
  netns_sshd bob 127.0.0.1 2222 || { log "SKIP ssh"; return 0; }
  ctl bob stream serve ssh 127.0.0.1:2222 >/dev/null || fail "stream serve ssh"
  ctl alice stream listen 6001 bob ssh >/dev/null || fail "stream listen 6001"
  local opts=("${NETNS_SSH_OPTS[@]}" -p 6001 root@127.0.0.1)  # alice's stream listener
  local said
  said=$(in_ns alice timeout 20 ssh "${opts[@]}" echo ok 2>"$NETNS_DIR/ssh1.err") ||
    fail "ssh through the gateway failed: $(tail -n 5 "$NETNS_DIR/ssh1.err")"
  check "ssh through the gateway printed ok" test "$said" = ok
  # A session that spans a move of alice's node.
  netns_start alice ssh2 -- timeout 30 ssh "${opts[@]}" 'sleep 3; echo still ok'
  sleep 1.5
  ctl alice move 0:0:0:b >/dev/null || fail "ctl move"
  netns_wait_exit ssh2 30 || fail "the ssh session across a move failed: $(tail -n 5 "$(err_of ssh2)")"
  check "the ssh session survived alice's move" has_line "$(out_of ssh2)" '^still ok$'
}
ssh_part
log "alice: $(ctl alice stream list | sed -n '/^counters/p')"
figure() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["seconds"], "s,", d["MBps"], "MB/s")' "$1"; }
log "figures: $((BYTES / 1000000)) MB through the gateway: $(figure "$t1"), $((r1 - r0)) retransmissions;" \
  "across a move: $(figure "$t2"), $((r2 - r1)) retransmissions;" \
  "usrsctp over loopback: ${reference:-not measured}${impaired[*]:+ (impaired: ${impaired[*]})}"
