#!/usr/bin/env bash
# The main job on one machine: sets up (packages, build), then runs a local
# overlay in network namespaces: alice moves a -> b -> c every 10 s (soft
# handoff), a router joins a, b and c, bob stays on b and streams 100
# datagrams/s to alice. Shows each move, locator update and alice's running
# loss count as they happen, then each node's status and alice's summary.
# Needs root.   DEMO_SECONDS=45 (stream length), DEMO_SKIP_SETUP=1 (no setup)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(id -u) -ne 0 ]]; then
  echo "demo: network namespaces need root: run  sudo scripts/demo.sh" >&2
  exit 1
fi
[[ -n ${DEMO_SKIP_SETUP:-} ]] || scripts/setup.sh
seconds=${DEMO_SECONDS:-45}
topo=$PWD/topo/demo

# shellcheck source=../tests/netns/lib.sh
source tests/netns/lib.sh "$PWD/build/ilnp"
netns_require
netns_setup alice router bob
netns_start router router -- "$ILNP" node -c "$topo/router.ini"
netns_start alice alice -- "$ILNP" experiment -c "$topo/alice.ini"
wait_for 10 "alice and bob discover each other" true
netns_start bob bob -- "$ILNP" experiment -c "$topo/bob.ini" --application.run_time="$seconds"
echo "demo: bob streams to alice for ${seconds}s while alice moves every 10 s (logs in $NETNS_DIR)"
echo

# Live view: alice's moves and updates, and her running counts.
tail -q -n +1 -F "$(err_of alice)" "$(out_of alice)" 2>/dev/null |
  grep --line-buffered -E 'moving from|locator update|left locator|progress' |
  sed -u -E 's/^[0-9-]+ ([0-9:.]+) (alice )?/\1 /' &
viewer=$!
sleep $((seconds > 3 ? seconds - 2 : 1))
for node in alice router; do
  echo
  echo "== ilnp ctl status ($node)"
  "$ILNP" ctl --socket "$NETNS_DIR/run/$node/ilnp/$node.sock" status || true
done
netns_wait_exit bob 15 || true
netns_wait_exit alice 5 || true
kill "$viewer" 2>/dev/null || true
wait "$viewer" 2>/dev/null || true
echo
echo "demo: bob (sender):    $(tail -n 1 "$(out_of bob)")"
echo "demo: alice (mobile):  $(tail -n 1 "$(out_of alice)")"
