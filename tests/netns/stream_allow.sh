#!/usr/bin/env bash
# A served stream service with an allow-list admits the peers it lists and
# refuses the others. alice, clare, eve and bob share locator 0:0:0:b. bob
# starts with `--stream.serve "files 127.0.0.1:7000 allow alice CLARE_NID"`
# (alice by hostname, clare by NID) and later `ilnp ctl stream serve open
# 127.0.0.1:7000 allow eve`. Each of alice, clare and eve listens for bob's
# files; eve also for bob's open. STREAM_ALLOW_MODE=legacy (default: the
# prototype's NIDs) or secure (NIDs from keys, security.encrypt = true).
#
# Asserts: alice's and clare's transfers through files arrive whole, and so
# does eve's through open; eve's stream to files is reset without reaching
# bob's TCP server, and says why in her stream list; 14 more tries are
# refused too; bob counts all 15 (refused_not_allowed, and refused on files
# beside its two accepted) and logs the first 10 (rate limited) with eve's
# NID and the service; `stream list --json` shows the allow-lists; bob
# warns once that legacy mode does not authenticate NIDs (legacy), or not at
# all (secure with encryption, where the list is access control).
#
# usage: stream_allow.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
MODE=${STREAM_ALLOW_MODE:-legacy}

FIX="$ILNP_FIXTURES_DIR/prototype-configs/heartbeat"
common=(--link.mcast_interface=eth0 --link.buffer_size=1440 --discovery.wait_time=2 --network.locators=0:0:0:b
  --transport.log=info)
netns_setup alice bob clare eve
declare -A NID
if [[ $MODE == secure ]]; then
  for n in alice bob clare eve; do  # each identity made beforehand, to know its NID
    mkdir -p "$NETNS_DIR/state/$n"
    chmod 700 "$NETNS_DIR/state/$n"
    NID[$n]=$(XDG_STATE_HOME="$NETNS_DIR/state/$n" "$ILNP" id --hostname "$n" | awk '$1 == "nid" { print $2 }')
  done
  start() {
    netns_start "$1" "$1" -- "$ILNP" node "${common[@]}" "--discovery.hostname=$1" --security.encrypt=true "${@:2}"
  }
else
  for n in alice bob clare eve; do NID[$n]=ffff:0:0:${n:0:1}; done
  start() {
    netns_start "$1" "$1" -- "$ILNP" node -c "$FIX/config_bob.ini" "${common[@]}" "--discovery.hostname=$1" \
      "--network.nid=${NID[$1]}" "${@:2}"
  }
fi
start bob "--stream.serve=files 127.0.0.1:7000 allow alice ${NID[clare]}"
for peer in alice clare eve; do start "$peer"; done
ctl() { "$ILNP" ctl --socket "$NETNS_DIR/run/$1/ilnp/$1.sock" "${@:2}"; }
sockets_up() { for n in alice bob clare eve; do test -S "$NETNS_DIR/run/$n/ilnp/$n.sock" || return 1; done; }
wait_for 5 "control sockets" sockets_up || fail "nodes did not start"
knows() { ctl "$1" status | grep -q "^  $2 at"; }
for peer in alice clare eve; do
  wait_for 10 "$peer and bob know each other" bash -c "$(declare -f ctl knows); ILNP='$ILNP' NETNS_DIR='$NETNS_DIR'
    knows $peer bob && knows bob $peer" || fail "discovery did not pair $peer and bob"
done

netns_start bob sink -- python3 "$NETNS_LIB_DIR/tcp_hash.py" sink 7000
wait_for 5 "the TCP server on bob listens" has_line "$(out_of sink)" listening || fail "no TCP server"
out=$(ctl bob stream serve open 127.0.0.1:7000 allow eve) || fail "stream serve open: $out"
check "stream serve answers with the allowed peers" grep -q 'serving open with 127.0.0.1:7000 to eve' <<<"$out"
for peer in alice clare eve; do
  out=$(ctl "$peer" stream listen 6000 bob files) || fail "$peer: stream listen: $out"
done
out=$(ctl eve stream listen 6001 bob open) || fail "eve: stream listen 6001: $out"

# transfer LABEL HOST PORT: 100 kB through the gateway; its status.
transfer() {
  netns_start "$2" "$1" -- python3 "$NETNS_LIB_DIR/tcp_hash.py" source "$3" 100000
  netns_wait_exit "$1" 20
}
transfer alice_files alice 6000 || fail "alice (allowed by name) could not use files: $(cat "$(out_of alice_files)")"
log "ok: alice (allowed by hostname) reached files"
transfer clare_files clare 6000 || fail "clare (allowed by NID) could not use files: $(cat "$(out_of clare_files)")"
log "ok: clare (allowed by NID) reached files"
transfer eve_open eve 6001 || fail "eve could not use open, which allows her: $(cat "$(out_of eve_open)")"
log "ok: eve reached open"
if transfer eve_files eve 6000; then fail "eve, who is not allowed, used files: $(cat "$(out_of eve_files)")"; fi
log "ok: eve's stream to files was refused"
check "bob's TCP server saw three connections, not eve's to files" \
  test "$(count_lines "$(out_of sink)" '^received 100000 ')" -eq 3

wait_for 5 "eve's stream list gives the reason" bash -c "$(declare -f ctl); ILNP='$ILNP' NETNS_DIR='$NETNS_DIR'
  ctl eve stream list | grep -q \"service 'files' on bob does not allow ${NID[eve]}\"" ||
  fail "no reason at eve: $(ctl eve stream list)"
# 14 more tries in a row: each refused and counted, the log capped (10 lines per 10 s).
ip netns exec "$(netns_name eve)" python3 -c '
import socket
for _ in range(14):
    s = socket.create_connection(("127.0.0.1", 6000))
    s.settimeout(10)
    try:
        s.sendall(b"x")
        s.shutdown(socket.SHUT_WR)
        assert s.recv(100) == b"", "data from a refused stream"
    except OSError:  # reset, or ENOTCONN: the reset came before our shutdown
        pass
    s.close()' || fail "eve's further tries were not refused"
list=$(ctl bob stream list --json)
python3 - "$list" "${NID[clare]}" <<'PY' || fail "bob's stream list is wrong: $list"
import json, sys
d, clare = json.loads(sys.argv[1]), sys.argv[2]
assert d["counters"]["refused_not_allowed"] == 15, d["counters"]
services = {s["name"]: s for s in d["services"]}
files, open_ = services["files"], services["open"]
assert files["allow"] == ["alice", clare] and open_["allow"] == ["eve"], services
assert files["accepted"] == 2 and files["refused"] == 15, files
assert open_["accepted"] == 1 and open_["refused"] == 0, open_
PY
log "ok: bob counts every refusal (refused_not_allowed=15, files: 2 accepted, 15 refused)"
check "bob's TCP server still saw three connections" test "$(count_lines "$(out_of sink)" '^received ')" -eq 3
check "bob logs 10 of the 15 refusals (rate limited)" \
  test "$(count_lines "$(err_of bob)" 'refused a stream from eve')" -eq 10
check "bob logs the refusal with eve's NID and the service" \
  has_line "$(err_of bob)" "refused a stream from eve \(${NID[eve]}\) for service files: .*does not allow ${NID[eve]}"
if [[ $MODE == secure ]]; then
  check "bob does not warn: sealed datagrams authenticate NIDs" \
    test "$(count_lines "$(err_of bob)" 'allow-list, but')" -eq 0
else
  check "bob warns once that legacy mode does not authenticate NIDs" \
    test "$(count_lines "$(err_of bob)" 'allow-list, but legacy mode does not authenticate NIDs')" -eq 1
fi
log "PASS ($MODE): the allow-list admits alice and clare, refuses eve"
