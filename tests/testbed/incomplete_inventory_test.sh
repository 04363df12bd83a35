#!/usr/bin/env bash
# scripts/experiment run --hosts with an inventory that lacks a node of the
# topology must fail, name the missing host, and write no results folder
# (before the fix it wrote zeroed tables and empty plots). No ssh is needed:
# the check comes before any host is contacted.
#   incomplete_inventory_test.sh ILNP_BINARY (it reads the experiment file)
set -euo pipefail
ilnp=$(realpath "$1")
repo=$(cd "$(dirname "$0")/../.." && pwd)
t=$(mktemp -d "${TMPDIR:-/tmp}/ilnp-inventory-test.XXXXXX")
trap 'rm -rf "$t"' EXIT
# exp1's topology has alice, bob and clare: clare is missing.
cat >"$t/inventory" <<INV
[defaults]
user = nobody
[host alice]
address = 192.0.2.1
[host bob]
address = 192.0.2.2
INV
status=0
"$repo/scripts/experiment" run --hosts "$t/inventory" exp1-cn-to-mn-ci --ilnp "$ilnp" --out "$t/results" \
  >"$t/out" 2>"$t/err" || status=$?
cat "$t/err"
fail() { echo "FAIL: $*" >&2; exit 1; }
((status != 0)) || fail "an incomplete inventory was accepted (status 0)"
grep -q 'no \[host clare\]' "$t/err" || fail "the error does not name the missing host clare"
[[ ! -e $t/results ]] || fail "a results folder was written: $(ls -R "$t/results" | head -n 20)"
echo "ok: refused before writing anything"
