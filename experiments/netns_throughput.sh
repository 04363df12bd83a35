#!/usr/bin/env bash
# Throughput through one router, for the closing note (a measurement, not a
# test). Three namespaces on a private bridge (tests/netns/lib.sh): bob runs
# `ilnp experiment` to alice through a router joined to a, b and c, sending as
# fast as possible (application.wait_time=0, no per-datagram lines) for
# SECONDS, RUNS times, with fresh processes each run.
#
# Prints per run: datagrams/s and Mbit/s of application data received at
# alice (1396-byte datagrams; bytes / alice's first-to-last receive time),
# loss against what bob sent, and the resident memory (VmRSS, sampled every
# 0.25 s; the last sample before bob stops) of alice, router and bob; then the
# median of the runs.
#
# usage: experiments/netns_throughput.sh [-t SECONDS] [-n RUNS] [-x --KEY=VALUE]... [ILNP_BINARY]
#        (root; default binary: build/ilnp next to this directory; each -x is
#        passed to all three nodes, e.g. -x --link.loopback=false)
here=$(cd "$(dirname "$0")" && pwd)
SECONDS_PER_RUN=5
RUNS=3
extra=()
while getopts "t:n:x:h" opt; do
  case $opt in
    t) SECONDS_PER_RUN=$OPTARG ;;
    n) RUNS=$OPTARG ;;
    x) extra+=("$OPTARG") ;;
    *) sed -n '2,18p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
binary=${1:-${ILNP_BIN:-$here/../build/ilnp}}
# shellcheck source=SCRIPTDIR/../tests/netns/lib.sh
source "$here/../tests/netns/lib.sh" "$binary"
netns_require
netns_require_python

FIX="$ILNP_FIXTURES_DIR/prototype-configs/experiment_1"
common=(--link.mcast_interface=eth0 --application.print_datagrams=false --network.log=info "${extra[@]}")

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
# The kernel's count of datagrams dropped for a full socket receive buffer in
# HOST's namespace (where the loss happens, if it is not in our code).
# shellcheck disable=SC2016 # awk's $1, $2
rcvbuf_errors() { ip netns exec "$(netns_name "$1")" awk '$1 == "Udp6RcvbufErrors" { print $2 }' /proc/net/snmp6; }

netns_setup alice router bob
results="$NETNS_DIR/results.jsonl"
: >"$results"

for run in $(seq 1 "$RUNS"); do
  drops_router0=$(rcvbuf_errors router) drops_alice0=$(rcvbuf_errors alice)
  netns_start router "router$run" -- "$ILNP" node -c "$FIX/config_router.ini" "${common[@]}"
  wait_for 5 "router up" has_line "$(err_of "router$run")" 'joined locator 0:0:0:c' || fail "router did not start"
  netns_start alice "alice$run" -- "$ILNP" experiment -c "$FIX/config_alice.ini" "${common[@]}" \
    --network.locators=0:0:0:a
  wait_for 5 "alice up" has_line "$(err_of "alice$run")" 'joined locator 0:0:0:a' || fail "alice did not start"
  netns_start bob "bob$run" -- "$ILNP" experiment -c "$FIX/config_bob.ini" "${common[@]}" \
    "--application.run_time=$SECONDS_PER_RUN" --application.wait_time=0

  # Sample memory while bob runs; keep the last sample (near the end).
  rss_alice=0 rss_router=0 rss_bob=0
  bob_pid=$(pid_of "bob$run")
  deadline=$(deadline_in $((SECONDS_PER_RUN + 10)))
  while kill -0 "$bob_pid" 2>/dev/null && before "$deadline"; do
    a=$(rss_kb "$(pid_of "alice$run")") r=$(rss_kb "$(pid_of "router$run")") b=$(rss_kb "$bob_pid")
    if [[ $a -gt 0 && $r -gt 0 && $b -gt 0 ]]; then rss_alice=$a rss_router=$r rss_bob=$b; fi
    sleep 0.25
  done
  netns_wait_exit "bob$run" 5 || fail "bob (sender) failed in run $run"
  netns_wait_exit "alice$run" 5 || fail "alice (receiver) did not stop on sequence 0 in run $run"
  netns_stop "router$run" 5 || fail "router failed in run $run"

  python3 - "$(tail -n 1 "$(out_of "alice$run")")" "$(tail -n 1 "$(out_of "bob$run")")" \
    "$rss_alice" "$rss_router" "$rss_bob" "$(summary_count "$(err_of "router$run")" forwarded)" \
    "$(summary_count "$(err_of "router$run")" in)" \
    "$(($(rcvbuf_errors router) - drops_router0))" "$(($(rcvbuf_errors alice) - drops_alice0))" \
    >>"$results" <<'EOF'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({
    "received": a["received"], "sent": b["sent"], "duration_s": a["duration_s"],
    "datagrams_per_s": a["received"] / a["duration_s"] if a["duration_s"] else 0.0,
    "mbit_per_s": a["bytes_per_second"] * 8 / 1e6,
    "loss_pct": 100.0 * (b["sent"] - a["received"]) / b["sent"] if b["sent"] else 100.0,
    "duplicates": a["duplicates"], "reordered": a["reordered"],
    "rss_kb": {"alice": int(sys.argv[3]), "router": int(sys.argv[4]), "bob": int(sys.argv[5])},
    "router_forwarded": int(sys.argv[6]),
    # Datagrams the router read (data + a few discovery): sent - this was lost
    # before the router (its socket buffer), this - received after it.
    "router_in": int(sys.argv[7]),
    "rcvbuf_drops": {"router": int(sys.argv[8]), "alice": int(sys.argv[9])},
}))
EOF
  log "run $run: $(tail -n 1 "$results")"
done

python3 - "$results" "$SECONDS_PER_RUN" "$(nproc)" "$(uname -r)" "${extra[*]}" <<'EOF'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
print("ilnp experiment bob -> router -> alice, %s s per run, wait_time=0, %s CPUs, kernel %s%s"
      % (sys.argv[2], sys.argv[3], sys.argv[4], ", " + sys.argv[5] if sys.argv[5] else ""))
print("%-4s %12s %9s %9s %9s %8s %8s %5s %12s %12s %12s" % (
    "run", "datagrams/s", "Mbit/s", "received", "router in", "sent", "loss%", "dup",
    "RSS alice", "RSS router", "RSS bob"))
for i, r in enumerate(runs, 1):
    print("%-4d %12.0f %9.1f %9d %9d %8d %8.2f %5d %9d kB %9d kB %9d kB" % (
        i, r["datagrams_per_s"], r["mbit_per_s"], r["received"], r["router_in"], r["sent"], r["loss_pct"],
        r["duplicates"],
        r["rss_kb"]["alice"], r["rss_kb"]["router"], r["rss_kb"]["bob"]))
med = lambda k: statistics.median(r[k] for r in runs)
print("kernel receive-buffer drops per run (router, alice): %s" % ", ".join(
    "(%d, %d)" % (r["rcvbuf_drops"]["router"], r["rcvbuf_drops"]["alice"]) for r in runs))
print("median: %.0f datagrams/s, %.1f Mbit/s (application data, 1396 B datagrams), loss %.2f%%" % (
    med("datagrams_per_s"), med("mbit_per_s"), med("loss_pct")))
print("median RSS: alice %d kB, router %d kB, bob %d kB" % tuple(
    statistics.median(r["rss_kb"][n] for r in runs) for n in ("alice", "router", "bob")))
EOF
