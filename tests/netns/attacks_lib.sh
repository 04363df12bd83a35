# Helpers the attack tests share (attacks*.sh): a node's control socket, its
# counters and fields, and an experiment receiver's progress. Needs lib.sh.
ctl() { "$ILNP" ctl --socket "$NETNS_DIR/$1.sock" "${@:2}"; }
status() { ctl "$1" --json status; }
# counter LABEL NAME: one of the node's counters (drop_<reason>, updates_received, ...).
counter() {
  status "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["counters"].get(sys.argv[1], 0))' "$2"
}
field() { status "$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"; }

# A receiver's received count and duplicates, from its newest progress line.
progress_field() { # received|duplicates|sent LABEL
  local line
  line=$(grep ' progress: ' "$(out_of "${2:-alice}")" 2>/dev/null | tail -n 1)
  awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } } END { if (NR == 0) print 0 }' <<<"$line"
}
