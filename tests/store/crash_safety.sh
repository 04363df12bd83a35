#!/usr/bin/env bash
# Crash safety of the state database: a writer learning bindings at a high
# rate is killed with SIGKILL; the file must pass PRAGMA integrity_check and
# hold every binding the writer reported committed before it died.
# Usage: crash_safety.sh path/to/ilnp_store_crash_writer. Exit 77 = skipped.
set -euo pipefail

writer=${1:?usage: crash_safety.sh path/to/ilnp_store_crash_writer}
if ! command -v sqlite3 >/dev/null; then
  echo "SKIP: the sqlite3 command-line tool is not installed"
  exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ilnp-crash-XXXXXX")
pid=""
cleanup() {
  if [[ -n $pid ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  echo "--- writer stderr:"; cat "$work/err" 2>/dev/null || true
  exit 1
}

: >"$work/out"
"$writer" learn "$work/state" >"$work/out" 2>"$work/err" &
pid=$!

# Wait (with a deadline) for the first commits, then let it write for a second.
deadline=$((SECONDS + 10))
until [[ $(grep -c '^committed ' "$work/out" || true) -ge 1 ]]; do
  kill -0 "$pid" 2>/dev/null || fail "the writer exited before committing anything"
  ((SECONDS < deadline)) || fail "no commit within 10 s"
  sleep 0.05
done
sleep 1

kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
pid=""

n=$(grep -E '^committed [0-9]+$' "$work/out" | tail -n 1 | cut -d' ' -f2)
[[ -n $n && $n -gt 0 ]] || fail "no complete 'committed N' line"
batches=$(grep -c '^committed ' "$work/out")

db="$work/state/state.db"
integrity=$(sqlite3 "$db" 'PRAGMA integrity_check')
[[ $integrity == ok ]] || fail "PRAGMA integrity_check: $integrity"
count=$(sqlite3 "$db" 'SELECT count(*) FROM bindings')
((count >= n)) || fail "$count bindings in the database, but $n were reported committed"

# Reopen as a node would on restart, and check the committed NIDs one by one.
verified=$("$writer" verify "$work/state" "$n" 2>>"$work/err") || fail "after restart: $verified"

echo "PASS: killed after $batches commits; integrity_check ok; $count bindings present >= $n reported committed; $verified"
