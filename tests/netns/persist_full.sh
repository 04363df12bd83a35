#!/usr/bin/env bash
# Writes to a full disk (issue 15 item 5): alice keeps state.db and her
# metrics textfile on a small tmpfs, which is then filled. Her state writes
# and textfile rewrites fail while she learns names; every failure must be
# counted (ilnp_persist_errors_total{what} in `ctl metrics`, persist_errors_*
# in `ctl status`) and logged, rate-limited, and the textfile left in place
# must be a whole, earlier version (never a truncated one).
#
# usage: persist_full.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
T="$(dirname "$0")/../../topo/demo"
HERE=$(cd "$(dirname "$0")" && pwd)
netns_setup alice mallory
mnt=$NETNS_DIR/full
mkdir -p "$mnt"
mount -t tmpfs -o size=2m,mode=0700 tmpfs "$mnt" || skip "cannot mount a tmpfs"
trap 'status=$?; umount -l "$mnt" 2>/dev/null; (exit $status); netns_teardown' EXIT
sock=$NETNS_DIR/run/alice/ilnp/alice.sock
textfile=$mnt/alice.prom
netns_start alice alice -- "$ILNP" node -c "$T/alice.ini" --network.locators=0:0:0:b --security.mode=legacy \
  --security.state_dir="$mnt/state" --metrics.textfile="$textfile" --application.log=info
wait_for 10 "alice's metrics textfile" test -s "$textfile" || fail "alice did not start"

dd if=/dev/zero of="$mnt/filler" bs=64k 2>/dev/null || true  # ENOSPC ends it: the tmpfs is full
log "tmpfs full: $(df -k --output=avail "$mnt" | tail -n 1) kB free"
ip netns exec "$(netns_name mallory)" python3 - "$HERE" <<'PY'
import sys, time
sys.path.insert(0, sys.argv[1])
from attacker import Link, header, ALL_NODES, NH_DISCOVERY
link = Link("eth0", 10000)
# Names for 8 s: the state writer commits every 200 ms, the textfile is
# rewritten every 5 s, so both fail more than once.
end, i = time.time() + 8, 0
while time.time() < end:
    nid, loc = 0x6D00_0000_0000_0000 + i, 0x6E00_0000_0000_0000 + i
    payload = nid.to_bytes(8, "big") + loc.to_bytes(8, "big") + bytes([0]) + b"full-%d" % i
    link.send(0xB, header(NH_DISCOVERY, payload, loc, nid, ALL_NODES, 0))
    i += 1
PY
metric() { "$ILNP" ctl --socket "$sock" metrics | sed -n "s/^ilnp_persist_errors_total{what=\"$1\"} //p"; }
wait_for 15 "state write failures counted" gt "$(metric state_write)" 0 || true
wait_for 15 "textfile failures counted" gt "$(metric metrics_textfile)" 0 || true
state_errors=$(metric state_write) textfile_errors=$(metric metrics_textfile)
log "ilnp_persist_errors_total: state_write=$state_errors metrics_textfile=$textfile_errors"
check "failed state writes counted" gt "${state_errors:-x}" 0
check "failed textfile rewrites counted" gt "${textfile_errors:-x}" 0
shown=$("$ILNP" ctl --socket "$sock" status --json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["counters"]["persist_errors_state_write"])')
log "ctl status: persist_errors_state_write=$shown"
check "and shown in ctl status" gt "${shown:-x}" 0
# The warnings come from a check every 5 s.
wait_for 12 "state write failures logged" has_line "$(err_of alice)" 'state_write failures since the last report' ||
  fail "no warning of the failed state writes"
wait_for 12 "textfile failures logged" has_line "$(err_of alice)" \
  'metrics_textfile failures since the last report.*No space left' || fail "no warning of the failed textfile"
check "logged at most once per 5 s" test "$(count_lines "$(err_of alice)" 'state_write failures')" -le 6
check "the textfile left in place is whole" bash -c "tail -c 1 '$textfile' | od -c | grep -q '\\\\n' && grep -q '^ilnp_proxy_mappings ' '$textfile'"
check "no temporary file left behind" test ! -e "$textfile.tmp"
check "alice runs on" is_running alice
log "ok"
