#!/usr/bin/env bash
# state.db under floods (issue 15 item 4): mallory, on alice's link, sends
# 50,000 discovery advertisements from fresh NIDs and then 20,000 locator
# updates from one NID, each naming 16 fresh locators (320,000 bindings if
# every one were kept). alice must keep state.db within its caps (bindings,
# peers, locators per NID), the file must stay small, and a restart must
# load at most the caps with a bounded RSS.
#
# usage: state_flood.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
command -v sqlite3 >/dev/null || skip "needs sqlite3"
T="$(dirname "$0")/../../topo/demo"
HERE=$(cd "$(dirname "$0")" && pwd)
# The caps of store::StoreLimits (include/ilnp/store/records.hpp).
MAX_BINDINGS=8192 MAX_PEERS=4096 MAX_PER_NID=16
netns_setup alice mallory
state=$NETNS_DIR/alice-state
sock() { echo "$NETNS_DIR/run/$1/ilnp/alice.sock"; }
node_alice() { netns_start alice "$1" -- "$ILNP" node -c "$T/alice.ini" --network.locators=0:0:0:b \
  --security.mode=legacy --security.state_dir="$state" --discovery.wait_time=60 --application.log=info; }
rows() { sqlite3 "$state/state.db" "$1"; }
db_bytes() { du -cb "$state"/state.db* | tail -n 1 | cut -f1; }

node_alice alice1
wait_for 10 "alice's control socket" test -S "$(sock alice1)" || fail "alice did not start"

alice_nid=$("$ILNP" ctl --socket "$(sock alice1)" status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["nid"])')
flood() {
  ip netns exec "$(netns_name mallory)" python3 - "$HERE" "$1" "$alice_nid" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from attacker import Link, header, parse64, ALL_NODES, NH_DISCOVERY, NH_UPDATE
link = Link("eth0", 10000)
on = 0xB  # alice's locator 0:0:0:b
if sys.argv[2] == "adverts":
    for i in range(50000):
        nid, loc = 0x6D00_0000_0000_0000 + i, 0x6E00_0000_0000_0000 + i
        payload = nid.to_bytes(8, "big") + loc.to_bytes(8, "big") + bytes([0]) + b"flood-%d" % i
        link.send(on, header(NH_DISCOVERY, payload, loc, nid, ALL_NODES, 0))
else:
    nid = 0x6D6D_0000_0000_0001
    for i in range(20000):
        locs = b"".join((0x6F00_0000_0000_0000 + 16 * i + k).to_bytes(8, "big") for k in range(16))
        link.send(on, header(NH_UPDATE, bytes([1]) + locs, 0x6F00_0000_0000_0000 + 16 * i, nid, 0xB,
                             parse64(sys.argv[3])))
print(link.sent)
PY
}
# alice's counter of datagrams in, to wait for her to have read the flood.
received() { "$ILNP" ctl --socket "$(sock alice1)" status --json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["datagrams_in"])'; }
settled() {  # nothing arrived for 2 s, and the writer has pruned since
  local a b
  a=$(received) && sleep 2 && b=$(received) && [[ $a == "$b" ]]
}

for kind in adverts updates; do
  log "mallory: $(flood "$kind") datagrams ($kind)"
  wait_for 60 "alice has read the $kind flood" settled || fail "alice never settled after the $kind flood"
  # The writer may still be committing its backlog; it prunes after a batch
  # once a second, and the counter snapshot (every 5 s) is a batch too.
  under_caps() {
    (($(rows 'select count(*) from bindings') <= MAX_BINDINGS && $(rows 'select count(*) from peers') <= MAX_PEERS))
  }
  wait_for 15 "state.db back under its caps" under_caps || true
  b=$(rows 'select count(*) from bindings') p=$(rows 'select count(*) from peers')
  per_nid=$(rows 'select coalesce(max(n), 0) from (select count(*) as n from bindings group by nid)')
  h=$(rows 'select count(*) from peer_hostnames')
  log "after the $kind flood: state.db $(db_bytes) bytes; bindings $b, peers $p, hostnames $h, most per NID $per_nid"
  check "bindings capped at $MAX_BINDINGS" test "$b" -le $MAX_BINDINGS
  check "peers capped at $MAX_PEERS" test "$p" -le $MAX_PEERS
  check "locators per NID capped at $MAX_PER_NID" test "$per_nid" -le $MAX_PER_NID
  if [[ $kind == updates ]]; then
    check "the updates were taken (mallory's NID has bindings)" \
      test "$(rows "select count(*) from bindings where nid = '6d6d:0:0:1'")" -ge 1
  fi
  check "state.db (with its WAL) under 16 MB" test "$(db_bytes)" -le $((16 * 1024 * 1024))
done
netns_stop alice1 5 || fail "alice did not stop cleanly"
check "state.db passes integrity_check" test "$(rows 'PRAGMA integrity_check')" = ok

node_alice alice2
wait_for 10 "alice restored her state" has_line "$(err_of alice2)" 'restored [0-9]+ live bindings' ||
  fail "alice did not restart"
restored=$(grep -Eo 'restored [0-9]+' "$(err_of alice2)" | grep -Eo '[0-9]+' | tail -n 1)
rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$(pid_of alice2)/status")
log "restart: restored $restored bindings; peak RSS ${rss} kB"
check "startup loads at most the cap" test "$restored" -le $MAX_BINDINGS
check "startup peak RSS under 32 MB" test "$rss" -le $((32 * 1024))
log "ok"
