#!/usr/bin/env bash
# The shortened experiments in the simulator (`ilnp sim`), analysed by
# experiments/analyze.py as the testbed's are and checked by
# tests/testbed/check_results.py: the soft-handoff experiments (the three of
# the study, and exp5 with both ends moving at the same moments) lose and
# duplicate nothing, count their datagrams at both ends, move at least 6
# times and make non-empty PNG and PDF plots; the hard-handoff variant must
# lose datagrams (so the soft-handoff checks can fail); the lossy variant
# loses some, and every flow still ends; the link-events experiment moves
# at each scripted link down and up, duplicating nothing. A few seconds in all.
#
# usage: sim_experiments_test.sh ILNP_BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ilnp=${1:?usage: sim_experiments_test.sh ILNP_BINARY}
py=/usr/bin/python3
"$py" -c "import matplotlib" 2>/dev/null || { echo "SKIP: no python3-matplotlib for the plots" >&2; exit 77; }
out=$(mktemp -d "${TMPDIR:-/tmp}/ilnp-sim-exp.XXXX")
trap 'status=$?; if ((status == 0)) && [[ -z ${KEEP_RESULTS:-} ]]; then rm -rf "$out"; else echo "results kept in $out" >&2; fi' EXIT

run() {  # run FILE [ilnp sim options...]: results in $out/FILE
  local name=$1
  shift
  "$ilnp" sim "$name" --repo "$repo" --out "$out/$name" "$@" >"$out/$name.txt" 2>&1 || {
    echo "FAIL: ilnp sim $name $*:" >&2
    cat "$out/$name.txt" >&2
    exit 1
  }
  "$py" "$repo/experiments/analyze.py" "$out/$name" >"$out/$name.analysis" 2>&1 || {
    echo "FAIL: analyze.py $name" >&2
    tail -n 30 "$out/$name.analysis" >&2
    exit 1
  }
  echo "== $name: $(head -n 1 "$out/$name.txt")"
}

for e in exp1-cn-to-mn-ci exp2-mn-to-cn-ci exp3-both-ci exp5-both-moving-ci; do
  run "$e"
  "$py" "$repo/tests/testbed/check_results.py" "$out/$e" --lossless
  grep -q 'mode: simulator' "$out/$e/summary.md" || { echo "FAIL: $e: summary.md does not say simulator" >&2; exit 1; }
done

# Hard handoff: the old locator is left at the move, so what is in flight
# towards it, and what the CN sends before the update arrives, is lost.
run exp1-cn-to-mn-hard-ci
# Lossy links: 1% loss and 20 ms +- 5 ms at alice, 2 Mbit/s at bob.
run exp1-lossy-ci
# Link events scripted in the experiment file: alice's eth0 down and up twice.
run exp4-link-events-ci
"$py" - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
problems = []
for name, what in (("exp1-cn-to-mn-hard-ci", "hard handoff"), ("exp1-lossy-ci", "1% loss")):
    s = json.load(open(os.path.join(out, name, "summary.json")))
    f = s["flows"][0]
    print("%s: sent %d received %d lost %d, %d moves" % (name, f["sent"], f["received"], f["lost"], f["moves"]))
    if not (f["sent"] > 1500 and f["received"] > 0.9 * f["sent"]):
        problems.append("%s: flow did not run: %s" % (name, f))
    if f["lost"] <= 0:
        problems.append("%s: nothing lost with %s" % (name, what))
    if f["moves"] < 6:
        problems.append("%s: only %d moves" % (name, f["moves"]))
hard = json.load(open(os.path.join(out, "exp1-cn-to-mn-hard-ci", "summary.json")))
if sum(h["lost"] for h in hard["handoffs"]) <= 0:
    problems.append("hard handoff: no handoff row shows a loss")
links = json.load(open(os.path.join(out, "exp4-link-events-ci", "summary.json")))
f = links["flows"][0]
events = ["%s %s" % (e["locator"], "up" if e["up"] else "down") for e in links["link_events"]]
print("exp4-link-events-ci: sent %d received %d lost %d duplicates %d, %d moves, link events %s" % (
    f["sent"], f["received"], f["lost"], f["duplicates"], f["moves"], ", ".join(events)))
if events != ["0:0:0:a down", "0:0:0:a up"] * 2:
    problems.append("link events: %s, not a down and up twice" % events)
if f["moves"] != 4 or f["duplicates"] != 0 or f["lost"] > 20 or f["sent"] < 1900:
    problems.append("link events: flow %s" % f)
conds = json.load(open(os.path.join(out, "exp1-lossy-ci", "summary.json")))["conditions"]
applied = sorted("%s %s %s" % (c["node"], c["direction"], c["condition"]) for c in conds if c["mechanism"] == "ilnp sim")
if len(applied) != 8:  # alice: loss, delay, jitter x out/in; bob: rate x out/in
    problems.append("lossy: conditions applied %s" % applied)
if problems:
    print("FAILED:\n  " + "\n  ".join(problems))
    sys.exit(1)
PY
echo "ok: simulated experiments"
