#!/usr/bin/env bash
# A flood of keys must not stop a secure node learning peers (issue 15, item
# 1). mallory sends signed advertisements from 1,500 freshly generated keys
# (the peer-key table holds 1,024) to the victim on 0:0:0:a; once the fake
# names lapsed (discovery.wait_time=2: names live 6 s), carol, a genuine new
# secure node, starts on the same link. Before the fix the full table refused
# every newcomer for good (table_full) and carol was never learned; now the
# least recently useful stranger makes room. Prints what the victim learned.
#
# usage: attacks_keys.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=SCRIPTDIR/attacks_lib.sh
source "$(dirname "$0")/attacks_lib.sh"
netns_require
netns_require_python
ATTACKER="$NETNS_LIB_DIR/attacker.py"
A=0:0:0:a
KEYS=${ILNP_KEY_FLOOD:-1500}
mallory() { ip netns exec "$(netns_name mallory)" python3 "$ATTACKER" "$@"; }
node_args() { # LABEL
  printf '%s\n' --link.mcast_interface=eth0 --network.locators="$A" --discovery.hostname="$1" \
    --control.socket="$NETNS_DIR/$1.sock" --security.state_dir="$NETNS_DIR/state/$1" --network.log=info \
    --discovery.log=info --discovery.wait_time=2
}
knows() { # LABEL HOSTNAME
  status "$1" | python3 -c '
import json, sys
sys.exit(0 if any(n["hostname"] == sys.argv[1] for n in json.load(sys.stdin)["names"]) else 1)' "$2"
}
names_of() { status "$1" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["names"]))'; }

netns_setup victim carol mallory
mkdir -p "$NETNS_DIR/state"
mapfile -t args < <(node_args victim)
netns_start victim victim -- "$ILNP" node "${args[@]}"
wait_for 5 "the victim's control socket" test -S "$NETNS_DIR/victim.sock" || fail "the victim did not start"
check "the victim runs in secure mode" test "$(field victim mode)" = secure

log "mallory floods the victim with $KEYS signed advertisements from fresh keys"
mallory key-flood --count "$KEYS" --send-on "$A" >"$NETNS_DIR/flood.json"
log "flood: $(cat "$NETNS_DIR/flood.json"); the victim holds $(names_of victim) names," \
  "table_full $(counter victim drop_table_full)"
no_fake_names() { (($(names_of victim) == 0)); }
wait_for 15 "the fake names lapsed" no_fake_names || fail "the victim still holds $(names_of victim) names"

full0=$(counter victim drop_table_full)
mapfile -t args < <(node_args carol)
netns_start carol carol -- "$ILNP" node "${args[@]}"
if wait_for 10 "the victim learns carol" knows victim carol; then
  log "figure: after a flood of $KEYS keys the victim learned carol (table_full +$(($(counter victim \
    drop_table_full) - full0)) meanwhile)"
else
  fail "key flood: the victim never learned carol (table_full +$(($(counter victim drop_table_full) - full0)))"
fi
knows carol victim || wait_for 5 "carol learns the victim" knows carol victim || fail "carol never learned the victim"
log "ok: a flood of keys locked no peer out"
