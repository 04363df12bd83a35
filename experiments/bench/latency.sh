#!/usr/bin/env bash
# Latency benchmark (issue 8): ping-pong through 0, 1 and 3 forwarders in a
# line, ours and the minimal C relay (relay.c) in the same run. Five
# namespaces on one bridge; the line is made of locators: ping on 0:0:0:1,
# forwarder i joined to i and i+1, pong on the locator after the last one
# (0:0:0:1 with no forwarder). One ping is outstanding at a time, COUNT
# pings of SIZE bytes, INTERVAL us apart (a low rate); ping and pong are
# traffic.c, which advertise themselves so that our routers learn the way.
#
# Prints per forwarder and number of hops the one-way latency (RTT/2),
# median and p99, medians of the runs [min-max], and the cost of a hop:
# (one-way through N - one-way through 0) / N. With ILNP_BASELINE=/path/to/ilnp
# that binary is measured too ("before").
#
# usage: experiments/bench/latency.sh [-n RUNS] [-c COUNT] [-i INTERVAL_US] [-s SIZE]
#        (root; see common.sh for BENCH_BUILD, ILNP_BENCH_NO_BUILD and ILNP)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
RUNS=3
COUNT=2000
INTERVAL_US=500
SIZE=1440
while getopts "n:c:i:s:h" opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    c) COUNT=$OPTARG ;;
    i) INTERVAL_US=$OPTARG ;;
    s) SIZE=$OPTARG ;;
    *) sed -n '2,17p' "$0"; exit 2 ;;
  esac
done
bench_setup

PING_NID=ffff:0:1:1 PONG_NID=ffff:0:1:2
FIX="$ILNP_FIXTURES_DIR/prototype-configs/experiment_1"
results=$(bench_results latency "count=$COUNT" "interval_us=$INTERVAL_US" "size=$SIZE")
netns_setup ping r1 r2 r3 pong
kinds=(relay ours)
[[ -n ${ILNP_BASELINE:-} ]] && kinds+=(before)

start_forwarder() {  # KIND INDEX LABEL: joined to locators INDEX and INDEX+1, in namespace rINDEX
  local here_loc="0:0:0:$2" next_loc="0:0:0:$(($2 + 1))"
  if [[ $1 == relay ]]; then
    netns_start "r$2" "$3" -- "$RELAY" eth0 10000 "$BENCH_UID" "$here_loc" "$next_loc"
    wait_for 5 "relay $2 up" has_line "$(err_of "$3")" 'relay ready' 2>/dev/null || fail "relay $2 did not start"
  else
    local binary=$ILNP
    [[ $1 == before ]] && binary=$ILNP_BASELINE
    netns_start "r$2" "$3" -- "$binary" node -c "$FIX/config_router.ini" --link.mcast_interface=eth0 \
      "--network.locators=$here_loc, $next_loc" "--network.nid=ffff:0:2:$2" "--discovery.hostname=r$2" \
      --network.log=info --link.loopback=false
    wait_for 5 "router $2 up" has_line "$(err_of "$3")" "joined locator $next_loc" 2>/dev/null ||
      fail "router $2 did not start"
  fi
}

for run in $(seq 1 "$RUNS"); do
  rotate "$run" "${kinds[@]}"
  for kind in "${ORDER[@]}"; do
    for hops in 0 1 3; do
      labels=()
      for i in $(seq 1 "$hops"); do
        start_forwarder "$kind" "$i" "$kind-$run-$hops-r$i"
        labels+=("$kind-$run-$hops-r$i")
      done
      pong_loc="0:0:0:$((hops + 1))"
      netns_start pong "pong-$kind-$run-$hops" -- "$TRAFFIC" pong eth0 10000 "$BENCH_UID" "$pong_loc" "$PONG_NID"
      wait_for 5 "pong up" has_line "$(err_of "pong-$kind-$run-$hops")" '^ready' 2>/dev/null || fail "pong did not start"
      out=$(ip netns exec "$(netns_name ping)" "$TRAFFIC" ping eth0 10000 "$BENCH_UID" 0:0:0:1 "$PING_NID" \
        "$pong_loc" "$PONG_NID" "$COUNT" "$INTERVAL_US" "$SIZE") || fail "ping through $hops $kind hops failed"
      line=$(printf '{"forwarder":"%s","run":%d,"hops":%d,"ping":%s}' "$kind" "$run" "$hops" "$out")
      echo "$line" >>"$results"
      log "$line"
      for label in "${labels[@]}" "pong-$kind-$run-$hops"; do netns_stop "$label" 5 || fail "$label failed"; done
    done
  done
done

bench_report latency "$results"
