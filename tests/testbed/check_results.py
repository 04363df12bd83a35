#!/usr/bin/env python3
"""Asserts a results folder of scripts/experiment run (used by the testbed
tests): every flow's datagrams were counted at both ends (the sender's and
the receiver's own JSON summaries agree with the records), the mobile node
moved at least MIN_MOVES times, the plots are non-empty PNG and PDF files,
and, when --lossless, nothing was lost or duplicated (soft handoff). With
--link-events N: the logs show N link events, no flow duplicated anything or
lost more than --max-lost.

usage: check_results.py DIR [--lossless] [--min-moves N] [--min-sent N]
                            [--link-events N --max-lost N]
"""
import argparse
import csv
import json
import os
import sys

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--lossless", action="store_true")
p.add_argument("--min-moves", type=int, default=6)
p.add_argument("--min-sent", type=int, default=1500)
p.add_argument("--link-events", type=int)
p.add_argument("--max-lost", type=int, default=0)
args = p.parse_args()
problems = []


def need(cond, text):
    if not cond:
        problems.append(text)


s = json.load(open(os.path.join(args.dir, "summary.json")))
meta = json.load(open(os.path.join(args.dir, "experiment.json")))
need(not meta.get("problems"), "run problems: %s" % meta.get("problems"))
need(len(s["flows"]) == len(meta["flows"]) > 0, "expected %d flows, got %d" % (len(meta["flows"]), len(s["flows"])))
rows = list(csv.DictReader(open(os.path.join(args.dir, "records.csv"))))
for f in s["flows"]:
    name = f["flow"]
    snd, rcv = f.get("sender_summary") or {}, f.get("receiver_summary") or {}
    need(f["sent"] >= args.min_sent, "%s: only %d sent" % (name, f["sent"]))
    need(snd.get("sent") == f["sent"], "%s: sender's own count %s != %s" % (name, snd.get("sent"), f["sent"]))
    need(rcv.get("received", 0) > 0, "%s: receiver counted nothing (%s)" % (name, rcv))
    need(rcv.get("received") == f["received"], "%s: receiver's own count %s != records' %s" % (name, rcv.get("received"), f["received"]))
    n_sent = sum(1 for r in rows if r["node"] == f["sender"] and r["event"] == "sent" and r["seq"] != "0")
    n_rcvd = sum(1 for r in rows if r["node"] == f["receiver"] and r["event"] == "received" and r["peer"] == f["sender"] and r["seq"] != "0")
    need(n_sent == f["sent"], "%s: %d sent records for %d sent" % (name, n_sent, f["sent"]))
    need(n_rcvd >= f["received"] > 0, "%s: %d received records for %d received" % (name, n_rcvd, f["received"]))
    need(f["moves"] >= args.min_moves, "%s: only %d moves during the flow" % (name, f["moves"]))
    need(f["updates_acknowledged"] >= f["moves"], "%s: %d of %d updates acknowledged" % (name, f["updates_acknowledged"], f["moves"]))
    if args.link_events is not None:
        need(f["lost"] <= args.max_lost, "%s: lost %d across link events (at most %d)" % (name, f["lost"], args.max_lost))
        need(f["duplicates"] == 0, "%s: %d duplicates" % (name, f["duplicates"]))
    if args.lossless:
        need(f["lost"] == 0, "%s: lost %d of %d in soft handoff" % (name, f["lost"], f["sent"]))
        need(f["duplicates"] == 0, "%s: %d duplicates" % (name, f["duplicates"]))
    print("ok: %s sent %d received %d lost %d duplicates %d longest gap %.0f ms, %d moves" % (
        name, f["sent"], f["received"], f["lost"], f["duplicates"], f["longest_gap_ms"] or 0, f["moves"]))
need(len(s["handoffs"]) >= args.min_moves, "only %d handoff rows" % len(s["handoffs"]))
if args.link_events is not None:
    need(len(s["link_events"]) == args.link_events, "%d link events in the logs, not %d: %s" % (
        len(s["link_events"]), args.link_events, s["link_events"]))
for base in ("sequence", "throughput"):
    for ext, magic in (("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF")):
        path = os.path.join(args.dir, "%s.%s" % (base, ext))
        ok = os.path.isfile(path) and os.path.getsize(path) > 2000 and open(path, "rb").read(len(magic)) == magic
        need(ok, "%s is missing, empty or not a %s" % (path, ext.upper()))
for name in ("summary.md", "summary.csv", "handoffs.csv"):
    need(os.path.getsize(os.path.join(args.dir, name)) > 50, name + " is empty")
if problems:
    print("FAILED (%s):\n  %s" % (args.dir, "\n  ".join(problems)))
    sys.exit(1)
print("ok: %s" % args.dir)
