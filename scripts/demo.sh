#!/usr/bin/env bash
# The main job on one machine: sets up (packages, build), then runs a local
# overlay in network namespaces: alice moves a -> b -> c every 10 s (soft
# handoff), a router joins a, b and c, bob stays on b. bob and alice exchange
# heartbeats the whole time; the demo shows moves, locator updates and
# heartbeats as they happen, then each node's status. Needs root.
#   DEMO_SECONDS=45 (how long), DEMO_SKIP_SETUP=1 (build already done)
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
netns_start bob bob -- "$ILNP" heartbeat -c "$topo/bob.ini"
netns_start alice alice -- "$ILNP" heartbeat -c "$topo/alice.ini"
echo "demo: alice, router and bob running for ${seconds}s (logs in $NETNS_DIR)"
echo "demo: alice moves every 10 s; watch bob's heartbeats keep arriving at alice"
echo

# Live view: alice's moves and updates, and the heartbeats each side receives.
tail -q -n +1 -F "$(err_of alice)" "$(out_of alice)" "$(out_of bob)" 2>/dev/null |
  grep --line-buffered -E 'moving from|locator update|left locator| -> ' |
  sed -u -E 's/^[0-9-]+ ([0-9:.]+) /\1 /' &
viewer=$!
sleep "$seconds"
kill "$viewer" 2>/dev/null || true
wait "$viewer" 2>/dev/null || true

echo
for node in alice router bob; do
  echo "== ilnp ctl status ($node)"
  "$ILNP" ctl --socket "$NETNS_DIR/run/$node/ilnp/$node.sock" status || true
done
sent_by_bob=$(grep -c '| bob$' "$(out_of bob)" || true)
got_by_alice=$(grep -c '| bob$' "$(out_of alice)" || true)
moves=$(grep -c 'moving from' "$(err_of alice)" || true)
echo
echo "demo: alice moved $moves times; bob sent $sent_by_bob heartbeats, alice received $got_by_alice"
