#!/usr/bin/env bash
# A solicitation flood is not multiplied (issue 15, item 10). mallory sends
# 10,000 legacy solicitations at 2,000/s, each from a new NID, on 0:0:0:a,
# where a router (a, b) and a node listen. Before the fix each was answered on
# every link and relayed: about 4 datagrams out per datagram in. Now answers
# and relays are bounded per arrival link (token buckets), the rest counted
# as drop_rate_limited. Prints datagrams in and out per second of flood.
#
# usage: attacks_solicit.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=SCRIPTDIR/attacks_lib.sh
source "$(dirname "$0")/attacks_lib.sh"
netns_require
netns_require_python
ATTACKER="$NETNS_LIB_DIR/attacker.py"
A=0:0:0:a B=0:0:0:b
COUNT=10000 RATE=2000
mallory() { ip netns exec "$(netns_name mallory)" python3 "$ATTACKER" "$@"; }
node_args() { # LABEL NID LOCATORS
  printf '%s\n' --link.mcast_interface=eth0 --network.locators="$3" --discovery.hostname="$1" \
    --network.nid="$2" --control.socket="$NETNS_DIR/$1.sock" --security.state_dir="$NETNS_DIR/state/$1"
}

netns_setup router node mallory
mkdir -p "$NETNS_DIR/state"
mapfile -t args < <(node_args router ffff:0:0:d "$A, $B")
netns_start router router -- "$ILNP" node "${args[@]}"
mapfile -t args < <(node_args node ffff:0:0:e "$A")
netns_start node node -- "$ILNP" node "${args[@]}"
for n in router node; do
  wait_for 5 "$n's control socket" test -S "$NETNS_DIR/$n.sock" || fail "$n did not start"
done
check "legacy mode" test "$(field router mode)/$(field node mode)" = legacy/legacy

in0=$(($(counter router datagrams_in) + $(counter node datagrams_in)))
out0=$(($(counter router datagrams_out) + $(counter node datagrams_out)))
mallory solicit-flood --count "$COUNT" --rate "$RATE" --send-on "$A" >"$NETNS_DIR/flood.json"
seconds=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["seconds"])' "$NETNS_DIR/flood.json")
# What the nodes took in: every solicitation reached both, plus their own traffic.
settled() { (($(counter node datagrams_in) - in0 >= COUNT * 9 / 10)); }
wait_for 5 "the node read the flood" settled || true
in=$(($(counter router datagrams_in) + $(counter node datagrams_in) - in0))
out=$(($(counter router datagrams_out) + $(counter node datagrams_out) - out0))
limited=$(($(counter router drop_rate_limited) + $(counter node drop_rate_limited)))
log "figure: $COUNT solicitations in ${seconds} s: router+node took in $in datagrams, sent $out" \
  "($(awk -v o="$out" -v s="$seconds" 'BEGIN { printf "%.0f", o / s }')/s out), $limited refused by rate limits"
((in >= COUNT)) || fail "the flood did not arrive ($in datagrams in)"
# Bounded: each node answers at most 20 + 10/s per link; the router relays at
# most 2,000 + 100/s (the burst lets a grid of routers start at once): for this
# 5 s flood about 2,700 out, against 87,000 out for 20,000 in before the budgets.
((out * 5 <= in)) || fail "solicitation flood: $in datagrams in became $out out"
((limited > 0)) || fail "no refusal counted as drop_rate_limited"
log "ok: the flood was answered at a bounded rate"
