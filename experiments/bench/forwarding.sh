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
PROTOTYPE_RATES="2000 5000 10000 20000 0"
extra=()
while getopts "n:t:r:p:x:h" opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    t) SECONDS_PER_TRIAL=$OPTARG ;;
    r) RATES=$OPTARG ;;
    p) PROTOTYPE_RATES=$OPTARG ;;
    x) extra+=("$OPTARG") ;;
    *) sed -n '2,34p' "$0"; exit 2 ;;
  esac
done
bench_setup

SIZE=1440
ALICE=ffff:0:0:a BOB=ffff:0:0:b
FIX="$ILNP_FIXTURES_DIR/prototype-configs/experiment_1"
netns_setup alice router bob
bench_prototype "$FIX"
results=$(bench_results forwarding "seconds=$SECONDS_PER_TRIAL" "rates=$RATES" "extra=${extra[*]}" \
  "prototype=${PROTOTYPE:-no copy}" "prototype_rates=$PROTOTYPE_RATES")

pin_forwarder=() pin_traffic=()
if [[ ${BENCH_PIN:-1} == 1 ]] && (($(nproc) >= 2)); then
  pin_forwarder=(taskset -c "$(($(nproc) - 1))") pin_traffic=(taskset -c 0)
fi
kinds=(relay ours)
[[ -n ${ILNP_BASELINE:-} ]] && kinds+=(before)
if [[ -n $PROTOTYPE && -n $PROTOTYPE_RATES ]]; then
  prototype_config router
  kinds+=(prototype)
fi

start_forwarder() {  # KIND LABEL
  if [[ $1 == relay ]]; then
    netns_start router "$2" -- "${pin_forwarder[@]}" "$RELAY" eth0 10000 "$BENCH_UID" 0:0:0:b 0:0:0:a
    wait_for 5 "relay up" has_line "$(err_of "$2")" 'relay ready' || fail "the relay did not start"
  elif [[ $1 == prototype ]]; then
    netns_start router "$2" -- "${pin_forwarder[@]}" python3 -B -u "$PROTOTYPE_DIR/src/experiment.py" \
      "$PROTOTYPE_DIR/config_router.ini"
    wait_for 10 "prototype router up" has_line "$(out_of "$2")" ' Started' || fail "the prototype router did not start"
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
  rotate "$run" "${kinds[@]}"
  for kind in "${ORDER[@]}"; do
    start_forwarder "$kind" "$kind$run"
    pid=$(pid_of "$kind$run")
    sleep 1  # past the router's start-up discovery
    idle_kb=$(memory_kb "$pid" VmRSS)
    rates=$RATES
    [[ $kind == prototype ]] && rates=$PROTOTYPE_RATES
    for rate in $rates; do trial "$kind" "$run" "$rate" "$pid"; done
    printf '{"forwarder":"%s","run":%d,"idle_rss_kb":%d,"peak_rss_kb":%d}\n' "$kind" "$run" "$idle_kb" \
      "$(memory_kb "$pid" VmHWM)" >>"$results"
    stop_forwarder "$kind" "$kind$run"
  done
done

bench_report forwarding "$results"
