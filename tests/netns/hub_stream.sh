#!/usr/bin/env bash
# The stream gateway across a relay hub, without root: a hub on loopback,
# alice on hub locator e, bob on hub locator f, a router joined to both (every
# datagram crosses the hub twice). A TCP client on alice's side sends
# STREAM_BYTES (default 20 MB) through `stream listen` -> overlay -> `stream
# serve` to a TCP server on bob's side, which answers with the byte count and
# SHA-256 after the client's half-close. Passes when they match.
#   usage: hub_stream.sh ILNP_BINARY
set -euo pipefail
ilnp=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
bytes=${STREAM_BYTES:-20000000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/ilnp-hub-stream.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
export XDG_STATE_HOME=$dir/state XDG_RUNTIME_DIR=$dir/run
mkdir -p "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::", 0)); print(s.getsockname()[1])'; }
free_tcp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
hub=127.0.0.1:$(free_port)
mport=$(free_port)
listen_port=$(free_tcp)
serve_port=$(free_tcp)
fail() { echo "FAIL: $*" >&2; for f in "$dir"/*.err; do echo "---- $f" >&2; tail -n 15 "$f" >&2; done; exit 1; }

"$ilnp" hub --listen "$hub" --stats-interval 0 2>"$dir/hub.err" &
pids+=($!)
node() {  # node NAME LOCATORS
  "$ilnp" node --discovery.hostname="$1" --network.locators="$2" --discovery.wait_time=2 \
    --link.mcast_port="$mport" --control.socket="$dir/run/$1.sock" >"$dir/$1.out" 2>"$dir/$1.err" &
  pids+=($!)
}
sleep 0.3
node router "0:0:0:e@$hub, 0:0:0:f@$hub"
node alice "0:0:0:e@$hub"
node bob "0:0:0:f@$hub"
ctl() { "$ilnp" ctl --socket "$dir/run/$1.sock" "${@:2}"; }
for _ in $(seq 100); do
  [[ -S $dir/run/alice.sock && -S $dir/run/bob.sock ]] && ctl alice status | grep -q '^  bob at' && break
  sleep 0.1
done
ctl alice status | grep -q '^  bob at' || fail "alice did not discover bob through the hub"

python3 "$here/tcp_hash.py" sink "$serve_port" >"$dir/sink.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q listening "$dir/sink.out" && break; sleep 0.1; done
grep -q listening "$dir/sink.out" || fail "the TCP sink did not start"
ctl bob stream serve files "127.0.0.1:$serve_port" >/dev/null || fail "stream serve"
ctl alice stream listen "$listen_port" bob files >/dev/null || fail "stream listen"
result=$(python3 "$here/tcp_hash.py" source "$listen_port" "$bytes") || fail "the transfer failed: $result"
echo "$result"
[[ $result == *'"ok": true'* ]] || fail "the server's count or hash differs: $result"
# The hub link's counters are visible: metrics and status agree, and the
# transfer went out through the hub.
metrics=$(ctl alice metrics) || fail "ctl metrics"
out_metric=$(awk '$1 == "ilnp_hub_datagrams_total{direction=\"out\"}" { print $2 }' <<<"$metrics")
accepted=$(awk '$1 == "ilnp_hub_registrations_total{result=\"accepted\"}" { print $2 }' <<<"$metrics")
status_sent=$(ctl alice status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["counters"]["hub_sent"])')
((${out_metric:-0} > 1000)) || fail "ilnp_hub_datagrams_total{direction=out} is '${out_metric:-missing}' after the transfer"
((${accepted:-0} >= 1)) || fail "no accepted hub registration in the metrics"
((status_sent >= out_metric)) || fail "ctl status hub_sent $status_sent < metrics $out_metric"
echo "alice through the hub: $out_metric datagrams out, $accepted registrations accepted"
kill -INT "${pids[0]}"
sleep 0.3
echo "hub: $(grep -o 'stopping: .*' "$dir/hub.err" | tail -n 1)"
echo "PASS: the stream gateway across a relay hub"
