#!/usr/bin/env bash
# Metrics after a known run: bob streams 300 datagrams to alice through a
# router. `ilnp ctl metrics` must parse as the Prometheus text format (every
# sample preceded by its HELP/TYPE, names and labels well formed, values
# numbers) and agree with `ilnp ctl status --json`; the router's
# metrics.textfile must exist and parse too. Per locator: alice's counters add
# up to her totals and match her status; the router forwarded onto alice's
# locator 0:0:0:a at least what alice delivered and at most what bob sent
# (all his datagrams, discovery included), and nothing onto 0:0:0:b or 0:0:0:c.
#
# usage: metrics_check.sh ILNP_BINARY   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
netns_require
netns_require_python
T="$(dirname "$0")/../../topo/demo"
netns_setup alice router bob
netns_start router router -- "$ILNP" node -c "$T/router.ini" --metrics.textfile="$NETNS_DIR/router.prom"
netns_start alice alice -- "$ILNP" node -c "$T/alice.ini" --network.locators=0:0:0:a --proxy.port=0 \
  --proxy.mappings="1000 bob 1000"
netns_start bob bob -- "$ILNP" experiment -c "$T/bob.ini" --application.run_time=3
netns_wait_exit bob 30 || fail "bob's experiment failed"
sock=$NETNS_DIR/run/alice/ilnp/alice.sock
"$ILNP" ctl --socket "$sock" metrics >"$NETNS_DIR/alice.prom" || fail "ctl metrics"
"$ILNP" ctl --socket "$sock" status --json >"$NETNS_DIR/alice.json" || fail "ctl status"
"$ILNP" ctl --socket "$NETNS_DIR/run/router/ilnp/router.sock" metrics >"$NETNS_DIR/router.now.prom" ||
  fail "ctl metrics on the router"
wait_for 10 "the router's textfile" test -s "$NETNS_DIR/router.prom" || fail "no metrics textfile"
python3 - "$NETNS_DIR/alice.prom" "$NETNS_DIR/alice.json" "$NETNS_DIR/router.prom" "$NETNS_DIR/router.now.prom" \
  "$(summary_count "$(err_of bob)" out)" <<'PY' || fail "metrics check failed"
import json, re, sys
sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:\\.|[^"\\])*"'
                    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:\\.|[^"\\])*")*\})? (\S+)$')
def parse(path):
    typed, values = set(), {}
    for line in open(path).read().splitlines():
        if line.startswith("# TYPE "):
            typed.add(line.split()[2]); continue
        if line.startswith("#"): continue
        m = sample.match(line)
        assert m, "malformed sample: %r" % line
        name = m.group(1)
        assert any(name == t or name.startswith(t + "_") for t in typed), "no TYPE for %s" % name
        values[name + (m.group(2) or "")] = float(m.group(3))
    return values
alice = parse(sys.argv[1]); parse(sys.argv[3])
status = json.load(open(sys.argv[2]))["counters"]
for metric, counter in [("ilnp_delivered_total", "delivered"), ("ilnp_datagrams_in_total", "datagrams_in"),
                        ("ilnp_forwarded_total", "forwarded")]:
    # The status was read just after the metrics: counters only grow.
    assert 0 <= status[counter] - alice[metric] <= 5, (metric, alice[metric], status[counter])
assert alice["ilnp_delivered_total"] >= 300, alice["ilnp_delivered_total"]
assert alice['ilnp_proxy_mappings'] == 1

def link(values, metric, locator, direction):
    return values.get('%s{locator="%s",direction="%s"}' % (metric, locator, direction), 0)
def link_sum(values, metric, direction):
    return sum(v for k, v in values.items() if k.startswith(metric + "{") and 'direction="%s"' % direction in k)
# Per locator, alice's figures add up to her totals (one snapshot: exactly).
for metric, total in [("ilnp_link_datagrams_total", "ilnp_datagrams_in_total"),
                      ("ilnp_link_bytes_total", "ilnp_bytes_in_total")]:
    assert link_sum(alice, metric, "in") == alice[total], (metric, link_sum(alice, metric, "in"), alice[total])
assert link_sum(alice, "ilnp_link_datagrams_total", "out") == alice["ilnp_datagrams_out_total"]
drops = sum(v for k, v in alice.items() if k.startswith("ilnp_link_drops_total{"))
assert drops <= sum(v for k, v in alice.items() if k.startswith("ilnp_drops_total{"))
# ... and agree with ctl status --json, read just after.
links = {l["locator"]: l for l in json.load(open(sys.argv[2]))["links"]}
assert set(links) == {"0:0:0:a"}, links
assert 0 <= links["0:0:0:a"]["datagrams_in"] - link(alice, "ilnp_link_datagrams_total", "0:0:0:a", "in") <= 5
# The router carried bob's stream onto alice's locator, and only there.
router = parse(sys.argv[4])
sent = int(sys.argv[5])
onto_a = link(router, "ilnp_link_datagrams_total", "0:0:0:a", "forwarded")
assert alice["ilnp_delivered_total"] <= onto_a <= sent, (alice["ilnp_delivered_total"], onto_a, sent)
assert link(router, "ilnp_link_datagrams_total", "0:0:0:b", "in") >= onto_a
for other in ("0:0:0:b", "0:0:0:c"):
    assert link(router, "ilnp_link_datagrams_total", other, "forwarded") == 0, other
print("metrics ok: %d samples, delivered %d, router forwarded %d of bob's %d datagrams onto 0:0:0:a"
      % (len(alice), alice["ilnp_delivered_total"], onto_a, sent))
PY
log "metrics parse and agree with ctl status"
