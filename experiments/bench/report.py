#!/usr/bin/env python3
"""Tables of the benchmark results (issue 8), from the JSON lines the scripts
in experiments/bench/ write: one object per trial, and a first object
{"params": {...}} saying how the part was run.

  report.py PART FILE.jsonl      the detailed table of one part
                                 (forwarding, latency, endtoend, micro, tun)
  report.py summary FILE.jsonl   the table of run.sh: every part's headline
                                 rows (rows tagged {"bench": PART}), medians
                                 of the runs [min-max] and the issue's ratios
  report.py prototype-counts ALICE_OUT BOB_OUT
                                 the counts of one run of the prototype's
                                 experiment, from what its processes printed

Every ratio is taken per run (ours and the reference measured side by side
in the same run) and then summarised like the figures: median [min-max].
"""
import json
import math
import statistics
import sys
from datetime import datetime

NAMES = {"relay": "C relay", "ours": "ours", "before": "ours before", "prototype": "prototype"}
LOSSLESS = 0.001  # loss below this counts as lossless


def read_rows(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def params_of(rows):
    return next((r["params"] for r in rows if "params" in r), {})


def cell(values, fmt):
    values = [v for v in values if v is not None and not math.isnan(v)]
    if not values:
        return "n/a"
    if len(values) == 1:
        return fmt % values[0]
    return "%s [%s-%s]" % (fmt % statistics.median(values), fmt % min(values), fmt % max(values))


def median(values):
    values = [v for v in values if v is not None and not math.isnan(v)]
    return statistics.median(values) if values else float("nan")


def ratio(a, b):
    return a / b if a is not None and b and not math.isnan(a) and not math.isnan(b) else float("nan")


# ---- forwarding: relay vs ours (and "before") in the same runs


def forwarding_runs(rows):
    """Per forwarder, one dict per run: max rate, lossless rate, CPU per
    datagram at saturation and at the highest rate all carried without loss,
    resident memory idle and at full rate."""
    trials = [r for r in rows if "rate" in r]
    memory = [r for r in rows if "idle_rss_kb" in r]
    kinds = [k for k in NAMES if any(t["forwarder"] == k for t in trials)]
    for t in trials:
        t["received"] = t["counter"]["received"]
        t["sent"] = t["sender"]["sent"]
        t["loss"] = 1 - t["received"] / t["sent"] if t["sent"] else 1.0
        t["rx_rate"] = t["received"] / t["sender"]["seconds"] if t["sender"]["seconds"] else 0.0
        t["cpu_us"] = 1e6 * t["cpu_s"] / t["received"] if t["received"] else float("nan")

    def sweep(kind, run):
        return sorted((t for t in trials if t["forwarder"] == kind and t["run"] == run),
                      key=lambda t: t["rate"] or float("inf"))

    def lossless(ts):
        # The rate the sender achieved: above its own limit, more offered is not more sent.
        best = 0
        for t in ts:
            if t["loss"] >= LOSSLESS:
                break
            best = max(best, t["sender"]["rate"])
        return best

    per_run = {k: [] for k in kinds}
    for run in sorted({t["run"] for t in trials}):
        s = {k: sweep(k, run) for k in kinds}
        if not all(s.values()):
            continue
        # The highest rate swept that all carried without loss: CPU compared at
        # equal load (the prototype's router, at its own rates, aside).
        both = [r for r in sorted({t["rate"] for t in trials if t["rate"]})
                if all(any(t["rate"] == r and t["loss"] < LOSSLESS for t in s[k]) for k in kinds if k != "prototype")]
        for k in kinds:
            top = max(s[k], key=lambda t: t["rx_rate"])
            at = next((t for t in s[k] if both and t["rate"] == both[-1] and k != "prototype"), None)
            m = next((x for x in memory if x["forwarder"] == k and x["run"] == run), None)
            per_run[k].append({"max": top["rx_rate"], "lossless": lossless(s[k]), "cpu_sat": top["cpu_us"],
                               "cpu_ref": at["cpu_us"] if at else float("nan"), "ref": both[-1] if both else 0,
                               "idle": m["idle_rss_kb"] / 1024 if m else float("nan"),
                               "peak": m["peak_rss_kb"] / 1024 if m else float("nan")})
    return kinds, trials, per_run


def forwarding_detail(rows):
    p = params_of(rows)
    kinds, trials, per_run = forwarding_runs(rows)
    out = ["forwarding bob -> router -> alice, 1440-byte datagrams, %s s per rate, %d runs; %s%s" % (
        p.get("seconds"), len(per_run.get("ours", [])), p.get("machine"),
        "; ours with " + p["extra"] if p.get("extra") else "")]
    others = [k for k in kinds if k != "relay"]
    out.append("%-42s" % "median [min-max]" + "".join("%24s" % NAMES[k] for k in kinds) +
               "".join("%20s" % (NAMES[k] + "/relay") for k in others))
    for key, name, fmt in (("max", "max forwarding rate (datagrams/s)", "%.0f"),
                           ("lossless", "lossless rate, loss < 0.1% (sent/s)", "%.0f"),
                           ("cpu_sat", "CPU per datagram at saturation (us)", "%.2f"),
                           ("cpu_ref", "CPU per datagram, same rate, lossless", "%.2f"),
                           ("idle", "RSS idle (MB)", "%.1f"),
                           ("peak", "RSS peak at full rate (MB)", "%.1f")):
        out.append("%-42s" % name + "".join("%24s" % cell([r[key] for r in per_run[k]], fmt) for k in kinds) +
                   "".join("%20.2f" % ratio(median(r[key] for r in per_run[k]),
                                            median(r[key] for r in per_run["relay"])) for k in others))
    out += ["", "per offered rate, medians of the runs: received/s, loss %, CPU us per datagram",
            "%9s" % "offered" + "".join(" | %13s %7s %7s" % (NAMES[k] + " rx", "loss%", "cpu") for k in kinds)]
    for rate in sorted({t["rate"] for t in trials}, key=lambda r: r or float("inf")):
        line = "%9s" % (rate or "unpaced")
        for k in kinds:
            ts = [t for t in trials if t["forwarder"] == k and t["rate"] == rate]
            if not ts:
                line += " | %13s %7s %7s" % ("", "", "")
                continue
            line += " | %13.0f %7.2f %7.2f" % (median(t["rx_rate"] for t in ts), 100 * median(t["loss"] for t in ts),
                                              median(t["cpu_us"] for t in ts))
        out.append(line)
    return out


# ---- latency: ping-pong through 0, 1 and 3 forwarders


HOPS = (0, 1, 3)


def latency_runs(rows):
    """Per forwarder, one dict per run: one-way median and p99 (RTT/2) per
    number of hops, and the cost of a hop, (one-way(N) - one-way(0)) / N."""
    pings = [r for r in rows if "hops" in r]
    kinds = [k for k in NAMES if any(r["forwarder"] == k for r in pings)]
    per_run = {k: [] for k in kinds}
    for run in sorted({r["run"] for r in pings}):
        for k in kinds:
            by_hops = {r["hops"]: r["ping"] for r in pings if r["forwarder"] == k and r["run"] == run}
            if set(by_hops) != set(HOPS):
                continue
            v = {}
            for key in ("median", "p99"):
                for hops in HOPS:
                    v[(hops, key)] = by_hops[hops]["rtt_us"][key] / 2
                for hops in HOPS[1:]:
                    v[("hop%d" % hops, key)] = (v[(hops, key)] - v[(0, key)]) / hops
            for hops in HOPS:
                v[(hops, "lost")] = by_hops[hops]["lost"]
            per_run[k].append(v)
    return kinds, per_run


def latency_detail(rows):
    p = params_of(rows)
    kinds, per_run = latency_runs(rows)
    out = ["ping-pong, %s pings of %s bytes, %s us apart; one-way = RTT/2 in us, medians of %d runs [min-max]; %s" % (
        p.get("count"), p.get("size"), p.get("interval_us"), len(per_run.get("ours", [])), p.get("machine")),
        "%-12s %5s %22s %22s %18s %18s %6s" % ("forwarder", "hops", "one-way median", "one-way p99",
                                               "hop median", "hop p99", "lost")]
    for k in kinds:
        for hops in HOPS:
            hop = ["", ""] if not hops else [cell([r[("hop%d" % hops, key)] for r in per_run[k]], "%.1f")
                                            for key in ("median", "p99")]
            out.append("%-12s %5d %22s %22s %18s %18s %6d" % (
                NAMES[k], hops, cell([r[(hops, "median")] for r in per_run[k]], "%.1f"),
                cell([r[(hops, "p99")] for r in per_run[k]], "%.1f"), *hop, sum(r[(hops, "lost")] for r in per_run[k])))
    return out


# ---- end to end: the proxy, `ilnp experiment` directly, and the prototype


PATHS = ("proxy", "direct", "prototype")


def endtoend_runs(rows):
    """Per path, one dict per run: the highest rate received at alice over
    the offered rates, and the router's peak resident memory."""
    trials = [r for r in rows if "rate" in r]
    for r in trials:
        c = r["counts"]
        r["rx"] = c["received"] / c["seconds"] if c["seconds"] else 0.0
        r["loss"] = 1 - c["received"] / c["sent"] if c["sent"] else 1.0
    per_run = {}
    for path in PATHS:
        for run in sorted({r["run"] for r in trials if r["path"] == path}):
            ts = [r for r in trials if r["path"] == path and r["run"] == run]
            mem = next((r for r in rows if r.get("path") == path and r.get("run") == run and "router_peak_rss_kb" in r),
                       None)
            per_run.setdefault(path, []).append({
                "run": run, "best": max(r["rx"] for r in ts),
                "router_mb": mem["router_peak_rss_kb"] / 1024 if mem else float("nan")})
    return trials, per_run


def endtoend_detail(rows):
    p = params_of(rows)
    trials, per_run = endtoend_runs(rows)
    paths = [q for q in PATHS if q in per_run]
    out = ["bob -> router -> alice, 1396 bytes of data per datagram, %s s per rate, %d runs; %s" % (
        p.get("seconds"), len(per_run.get("direct", [])), p.get("machine"))]
    if p.get("prototype"):
        out.append("prototype: %s" % p["prototype"])
    out.append("%9s" % "offered" + "".join(" | %24s %18s" % (q + " received/s", "loss %") for q in paths))
    for rate in sorted({r["rate"] for r in trials}, key=lambda x: x or float("inf")):
        line = "%9s" % (rate or "unpaced")
        for q in paths:
            rs = [r for r in trials if r["path"] == q and r["rate"] == rate]
            line += " | %24s %18s" % (cell([r["rx"] for r in rs], "%.0f"), cell([100 * r["loss"] for r in rs], "%.2f"))
        out.append(line)
    out.append("highest received rate (datagrams/s): " + ", ".join(
        "%s %s" % (q, cell([r["best"] for r in per_run[q]], "%.0f")) for q in paths))
    out.append("router peak RSS (MB): " + ", ".join(
        "%s %s" % (q, cell([r["router_mb"] for r in per_run[q]], "%.1f")) for q in paths))
    return out


def prototype_counts(alice_out, bob_out):
    """The prototype prints a line per datagram, "DATE TIME [to] <- [from] LEN
    SEQ" when sent and "... -> ... LEN SEQ" when received. Counts the
    full-size ones: distinct sequence numbers received at alice, sent by bob,
    and bob's sending time (first to last send)."""
    def lines(path, arrow):
        with open(path, errors="replace") as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 6 and fields[-4] == arrow and fields[-2] == "1396":
                    yield fields
    received = {f[-1] for f in lines(alice_out, "->")}
    sends = [f for f in lines(bob_out, "<-")]
    seconds = 0.0
    if len(sends) > 1:
        t = [datetime.fromisoformat(f[0] + " " + f[1]) for f in (sends[0], sends[-1])]
        seconds = (t[1] - t[0]).total_seconds()
    return {"sent": len(sends), "seconds": seconds, "received": len(received)}


# ---- micro: Google Benchmark, ns per packet


def micro_runs(rows):
    names = []
    for r in rows:
        if "benchmark" in r and r["benchmark"] not in names:
            names.append(r["benchmark"])
    return {n: [r["ns"] for r in rows if r.get("benchmark") == n] for n in names}


def micro_detail(rows):
    p = params_of(rows)
    out = ["microbenchmarks (Google Benchmark), ns per packet, %s repetitions [min-max]; %s" % (
        p.get("repetitions"), p.get("machine"))]
    out += ["%-40s %24s" % (n, cell(v, "%.1f")) for n, v in micro_runs(rows).items()]
    return out


# ---- tun: IP over the overlay (issue 17), ours plain and sealed vs Yggdrasil and the kernel's routed path

TUN_PATHS = ("plain", "sealed", "yggdrasil", "kernel")
TUN_NAMES = {"plain": "ilnp plain", "sealed": "ilnp sealed", "yggdrasil": "Yggdrasil", "kernel": "kernel routed"}


def tun_runs(rows):
    """Per path, one dict per run (in run order): TCP Mbit/s, retransmits,
    packets the kernel dropped on alice's interface of the path, median RTT (ms), CPU s per Gbit of the forwarding daemons (n/a for the
    kernel path) and of the whole machine, the path's MTU at alice."""
    per_run = {}
    for r in sorted((r for r in rows if "path" in r and "tcp" in r), key=lambda r: r["run"]):
        gbit = r["tcp"]["bits_per_second"] * r["tcp"]["seconds"] / 1e9
        fw = r.get("forwarders_cpu_s")
        per_run.setdefault(r["path"], []).append({
            "run": r["run"], "mbit": r["tcp"]["bits_per_second"] / 1e6,
            "retransmits": r["tcp"].get("retransmits"), "dropped": r.get("alice_tx_dropped"),
            "rtt": r["rtt_ms"]["median"] if r["rtt_ms"]["median"] is not None else float("nan"),
            "lost": r["rtt_ms"]["sent"] - r["rtt_ms"]["received"],
            "fw_cpu": fw / gbit if fw is not None and r.get("forwarders_cpu_s_each") and gbit else float("nan"),
            "machine_cpu": r["machine_cpu_s"] / gbit if gbit else float("nan"), "mtu": r["mtu"]})
    return per_run


def tun_paired(per_run, a, b, key):
    """Ratios a/b of KEY, per run in which both were measured."""
    by_run = {x["run"]: x for x in per_run.get(b, [])}
    return [ratio(x[key], by_run[x["run"]][key]) for x in per_run.get(a, []) if x["run"] in by_run]


def tun_detail(rows):
    p = params_of(rows)
    per_run = tun_runs(rows)
    paths = [q for q in TUN_PATHS if q in per_run]
    out = ["IP over the overlay, alice -> router -> bob over two veths: iperf3 TCP, %s s per run, %d run(s), "
           "ping RTT of %s pings 0.05 s apart; %s" % (p.get("seconds"), max((len(v) for v in per_run.values()),
                                                                           default=0), p.get("pings"), p.get("machine")),
           "%s; %s" % (p.get("iperf3"), p.get("yggdrasil")),
           "CPU: the forwarding daemons' utime+stime on alice, router and bob (n/a for the kernel path: its "
           "forwarding runs in softirq), and the whole machine's non-idle time (iperf3 at both ends included)"]
    fmt = "%-36s" + "%22s" * len(paths)
    out.append(fmt % (("median [min-max]",) + tuple(TUN_NAMES[q] for q in paths)))
    for name, key, f in (("TCP throughput (Mbit/s)", "mbit", "%.0f"), ("TCP retransmits", "retransmits", "%.0f"),
                         ("dropped at alice's interface (TX)", "dropped", "%.0f"),
                         ("ping RTT, median (ms)", "rtt", "%.3f"), ("pings lost", "lost", "%.0f"),
                         ("forwarders' CPU (s per Gbit)", "fw_cpu", "%.2f"),
                         ("whole machine CPU (s per Gbit)", "machine_cpu", "%.2f"), ("MTU at alice", "mtu", "%.0f")):
        out.append(fmt % ((name,) + tuple(cell([x[key] for x in per_run[q]], f) for q in paths)))
    for a, b, target in (("sealed", "yggdrasil", ">= 2"), ("plain", "kernel", ">= 0.25"),
                         ("plain", "yggdrasil", ""), ("sealed", "plain", "")):
        if a in per_run and b in per_run:
            out.append("throughput %s / %s: %s%s" % (a, b, cell(tun_paired(per_run, a, b, "mbit"), "%.2f"),
                                                     " (target %s)" % target if target else ""))
    return out


# ---- summary: the table of run.sh


def summary(rows):
    parts = {}
    for r in rows:
        parts.setdefault(r.get("bench"), []).append(r)
    p = params_of(parts.get("run", []))
    out = ["ilnp-overlay benchmarks (issue 8), %s; %s" % (p.get("when"), p.get("machine")),
           "load average (1 min) during the run: %s" % p.get("load"),
           "cells: median of the runs [min-max]; ratios are per run, ours/reference side by side",
           ""]
    fmt_row = "%-44s %22s %22s %20s  %s"
    out.append(fmt_row % ("", "ours", "reference", "ours/reference", "target"))

    def row(name, ours, ref, ratios, target, fmt="%.0f", ratio_fmt="%.2f"):
        out.append((fmt_row % (name, cell(ours, fmt), cell(ref, fmt), cell(ratios, ratio_fmt), target)).rstrip())

    def missing(name, why):
        out.append(fmt_row % (name, "n/a", "n/a", "n/a", why))

    def paired(a, b, key_a, key_b=None):
        key_b = key_b or key_a
        return [ratio(x[key_a], y[key_b]) for x, y in zip(a, b)]

    # forwarding
    if "forwarding" in parts:
        _, _, fw = forwarding_runs(parts["forwarding"])
        o, r = fw.get("ours", []), fw.get("relay", [])
        out.append("forwarding, 1 router, 1440-byte datagrams (reference: minimal C relay)")
        row("  max forwarding rate (datagrams/s)", [x["max"] for x in o], [x["max"] for x in r],
            paired(o, r, "max"), ">= 0.70")
        row("  lossless rate (sent/s) / relay's max rate", [x["lossless"] for x in o], [x["max"] for x in r],
            paired(o, r, "lossless", "max"), ">= 0.50")
        row("  CPU per datagram at saturation (us)", [x["cpu_sat"] for x in o], [x["cpu_sat"] for x in r],
            paired(o, r, "cpu_sat"), "<= 1.5", fmt="%.2f")
        row("  CPU per datagram, same rate, lossless (us)", [x["cpu_ref"] for x in o], [x["cpu_ref"] for x in r],
            paired(o, r, "cpu_ref"), "<= 1.5", fmt="%.2f")
        row("  RSS idle (MB)", [x["idle"] for x in o], [x["idle"] for x in r], paired(o, r, "idle"), "ours < 8",
            fmt="%.1f", ratio_fmt="%.1f")
        row("  RSS at full rate, peak (MB)", [x["peak"] for x in o], [x["peak"] for x in r], paired(o, r, "peak"),
            "ours < 8", fmt="%.1f", ratio_fmt="%.1f")
        py = fw.get("prototype", [])
        out.append("forwarding, 1 router (reference: the Python prototype's router; %s)" % (
            params_of(parts["forwarding"]).get("prototype", "no copy")))
        row("  max forwarding rate (datagrams/s)", [x["max"] for x in o], [x["max"] for x in py],
            paired(o, py, "max"), "(stated)", ratio_fmt="%.1f")
        row("  CPU per datagram at saturation (us)", [x["cpu_sat"] for x in o], [x["cpu_sat"] for x in py],
            paired(o, py, "cpu_sat"), "(stated)", fmt="%.2f")
        row("  RSS at full rate, peak (MB)", [x["peak"] for x in o], [x["peak"] for x in py], paired(o, py, "peak"),
            "(stated)", fmt="%.1f")
    else:
        missing("forwarding", "not run")

    # end to end, prototype and proxy
    if "endtoend" in parts:
        ep = params_of(parts["endtoend"])
        _, e2e = endtoend_runs(parts["endtoend"])
        d, pr, px = e2e.get("direct", []), e2e.get("prototype", []), e2e.get("proxy", [])
        out.append("end to end, bob -> router -> alice, 1396-byte data (reference: the Python prototype)")
        if pr:
            pr_by_run = {x["run"]: x for x in pr}
            pairs = [(x, pr_by_run[x["run"]]) for x in d if x["run"] in pr_by_run]
            row("  ilnp experiment, received/s", [x["best"] for x in d], [x["best"] for x in pr],
                [ratio(x["best"], y["best"]) for x, y in pairs], ">= 10", ratio_fmt="%.1f")
            row("  router peak RSS (MB)", [x["router_mb"] for x in d], [x["router_mb"] for x in pr],
                [ratio(x["router_mb"], y["router_mb"]) for x, y in pairs], "ours < 8", fmt="%.1f")
        else:
            row("  ilnp experiment, received/s", [x["best"] for x in d], [], [],
                ep.get("prototype") if ep.get("prototype", "").startswith("prototype skipped") else
                "no figures for the prototype")
            row("  router peak RSS (MB)", [x["router_mb"] for x in d], [], [], "ours < 8", fmt="%.1f")
        out.append("proxy (reference: ilnp experiment directly over the overlay, same run)")
        px_by_run = {x["run"]: x for x in px}
        row("  proxy, received/s", [x["best"] for x in px], [x["best"] for x in d],
            [ratio(px_by_run[x["run"]]["best"], x["best"]) for x in d if x["run"] in px_by_run], "(stated)")
    else:
        missing("end to end and proxy", "not run")

    # latency
    if "latency" in parts:
        lp = params_of(parts["latency"])
        _, lat = latency_runs(parts["latency"])
        o, r = lat.get("ours", []), lat.get("relay", [])
        out.append("latency, ping-pong at a low rate, one-way = RTT/2 in us (reference: C relays; %s-byte, %s us apart)" % (
            lp.get("size"), lp.get("interval_us")))
        for hops in HOPS:
            for key in ("median", "p99"):
                row("  %d router%s, one-way %s" % (hops, "" if hops == 1 else "s", key), [x[(hops, key)] for x in o],
                    [x[(hops, key)] for x in r], [ratio(x[(hops, key)], y[(hops, key)]) for x, y in zip(o, r)], "",
                    fmt="%.1f")
        for hops in HOPS[1:]:
            for key in ("median", "p99"):
                k = ("hop%d" % hops, key)
                row("  per hop, %d router%s, %s" % (hops, "" if hops == 1 else "s", key), [x[k] for x in o], [x[k] for x in r],
                    [ratio(x[k], y[k]) for x, y in zip(o, r)], "< 20 us" if key == "median" else "", fmt="%.1f")
    else:
        missing("latency", "not run")

    # tun (optional, only with --parts tun: needs iperf3 and yggdrasil)
    if "tun" in parts:
        tn = tun_runs(parts["tun"])
        se, pl, y, k = (tn.get(q, []) for q in ("sealed", "plain", "yggdrasil", "kernel"))
        out.append("IP over the overlay (TUN), iperf3 TCP alice -> router -> bob (references: Yggdrasil, kernel routing)")
        row("  sealed vs Yggdrasil, TCP Mbit/s", [x["mbit"] for x in se], [x["mbit"] for x in y],
            tun_paired(tn, "sealed", "yggdrasil", "mbit"), ">= 2")
        row("  plain vs kernel path, TCP Mbit/s", [x["mbit"] for x in pl], [x["mbit"] for x in k],
            tun_paired(tn, "plain", "kernel", "mbit"), ">= 0.25")
        row("  sealed vs Yggdrasil, daemons' CPU s/Gbit", [x["fw_cpu"] for x in se], [x["fw_cpu"] for x in y],
            tun_paired(tn, "sealed", "yggdrasil", "fw_cpu"), "(stated)", fmt="%.2f")
        row("  plain, daemons' CPU s/Gbit (kernel: n/a)", [x["fw_cpu"] for x in pl], [], [], "(stated)", fmt="%.2f")
        row("  sealed vs Yggdrasil, machine CPU s/Gbit", [x["machine_cpu"] for x in se],
            [x["machine_cpu"] for x in y], tun_paired(tn, "sealed", "yggdrasil", "machine_cpu"), "(stated)",
            fmt="%.2f")
        row("  plain vs kernel path, machine CPU s/Gbit", [x["machine_cpu"] for x in pl],
            [x["machine_cpu"] for x in k], tun_paired(tn, "plain", "kernel", "machine_cpu"), "(stated)", fmt="%.2f")
        row("  sealed vs Yggdrasil, ping RTT median (ms)", [x["rtt"] for x in se], [x["rtt"] for x in y],
            tun_paired(tn, "sealed", "yggdrasil", "rtt"), "(stated)", fmt="%.3f")
        row("  plain vs kernel path, ping RTT median (ms)", [x["rtt"] for x in pl], [x["rtt"] for x in k],
            tun_paired(tn, "plain", "kernel", "rtt"), "(stated)", fmt="%.3f")

    # micro
    if "micro" in parts:
        out.append("microbenchmarks, ns per packet (Google Benchmark)")
        for name, values in micro_runs(parts["micro"]).items():
            row("  " + name, values, [], [], "", fmt="%.1f")
    else:
        missing("microbenchmarks", "not run")

    if p.get("skipped"):
        out += ["", "SKIPPED parts (they said why in the run's log): " + " ".join(p["skipped"])]
    failed = p.get("failed")
    if failed:
        out += ["", "FAILED parts (their rows are missing or partial): " + " ".join(failed)]
    return out


DETAIL = {"forwarding": forwarding_detail, "latency": latency_detail, "endtoend": endtoend_detail,
          "micro": micro_detail, "tun": tun_detail, "summary": summary}

if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "prototype-counts":
        print(json.dumps(prototype_counts(sys.argv[2], sys.argv[3])))
    elif len(sys.argv) == 3 and sys.argv[1] in DETAIL:
        print("\n".join(DETAIL[sys.argv[1]](read_rows(sys.argv[2]))))
    else:
        sys.exit(__doc__)
