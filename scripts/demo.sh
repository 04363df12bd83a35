#!/usr/bin/env bash
# The main job on one machine: sets up (packages, build), then runs a local
# overlay in network namespaces: alice moves a -> b -> c every 10 s (soft
# handoff), a router joins a, b and c, bob stays on b and streams 100
# datagrams/s to alice. Shows each move, locator update and alice's running
# loss count as they happen, then each node's status and both summaries.
# Ends by itself; exits 0 only if alice received after every move and lost
# nothing. Ctrl-C (or SIGTERM) at any moment removes every namespace and
# process it started. Needs root.
#   DEMO_SECONDS=45 (stream length)  DEMO_SKIP_SETUP=1 (no setup)
#   ILNP_BIN=build/ilnp  NETNS_KEEP=1 (keep logs)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $(id -u) -ne 0 ]]; then
  echo "demo: network namespaces need root: run  sudo scripts/demo.sh" >&2
  exit 1
fi
[[ -n ${DEMO_SKIP_SETUP:-} ]] || scripts/setup.sh
seconds=${DEMO_SECONDS:-45}
topo=$PWD/topo/demo

# shellcheck source=tests/netns/lib.sh
source tests/netns/lib.sh "$(realpath "${ILNP_BIN:-build/ilnp}")"
# shellcheck source=scripts/lib/demo-common.sh
source scripts/lib/demo-common.sh
netns_require
netns_setup alice router bob
# The viewer runs outside the namespaces: end it before lib.sh's teardown,
# which reads the exit status first.
demo_teardown() {
  local status=$?
  set +e  # errexit would end the trap at the status restored below
  demo_viewer_end 0
  (exit "$status")
  netns_teardown
}
trap demo_teardown EXIT
netns_start router router -- "$ILNP" node -c "$topo/router.ini"
netns_start alice alice -- "$ILNP" experiment -c "$topo/alice.ini"
netns_start bob bob -- "$ILNP" experiment -c "$topo/bob.ini" --application.run_time="$seconds"
echo "demo: bob streams to alice for ${seconds}s while alice moves every 10 s (logs in $NETNS_DIR)"
echo
demo_viewer "$(pid_of alice)" "$(err_of alice)" "$(out_of alice)"

# Status shortly before bob stops, while alice is still on the move.
demo_wait_exit $((seconds > 3 ? seconds - 2 : 1)) "$(pid_of bob)"
for node in alice router; do
  echo
  echo "== ilnp ctl status ($node)"
  timeout 5 "$ILNP" ctl --socket "$NETNS_DIR/run/$node/ilnp/$node.sock" status || true
done
# Bob stops after run_time and sends alice his end marker; she stops on it.
netns_wait_exit bob 15 || echo "demo: bob ended with status $?" >&2
netns_wait_exit alice 10 || echo "demo: alice ended with status $?" >&2
demo_viewer_end 2
echo
echo "demo: bob (sender):    $(tail -n 1 "$(out_of bob)")"
echo "demo: alice (mobile):  $(tail -n 1 "$(out_of alice)")"
demo_verdict demo "$(err_of alice)" "$(out_of alice)"
