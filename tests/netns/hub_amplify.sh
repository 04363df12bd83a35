#!/usr/bin/env bash
# The relay hub as a reflector (issue 15), real processes in namespaces: an
# attacker joins hub locator e from its own address, sends 1,000 signed
# registrations with fresh keys spoofed from the victim's address
# (IPV6_TRANSPARENT: the attacker sends from an address it does not hold),
# then 10 data frames of 1,449 bytes. The victim counts every UDP byte that
# reaches it. Without the cookie round trip the hub made each spoofed key a
# member at the victim's address and sent it a copy of every frame (~1000
# copies per frame); with it, the victim gets only a budget of 25-byte cookie
# challenges, fewer bytes than the attacker sent.
#
# Asserts: victim bytes <= attacker bytes (amplification <= 1x), no data frame
# reaches the victim, the hub counted the unverified registrations.
#
# usage: hub_amplify.sh ILNP_BINARY   (exit 77: skipped, not root)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python

REGISTRATIONS=${HUB_AMPLIFY_REGISTRATIONS:-1000}
FRAMES=${HUB_AMPLIFY_FRAMES:-10}
netns_setup hub attacker victim
HERE=$(dirname "$0")

netns_start hub hub -- "$ILNP" hub --listen "[fd00::1]:10010" --stats-interval 0
wait_for 3 "hub listening" has_line "$(err_of hub)" 'listening on' || fail "the hub did not start"
netns_start victim victim -- python3 "$HERE/hub_amplify.py" victim fd00::3 4000 3
wait_for 3 "victim listening" has_line "$(err_of victim)" '^ready' || fail "the victim did not start"

netns_start attacker attacker -- python3 "$HERE/hub_amplify.py" attack fd00::1 fd00::3 4000 "$REGISTRATIONS" "$FRAMES"
netns_wait_exit attacker 120 || fail "the attacker did not finish"
netns_wait_exit victim 20 || fail "the victim did not stop counting"
kill -INT "$(pid_of hub)" 2>/dev/null
netns_wait_exit hub 5 || true

sent=$(tail -n 1 "$(out_of attacker)")
got=$(tail -n 1 "$(out_of victim)")
counters=$(grep -o 'stopping: .*' "$(err_of hub)" | tail -n 1)
log "attacker sent: $sent"
log "victim got:    $got"
log "hub: $counters"
field() { python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, d))' "$1" "$2"; }
attacker_bytes=$(field "$sent" 'spoofed_bytes + data_bytes')
victim_bytes=$(field "$got" 'bytes')
data_copies=$(field "$got" 'by_type.get("1", 0)')
ratio=$(awk -v v="$victim_bytes" -v a="$attacker_bytes" 'BEGIN { printf "%.3f", v / a }')
per_frame=$(awk -v c="$data_copies" -v f="$FRAMES" 'BEGIN { printf "%.1f", c / f }')
data_ratio=$(awk -v c="$data_copies" -v f="$FRAMES" -v s="$(field "$sent" 'data_frame_size')" \
  -v d="$(field "$sent" 'data_bytes')" 'BEGIN { printf "%.1f", c * s / d }')
log "amplification: $victim_bytes bytes at the victim per $attacker_bytes sent = ${ratio}x;" \
  "$per_frame copies per data frame (${data_ratio}x the data bytes sent)"
check "no data frame reached the victim (copies: $data_copies)" [ "$data_copies" -eq 0 ]
check "the victim got no more bytes than the attacker sent (${ratio}x)" \
  awk -v v="$victim_bytes" -v a="$attacker_bytes" 'BEGIN { exit !(v <= a) }'
unverified=$(grep -o ' unverified=[0-9]*' <<<"$counters" | grep -o '[0-9]*$' || true)
# The attacker's own first registration is unverified too.
check "the hub counted the spoofed registrations as unverified ($unverified)" ge "$unverified" "$REGISTRATIONS"
echo "PASS: hub amplification ${ratio}x (bytes at the victim per byte the attacker sent)"
