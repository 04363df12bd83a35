#!/usr/bin/env bash
# The demo without root or namespaces: a relay hub on loopback and three nodes
# as ordinary processes, every locator backed by the hub. alice moves
# a -> b -> c (soft handoff), a router joins a, b and c, bob stays on b and
# streams to alice. Shows each move and alice's running loss count, then the
# hub's counters and both summaries. Ends by itself; exits 0 only if alice
# received after every move and lost nothing. Ctrl-C (or SIGTERM) at any
# moment ends every process it started and removes its folder.
#   DEMO_SECONDS=30 (stream length)  DEMO_MOVE=6 (seconds between moves)
#   DEMO_RATE=100 (datagrams/s)  ILNP_BIN=build/ilnp  DEMO_KEEP=1 (keep logs)
set -euo pipefail
cd "$(dirname "$0")/.."
ilnp=$(realpath "${ILNP_BIN:-build/ilnp}")
[[ -x $ilnp ]] || { echo "demo-hub: no $ilnp: build first (cmake -S . -B build && cmake --build build)" >&2; exit 1; }
seconds=${DEMO_SECONDS:-30}
move=${DEMO_MOVE:-6}
rate=${DEMO_RATE:-100}
dir=$(mktemp -d "${TMPDIR:-/tmp}/ilnp-demo-hub.XXXXXX")
# shellcheck source=scripts/lib/demo-common.sh
source scripts/lib/demo-common.sh
pids=()
cleanup() {
  local status=$? pid
  set +e
  demo_viewer_end 0
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  demo_wait_exit 3 "${pids[@]}"
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  wait 2>/dev/null
  if [[ -n ${DEMO_KEEP:-} ]]; then echo "demo-hub: logs kept in $dir"; else rm -rf "$dir"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Everything a node writes (identity, state.db, control socket) stays in $dir.
export XDG_STATE_HOME=$dir/state XDG_RUNTIME_DIR=$dir/run HOME=$dir
mkdir -p "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"

# A free UDP port on loopback for the hub (several demos may run at once).
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mport=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::", 0)); print(s.getsockname()[1])')
hub=127.0.0.1:$port
at() { local l; for l in "$@"; do printf '%s@%s' "$l" "$hub"; done; }

start() {  # start NAME ARGS...: runs ilnp ARGS with NAME's logs and state under $dir
  local name=$1
  shift
  "$ilnp" "$@" >"$dir/$name.out" 2>"$dir/$name.err" &
  pids+=($!)
}
node_args() {  # node_args NAME: the options every node shares
  echo "--discovery.hostname=$1 --discovery.wait_time=2 --link.mcast_port=$mport --link.hub_keepalive=5" \
       "--security.state_dir=$dir/state/$1 --control.socket=$dir/run/$1.sock --network.log=true --link.log=true"
}

start hub hub --listen "$hub" --stats-interval 0
sleep 0.3
# shellcheck disable=SC2046
start router node $(node_args router) --network.locators="$(at 0:0:0:a), $(at 0:0:0:b), $(at 0:0:0:c)"
# shellcheck disable=SC2046
start alice experiment $(node_args alice) --network.locators="$(at 0:0:0:a)-$(at 0:0:0:b)-$(at 0:0:0:c)" \
  --network.move_time="$move" --network.handoff_time=$((move / 2)) --application.port=1000 \
  --application.print_datagrams=false --application.progress=1 --application.run_time=$((seconds + 4))
sleep 2
# shellcheck disable=SC2046
start bob experiment $(node_args bob) --network.locators="$(at 0:0:0:b)" --application.port=1000 \
  --application.remote_hostname=alice --application.remote_port=1000 \
  --application.wait_time="$(awk -v r="$rate" 'BEGIN { print 1 / r }')" --application.print_datagrams=false \
  --application.run_time="$seconds"
echo "demo-hub: hub on $hub; bob streams $rate datagrams/s to alice for ${seconds}s while alice moves every ${move}s"
echo "demo-hub: no root, no namespaces: every node is an ordinary process of $(id -un) (logs in $dir)"
echo

demo_viewer "${pids[2]}" "$dir/alice.err" "$dir/alice.out"
demo_wait_exit $((seconds + 15)) "${pids[3]}" "${pids[2]}"  # bob stops, then alice on his end marker
demo_viewer_end 2
kill -INT "${pids[0]}" 2>/dev/null || true
demo_wait_exit 3 "${pids[0]}"
echo
echo "demo-hub: hub: $(grep -o 'stopping: .*' "$dir/hub.err" | tail -n 1)"
echo "demo-hub: bob (sender):    $(tail -n 1 "$dir/bob.out")"
echo "demo-hub: alice (mobile):  $(tail -n 1 "$dir/alice.out")"
demo_verdict demo-hub "$dir/alice.err" "$dir/alice.out"
