#!/usr/bin/env bash
# The prototype's three mobility experiments with real processes, shortened:
# alice (MN) moves a -> b -> c every 3 s with a 1.5 s soft handoff for two
# full cycles while datagrams flow at 100/s through the router to or from
# bob (CN, on b). 1: CN -> MN, 2: MN -> CN, 3: both at once. The fixtures'
# experiment_N files are used unchanged but for the interface and the times.
#
# Asserts, for every direction that carries data: the receiver got every
# datagram the sender sent (no loss in soft handoff), no duplicates, and no
# gap between consecutive datagrams longer than 500 ms (scheduling noise on a busy 2-core CI machine stays well under it); alice moved 6 times
# and every locator update was acknowledged. Prints the figures (sent,
# received, lost, duplicates, longest gap, locator update RTT median).
#
# usage: mobility_experiment.sh ILNP_BINARY 1|2|3   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
EXPERIMENT=${2:?usage: mobility_experiment.sh ILNP_BINARY 1|2|3}
FIX="$ILNP_FIXTURES_DIR/prototype-configs/experiment_$EXPERIMENT"
RUN_TIME=${MOBILITY_RUN_TIME:-18.5}
common=(--link.mcast_interface=eth0 --application.print_datagrams=false --application.run_time="$RUN_TIME")
# MOBILITY_WAIT_TIME overrides the fixtures' 10 ms between datagrams (e.g.
# 0.0001 for 10,000/s: does soft handoff stay loss-free on a busy link?).
[[ -z ${MOBILITY_WAIT_TIME:-} ]] || common+=(--application.wait_time="$MOBILITY_WAIT_TIME")
moves=(--network.move_time=3 --network.handoff_time=1.5)

netns_setup alice router bob
netns_start router router -- "$ILNP" node -c "$FIX/config_router.ini" --link.mcast_interface=eth0 \
  --network.log=info
wait_for 5 "router joined its locators" has_line "$(err_of router)" 'joined locator 0:0:0:c' ||
  fail "the router did not start"
# Receivers first, so that the senders' first datagrams have somewhere to go.
netns_start bob bob -- "$ILNP" experiment -c "$FIX/config_bob.ini" "${common[@]}" --network.log=info
wait_for 5 "bob joined b" has_line "$(err_of bob)" 'joined locator 0:0:0:b' || fail "bob did not start"
netns_start alice alice -- "$ILNP" experiment -c "$FIX/config_alice.ini" "${common[@]}" "${moves[@]}" \
  --network.log=info

for who in alice bob; do
  status=0
  netns_wait_exit "$who" 40 || status=$?
  check "$who stopped by itself with status 0" test "$status" -eq 0
done
netns_stop router 5 || true

verdict=$(python3 - "$EXPERIMENT" "$(out_of alice)" "$(out_of bob)" "$(err_of alice)" <<'PY'
import json, re, statistics, sys
experiment, alice_out, bob_out, alice_err = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def summary(path):
    lines = open(path).read().splitlines()
    return json.loads(lines[-1]) if lines else {}
alice, bob = summary(alice_out), summary(bob_out)
log = open(alice_err).read()
rtts = [int(x) for x in re.findall(r"acknowledged by \S+ after (\d+) us", log)]
moves = len(re.findall(r"moving from", log))
flows = {"1": [("bob", bob, "alice", alice)], "2": [("alice", alice, "bob", bob)],
         "3": [("bob", bob, "alice", alice), ("alice", alice, "bob", bob)]}[experiment]
problems = []
for sender_name, sender, receiver_name, receiver in flows:
    sent, got = sender.get("sent", 0), receiver.get("received", 0)
    print("%s -> %s: sent %d received %d lost %d duplicates %d longest gap %.0f ms" % (
        sender_name, receiver_name, sent, got, sent - got, receiver.get("duplicates", -1),
        1000 * receiver.get("longest_gap_s", -1)))
    if sent < 1500: problems.append("%s sent only %d datagrams" % (sender_name, sent))  # at 100/s for 18 s
    if got != sent: problems.append("%s lost %d of %d" % (receiver_name, sent - got, sent))
    if receiver.get("duplicates", 1) != 0: problems.append("%s saw duplicates" % receiver_name)
    if receiver.get("longest_gap_s", 1) > 0.5: problems.append("%s had a %.0f ms gap" % (receiver_name, 1000 * receiver["longest_gap_s"]))
print("alice moved %d times; %d locator updates acknowledged, RTT median %s us" % (
    moves, len(rtts), statistics.median(rtts) if rtts else "-"))
if moves < 6: problems.append("alice moved only %d times" % moves)
if len(rtts) < moves: problems.append("only %d of %d moves had their update acknowledged" % (len(rtts), moves))
if problems:
    print("FAILED: " + "; ".join(problems)); sys.exit(1)
PY
) || fail "$verdict"
log "$verdict"
