#!/usr/bin/env python3
"""Turns the logs of one experiment run into a results folder.

usage: experiments/analyze.py RESULTS_DIR [--no-plots]

RESULTS_DIR holds experiment.json (what ran: flows, nodes, conditions: the
"meta" of `ilnp sim --plan FILE`, the one reader of .exp files) and logs/NODE.out (the
standard output of `ilnp experiment` with application.print_datagrams=true)
and logs/NODE.log (the node's log with network.log=info), however they were
collected (namespaces on one machine, ssh from Raspberry Pis, by hand).
Writes into RESULTS_DIR:

  records.csv      one row per datagram sent or received
  summary.csv/.md  per flow: sent, received, lost, duplicated, reordered,
                   longest gap, throughput; per handoff: gap, loss, update RTT
  handoffs.csv     the per-handoff table
  summary.json     all of it, for scripts and tests
  sequence.png/.pdf    received sequence numbers vs time, moves marked
  throughput.png/.pdf  throughput in 1 s buckets at each node, moves marked

Timestamps are the nodes' wall clocks (the testbed runs nodes with TZ=UTC);
on real hosts they are only as comparable as the hosts' clocks (NTP).
"""
import argparse
import bisect
import csv
import calendar
import json
import os
import re
import statistics
import sys
from datetime import datetime

TS = r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)"
SENT = re.compile(r"^" + TS + r" <- (\S+) (\d+) (\d+)$")
RECEIVED = re.compile(r"^" + TS + r" -> ([0-9a-fA-F:]+)%([0-9a-fA-F:]+) (\d+) (\d+)$")
LOG = re.compile(r"^" + TS + r" (\S+) (\w+) (\w+): (.*)$")
MOVING = re.compile(r"^moving from (.+) to (.+)$")
ACKED = re.compile(r"^locator update acknowledged by (\S+) after (\d+) us")
LEFT = re.compile(r"^left locator (\S+)")
LINK = re.compile(r"^link of locator (\S+) (went down|came up)")


def epoch(text):
    fmt = "%Y-%m-%d %H:%M:%S.%f" if "." in text else "%Y-%m-%d %H:%M:%S"
    d = datetime.strptime(text, fmt)
    return calendar.timegm(d.timetuple()) + d.microsecond / 1e6


def read_lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def parse_out(path):
    """-> (sent [(t, remote, size, seq)], received [(t, nid, src_loc, arrival, size, seq)], summary dict)."""
    sent, received, summary = [], [], None
    for line in read_lines(path):
        m = SENT.match(line)
        if m:
            sent.append((epoch(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))))
            continue
        m = RECEIVED.match(line)
        if m:
            groups = m.group(2).split(":")
            src_loc, nid = ":".join(groups[:4]), ":".join(groups[4:])
            received.append((epoch(m.group(1)), nid, src_loc, m.group(3), int(m.group(4)), int(m.group(5))))
            continue
        if line.startswith("{"):
            try:
                summary = json.loads(line)
            except ValueError:
                pass
    return sent, received, summary


def parse_log(path):
    """-> {'moves': [{t, from, to, ack_us, left_t}], 'links': [{t, locator, up}],
    'summary': closing line}."""
    moves, links, closing = [], [], None
    for line in read_lines(path):
        m = LOG.match(line)
        if not m:
            continue
        t, text = epoch(m.group(1)), m.group(5)
        link = LINK.match(text)
        if link:
            links.append({"t": t, "locator": link.group(1), "up": link.group(2) == "came up"})
            continue
        mv = MOVING.match(text)
        if mv:
            moves.append({"t": t, "from": mv.group(1), "to": mv.group(2), "ack_us": [], "left_t": None})
            continue
        ack = ACKED.match(text)
        if ack and moves:
            moves[-1]["ack_us"].append(int(ack.group(2)))
            continue
        left = LEFT.match(text)
        if left and moves and moves[-1]["left_t"] is None:
            moves[-1]["left_t"] = t
            continue
        if text.startswith("stopping: "):
            closing = text
    return {"moves": moves, "links": links, "closing": closing}


def fmt(x, digits=1):
    if x is None:
        return "-"
    if isinstance(x, float):
        return ("%." + str(digits) + "f") % x
    return str(x)


def analyze(results, plots=True):
    with open(os.path.join(results, "experiment.json")) as f:
        meta = json.load(f)
    logs = os.path.join(results, "logs")
    nodes = meta["nodes"]
    nid_to_node = {v.get("nid"): k for k, v in nodes.items() if v.get("nid")}
    outs, logs_parsed = {}, {}
    for node in nodes:
        outs[node] = parse_out(os.path.join(logs, node + ".out"))
        logs_parsed[node] = parse_log(os.path.join(logs, node + ".log"))

    flows = [(f["sender"], f["receiver"]) for f in meta["flows"]]
    senders_of = {}
    for s, r in flows:
        senders_of.setdefault(r, []).append(s)

    def sender_of(receiver, nid):
        if nid in nid_to_node and nid_to_node[nid] in senders_of.get(receiver, []):
            return nid_to_node[nid]
        candidates = senders_of.get(receiver, [])
        return candidates[0] if len(candidates) == 1 else nid_to_node.get(nid, nid)

    # Records, and t0 = the first datagram sent (or received).
    records = []
    for node, (sent, received, _) in outs.items():
        for t, remote, size, seq in sent:
            records.append({"node": node, "event": "sent", "t": t, "peer": remote, "seq": seq, "size": size,
                            "source_locator": "", "arrival_locator": ""})
        for t, nid, src_loc, arrival, size, seq in received:
            records.append({"node": node, "event": "received", "t": t, "peer": sender_of(node, nid), "seq": seq,
                            "size": size, "source_locator": src_loc, "arrival_locator": arrival})
    records.sort(key=lambda r: (r["t"], r["node"]))
    t0 = min([r["t"] for r in records if r["event"] == "sent"] or [r["t"] for r in records] or [0.0])
    wall0 = datetime.utcfromtimestamp(t0).strftime("%Y-%m-%d %H:%M:%S.%f") if records else ""
    with open(os.path.join(results, "records.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["node", "event", "time_s", "wall_time_utc", "peer", "seq", "size", "source_locator", "arrival_locator"])
        for r in records:
            w.writerow([r["node"], r["event"], "%.6f" % (r["t"] - t0),
                        datetime.utcfromtimestamp(r["t"]).strftime("%Y-%m-%d %H:%M:%S.%f"), r["peer"], r["seq"],
                        r["size"], r["source_locator"], r["arrival_locator"]])

    # Moves of every mobile node, relative to t0.
    moves = []
    for node, parsed in logs_parsed.items():
        for i, mv in enumerate(parsed["moves"], 1):
            moves.append({"node": node, "n": i, "t": mv["t"] - t0, "from": mv["from"], "to": mv["to"],
                          "ack_ms": mv["ack_us"][0] / 1000 if mv["ack_us"] else None,
                          "left_t": mv["left_t"] - t0 if mv["left_t"] else None})
    moves.sort(key=lambda m: m["t"])
    # Link events (network.moves = links): the cause of the moves beside them.
    links = sorted(({"node": node, "t": e["t"] - t0, "locator": e["locator"], "up": e["up"]}
                    for node, parsed in logs_parsed.items() for e in parsed["links"]), key=lambda e: e["t"])

    # Per flow.
    flow_rows, flow_data = [], {}
    for s, r in flows:
        sent = [(t - t0, seq, size) for t, _, size, seq in outs[s][0] if seq != 0]
        got = [(x["t"] - t0, x["seq"], x["size"]) for x in records
               if x["node"] == r and x["event"] == "received" and x["peer"] == s and x["seq"] != 0]
        first_arrival, dups, reordered, highest = {}, 0, 0, 0
        for t, seq, size in got:
            if seq in first_arrival:
                dups += 1
                continue
            if seq < highest:
                reordered += 1
            highest = max(highest, seq)
            first_arrival[seq] = t
        summary_s = outs[s][2] or {}
        n_sent = summary_s.get("sent", len(sent)) if summary_s else len(sent)
        arrivals = sorted(first_arrival.values())
        gaps = [(arrivals[i - 1], arrivals[i]) for i in range(1, len(arrivals))]
        longest = max(gaps, key=lambda g: g[1] - g[0]) if gaps else None
        received_bytes = sum(size for t, seq, size in got if first_arrival.get(seq) == t)
        span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0
        mn_moves = [m for m in moves if m["node"] in (s, r)]
        window = (sent[0][0], sent[-1][0]) if sent else (0, 0)
        in_window = [m for m in mn_moves if window[0] <= m["t"] <= window[1]]
        rtts = [m["ack_ms"] for m in in_window if m["ack_ms"] is not None]
        row = {
            "flow": "%s -> %s" % (s, r), "sender": s, "receiver": r, "sent": n_sent,
            "received": len(first_arrival), "lost": n_sent - len(first_arrival),
            "loss_percent": 100.0 * (n_sent - len(first_arrival)) / n_sent if n_sent else 0.0,
            "duplicates": dups, "reordered": reordered,
            "longest_gap_ms": 1000 * (longest[1] - longest[0]) if longest else None,
            "longest_gap_at_s": longest[0] if longest else None,
            "throughput_kbit_s": 8 * received_bytes / span / 1000 if span else None,
            "duration_s": span, "moves": len(in_window),
            "updates_acknowledged": len(rtts),
            "update_rtt_median_ms": statistics.median(rtts) if rtts else None,
            "receiver_summary": outs[r][2], "sender_summary": summary_s,
        }
        flow_rows.append(row)
        flow_data[(s, r)] = {"sent": sent, "first_arrival": first_arrival, "arrivals": arrivals, "got": got}

    # Per handoff: for each move of a node that is an end of a flow, the
    # receiver's longest gap and the datagrams lost among those sent between
    # this move and the next one of the same node.
    handoff_rows = []
    for m in moves:
        own = [x for x in moves if x["node"] == m["node"]]
        nxt = [x["t"] for x in own if x["t"] > m["t"]]
        end = nxt[0] if nxt else float("inf")
        for (s, r), d in flow_data.items():
            if m["node"] not in (s, r):
                continue
            if not d["sent"] or m["t"] > d["sent"][-1][0] or end < d["sent"][0][0]:
                continue
            arr = d["arrivals"]
            i = bisect.bisect_left(arr, m["t"])
            j = bisect.bisect_left(arr, end)
            # Gaps whose later arrival falls in [move, next move), including the one across the move.
            window = arr[max(i - 1, 0):j]
            gap = max((window[k] - window[k - 1] for k in range(1, len(window))), default=None)
            sent_in = [seq for t, seq, _ in d["sent"] if m["t"] <= t < end]
            lost = sum(1 for seq in sent_in if seq not in d["first_arrival"])
            dup = sum(1 for t, seq, _ in d["got"] if m["t"] <= t < end) - sum(
                1 for t in arr[i:j])
            handoff_rows.append({
                "node": m["node"], "move": m["n"], "time_s": m["t"], "from": m["from"], "to": m["to"],
                "flow": "%s -> %s" % (s, r), "update_rtt_ms": m["ack_ms"],
                "overlap_s": (m["left_t"] - m["t"]) if m["left_t"] is not None else None,
                "sent": len(sent_in), "lost": lost, "duplicates": max(dup, 0),
                "longest_gap_ms": 1000 * gap if gap is not None else None,
            })

    write_tables(results, meta, flow_rows, handoff_rows, moves, wall0)
    out = {"experiment": meta.get("experiment"), "t0_utc": wall0, "flows": flow_rows, "handoffs": handoff_rows,
           "moves": moves, "link_events": links, "conditions": meta.get("conditions", []),
           "node_logs": {n: p["closing"] for n, p in logs_parsed.items()}}
    with open(os.path.join(results, "summary.json"), "w") as f:
        json.dump(out, f, indent=1)
    if plots:
        plot(results, meta, flow_data, records, moves, links, t0)
    return out


FLOW_COLUMNS = [("flow", "flow"), ("sent", "sent"), ("received", "received"), ("lost", "lost"),
                ("loss_percent", "loss %"), ("duplicates", "duplicated"), ("reordered", "reordered"),
                ("longest_gap_ms", "longest gap (ms)"), ("throughput_kbit_s", "throughput (kbit/s)"),
                ("moves", "moves"), ("update_rtt_median_ms", "update RTT median (ms)")]
HANDOFF_COLUMNS = [("node", "node"), ("move", "move"), ("time_s", "time (s)"), ("from", "from"), ("to", "to"),
                   ("flow", "flow"), ("sent", "sent"), ("lost", "lost"), ("duplicates", "duplicated"),
                   ("longest_gap_ms", "gap (ms)"), ("update_rtt_ms", "update RTT (ms)"),
                   ("overlap_s", "overlap (s)")]


def write_tables(results, meta, flow_rows, handoff_rows, moves, wall0):
    with open(os.path.join(results, "summary.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([k for k, _ in FLOW_COLUMNS])
        for row in flow_rows:
            w.writerow([row[k] if row[k] is not None else "" for k, _ in FLOW_COLUMNS])
    with open(os.path.join(results, "handoffs.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([k for k, _ in HANDOFF_COLUMNS])
        for row in handoff_rows:
            w.writerow([row[k] if row[k] is not None else "" for k, _ in HANDOFF_COLUMNS])

    def table(columns, rows, digits):
        lines = ["| " + " | ".join(h for _, h in columns) + " |", "|" + "---|" * len(columns)]
        for row in rows:
            lines.append("| " + " | ".join(fmt(row[k], digits.get(k, 1)) for k, _ in columns) + " |")
        return lines

    md = ["# %s" % meta.get("experiment", "experiment"), ""]
    if meta.get("description"):
        md += [meta["description"], ""]
    md += ["Topology `%s`, %d-byte datagrams every %g ms, senders ran %g s; mode: %s. Times from %s UTC (first datagram sent)."
           % (meta.get("topology"), meta.get("size", 0), 1000 * meta.get("interval_s", 0), meta.get("run_time_s", 0),
              meta.get("mode", "?"), wall0), ""]
    for name, n in meta["nodes"].items():
        if n.get("mobile"):
            md.append("- %s moves through `%s` every %s s, handoff %s s (%s)." % (
                name, n["locators"], n.get("move_time") or 20, n.get("handoff_time") or 10,
                "hard" if float(n.get("handoff_time") or 10) == 0 else "soft"))
    md += ["", "## Flows", ""] + table(FLOW_COLUMNS, flow_rows, {"loss_percent": 3, "update_rtt_median_ms": 2})
    md += ["", "## Handoffs", "",
           "Gap: the receiver's longest time between datagrams from the move to the next move; lost: datagrams "
           "sent in that interval that never arrived.", ""]
    md += table(HANDOFF_COLUMNS, handoff_rows, {"update_rtt_ms": 2, "time_s": 2, "overlap_s": 2})
    conds = meta.get("conditions", [])
    md += ["", "## Link conditions", ""]
    if conds:
        md += ["| node | direction | condition | how |", "|---|---|---|---|"]
        for c in conds:
            how = "**UNAVAILABLE**: " + c["detail"] if c["mechanism"] == "unavailable" else c["mechanism"]
            md.append("| %s | %s | %s | %s |" % (c["node"], c["direction"], c["value"], how))
    else:
        md.append("none (ideal links)")
    md += ["", "Plots: sequence.png/.pdf, throughput.png/.pdf. Raw records: records.csv.", ""]
    with open(os.path.join(results, "summary.md"), "w") as f:
        f.write("\n".join(md))


def plot(results, meta, flow_data, records, moves, links, t0):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def mark_moves(ax, label=True):
        seen = set()
        for m in moves:
            ax.axvline(m["t"], color="tab:red", linewidth=0.8, alpha=0.7,
                       label=("move (%s)" % m["node"]) if label and m["node"] not in seen else None)
            seen.add(m["node"])
            if m["left_t"] is not None:
                ax.axvline(m["left_t"], color="tab:red", linewidth=0.6, linestyle=":", alpha=0.6)
        kinds = set()
        for e in links:
            kind = "link up" if e["up"] else "link down"
            ax.axvline(e["t"], color="tab:green" if e["up"] else "tab:purple", linewidth=1.2, linestyle="--",
                       alpha=0.8, label=("%s (%s)" % (kind, e["node"])) if label and kind not in kinds else None)
            kinds.add(kind)
        ymax = ax.get_ylim()[1]
        for m in moves:
            ax.text(m["t"], ymax, " " + m["to"].split(":")[-1], color="tab:red", fontsize=6, va="top")

    # Received sequence numbers vs time.
    fig, ax = plt.subplots(figsize=(10, 4.5))
    for (s, r), d in flow_data.items():
        if d["sent"]:
            ax.plot([t for t, _, _ in d["sent"]], [q for _, q, _ in d["sent"]], color="0.8", linewidth=3,
                    label="sent by %s" % s, zorder=1)
        xs = [d["first_arrival"][q] for q in sorted(d["first_arrival"])]
        ys = sorted(d["first_arrival"])
        ax.scatter(xs, ys, s=1.5, label="received at %s (from %s)" % (r, s), zorder=2)
        lost = [(t, q) for t, q, _ in d["sent"] if q not in d["first_arrival"]]
        if lost:
            ax.scatter([t for t, _ in lost], [q for _, q in lost], s=10, marker="x", color="black",
                       label="lost (%s -> %s), at send time" % (s, r), zorder=3)
    ax.set_xlabel("time since first datagram (s)")
    ax.set_ylabel("sequence number")
    ax.set_title("%s: received sequence numbers (red: moves; dotted: old locator left; dashed: link down/up)" % meta.get("experiment", ""))
    mark_moves(ax)
    ax.legend(loc="lower right", fontsize=7, markerscale=4)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(results, "sequence." + ext), dpi=150)
    plt.close(fig)

    # Throughput in 1 s buckets at each node that sent or received.
    active = [n for n in meta["nodes"] if any(r["node"] == n and r["seq"] != 0 for r in records)]
    if not active:
        active = list(meta["nodes"])[:1]
    end = max([r["t"] - t0 for r in records] or [1.0])
    buckets = int(end) + 1
    fig, axes = plt.subplots(len(active), 1, figsize=(10, 2.6 * len(active)), sharex=True, squeeze=False)
    for ax, node in zip(axes[:, 0], active):
        for event, style in (("received", "-"), ("sent", "--")):
            b = [0.0] * buckets
            for r in records:
                if r["node"] == node and r["event"] == event and r["seq"] != 0:
                    k = int(r["t"] - t0)
                    if 0 <= k < buckets:
                        b[k] += r["size"] * 8 / 1e6
            if any(b):
                ax.step(range(buckets), b, where="post", linestyle=style, label=event)
        role = meta["nodes"][node].get("role", "")
        ax.set_ylabel("Mbit/s")
        ax.set_title("%s (%s)" % (node, role.upper() if role in ("mn", "cn") else role), fontsize=9, loc="left")
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
        mark_moves(ax, label=False)
        ax.legend(loc="lower right", fontsize=7)
    axes[-1, 0].set_xlabel("time since first datagram (s), 1 s buckets")
    fig.suptitle("%s: application throughput (red: moves)" % meta.get("experiment", ""), fontsize=10)
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(results, "throughput." + ext), dpi=150)
    plt.close(fig)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("results")
    p.add_argument("--no-plots", action="store_true")
    args = p.parse_args()
    out = analyze(args.results, plots=not args.no_plots)
    with open(os.path.join(args.results, "summary.md")) as f:
        print(f.read())
    return 0 if out["flows"] else 1


if __name__ == "__main__":
    sys.exit(main())
