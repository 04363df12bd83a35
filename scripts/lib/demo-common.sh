# shellcheck shell=bash
# Shared by scripts/demo.sh and scripts/demo-hub.sh: the live log viewer (in a
# process group of its own, so it can be ended at any moment) and the verdict
# on alice's run. Source it, never run it.

DEMO_VIEWER=""

# demo_viewer PID FILE...: follows FILEs until PID ends, showing moves, locator
# updates and progress lines with the time of day only.
demo_viewer() {
  local pid=$1
  shift
  # shellcheck disable=SC2016 # expanded by the inner bash
  setsid bash -c 'tail -q -n +1 -F --pid="$1" "${@:2}" 2>/dev/null |
    grep --line-buffered -E "moving from|locator update|left locator|registered locator|progress" |
    sed -u -E "s/^[0-9-]+ ([0-9:.]+) (alice )?/\1 /"' demo-viewer "$pid" "$@" &
  DEMO_VIEWER=$!
}

# demo_viewer_end SECONDS: waits up to SECONDS for the viewer to end with the
# node it follows, then ends its whole process group.
demo_viewer_end() {
  [[ -n $DEMO_VIEWER ]] || return 0
  local until=$((SECONDS + ${1:-0}))
  while kill -0 "$DEMO_VIEWER" 2>/dev/null && ((SECONDS < until)); do sleep 0.1; done
  kill -TERM -- "-$DEMO_VIEWER" 2>/dev/null || true
  wait "$DEMO_VIEWER" 2>/dev/null || true
  DEMO_VIEWER=""
}

# demo_wait_exit SECONDS PID...: polls (so a signal's trap runs at once) until
# every PID has ended or SECONDS pass.
demo_wait_exit() {
  local until=$((SECONDS + $1)) pid
  shift
  for pid in "$@"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < until)); do sleep 0.1; done
  done
}

# demo_json_field LINE KEY: a number from a summary line's JSON (empty if none).
demo_json_field() { grep -o "\"$2\": *[0-9]*" <<<"$1" | grep -o '[0-9]*$' || true; }

# demo_verdict NAME ERR OUT: prints what alice did and returns 0 only if she
# moved, received datagrams after every move, and lost none in the end.
# Moves are log lines of ERR, progress lines of OUT; both start with the wall
# clock, so a stable sort by time puts them in order.
demo_verdict() {
  local name=$1 err=$2 out=$3 summary moves received lost late
  summary=$(grep -E '^\{.*"received"' "$out" | tail -n 1 || true)
  moves=$(grep -c 'moving from' "$err" || true)
  received=$(demo_json_field "$summary" received)
  lost=$(demo_json_field "$summary" lost)
  # Moves after which no progress line showed more datagrams than at the move.
  late=$({ grep -hE 'moving from' "$err"; grep -hE ' progress: ' "$out"; } | sort -s -k1,2 | awk '
    / progress: / { for (i = 1; i <= NF; i++) if ($i == "received") r = $(i + 1) + 0; if (pending && r > at) pending = 0; next }
    /moving from/ { if (pending) starved++; pending = 1; at = r }
    END { print starved + pending }')
  echo "$name: alice moved $moves times and received ${received:-0} datagrams (lost ${lost:-?})"
  if [[ -z $summary ]]; then
    echo "$name: FAIL: alice wrote no summary (she did not stop by herself)" >&2
    return 1
  fi
  if ((moves < 1)); then
    echo "$name: FAIL: alice never moved" >&2
    return 1
  fi
  if ((late > 0)); then
    echo "$name: FAIL: alice received nothing after $late of her $moves moves" >&2
    return 1
  fi
  if ((received == 0 || lost != 0)); then
    echo "$name: FAIL: alice received $received and lost $lost (0 lost expected)" >&2
    return 1
  fi
  echo "$name: PASS: alice received across all $moves moves with 0 lost"
}
