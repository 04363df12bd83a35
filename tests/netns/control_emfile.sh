#!/usr/bin/env bash
# The control socket out of file descriptors (issue 15 item 8): a real node
# whose RLIMIT_NOFILE is lowered (prlimit) to just above what it uses, held
# by idle control connections and a backlog of more. The node must not spin
# on EMFILE (its CPU time over a few seconds, from /proc/PID/stat, stays
# low), must close the idle sessions after the idle timeout (30 s), and must
# answer a new `ilnp ctl status` afterwards, with the failures counted.
#
# usage: control_emfile.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
command -v prlimit >/dev/null || skip "needs prlimit (util-linux)"
T="$(dirname "$0")/../../topo/demo"
netns_setup alice
sock=$NETNS_DIR/run/alice/ilnp/alice.sock
netns_start alice alice -- "$ILNP" node -c "$T/alice.ini" --network.locators=0:0:0:b --application.log=info
wait_for 10 "alice's control socket" test -S "$sock" || fail "alice did not start"
pid=$(pid_of alice)
"$ILNP" ctl --socket "$sock" status >/dev/null || fail "ctl status before the test"

fds=$(find "/proc/$pid/fd" -mindepth 1 | wc -l)
limit=$((fds + 4))
prlimit --pid "$pid" --nofile="$limit:$limit" || fail "prlimit"
log "alice uses $fds descriptors; RLIMIT_NOFILE lowered to $limit"

# Holds 4 idle sessions (the node's last descriptors) and 30 connections in
# the backlog, measures the node's CPU over 4 s, drops the backlog, then waits
# for the node to close the idle sessions. Prints: cpu_fraction closed_idle.
result=$(python3 - "$sock" "$pid" "$limit" <<'PY'
import os, socket, sys, time
path, pid = sys.argv[1], int(sys.argv[2])
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tick
def fd_count():
    return len(os.listdir(f"/proc/{pid}/fd"))
idle = []
for _ in range(4):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    idle.append(s)
deadline = time.time() + 10
while fd_count() < int(sys.argv[3]) and time.time() < deadline:  # the 4 accepted
    time.sleep(0.05)
backlog = []
for _ in range(30):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(path)
    except (BlockingIOError, OSError):
        pass
    backlog.append(s)
time.sleep(0.5)
c0, t0 = cpu(), time.time()
time.sleep(4)
fraction = (cpu() - c0) / (time.time() - t0)
for s in backlog:
    s.close()
closed = 0
deadline = time.time() + 45
for s in idle:
    s.settimeout(max(0.1, deadline - time.time()))
    try:
        if s.recv(1) == b"":
            closed += 1
    except (socket.timeout, OSError):
        pass
print(f"{fraction:.3f} {closed}")
PY
) || fail "the connection script failed"
read -r cpu closed <<<"$result"
log "node CPU while out of descriptors: $cpu of a core; idle sessions closed by the node: $closed of 4"
check "no busy loop on EMFILE (CPU < 0.2 of a core)" python3 -c "import sys; sys.exit(0 if float('$cpu') < 0.2 else 1)"
check "idle sessions closed after the timeout" test "$closed" = 4
status=$("$ILNP" ctl --socket "$sock" status --json) || fail "ctl status after the idle sessions were closed"
counter() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])["counters"][sys.argv[2]])' "$status" "$1"; }
errors=$(counter control_accept_errors)
timed_out=$(counter control_sessions_timed_out)
log "ctl status: control_accept_errors=$errors control_sessions_timed_out=$timed_out"
check "accept errors counted" gt "${errors:-x}" 0
check "timed-out sessions counted" ge "${timed_out:-x}" 4
check "accept failures logged" has_line "$(err_of alice)" 'accept failed'
check "but rate-limited (at most one line per 10 s)" test "$(count_lines "$(err_of alice)" 'accept failed')" -le 6
log "ok"
