#!/usr/bin/env bash
# `ilnp sim --trace` writes what crosses the simulated links as pcap; tshark
# with the project's dissector (proto/wireshark/ilnp-overlay.lua) decodes it:
# discovery from every node with its hostname and NID, alice's locator
# updates (flag 1) naming her new locator and bob's acknowledgements (flag 0),
# and bob's 1396-byte transport datagrams to alice's port 1000, sent on b and
# forwarded by clare onto alice's locators. No malformed packets.
#
# usage: sim_trace_test.sh ILNP_BINARY [LUA_SCRIPT]   (exit 77 without tshark)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ilnp=${1:?usage: sim_trace_test.sh ILNP_BINARY [LUA_SCRIPT]}
lua=${2:-$repo/proto/wireshark/ilnp-overlay.lua}
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark not installed (apt-get install tshark)"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/ilnp-sim-trace.XXXX")
trap 'rm -rf "$work"' EXIT
export HOME=$work XDG_CONFIG_HOME=$work/config  # no personal plugins standing in for the one under test

"$ilnp" sim exp1-cn-to-mn-ci --repo "$repo" --moves 3 --trace --out "$work/run" >/dev/null
pcap=$work/run/trace.pcap
[[ -s $pcap ]] || { echo "FAIL: no trace.pcap" >&2; exit 1; }
tshark -n -r "$pcap" -X "lua_script:$lua" -T fields -E separator='|' -E occurrence=f \
  -e ilnp.next_header -e ilnp.src_nid -e ilnp.dst_nid -e ilnp.src_loc -e ilnp.dst_loc \
  -e ilnp.disc.flag -e ilnp.disc.hostname -e ilnp.disc.nid -e ilnp.lu.flag -e ilnp.lu.locator \
  -e ilnp.tp.src_port -e ilnp.tp.dst_port -e ilnp.tp.length -e ipv6.dst -e _ws.expert.message \
  >"$work/fields" 2>"$work/stderr" || { echo "FAIL: tshark:" >&2; cat "$work/stderr" >&2; exit 1; }
sed -i '/Running as user "root"/d' "$work/stderr"
if [[ -s $work/stderr ]]; then
  echo "FAIL: tshark reported:" >&2
  cat "$work/stderr" >&2
  exit 1
fi
"${PYTHON:-python3}" - "$work/fields" <<'PY'
import collections, sys
rows = [line.rstrip("\n").split("|") for line in open(sys.argv[1])]
F = ["nh", "src_nid", "dst_nid", "src_loc", "dst_loc", "disc_flag", "hostname", "disc_nid", "lu_flag", "lu_loc",
     "sport", "dport", "tlen", "ip_dst", "expert"]
rows = [dict(zip(F, r)) for r in rows]
problems = []
def need(cond, text):
    if not cond:
        problems.append(text)
need(len(rows) > 1000, "only %d frames" % len(rows))
need(all(r["nh"] for r in rows), "frames not decoded as ILNP: %d" % sum(1 for r in rows if not r["nh"]))
need(not any(r["expert"] for r in rows), "expert infos: %s" % sorted({r["expert"] for r in rows if r["expert"]})[:5])
alice, bob, clare = "ffff:0:0:a", "ffff:0:0:b", "ffff:0:0:d"
disc = [r for r in rows if r["nh"] == "43"]
names = {(r["hostname"], r["disc_nid"]) for r in disc if r["hostname"]}
for host, nid in (("alice", alice), ("bob", bob), ("clare", clare)):
    need((host, nid) in names, "no discovery from %s with NID %s (saw %s)" % (host, nid, sorted(names)))
need({r["disc_flag"] for r in disc} >= {"0", "1"}, "discovery without both solicitations and advertisements")
lu = [r for r in rows if r["nh"] == "44"]
updates = [r for r in lu if r["lu_flag"] == "1" and r["src_nid"] == alice and r["dst_nid"] == bob]
acks = [r for r in lu if r["lu_flag"] == "0" and r["src_nid"] == bob and r["dst_nid"] == alice]
need(len(updates) >= 3, "%d locator updates alice -> bob" % len(updates))
need(len(acks) >= 3, "%d acknowledgements bob -> alice" % len(acks))
need({r["lu_loc"] for r in updates} >= {"0:0:0:b", "0:0:0:c"}, "updates name %s" % sorted({r["lu_loc"] for r in updates}))
tp = [r for r in rows if r["nh"] == "42" and r["src_nid"] == bob and r["dst_nid"] == alice]
need(len(tp) > 1000, "only %d transport frames bob -> alice" % len(tp))
need(all(r["sport"] == "1000" and r["dport"] == "1000" for r in tp), "transport ports not 1000 -> 1000")
sizes = collections.Counter(r["tlen"] for r in tp)
need(sizes.most_common(1)[0][0] in ("1396", "1400"), "transport lengths %s" % sizes.most_common(3))
links = collections.Counter(r["ip_dst"] for r in tp)
need(len(links) >= 3, "transport seen on %d links only: %s" % (len(links), dict(links)))
if problems:
    print("FAILED:\n  " + "\n  ".join(problems))
    sys.exit(1)
print("ok: %d frames: %d discovery, %d updates, %d acks, %d transport bob -> alice on %d links" % (
    len(rows), len(disc), len(updates), len(acks), len(tp), len(links)))
PY
