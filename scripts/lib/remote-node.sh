#!/bin/sh
# Runs one testbed node on a real host (a Raspberry Pi); called over ssh by
# scripts/experiment --hosts and by the systemd unit ilnp-node@.service.
# Files of node NODE live in ROOT/testbed/NODE: node.ini (its config), env
# (ILNP_MODE=node|heartbeat|experiment), out, log, pid, status.
#
#   remote-node.sh start NODE    under systemd when the unit is installed, else detached
#   remote-node.sh run NODE      in the foreground (what the unit runs)
#   remote-node.sh alive NODE    exit 0 while it runs
#   remote-node.sh stop NODE     SIGTERM, SIGKILL after 5 s
#   remote-node.sh status NODE   prints its exit status (empty while running)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cmd=${1:?usage: remote-node.sh start|run|alive|stop|status NODE}
node=${2:?usage: remote-node.sh start|run|alive|stop|status NODE}
dir="$root/testbed/$node"
unit="ilnp-node@$node.service"
systemctl="systemctl"
[ "$(id -u)" -eq 0 ] || systemctl="sudo -n systemctl"

under_systemd() {
  [ -d /run/systemd/system ] && [ -f /etc/systemd/system/ilnp-node@.service ] &&
    grep -q "$root/scripts/lib/remote-node.sh" /etc/systemd/system/ilnp-node@.service
}

running_pid() {
  [ -f "$dir/pid" ] || return 1
  pid=$(cat "$dir/pid")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

case $cmd in
  run)
    # shellcheck source=/dev/null
    [ -f "$dir/env" ] && . "$dir/env"
    mkdir -p "$dir/xdg" && chmod 700 "$dir/xdg"
    rm -f "$dir/status"
    TZ=UTC XDG_RUNTIME_DIR="$dir/xdg" "$root/build/ilnp" "${ILNP_MODE:-node}" -c "$dir/node.ini" \
      </dev/null >"$dir/out" 2>"$dir/log" &
    child=$!
    echo "$child" >"$dir/pid"
    trap 'kill -TERM $child 2>/dev/null' TERM INT HUP
    while :; do
      wait "$child"
      status=$?
      kill -0 "$child" 2>/dev/null || break
    done
    echo "$status" >"$dir/status"
    rm -f "$dir/pid"
    exit "$status"
    ;;
  start)
    rm -f "$dir/status" "$dir/pid"
    : >"$dir/out"
    : >"$dir/log"
    if under_systemd; then
      $systemctl reset-failed "$unit" 2>/dev/null
      exec $systemctl start "$unit"
    fi
    setsid nohup "$0" run "$node" </dev/null >/dev/null 2>&1 &
    # Wait for the pid file, so that alive is true right after start.
    i=0
    while [ ! -f "$dir/pid" ] && [ ! -f "$dir/status" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    ;;
  alive)
    running_pid >/dev/null
    ;;
  stop)
    pid=$(running_pid) || exit 0
    kill -TERM "$pid" 2>/dev/null
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    kill -KILL "$pid" 2>/dev/null
    i=0
    while [ ! -f "$dir/status" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
    under_systemd && $systemctl stop "$unit" 2>/dev/null
    exit 0
    ;;
  status)
    [ -f "$dir/status" ] && cat "$dir/status"
    exit 0
    ;;
  *)
    echo "remote-node.sh: unknown command $cmd" >&2
    exit 2
    ;;
esac
