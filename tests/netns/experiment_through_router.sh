#!/usr/bin/env bash
# bob runs the throughput experiment to alice through the router for a few
# seconds (experiment_1 fixtures, interface and alice's locator overridden,
# discovery at the fixture's 30 s: the sender must ask for alice, not wait).
#
# Asserts: bob stops by himself after run_time and alice stops on bob's
# sequence 0, both with status 0; alice's last stdout line is the JSON summary
# with received > 0, received + lost <= what bob sent, no invalid datagrams,
# loss against bob's count < 5%; the router forwarded at least what alice got.
#
# usage: experiment_through_router.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python

FIX="$ILNP_FIXTURES_DIR/prototype-configs/experiment_1"
RUN_TIME=3
common=(--link.mcast_interface=eth0 --application.print_datagrams=false)

netns_setup alice router bob

netns_start router router -- "$ILNP" node -c "$FIX/config_router.ini" "${common[@]}" --network.log=info
wait_for 5 "router joined its locators" has_line "$(err_of router)" 'joined locator 0:0:0:c' ||
  fail "the router did not start"
netns_start alice alice -- "$ILNP" experiment -c "$FIX/config_alice.ini" "${common[@]}" \
  --network.locators=0:0:0:a --network.log=info
wait_for 5 "alice joined locator a" has_line "$(err_of alice)" 'joined locator 0:0:0:a' ||
  fail "alice did not start"
netns_start bob bob -- "$ILNP" experiment -c "$FIX/config_bob.ini" "${common[@]}" \
  "--application.run_time=$RUN_TIME" --application.wait_time=0.001

status=0
netns_wait_exit bob $((RUN_TIME + 10)) || status=$?
check "bob (sender) stopped by himself with status 0" test "$status" -eq 0
status=0
netns_wait_exit alice 5 || status=$?
check "alice (receiver) stopped on sequence 0 with status 0" test "$status" -eq 0
status=0
netns_stop router 5 || status=$?
check "router exited with status 0 on SIGTERM" test "$status" -eq 0

alice_json=$(tail -n 1 "$(out_of alice)")
bob_json=$(tail -n 1 "$(out_of bob)")
log "alice: $alice_json"
log "bob:   $bob_json"
log "router: $(summary_line "$(err_of router)" | sed 's/.*stopping: //')"
forwarded=$(summary_count "$(err_of router)" forwarded)

verdict=$(python3 - "$alice_json" "$bob_json" "$forwarded" <<'EOF'
import json, sys
try:
    a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
except ValueError as e:
    print("last stdout line is not JSON: %s" % e); sys.exit(1)
forwarded = int(sys.argv[3])
for key in ("sent", "received", "lost", "duplicates", "reordered", "bytes_per_second", "duration_s"):
    if key not in a or key not in b:
        print("JSON summary lacks %r" % key); sys.exit(1)
sent, got, lost = b["sent"], a["received"], a["lost"]
problems = []
if sent <= 0: problems.append("bob sent nothing")
if got <= 0: problems.append("alice received nothing")
if got + lost > sent: problems.append("received %d + lost %d > sent %d" % (got, lost, sent))
if a.get("invalid", 0): problems.append("alice counted %d invalid datagrams" % a["invalid"])
loss = (sent - got) / sent if sent else 1.0
if loss >= 0.05: problems.append("loss %.2f%% >= 5%%" % (100 * loss))
if forwarded < got: problems.append("router forwarded %d < received %d" % (forwarded, got))
if a["duration_s"] <= 0 or a["bytes_per_second"] <= 0: problems.append("no duration or rate at alice")
print("; ".join(problems) if problems else
      "sent %d received %d lost %d (%.2f%% vs sent) dup %d reordered %d, %.0f datagrams/s over %.2fs"
      % (sent, got, lost, 100 * loss, a["duplicates"], a["reordered"], got / a["duration_s"], a["duration_s"]))
sys.exit(1 if problems else 0)
EOF
) || fail "experiment summary: $verdict"
log "ok: $verdict"
echo "PASS: experiment through the router: $verdict ($(elapsed)s)"
