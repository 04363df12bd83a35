#!/usr/bin/env bash
# Forwarding benchmark (issue 8): our router against a minimal C relay
# (relay.c) in the same run, in three namespaces on one bridge. bob sends
# 1440-byte transport datagrams for alice on locator b, paced at each offered
# rate in turn for SECONDS; the forwarder joins a and b and sends them on a,
# where a counter in alice's namespace counts distinct sequence numbers. Each
# run sweeps the rates once with the relay and once with ours (their order
# alternates between runs), with fresh processes.
#
# Per forwarder and run: the highest rate received at alice (max forwarding
# rate), the highest offered rate up to which every rate lost < 0.1%
# (lossless rate), CPU per forwarded datagram (utime + stime from
# /proc/PID/stat over a trial / datagrams received at alice) at saturation
# and at the highest swept rate both forwarders carried without loss, and
# resident memory idle (before the sweep) and at full rate (VmHWM after it).
# Prints medians of the runs [min-max] and ours/relay, and a per-rate table.
#
# Our router runs with --link.loopback=false like the relay (one node per
# host; with loopback it also reads back each datagram it sends). On a
# machine with two CPUs or more, the forwarder runs on the last CPU and the
# sender and counter on the first (BENCH_PIN=0: no pinning): the forwarder
# does not compete with the traffic for a CPU. The sender has its limit too
# (about the relay's rate on two CPUs): the lossless rate counts what was
# sent, not what was asked for. With
# ILNP_BASELINE=/path/to/ilnp, that binary is swept too ("before"), in the
# same runs, for before/after figures of a change.
#
# usage: experiments/bench/forwarding.sh [-n RUNS] [-t SECONDS] [-r "RATE..."] [-x --KEY=VALUE]...
#        (root; RATE 0 = unpaced; -x options go to our router; see common.sh
#        for BENCH_BUILD, ILNP_BENCH_NO_BUILD and ILNP)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
RUNS=3
SECONDS_PER_TRIAL=2
RATES="10000 20000 30000 40000 50000 60000 70000 80000 100000 120000 150000 0"
extra=()
while getopts "n:t:r:x:h" opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    t) SECONDS_PER_TRIAL=$OPTARG ;;
    r) RATES=$OPTARG ;;
    x) extra+=("$OPTARG") ;;
    *) sed -n '2,30p' "$0"; exit 2 ;;
  esac
done
bench_setup

SIZE=1440
ALICE=ffff:0:0:a BOB=ffff:0:0:b
FIX="$ILNP_FIXTURES_DIR/prototype-configs/experiment_1"
results=$(bench_results forwarding jsonl)
netns_setup alice router bob

pin_forwarder=() pin_traffic=()
if [[ ${BENCH_PIN:-1} == 1 ]] && (($(nproc) >= 2)); then
  pin_forwarder=(taskset -c "$(($(nproc) - 1))") pin_traffic=(taskset -c 0)
fi
kinds=(relay ours)
[[ -n ${ILNP_BASELINE:-} ]] && kinds+=(before)

start_forwarder() {  # KIND LABEL
  if [[ $1 == relay ]]; then
    netns_start router "$2" -- "${pin_forwarder[@]}" "$RELAY" eth0 10000 "$BENCH_UID" 0:0:0:b 0:0:0:a
    wait_for 5 "relay up" has_line "$(err_of "$2")" 'relay ready' || fail "the relay did not start"
  else
    local binary=$ILNP
    [[ $1 == before ]] && binary=$ILNP_BASELINE
    netns_start router "$2" -- "${pin_forwarder[@]}" "$binary" node -c "$FIX/config_router.ini" --link.mcast_interface=eth0 \
      "--network.locators=0:0:0:a, 0:0:0:b" --network.log=info --link.loopback=false "${extra[@]}"
    wait_for 5 "router up" has_line "$(err_of "$2")" 'joined locator 0:0:0:b' || fail "$1 router did not start"
  fi
}

# One offered rate: appends a JSON object (the sender's and the counter's
# reports, the forwarder's CPU time and resident memory) to the results.
trial() {  # KIND RUN RATE PID
  local label="count-$1-$2-$3" cpu0 cpu1 sent line
  netns_start alice "$label" -- "${pin_traffic[@]}" "$TRAFFIC" count eth0 10000 "$BENCH_UID" 0:0:0:a "$ALICE" 0.5 \
    "$((SECONDS_PER_TRIAL + 10))"
  wait_for 5 "counter ready" has_line "$(err_of "$label")" '^ready' 2>/dev/null || fail "the counter did not start"
  cpu0=$(cpu_seconds "$4")
  sent=$(ip netns exec "$(netns_name bob)" "${pin_traffic[@]}" "$TRAFFIC" send eth0 10000 "$BENCH_UID" 0:0:0:b "$BOB" 0:0:0:a "$ALICE" \
    "$3" "$SECONDS_PER_TRIAL" "$SIZE")
  netns_wait_exit "$label" 15 || fail "the counter failed"
  cpu1=$(cpu_seconds "$4")
  line=$(printf '{"forwarder":"%s","run":%d,"rate":%d,"sender":%s,"counter":%s,"cpu_s":%s,"rss_kb":%d}' \
    "$1" "$2" "$3" "$sent" "$(tail -n 1 "$(out_of "$label")")" "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { print b - a }')" \
    "$(memory_kb "$4" VmRSS)")
  echo "$line" >>"$results"
  log "$1 run $2 rate $3: $line"
}

for run in $(seq 1 "$RUNS"); do
  # The order rotates between runs, so that drift in the machine's load
  # does not always favour the same forwarder.
  order=("${kinds[@]:$((run % ${#kinds[@]}))}" "${kinds[@]:0:$((run % ${#kinds[@]}))}")
  for kind in "${order[@]}"; do
    start_forwarder "$kind" "$kind$run"
    pid=$(pid_of "$kind$run")
    sleep 1  # past the router's start-up discovery
    idle_kb=$(memory_kb "$pid" VmRSS)
    for rate in $RATES; do trial "$kind" "$run" "$rate" "$pid"; done
    printf '{"forwarder":"%s","run":%d,"idle_rss_kb":%d,"peak_rss_kb":%d}\n' "$kind" "$run" "$idle_kb" \
      "$(memory_kb "$pid" VmHWM)" >>"$results"
    netns_stop "$kind$run" 5 || fail "$kind stopped with an error in run $run"
  done
done

python3 - "$results" "$SECONDS_PER_TRIAL" "$(bench_machine)" "${extra[*]}" <<'EOF' | tee "${results%.jsonl}.txt"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
trials = [r for r in rows if "rate" in r]
memory = [r for r in rows if "idle_rss_kb" in r]
kinds = [k for k in ("relay", "ours", "before") if any(t["forwarder"] == k for t in trials)]
runs = sorted({r["run"] for r in trials})
for t in trials:
    t["received"] = t["counter"]["received"]
    t["sent"] = t["sender"]["sent"]
    t["loss"] = 1 - t["received"] / t["sent"] if t["sent"] else 1.0
    t["rx_rate"] = t["received"] / t["sender"]["seconds"]
    t["cpu_us"] = 1e6 * t["cpu_s"] / t["received"] if t["received"] else float("nan")
def sweep(kind, run):
    return sorted((t for t in trials if t["forwarder"] == kind and t["run"] == run),
                  key=lambda t: t["rate"] or float("inf"))
def lossless(ts):
    # The rate the sender achieved: above its own limit, more offered is not more sent.
    best = 0
    for t in ts:
        if t["loss"] >= 0.001:
            break
        best = max(best, t["sender"]["rate"])
    return best
per_run = {k: [] for k in kinds}
for run in runs:
    s = {k: sweep(k, run) for k in kinds}
    # The highest rate swept that both carried without loss: CPU compared at equal load.
    both = [r for r in sorted({t["rate"] for t in trials if t["rate"]})
            if all(any(t["rate"] == r and t["loss"] < 0.001 for t in s[k]) for k in kinds)]
    for k in kinds:
        top = max(s[k], key=lambda t: t["rx_rate"])
        at = next((t for t in s[k] if both and t["rate"] == both[-1]), None)
        m = next(x for x in memory if x["forwarder"] == k and x["run"] == run)
        per_run[k].append({"max": top["rx_rate"], "lossless": lossless(s[k]), "cpu_sat": top["cpu_us"],
                           "cpu_ref": at["cpu_us"] if at else float("nan"), "ref": both[-1] if both else 0,
                           "idle": m["idle_rss_kb"] / 1024, "peak": m["peak_rss_kb"] / 1024})
def cell(k, key, fmt):
    v = [r[key] for r in per_run[k]]
    return (fmt % statistics.median(v)) + " [" + (fmt % min(v)) + "-" + (fmt % max(v)) + "]"
print("forwarding bob -> router -> alice, 1440-byte datagrams, %s s per rate, %d runs; %s%s" % (
    sys.argv[2], len(runs), sys.argv[3], "; ours with " + sys.argv[4] if sys.argv[4] else ""))
names = {"relay": "C relay", "ours": "ours", "before": "ours before"}
others = [k for k in kinds if k != "relay"]
print("%-42s" % "median [min-max]" + "".join("%24s" % names[k] for k in kinds) +
      "".join("%20s" % (names[k] + "/relay") for k in others))
ref = statistics.median(r["ref"] for r in per_run["ours"])
for key, name, fmt in (("max", "max forwarding rate (datagrams/s)", "%.0f"),
                       ("lossless", "lossless rate, loss < 0.1% (sent/s)", "%.0f"),
                       ("cpu_sat", "CPU per datagram at saturation (us)", "%.2f"),
                       ("cpu_ref", "CPU per datagram at %.0fk/s (us)" % (ref / 1000), "%.2f"),
                       ("idle", "RSS idle (MB)", "%.1f"),
                       ("peak", "RSS peak at full rate (MB)", "%.1f")):
    med = {k: statistics.median(r[key] for r in per_run[k]) for k in kinds}
    print("%-42s" % name + "".join("%24s" % cell(k, key, fmt) for k in kinds) +
          "".join("%20.2f" % (med[k] / med["relay"] if med["relay"] else float("nan")) for k in others))
print()
print("per offered rate, medians of the runs: received/s, loss %, CPU us per datagram")
print("%9s" % "offered" + "".join(" | %13s %7s %7s" % (names[k] + " rx", "loss%", "cpu") for k in kinds))
for rate in sorted({t["rate"] for t in trials}, key=lambda r: r or float("inf")):
    line = "%9s" % (rate or "unpaced")
    for k in kinds:
        ts = [t for t in trials if t["forwarder"] == k and t["rate"] == rate]
        line += " | %13.0f %7.2f %7.2f" % (statistics.median(t["rx_rate"] for t in ts),
                                          100 * statistics.median(t["loss"] for t in ts),
                                          statistics.median(t["cpu_us"] for t in ts))
    print(line)
EOF
log "results in $results and ${results%.jsonl}.txt"
