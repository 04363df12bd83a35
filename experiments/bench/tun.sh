#!/usr/bin/env bash
# IP over the overlay, measured (issue 17): TCP throughput (iperf3) and ping
# RTT from alice through one router to bob, side by side in the same run for
#   plain     ilnp with [tun] enabled, secure mode (signed discovery and
#             updates), IP in clear
#   sealed    the same with security.encrypt = true (sealed end to end)
#   yggdrasil Yggdrasil (Debian's package), one daemon per namespace, alice
#             and bob peered with the router only (tcp://), multicast off,
#             its default TUN MTU
#   kernel    the kernel's own routed IPv6 path (router forwarding on)
# over the same three namespaces and two veth segments:
#   alice eth0 fd01::1 -- fd01::2 eth0 router eth1 fd02::2 -- fd02::1 eth0 bob
# (ilnp: alice on locator 0:0:0:a, bob on 0:0:0:b, the router joined to a on
# eth0 and b on eth1). Per path and run: ping RTT (COUNT pings 0.05 s apart,
# after a warm-up; median, min, max, lost), then one iperf3 TCP stream of
# SECONDS alice -> bob (the rate bob received, retransmits), and the CPU
# used during it: by the forwarding processes (utime + stime from
# /proc/PID/stat of the three ilnp or yggdrasil daemons; n/a for the kernel
# path, whose forwarding runs in softirq context charged to whatever runs),
# and by the whole machine (non-idle time in /proc/stat: includes iperf3's
# own work at both ends, the kernel's forwarding, and anything else running
# on the machine). Both are given per Gbit carried.
#
# Needs root, /dev/net/tun, iperf3 and yggdrasil (apt-get install iperf3
# yggdrasil); exits 77 (skipped) without them. Not among run.sh's default
# parts: experiments/bench/run.sh --parts tun.
#
# usage: experiments/bench/tun.sh [-n RUNS] [-t SECONDS] [-c COUNT] [-m YGG_MTU] [-p "PATH..."]
#        (root; see common.sh for BENCH_BUILD, ILNP_BENCH_NO_BUILD and ILNP)
#   -n  runs (default 3); -t iperf3 seconds (default 5); -c pings (default 20)
#   -m  Yggdrasil's IfMTU (default: its own default, 65535)
#   -p  the paths measured (default all four: kernel plain sealed yggdrasil)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/common.sh
source "$here/common.sh"
RUNS=3
SECS=5
COUNT=20
YGG_MTU=""
PATHS="kernel plain sealed yggdrasil"
while getopts "n:t:c:m:p:h" opt; do
  case $opt in
    n) RUNS=$OPTARG ;;
    t) SECS=$OPTARG ;;
    c) COUNT=$OPTARG ;;
    m) YGG_MTU=$OPTARG ;;
    p) PATHS=$OPTARG ;;
    *) sed -n '2,33p' "$0"; exit 2 ;;
  esac
done

tun_skip() { echo "SKIP: the tun benchmark $*" >&2; exit 77; }
[[ $(id -u) -eq 0 ]] || tun_skip "needs root (network namespaces)"
command -v iperf3 >/dev/null 2>&1 || tun_skip "needs iperf3 (apt-get install iperf3)"
command -v yggdrasil >/dev/null 2>&1 || tun_skip "needs yggdrasil (apt-get install yggdrasil)"
command -v ping >/dev/null 2>&1 || tun_skip "needs ping (iputils-ping)"
command -v ss >/dev/null 2>&1 || tun_skip "needs ss (iproute2)"
[[ -c /dev/net/tun ]] || tun_skip "needs /dev/net/tun"

bench_build ilnp
ILNP=${ILNP:-${BENCH_BUILD:-$BENCH_ROOT/build-release}/ilnp}
# shellcheck source=SCRIPTDIR/../../tests/netns/lib.sh
source "$BENCH_ROOT/tests/netns/lib.sh" "$ILNP"
netns_require
netns_require_python
renice -n "${BENCH_NICE:--10}" -p $$ >/dev/null # inherited by every process started from here

YGG_VERSION=$(dpkg-query -W -f '${Version}' yggdrasil 2>/dev/null || echo "?")
results=$(bench_results tun "seconds=$SECS" "pings=$COUNT" "iperf3=$(iperf3 --version 2>&1 | head -n 1)" \
  "yggdrasil=yggdrasil $YGG_VERSION (Debian), IfMTU ${YGG_MTU:-default}")

# The three namespaces (lib.sh's names, so its teardown and stale-run reaping
# apply) and the two veth segments, instead of lib.sh's bridge.
netns_reap_stale
NETNS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$NETNS_PREFIX.XXXX")
trap netns_teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for host in alice router bob; do
  ip netns add "$(netns_name "$host")"
  NETNS_NAMESPACES+=("$(netns_name "$host")")
  ip -n "$(netns_name "$host")" link set lo up
done
A=$(netns_name alice) R=$(netns_name router) B=$(netns_name bob)
ip -n "$A" link add eth0 type veth peer name eth0 netns "$R"
ip -n "$B" link add eth0 type veth peer name eth1 netns "$R"
link_up() { # NS DEV ADDRESS
  ip -n "$1" link set "$2" addrgenmode none
  ip -n "$1" addr add "$3/64" dev "$2" nodad
  ip -n "$1" link set "$2" up
}
link_up "$A" eth0 fd01::1
link_up "$R" eth0 fd01::2
link_up "$R" eth1 fd02::2
link_up "$B" eth0 fd02::1
ip -n "$A" -6 route add fd02::/64 via fd01::2
ip -n "$B" -6 route add fd01::/64 via fd02::2
ip netns exec "$R" sysctl -qw net.ipv6.conf.all.forwarding=1
in_alice() { ip netns exec "$A" "$@"; }
in_bob() { ip netns exec "$B" "$@"; }
# Conditions for wait_for.
has_ygg0() { in_alice ip link show ygg0 >/dev/null 2>&1; }
first_ping() { in_alice ping -6 -c 1 -W 1 "$DST" >/dev/null 2>&1; }
listening() { [[ -n $(in_bob ss -ltnH 'sport = :5201') ]]; }

# ---- the forwarders of each path: start_PATH RUN sets DST (bob's address on
# that path), IFACE and MTU (the path's interface at alice and its MTU) and
# LABELS (the three daemons, alice router bob).

start_ilnp() { # MODE RUN
  local mode=$1 run=$2 common label
  common=(node --link.mcast_interface=eth0 --link.loopback=false --discovery.wait_time=2 --network.log=info)
  [[ $mode == sealed ]] && common+=(--security.encrypt=true)
  LABELS=("$mode-$run-alice" "$mode-$run-router" "$mode-$run-bob")
  netns_start router "${LABELS[1]}" -- "$ILNP" "${common[@]}" --discovery.hostname=router \
    "--network.locators=0:0:0:a%eth0, 0:0:0:b%eth1"
  wait_for 5 "router joined its locators" has_line "$(err_of "${LABELS[1]}")" 'joined locator 0:0:0:b' ||
    fail "the ilnp router ($mode) did not start"
  netns_start bob "${LABELS[2]}" -- "$ILNP" "${common[@]}" --discovery.hostname=bob --network.locators=0:0:0:b \
    --tun.enable=true --tun.names_dir="$NETNS_DIR/names-${LABELS[2]}"
  netns_start alice "${LABELS[0]}" -- "$ILNP" "${common[@]}" --discovery.hostname=alice --network.locators=0:0:0:a \
    --tun.enable=true --tun.names_dir="$NETNS_DIR/names-${LABELS[0]}"
  for label in "${LABELS[0]}" "${LABELS[2]}"; do
    wait_for 5 "$label's TUN" has_line "$(err_of "$label")" 'tun: interface ilnp0 address' ||
      fail "$label made no TUN"
  done
  DST=$(sed -n 's/.*tun: interface ilnp0 address \([0-9a-f:]*\)\/64 mtu.*/\1/p' "$(err_of "${LABELS[2]}")" | tail -n 1)
  MTU=$(sed -n 's/.*tun: interface ilnp0 address .* mtu \([0-9]*\).*/\1/p' "$(err_of "${LABELS[0]}")" | tail -n 1)
  IFACE=ilnp0
}
start_plain() { start_ilnp plain "$1"; }
start_sealed() { start_ilnp sealed "$1"; }

start_yggdrasil() { # RUN
  local run=$1 host label conf listen peers
  LABELS=("ygg-$run-alice" "ygg-$run-router" "ygg-$run-bob")
  for host in router alice bob; do
    label=ygg-$run-$host
    conf=$NETNS_DIR/$label.conf
    listen="[]" peers="[]"
    case $host in
      router) listen='["tcp://[fd01::2]:12345", "tcp://[fd02::2]:12345"]' ;;
      alice) peers='["tcp://[fd01::2]:12345"]' ;;
      bob) peers='["tcp://[fd02::2]:12345"]' ;;
    esac
    yggdrasil -genconf -json | python3 -c '
import json, sys
c = json.load(sys.stdin)
c.update(Peers=json.loads(sys.argv[1]), Listen=json.loads(sys.argv[2]), MulticastInterfaces=[],
         AdminListen="none", IfName="ygg0")
if sys.argv[3]:
    c["IfMTU"] = int(sys.argv[3])
print(json.dumps(c, indent=1))' "$peers" "$listen" "$YGG_MTU" >"$conf"
    netns_start "$host" "$label" -- yggdrasil -useconffile "$conf" -logto stdout
    # Its peers dial it once and then back off: the router listens first.
    if [[ $host == router ]]; then
      wait_for 10 "yggdrasil router listening" more_lines "$(out_of "$label")" 'TCP listener started' 1 ||
        fail "the yggdrasil router did not listen"
    fi
  done
  for label in "${LABELS[0]}" "${LABELS[2]}"; do
    wait_for 10 "$label peered with the router" has_line "$(out_of "$label")" 'Connected outbound' ||
      fail "$label did not peer with the router"
  done
  DST=$(yggdrasil -useconffile "$NETNS_DIR/${LABELS[2]}.conf" -address)
  wait_for 10 "alice's ygg0" has_ygg0 || fail "yggdrasil made no ygg0 at alice"
  MTU=$(in_alice cat /sys/class/net/ygg0/mtu)
  IFACE=ygg0
}

start_kernel() { # RUN
  LABELS=()
  DST=fd02::1
  MTU=$(in_alice cat /sys/class/net/eth0/mtu)
  IFACE=eth0
}

stop_path() { # PATH
  local label status
  for label in "${LABELS[@]}"; do
    status=0
    netns_stop "$label" 5 || status=$?
    if [[ $1 == plain || $1 == sealed ]]; then
      ((status == 0)) || fail "$label stopped with status $status"
      log "$label: $(summary_line "$(err_of "$label")" | sed 's/.*stopping: //')"
    fi
  done
}

# Non-idle CPU seconds of the whole machine so far (all CPUs).
machine_cpu_seconds() {
  awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { printf "%.3f\n", ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat
}
# Packets the kernel dropped on alice's interface of the path so far: for a
# TUN, its queue to the daemon was full (the daemon did not read fast enough).
tx_dropped() { in_alice cat "/sys/class/net/$IFACE/statistics/tx_dropped"; }
forwarders_cpu() { # LABEL...: their CPU seconds so far, one line
  local label
  for label in "$@"; do cpu_seconds "$(pid_of "$label")"; done | paste -sd' '
}

measure() { # PATH RUN
  local path=$1 run=$2 cpu0 cpu1 m0 m1 d0 d1 srv="iperf-$1-$2" rc=0
  wait_for 30 "a first ping from alice reaches bob ($path, $DST)" first_ping || fail "no ping reply over $path"
  in_alice ping -6 -c 5 -i 0.05 -W 1 "$DST" >/dev/null 2>&1 || true # warm-up
  in_alice ping -6 -c "$COUNT" -i 0.05 -W 1 "$DST" >"$NETNS_DIR/ping-$path-$run.out" 2>&1 || true
  netns_start bob "$srv" -- iperf3 -s -1 -p 5201
  wait_for 5 "iperf3 server at bob" listening || fail "the iperf3 server did not start"
  cpu0=$(forwarders_cpu "${LABELS[@]}")
  m0=$(machine_cpu_seconds)
  d0=$(tx_dropped)
  in_alice timeout $((SECS + 30)) iperf3 -6 -c "$DST" -p 5201 -t "$SECS" -J >"$NETNS_DIR/iperf-$path-$run.json" || rc=$?
  m1=$(machine_cpu_seconds)
  cpu1=$(forwarders_cpu "${LABELS[@]}")
  d1=$(tx_dropped)
  netns_wait_exit "$srv" 5 || true
  ((rc == 0)) || { cat "$NETNS_DIR/iperf-$path-$run.json" >&2; fail "iperf3 over $path failed (status $rc)"; }
  local line
  line=$(python3 - "$path" "$run" "$MTU" "$DST" "$NETNS_DIR/ping-$path-$run.out" "$NETNS_DIR/iperf-$path-$run.json" \
    "$cpu0" "$cpu1" "$m0" "$m1" "$COUNT" "$((d1 - d0))" <<'EOF'
import json, re, statistics, sys
path, run, mtu, dst, ping_out, iperf_json, cpu0, cpu1, m0, m1, count, dropped = sys.argv[1:]
times = [float(t) for t in re.findall(r"time=([0-9.]+) ms", open(ping_out).read())]
ip = json.load(open(iperf_json))
end = ip["end"]
received = end["sum_received"]
before, after = [float(x) for x in cpu0.split()], [float(x) for x in cpu1.split()]
per_node = [b - a for a, b in zip(before, after)]
row = {"path": path, "run": int(run), "mtu": int(mtu), "dst": dst,
       "rtt_ms": {"median": statistics.median(times) if times else None, "min": min(times, default=None),
                  "max": max(times, default=None), "sent": int(count), "received": len(times)},
       "tcp": {"bits_per_second": received["bits_per_second"], "bytes": received["bytes"],
               "seconds": received["seconds"], "retransmits": end["sum_sent"].get("retransmits")},
       "forwarders_cpu_s": sum(per_node) if per_node else None,
       "forwarders_cpu_s_each": per_node,  # alice, router, bob
       "machine_cpu_s": float(m1) - float(m0),
       "alice_tx_dropped": int(dropped)}  # by the kernel on alice's interface of the path (a full TUN queue)
print(json.dumps(row))
EOF
  ) || fail "cannot read the measurements of $path"
  echo "$line" >>"$results"
  log "$line"
}

read -ra paths <<<"$PATHS"
for path in "${paths[@]}"; do
  [[ $path =~ ^(kernel|plain|sealed|yggdrasil)$ ]] || { echo "tun.sh: no path '$path'" >&2; exit 2; }
done
for run in $(seq 1 "$RUNS"); do
  rotate "$run" "${paths[@]}"
  for path in "${ORDER[@]}"; do
    log "run $run: $path"
    "start_$path" "$run"
    measure "$path" "$run"
    stop_path "$path"
  done
done

bench_report tun "$results"
