#!/usr/bin/env bash
# Proxy benchmark (issue 8): datagrams/s from bob to alice through one router,
# by two paths in the same run, at each offered rate:
#   proxy   a local program on bob (traffic.c udpsend, 127.0.0.1:2000) sends
#           1396-byte UDP datagrams to bob's node's local UDP proxy (mapping
#           2000 -> alice:3000); alice's proxy hands them to a counter on
#           127.0.0.1:3000 (traffic.c udpcount).
#   direct  `ilnp experiment` on bob sends the same 1396 bytes of data over
#           the overlay transport to `ilnp experiment` on alice
#           (application.wait_time = 1/rate).
# Both put 1440-byte datagrams on the links. Prints the rate received at
# alice and the loss per offered rate (medians of the runs [min-max]), and
# the highest received rate of each path with the ratio proxy/direct.
#
# usage: experiments/bench/proxy.sh [-n RUNS] [-t SECONDS] [-r "RATE..."]
#        (root; RATE 0 = as fast as the sender can; see common.sh for
#        BENCH_BUILD, ILNP_BENCH_NO_BUILD and ILNP)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
RUNS=3
SECONDS_PER_TRIAL=2
RATES="5000 10000 20000 40000 0"
while getopts "n:t:r:h" opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    t) SECONDS_PER_TRIAL=$OPTARG ;;
    r) RATES=$OPTARG ;;
    *) sed -n '2,17p' "$0"; exit 2 ;;
  esac
done
bench_setup

DATA=1396
FIX="$ILNP_FIXTURES_DIR/prototype-configs/experiment_1"
common=(--link.mcast_interface=eth0 --discovery.wait_time=2 --network.log=info)
results=$(bench_results proxy jsonl)
netns_setup alice router bob

ctl() { "$ILNP" ctl --socket "$NETNS_DIR/run/$1/ilnp/$2.sock" "${@:3}"; }
knows() { ctl "$1" "$2" status | grep -q "^  $3 at"; }  # LABEL HOSTNAME PEER

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
  local rate wait label
  for rate in $RATES; do
    wait=$(awk -v r="$rate" 'BEGIN { printf "%.9f", (r > 0 ? 1 / r : 0) }')
    label="$1-$rate"
    netns_start alice "alice-exp$label" -- "$ILNP" experiment -c "$FIX/config_alice.ini" "${common[@]}" \
      --network.locators=0:0:0:a --application.print_datagrams=false
    wait_for 5 "alice up" has_line "$(err_of "alice-exp$label")" 'joined locator 0:0:0:a' 2>/dev/null ||
      fail "alice did not start"
    netns_start bob "bob-exp$label" -- "$ILNP" experiment -c "$FIX/config_bob.ini" "${common[@]}" \
      --application.print_datagrams=false "--application.run_time=$SECONDS_PER_TRIAL" "--application.wait_time=$wait"
    netns_wait_exit "bob-exp$label" $((SECONDS_PER_TRIAL + 15)) || fail "bob (experiment) failed"
    netns_wait_exit "alice-exp$label" 10 || fail "alice (experiment) did not stop on sequence 0"
    record direct "$1" "$rate" "$(python3 -c 'import json, sys
b, a = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"sent": b["sent"], "seconds": b["duration_s"], "received": a["received"]}))' \
      "$(tail -n 1 "$(out_of "bob-exp$label")")" "$(tail -n 1 "$(out_of "alice-exp$label")")")"
  done
}

record() {  # PATH RUN RATE COUNTS_JSON
  local line
  line=$(printf '{"path":"%s","run":%d,"rate":%d,"counts":%s}' "$@")
  echo "$line" >>"$results"
  log "$line"
}

for run in $(seq 1 "$RUNS"); do
  netns_start router "router$run" -- "$ILNP" node -c "$FIX/config_router.ini" "${common[@]}" \
    "--network.locators=0:0:0:a, 0:0:0:b"
  wait_for 5 "router up" has_line "$(err_of "router$run")" 'joined locator 0:0:0:b' || fail "the router did not start"
  if ((run % 2)); then
    proxy_path "$run"
    direct_path "$run"
  else
    direct_path "$run"
    proxy_path "$run"
  fi
  netns_stop "router$run" 5 || fail "the router failed in run $run"
done

python3 - "$results" "$SECONDS_PER_TRIAL" "$(bench_machine)" <<'EOF' | tee "${results%.jsonl}.txt"
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
for r in rows:
    c = r["counts"]
    r["rx"] = c["received"] / c["seconds"] if c["seconds"] else 0.0
    r["loss"] = 100.0 * (1 - c["received"] / c["sent"]) if c["sent"] else 100.0
def cell(v, fmt):
    return (fmt % statistics.median(v)) + " [" + (fmt % min(v)) + "-" + (fmt % max(v)) + "]"
print("bob -> router -> alice, 1396 bytes of data per datagram, %s s per rate, %d runs; %s" % (
    sys.argv[2], len({r["run"] for r in rows}), sys.argv[3]))
print("%9s | %24s %20s | %24s %20s" % ("offered", "proxy received/s", "loss %", "direct received/s", "loss %"))
for rate in sorted({r["rate"] for r in rows}, key=lambda x: x or float("inf")):
    line = "%9s" % (rate or "unpaced")
    for path in ("proxy", "direct"):
        rs = [r for r in rows if r["path"] == path and r["rate"] == rate]
        line += " | %24s %20s" % (cell([r["rx"] for r in rs], "%.0f"), cell([r["loss"] for r in rs], "%.2f"))
    print(line)
best = {p: [max(r["rx"] for r in rows if r["path"] == p and r["run"] == run) for run in {r["run"] for r in rows}]
        for p in ("proxy", "direct")}
print("highest received rate: proxy %s, direct %s datagrams/s; proxy/direct %.2f" % (
    cell(best["proxy"], "%.0f"), cell(best["direct"], "%.0f"),
    statistics.median(best["proxy"]) / statistics.median(best["direct"])))
EOF
log "results in $results and ${results%.jsonl}.txt"
