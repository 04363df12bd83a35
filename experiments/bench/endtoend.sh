#!/usr/bin/env bash
# End-to-end benchmark (issue 8): datagrams/s from bob to alice through one
# router, by three paths in the same run, at each offered rate:
#   proxy     a local program on bob (traffic.c udpsend, 127.0.0.1:2000)
#             sends 1396-byte UDP datagrams to bob's node's local UDP proxy
#             (mapping 2000 -> alice:3000); alice's proxy hands them to a
#             counter on 127.0.0.1:3000 (traffic.c udpcount). Our router.
#   direct    `ilnp experiment` on bob sends the same 1396 bytes of data over
#             the overlay transport to `ilnp experiment` on alice
#             (application.wait_time = 1/rate). Our router.
#   prototype the Python prototype's experiment.py as bob, router and alice
#             (its experiment_1 configs; eth0, discovery.wait_time 2, alice
#             pinned to 0:0:0:a, and its per-datagram log files off, which
#             only spares it work); received = distinct sequence numbers
#             alice printed, over bob's first-to-last send time. Its code
#             comes from ILNP_PROTOTYPE_DIR (a checkout) or the bare mirror
#             ILNP_PROTOTYPE_GIT (default
#             /work/.mirror/RyanGibb+ilnp-overlay-network/repo); with neither,
#             the script says so and skips this path.
# All put 1440-byte datagrams on the links. Each path gets a fresh router per
# run (its peak RSS is recorded); the order of the paths rotates between
# runs. Prints the rate received at alice and the loss per offered rate
# (medians of the runs [min-max]), the highest received rate of each path
# and the routers' peak RSS.
#
# usage: experiments/bench/endtoend.sh [-n RUNS] [-t SECONDS] [-r "RATE..."] [-p "RATE..."] [-P "PATH..."]
#        (root; RATE 0 = as fast as the sender can; -p: the prototype's rates,
#        default "2000 5000 0"; -P: the paths, default "proxy direct
#        prototype"; see common.sh for BENCH_BUILD, ILNP_BENCH_NO_BUILD, ILNP)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
RUNS=3
SECONDS_PER_TRIAL=2
RATES="5000 10000 20000 40000 0"
PROTOTYPE_RATES="2000 5000 0"
PATHS="proxy direct prototype"
while getopts "n:t:r:p:P:h" opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    t) SECONDS_PER_TRIAL=$OPTARG ;;
    r) RATES=$OPTARG ;;
    p) PROTOTYPE_RATES=$OPTARG ;;
    P) PATHS=$OPTARG ;;
    *) sed -n '2,29p' "$0"; exit 2 ;;
  esac
done
bench_setup

DATA=1396
FIX="$ILNP_FIXTURES_DIR/prototype-configs/experiment_1"
common=(--link.mcast_interface=eth0 --discovery.wait_time=2 --network.log=info)
netns_setup alice router bob

bench_prototype "$FIX"
if [[ " $PATHS " == *" prototype "* && -z $PROTOTYPE ]]; then
  log "no copy of the prototype (ILNP_PROTOTYPE_DIR / ILNP_PROTOTYPE_GIT): its path is skipped"
  PATHS=${PATHS//prototype/}
fi
if [[ -n $PROTOTYPE ]]; then
  prototype_config alice network.locators=0:0:0:a
  prototype_config router
fi

results=$(bench_results endtoend "seconds=$SECONDS_PER_TRIAL" "rates=$RATES" "prototype_rates=$PROTOTYPE_RATES" \
  "prototype=${PROTOTYPE:-prototype skipped: no copy (ILNP_PROTOTYPE_DIR / ILNP_PROTOTYPE_GIT)}")

ctl() { "$ILNP" ctl --socket "$NETNS_DIR/run/$1/ilnp/$2.sock" "${@:3}"; }
knows() { ctl "$1" "$2" status | grep -q "^  $3 at"; }  # LABEL HOSTNAME PEER

record() {  # PATH RUN RATE COUNTS_JSON
  local line
  line=$(printf '{"path":"%s","run":%d,"rate":%d,"counts":%s}' "$@")
  echo "$line" >>"$results"
  log "$line"
}

proxy_path() {  # RUN
  netns_start alice "alice-proxy$1" -- "$ILNP" node -c "$FIX/config_alice.ini" "${common[@]}" --network.locators=0:0:0:a
  netns_start bob "bob-proxy$1" -- "$ILNP" node -c "$FIX/config_bob.ini" "${common[@]}"
  wait_for 5 "alice's control socket" test -S "$NETNS_DIR/run/alice-proxy$1/ilnp/alice.sock" || fail "alice did not start"
  wait_for 5 "bob's control socket" test -S "$NETNS_DIR/run/bob-proxy$1/ilnp/bob.sock" || fail "bob did not start"
  local bob_port rate label sent
  bob_port=$(ctl "bob-proxy$1" bob proxy add 2000 alice 3000) || fail "proxy add on bob: $bob_port"
  ctl "alice-proxy$1" alice proxy add 3000 bob 2000 >/dev/null || fail "proxy add on alice"
  wait_for 10 "bob knows alice" knows "bob-proxy$1" bob alice 2>/dev/null || fail "bob never learned alice"
  for rate in $RATES; do
    label="count-$1-$rate"
    netns_start alice "$label" -- "$TRAFFIC" udpcount 3000 0.5 "$((SECONDS_PER_TRIAL + 10))"
    wait_for 5 "counter ready" has_line "$(err_of "$label")" '^ready' 2>/dev/null || fail "the counter did not start"
    sent=$(ip netns exec "$(netns_name bob)" "$TRAFFIC" udpsend 2000 "$bob_port" "$rate" "$SECONDS_PER_TRIAL" "$DATA")
    netns_wait_exit "$label" 15 || fail "the counter failed"
    record proxy "$1" "$rate" "$(python3 -c 'import json, sys
s, c = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"sent": s["sent"], "seconds": s["seconds"], "received": c["received"]}))' "$sent" "$(tail -n 1 "$(out_of "$label")")")"
  done
  netns_stop "alice-proxy$1" 5 || fail "alice (proxy) failed"
  netns_stop "bob-proxy$1" 5 || fail "bob (proxy) failed"
}

direct_path() {  # RUN
  local rate label
  for rate in $RATES; do
    label="$1-$rate"
    netns_start alice "alice-exp$label" -- "$ILNP" experiment -c "$FIX/config_alice.ini" "${common[@]}" \
      --network.locators=0:0:0:a --application.print_datagrams=false
    wait_for 5 "alice up" has_line "$(err_of "alice-exp$label")" 'joined locator 0:0:0:a' 2>/dev/null ||
      fail "alice did not start"
    netns_start bob "bob-exp$label" -- "$ILNP" experiment -c "$FIX/config_bob.ini" "${common[@]}" \
      --application.print_datagrams=false "--application.run_time=$SECONDS_PER_TRIAL" "--application.wait_time=$(wait_time "$rate")"
    netns_wait_exit "bob-exp$label" $((SECONDS_PER_TRIAL + 15)) || fail "bob (experiment) failed"
    netns_wait_exit "alice-exp$label" 10 || fail "alice (experiment) did not stop on sequence 0"
    record direct "$1" "$rate" "$(python3 -c 'import json, sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"sent": b["sent"], "seconds": b["duration_s"], "received": a["received"]}))' \
      "$(tail -n 1 "$(out_of "bob-exp$label")")" "$(tail -n 1 "$(out_of "alice-exp$label")")")"
  done
}

prototype_path() {  # RUN
  local rate label
  for rate in $PROTOTYPE_RATES; do
    label="$1-$rate"
    prototype_config bob "application.run_time=$SECONDS_PER_TRIAL" "application.wait_time=$(wait_time "$rate")"
    netns_start alice "alice-py$label" -- python3 -B -u "$PROTOTYPE_DIR/src/experiment.py" "$PROTOTYPE_DIR/config_alice.ini"
    wait_for 10 "prototype alice up" has_line "$(out_of "alice-py$label")" ' Started' 2>/dev/null ||
      fail "the prototype alice did not start"
    netns_start bob "bob-py$label" -- python3 -B -u "$PROTOTYPE_DIR/src/experiment.py" "$PROTOTYPE_DIR/config_bob.ini"
    # bob sends for run_time from its first datagram, once discovery found alice.
    netns_wait_exit "bob-py$label" $((SECONDS_PER_TRIAL + 30)) || fail "the prototype bob failed"
    # alice stops on sequence 0, unless it was lost: then it is killed.
    netns_wait_exit "alice-py$label" 10 || log "the prototype alice did not stop on sequence 0"
    grep -q Traceback "$(err_of "alice-py$label")" "$(err_of "bob-py$label")" && fail "the prototype printed a traceback"
    record prototype "$1" "$rate" "$(python3 "$BENCH_DIR/report.py" prototype-counts "$(out_of "alice-py$label")" \
      "$(out_of "bob-py$label")")"
  done
}

wait_time() { awk -v r="$1" 'BEGIN { printf "%.9f", (r > 0 ? 1 / r : 0) }'; }  # RATE -> seconds between datagrams

start_router() {  # PATH LABEL
  if [[ $1 == prototype ]]; then
    netns_start router "$2" -- python3 -B -u "$PROTOTYPE_DIR/src/experiment.py" "$PROTOTYPE_DIR/config_router.ini"
    wait_for 10 "prototype router up" has_line "$(out_of "$2")" ' Started' || fail "the prototype router did not start"
  else
    netns_start router "$2" -- "$ILNP" node -c "$FIX/config_router.ini" "${common[@]}" "--network.locators=0:0:0:a, 0:0:0:b"
    wait_for 5 "router up" has_line "$(err_of "$2")" 'joined locator 0:0:0:b' || fail "the router did not start"
  fi
}

read -ra paths <<<"$PATHS"
for run in $(seq 1 "$RUNS"); do
  rotate "$run" "${paths[@]}"
  for path in "${ORDER[@]}"; do
    start_router "$path" "router-$path$run"
    "${path}_path" "$run"
    printf '{"path":"%s","run":%d,"router_peak_rss_kb":%d}\n' "$path" "$run" \
      "$(memory_kb "$(pid_of "router-$path$run")" VmHWM)" >>"$results"
    stop_forwarder "$path" "router-$path$run"
  done
done

bench_report endtoend "$results"
