# shellcheck shell=bash
# Shared by the namespace tests (and experiments/netns_throughput.sh): one
# bridge namespace plus host namespaces named after this run, node processes,
# deadlines and teardown. Source it, never run it.
#
#   source lib.sh "$ILNP_BINARY"     # or ILNP_BIN in the environment
#   netns_require                    # exit 77 (skip) unless root + ip netns
#   netns_setup alice router bob     # bridge + one namespace per host, veth eth0
#   netns_start alice hb_alice -- "$ILNP" heartbeat -c ...
#   wait_for 10 "bob's heartbeat at alice" has_line "$(out_of hb_alice)" '\| bob$'
#   netns_stop hb_alice
#   summary_count "$(err_of hb_alice)" forwarded
#
# Every namespace name starts with "ilnpt<PID>-" so runs (ctest -j) never meet;
# the bridge lives in a namespace of its own, so the root namespace is never
# touched. Teardown runs on EXIT, on success and failure alike; namespaces,
# processes and log directories left by a run that was SIGKILLed (its PID is
# gone) are removed by the next run. NETNS_KEEP=1 keeps the log directory,
# NETNS_KEEP_ON_FAIL=1 keeps it when the test fails.

set -euo pipefail

NETNS_SKIP_CODE=77
ILNP=${1:-${ILNP_BIN:-}}
NETNS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${ILNP_FIXTURES_DIR:=$NETNS_LIB_DIR/../fixtures}"
NETNS_PREFIX="ilnpt$$"
NETNS_BRIDGE_NS="$NETNS_PREFIX-br"
NETNS_NAMESPACES=()       # created here, deleted at exit
declare -gA NETNS_PIDS=() # label -> pid of a process started in a namespace
NETNS_LABELS=()           # labels in start order (for log tails)
NETNS_DIR=""
NETNS_T0=$(date +%s.%N)

log() { printf '[%6.2fs] %s\n' "$(elapsed)" "$*" >&2; }
elapsed() { awk -v a="$NETNS_T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

skip() {
  echo "SKIP: $*" >&2
  exit "$NETNS_SKIP_CODE"
}

# Prints why, the tail of every process's output, and exits 1.
fail() {
  echo "FAIL: $*" >&2
  dump_logs
  exit 1
}

dump_logs() {
  local label f state
  [[ -n $NETNS_DIR ]] || return 0
  for label in "${NETNS_LABELS[@]}"; do
    if [[ -z ${NETNS_PIDS[$label]:-} ]]; then
      state="stopped by the test"
    elif kill -0 "${NETNS_PIDS[$label]}" 2>/dev/null; then
      state="running"
    else
      state="exited by itself"
      wait "${NETNS_PIDS[$label]}" 2>/dev/null && state+=" (status 0)" || state+=" (status $?)"
    fi
    echo "---- $label: $state" >&2
    for f in "$NETNS_DIR/$label.out" "$NETNS_DIR/$label.err"; do
      [[ -s $f ]] || continue
      echo "---- tail of $label ${f##*.} ($f)" >&2
      tail -n "${NETNS_TAIL_LINES:-25}" "$f" | cut -c1-300 >&2
    done
  done
}

# Skips (exit 77) unless this can build namespaces; fails if the binary is missing.
netns_require() {
  [[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces)"
  command -v ip >/dev/null 2>&1 || skip "needs iproute2's ip"
  ip netns list >/dev/null 2>&1 || skip "ip netns is unavailable"
  local probe="$NETNS_PREFIX-probe"
  ip netns add "$probe" 2>/dev/null || skip "cannot create a network namespace here"
  ip netns del "$probe"
  ip link help bridge >/dev/null 2>&1 || true
  [[ -n $ILNP && -x $ILNP ]] || {
    echo "FAIL: no ilnp binary: pass its path as the first argument or in ILNP_BIN" >&2
    exit 1
  }
}

netns_require_python() {
  command -v python3 >/dev/null 2>&1 || skip "needs python3"
}

# Namespaces of earlier runs that were killed before their trap ran (e.g. a
# ctest timeout sends SIGKILL): their owner PID is gone. Kill what still runs
# in them and delete them.
netns_reap_stale() {
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
    [[ $ns =~ ^ilnpt([0-9]+)- ]] || continue
    pid=${BASH_REMATCH[1]}
    [[ $pid == "$$" ]] && continue
    kill -0 "$pid" 2>/dev/null && continue
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  local dir
  for dir in "${TMPDIR:-/tmp}"/ilnpt*.????; do
    [[ -d $dir && ! -e $dir/.keep && ${dir##*/} =~ ^ilnpt([0-9]+)\. ]] || continue
    kill -0 "${BASH_REMATCH[1]}" 2>/dev/null || rm -rf "$dir"
  done
}

netns_teardown() {
  local status=$?
  set +e
  local label pid ns
  for label in "${!NETNS_PIDS[@]}"; do
    pid=${NETNS_PIDS[$label]}
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
  done
  local deadline=$((SECONDS + 3))
  for label in "${!NETNS_PIDS[@]}"; do
    pid=${NETNS_PIDS[$label]}
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null
  done
  for ns in "${NETNS_NAMESPACES[@]}"; do
    # Anything else started inside (a helper script): ours too.
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
  done
  wait 2>/dev/null
  for ns in "${NETNS_NAMESPACES[@]}"; do ip netns del "$ns" 2>/dev/null; done
  if [[ -n $NETNS_DIR ]]; then
    if [[ ${NETNS_KEEP:-0} == 1 || ($status -ne 0 && $status -ne $NETNS_SKIP_CODE && ${NETNS_KEEP_ON_FAIL:-0} == 1) ]]; then
      touch "$NETNS_DIR/.keep"
      echo "logs kept in $NETNS_DIR" >&2
    else
      rm -rf "$NETNS_DIR"
    fi
  fi
  exit "$status"
}

# netns_setup HOST...: a bridge namespace and, per host, a namespace whose
# eth0 is a veth onto the bridge with one address fd00::N (no DAD, no
# link-local), multicast snooping off.
netns_setup() {
  netns_reap_stale
  NETNS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$NETNS_PREFIX.XXXX")
  trap netns_teardown EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  ip netns add "$NETNS_BRIDGE_NS"
  NETNS_NAMESPACES+=("$NETNS_BRIDGE_NS")
  ip -n "$NETNS_BRIDGE_NS" link add br0 type bridge mcast_snooping 0
  ip -n "$NETNS_BRIDGE_NS" link set br0 addrgenmode none
  ip -n "$NETNS_BRIDGE_NS" link set br0 up
  local host n=0
  for host in "$@"; do
    n=$((n + 1))
    netns_add_host "$host" "$n"
  done
}

netns_name() { echo "$NETNS_PREFIX-$1"; }

netns_add_host() {
  local host=$1 n=$2 ns port
  ns=$(netns_name "$host")
  port="p$n-$host"
  port=${port:0:15}
  ip netns add "$ns"
  NETNS_NAMESPACES+=("$ns")
  ip -n "$NETNS_BRIDGE_NS" link add "$port" type veth peer name eth0 netns "$ns"
  ip -n "$NETNS_BRIDGE_NS" link set "$port" addrgenmode none
  ip -n "$NETNS_BRIDGE_NS" link set "$port" master br0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 addrgenmode none
  ip -n "$ns" addr add "fd00::$n/64" dev eth0 nodad
  ip -n "$ns" link set eth0 up
}

# netns_netem HOST ARGS...: e.g. netns_netem bob delay 5ms loss 1%. Returns 1
# (and says so) when the kernel has no sch_netem; callers decide to skip.
netns_netem() {
  local host=$1
  shift
  if ! ip netns exec "$(netns_name "$host")" tc qdisc replace dev eth0 root netem "$@" 2>/dev/null; then
    log "tc netem is unavailable on this kernel"
    return 1
  fi
}

# netns_start HOST LABEL -- CMD...: runs CMD in HOST's namespace, stdout to
# LABEL.out, stderr to LABEL.err; NETNS_PIDS[LABEL] is its PID (ip netns exec
# and env exec, so this is the command itself). Each process gets an
# XDG_RUNTIME_DIR of its own: the node's control socket defaults to
# $XDG_RUNTIME_DIR/ilnp/HOSTNAME.sock (/run/ilnp/... for root), a path that
# network namespaces share, so nodes of the same name in parallel runs (or
# anyone's node on this machine) would otherwise collide. Likewise
# XDG_STATE_HOME, where a secure node keeps its identity.
netns_start() {
  local host=$1 label=$2
  shift 2
  [[ ${1:-} == -- ]] && shift
  mkdir -p "$NETNS_DIR/run/$label" "$NETNS_DIR/state/$label"
  chmod 700 "$NETNS_DIR/run/$label" "$NETNS_DIR/state/$label"
  ip netns exec "$(netns_name "$host")" env XDG_RUNTIME_DIR="$NETNS_DIR/run/$label" \
    XDG_STATE_HOME="$NETNS_DIR/state/$label" "$@" \
    </dev/null >"$NETNS_DIR/$label.out" 2>"$NETNS_DIR/$label.err" &
  NETNS_PIDS[$label]=$!
  NETNS_LABELS+=("$label")
}

out_of() { echo "$NETNS_DIR/$1.out"; }
err_of() { echo "$NETNS_DIR/$1.err"; }
pid_of() { echo "${NETNS_PIDS[$1]}"; }
is_running() { kill -0 "${NETNS_PIDS[$1]}" 2>/dev/null; }

# netns_stop LABEL [SECONDS]: SIGTERM, wait up to SECONDS (default 5), then
# SIGKILL. Returns the exit status (137 when it had to be killed).
netns_stop() {
  local label=$1 limit=${2:-5} pid
  pid=${NETNS_PIDS[$label]}
  kill -TERM "$pid" 2>/dev/null || true
  netns_wait_exit "$label" "$limit"
}

# netns_wait_exit LABEL SECONDS: waits for a process to end by itself;
# SIGKILL at the deadline. Returns its exit status.
netns_wait_exit() {
  local label=$1 limit=$2 pid status=0
  pid=${NETNS_PIDS[$label]}
  local deadline
  deadline=$(deadline_in "$limit")
  while kill -0 "$pid" 2>/dev/null && before "$deadline"; do sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$label did not exit within ${limit}s: killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || status=$?
  unset "NETNS_PIDS[$label]"
  return "$status"
}

# netns_sshd NODE ADDRESS PORT: an sshd (process label "sshd") in NODE's
# namespace listening on ADDRESS:PORT, with a throwaway host key and a client
# key for root (NETNS_SSH_OPTS: the client options to use it; add -p).
# Installs openssh when missing. Returns 1 with a log line when sshd cannot
# run here, for the caller to skip its ssh part.
netns_sshd() {
  local node=$1 address=$2 port=$3 d="$NETNS_DIR/ssh"
  if ! command -v sshd >/dev/null && [[ ! -x /usr/sbin/sshd ]] || ! command -v ssh >/dev/null; then
    log "installing openssh-server and openssh-client"
    DEBIAN_FRONTEND=noninteractive timeout 120 apt-get install -y -qq openssh-server openssh-client >/dev/null 2>&1 ||
      { log "no ssh: openssh could not be installed"; return 1; }
  fi
  mkdir -p "$d" && chmod 700 "$d"
  if ! ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" || ! ssh-keygen -q -t ed25519 -N '' -f "$d/client_key"; then
    log "no ssh: ssh-keygen failed"
    return 1
  fi
  cp "$d/client_key.pub" "$d/authorized_keys"
  cat >"$d/sshd_config" <<EOF
Port $port
ListenAddress $address
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PidFile $d/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
EOF
  mkdir -p /run/sshd  # sshd's privilege separation directory
  netns_start "$node" sshd -- /usr/sbin/sshd -f "$d/sshd_config" -D -e
  if ! wait_for 5 "sshd listens on $node" bash -c "ip netns exec '$(netns_name "$node")' ss -ltn | grep -q ':$port '"; then
    log "no ssh: sshd cannot run here: $(tail -n 3 "$(err_of sshd)" | tr '\n' ' ')"
    return 1
  fi
  NETNS_SSH_OPTS=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes
    -o ConnectTimeout=10 -i "$d/client_key")
}

deadline_in() { awk -v now="$(date +%s.%N)" -v d="$1" 'BEGIN { printf "%.3f", now + d }'; }
before() { awk -v now="$(date +%s.%N)" -v d="$1" 'BEGIN { exit !(now < d) }'; }

# wait_for SECONDS WHAT CMD...: polls CMD every 0.1 s until it succeeds
# (returns 0) or the deadline passes (returns 1). WHAT names the condition in
# the log; the time it took is logged either way.
wait_for() {
  local limit=$1 what=$2
  shift 2
  local start deadline
  start=$(date +%s.%N)
  deadline=$(deadline_in "$limit")
  while :; do
    if "$@"; then
      log "ok: $what (after $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')s)"
      return 0
    fi
    before "$deadline" || break
    sleep 0.1
  done
  log "timed out after ${limit}s: $what"
  return 1
}

# has_line FILE ERE: FILE has a line matching the extended regex.
has_line() { [[ -f $1 ]] && grep -Eq -- "$2" "$1"; }
count_lines() { if [[ -f $1 ]]; then grep -Ec -- "$2" "$1" || true; else echo 0; fi; }
# more_lines FILE ERE N: FILE now has more than N lines matching ERE.
more_lines() { (($(count_lines "$1" "$2") > $3)); }

# summary_line FILE: the node's closing "stopping: in N out N ..." line
# (empty when there is none).
summary_line() { { grep -E 'application info: stopping: ' "$1" 2>/dev/null || true; } | tail -n 1; }

# summary_count FILE KEY: a number from the closing line, whether written
# "KEY N" (in, out, forwarded, delivered) or "KEY=N" (drop reasons, link
# counters); 0 when a drop reason is absent (only non-zero ones are listed);
# "none" when there is no closing line (so gt/ge checks fail with a message).
summary_count() {
  local line
  line=$(summary_line "$1")
  if [[ -z $line ]]; then
    echo none
    return 0
  fi
  awk -v key="$2" '{
    for (i = 1; i <= NF; i++) {
      if ($i == key && i < NF) { print $(i + 1); exit }
      if (index($i, key "=") == 1) { print substr($i, length(key) + 2); exit }
    }
    print 0
  }' <<<"$line"
}

# write_config SRC DST SECTION.KEY=VALUE...: copies an INI fixture, replacing
# each given key in its section (or adding it at the section's top). For
# programs that take no command-line overrides (the Python prototype).
write_config() {
  local src=$1 dst=$2
  shift 2
  awk -v settings="$(printf '%s\n' "$@")" '
    BEGIN {
      n = split(settings, lines, "\n")
      for (i = 1; i <= n; i++) {
        if (lines[i] == "") continue
        eq = index(lines[i], "="); full = substr(lines[i], 1, eq - 1)
        dot = index(full, "."); sec = substr(full, 1, dot - 1); key = substr(full, dot + 1)
        value[sec, key] = substr(lines[i], eq + 1); keys[sec] = keys[sec] " " key
      }
    }
    function section_of(line,   s) { s = line; gsub(/^[ \t]*\[|\][ \t]*$/, "", s); return s }
    function key_of(line,   k) {
      k = line; sub(/^[ \t]*/, "", k)
      if (k ~ /^[;#]/ || index(k, "=") == 0) return ""
      k = substr(k, 1, index(k, "=") - 1); gsub(/[ \t]+$/, "", k); return k
    }
    # First pass: which keys exist, and which sections.
    NR == FNR {
      if ($0 ~ /^[ \t]*\[[^]]+\][ \t]*$/) { section = section_of($0); seen_section[section] = 1; next }
      k = key_of($0); if (k != "") present[section, k] = 1
      next
    }
    FNR == 1 { section = "" }
    /^[ \t]*\[[^]]+\][ \t]*$/ {
      section = section_of($0); print
      m = split(keys[section], ks, " ")
      for (j = 1; j <= m; j++) if (!((section, ks[j]) in present)) print ks[j] " = " value[section, ks[j]]
      next
    }
    {
      k = key_of($0)
      if (k != "" && (section, k) in value) { print k " = " value[section, k]; next }
      print
    }
    END {
      for (s in keys) if (!(s in seen_section)) missing = missing " [" s "]"
      if (missing != "") { print "write_config: no such section:" missing > "/dev/stderr"; exit 1 }
    }
  ' "$src" "$src" >"$dst"
}

# Checks a condition and fails the test with MESSAGE when it does not hold.
check() {
  local message=$1
  shift
  if "$@"; then log "ok: $message"; else fail "$message"; fi
}

# Integer comparison helpers for check.
gt() { [[ $1 =~ ^[0-9]+$ ]] && (($1 > $2)); }
ge() { [[ $1 =~ ^[0-9]+$ ]] && (($1 >= $2)); }
