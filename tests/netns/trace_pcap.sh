#!/usr/bin/env bash
# --trace.pcap on a real router and a moving node (secure mode, the demo's
# topology): bob streams to alice, who moves a -> b -> c. The traces must
# decode with proto/wireshark/ilnp-overlay.lua without errors and show signed
# discovery, transport, a locator update and its ack; the router's trace must
# hold exactly what its closing summary counted (in + out), and the datagrams
# it shows forwarded on each locator must equal the per-locator counters of
# `ilnp ctl metrics`; alice's flow with bob is one conversation (tshark -z
# ilnp,conv) across her three locators.
#
# usage: trace_pcap.sh ILNP_BINARY   (exit 77: skipped without root or tshark)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
command -v tshark >/dev/null 2>&1 || skip "needs tshark"
T="$(dirname "$0")/../../topo/demo"
LUA="$(cd "$(dirname "$0")/../../proto/wireshark" && pwd)/ilnp-overlay.lua"
fast=(--discovery.wait_time=1)

netns_setup alice router bob
netns_start router router -- "$ILNP" node -c "$T/router.ini" "${fast[@]}" --trace.pcap="$NETNS_DIR/router.pcap"
wait_for 5 "router joined its locators" has_line "$(err_of router)" 'joined locator 0:0:0:c' ||
  fail "the router did not start"
netns_start alice alice -- "$ILNP" experiment -c "$T/alice.ini" "${fast[@]}" --network.move_time=3 \
  --network.handoff_time=1 --application.run_time=8 --application.progress=0 --trace.pcap="$NETNS_DIR/alice.pcap"
netns_start bob bob -- "$ILNP" experiment -c "$T/bob.ini" "${fast[@]}" --application.run_time=7 \
  --application.wait_time=0.02
for who in bob alice; do netns_wait_exit "$who" 30 || fail "$who's experiment failed"; done

sock=$NETNS_DIR/run/router/ilnp/router.sock
"$ILNP" ctl --socket "$sock" metrics >"$NETNS_DIR/router.prom" || fail "ctl metrics"
"$ILNP" ctl --socket "$sock" status --json >"$NETNS_DIR/router.json" || fail "ctl status"
netns_stop router 5 || fail "the router did not stop cleanly"
log "router: $(summary_line "$(err_of router)" | sed 's/.*stopping: //')"

fields=(-e frame.number -e ilnp.next_header -e ilnp.src_nid -e ilnp.hop_limit -e ipv6.dst -e ilnp.lu.flag
  -e ilnp.dst_loc -e _ws.expert.severity)
for who in router alice; do
  # No personal plugins: the dissector under test is the only one.
  HOME=$NETNS_DIR XDG_CONFIG_HOME=$NETNS_DIR/config tshark -n -r "$NETNS_DIR/$who.pcap" -X "lua_script:$LUA" \
    -T fields -E occurrence=f "${fields[@]}" >"$NETNS_DIR/$who.tsv" 2>"$NETNS_DIR/$who.tshark.err" ||
    fail "tshark on $who's trace: $(head -3 "$NETNS_DIR/$who.tshark.err")"
  if grep -qi lua "$NETNS_DIR/$who.tshark.err"; then fail "Lua trouble: $(head -3 "$NETNS_DIR/$who.tshark.err")"; fi
done

# alice's flow with bob stays one conversation (by NID) across her moves.
HOME=$NETNS_DIR XDG_CONFIG_HOME=$NETNS_DIR/config tshark -n -q -r "$NETNS_DIR/alice.pcap" -X "lua_script:$LUA" \
  -z ilnp,conv >"$NETNS_DIR/alice.conv" 2>/dev/null || fail "tshark -z ilnp,conv on alice's trace"
conversations=$(awk '$2 == "<->"' "$NETNS_DIR/alice.conv")
log "alice's conversations: $conversations"
check "one conversation over locators a, b and c" \
  test "$(echo "$conversations" | awk '{ n = split($10, l, ","); print NR ":" n }')" = "1:3"

python3 - "$NETNS_DIR" "$(summary_line "$(err_of router)")" <<'PY' || fail "trace check failed"
import json, re, sys
d, summary = sys.argv[1], sys.argv[2]
def rows(who):
    return [line.rstrip("\n").split("\t") for line in open(f"{d}/{who}.tsv")]
def count(key):
    m = re.search(r"(?:^|\s)%s[ =](\d+)" % key, summary)
    assert m, "no %s in the summary" % key
    return int(m.group(1))
router_nid = json.load(open(f"{d}/router.json"))["nid"]
router = rows("router")
# 1. The trace holds every datagram the router received or sent, nothing lost.
assert count("trace_dropped_busy") == 0 and count("trace_dropped_cap") == 0, summary
assert count("trace_records") == len(router) == count("in") + count("out"), \
    (count("trace_records"), len(router), count("in"), count("out"))
# 2. It decodes: no expert errors (8388608) and the secure overlay's messages.
assert not [r for r in router if r[7] == "8388608"], "expert errors in the router's trace"
kinds = {r[1] for r in router}
assert {"42", "45", "46"} <= kinds, "next headers seen: %s" % sorted(kinds)
# 3. Forwarded datagrams (others' unicast, hop limit 3 - 1) per outgoing
#    locator (the group address ends in the locator) = ilnp_link_datagrams_total.
metrics = {}
for line in open(f"{d}/router.prom"):
    m = re.match(r'ilnp_link_datagrams_total\{locator="([^"]+)",direction="forwarded"\} (\d+)', line)
    if m: metrics[m.group(1)] = int(m.group(2))
seen = {}
for r in router:
    if r[1] in ("43", "45") or r[2] == router_nid or r[3] != "2": continue
    loc = "0:0:0:" + r[4].rsplit(":", 1)[1]
    seen[loc] = seen.get(loc, 0) + 1
assert sum(metrics.values()) == count("forwarded") > 50, (metrics, count("forwarded"))
assert {k: v for k, v in metrics.items() if v} == seen, (metrics, seen)
# 4. alice's trace: her update (46, flag 1) out, bob's ack (flag 0) back, and
#    bob's transport addressed to a locator she moved to.
alice = rows("alice")
updates = [r for r in alice if r[1] == "46" and r[5] == "1"]
acks = [r for r in alice if r[1] == "46" and r[5] == "0"]
assert updates and acks, "no locator update and ack in alice's trace"
first_update = int(updates[0][0])
later = {r[6] for r in alice if r[1] == "42" and int(r[0]) > first_update}
assert later - {"0:0:0:a"}, "no transport after the move: %s" % later
print("trace ok: router %d records, forwarded %s; alice %d records, %d updates, %d acks"
      % (len(router), seen, len(alice), len(updates), len(acks)))
PY
log "traces decode and agree with the counters"
