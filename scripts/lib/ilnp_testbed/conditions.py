# Per-node link conditions (delay, jitter, loss, rate) onto whatever this
# machine offers: tc netem, else tc tbf (rate) and ip6tables (loss), else the
# node's own link emulation ([link] emulate_*) when the ilnp binary has it.
# What cannot be applied is reported as unavailable, never dropped silently.
# Knows nothing of namespaces or ssh: it is handed command runners.
import subprocess

COMMENT = "ilnp-testbed"


class Side:
    """Where one direction's conditions go. run(argv) -> CompletedProcess runs
    a command there (in a namespace, over ssh); qdisc_dev is the interface
    whose egress carries that direction (None: no qdisc possible), and
    filter_chain the ip6tables chain on the node that sees it (OUTPUT/INPUT)."""

    def __init__(self, direction, run, qdisc_dev, filter_run, filter_chain, filter_dev):
        self.direction = direction
        self.run = run
        self.qdisc_dev = qdisc_dev
        self.filter_run = filter_run
        self.filter_chain = filter_chain
        self.filter_dev = filter_dev


def run_local(prefix):
    def run(argv):
        return subprocess.run(prefix + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return run


def fmt_s(seconds):
    return "%gms" % (seconds * 1000)


def describe(conds):
    parts = []
    if "delay" in conds:
        parts.append("delay " + fmt_s(conds["delay"]))
    if "jitter" in conds:
        parts.append("jitter " + fmt_s(conds["jitter"]))
    if "loss" in conds:
        parts.append("loss %g%%" % conds["loss"])
    if "rate" in conds:
        parts.append("rate %gmbit" % (conds["rate"] / 1e6))
    return ", ".join(parts)


def in_process_keys(help_text):
    """The [link] emulate_* keys this ilnp binary accepts (from `ilnp node --help`)."""
    return {k for k in ("emulate_loss", "emulate_delay", "emulate_jitter") if "--link." + k in help_text}


def netem_args(conds):
    args = []
    if "delay" in conds or "jitter" in conds:
        args += ["delay", fmt_s(conds.get("delay", 0))]
        if "jitter" in conds:
            args += [fmt_s(conds["jitter"]), "distribution", "normal"]
    if "loss" in conds:
        args += ["loss", "%g%%" % conds["loss"]]
    if "rate" in conds:
        args += ["rate", "%dbit" % conds["rate"]]
    return args


def tbf_args(rate):
    burst = max(rate // 8 // 100, 4000)  # 10 ms of traffic, at least a few frames
    return ["tbf", "rate", "%dbit" % rate, "burst", str(burst), "latency", "100ms"]


def apply(node, conds, sides, port, emulate_keys):
    """Applies conds on each Side. Returns (report, ini_extra, undo):
    report rows {node, direction, condition, value, mechanism, detail},
    mechanism 'unavailable' when nothing here can apply it; ini_extra the
    [link] emulate_* keys for the node's config; undo the commands that
    remove what was applied (for real hosts: namespaces just vanish)."""
    report, ini_extra, undo = [], {}, []

    def row(side, cond, mechanism, detail=""):
        report.append({"node": node, "direction": side.direction, "condition": cond,
                       "value": describe({cond: conds[cond]}), "mechanism": mechanism, "detail": detail})

    for side in sides:
        todo = [c for c in ("delay", "jitter", "loss", "rate") if c in conds]
        if not todo:
            continue
        netem_error = "no interface to shape in this direction"
        if side.qdisc_dev:
            r = side.run(["tc", "qdisc", "replace", "dev", side.qdisc_dev, "root", "netem"] + netem_args(conds))
            if r.returncode == 0:
                for c in todo:
                    row(side, c, "tc netem", "on %s" % side.qdisc_dev)
                undo.append((side.run, ["tc", "qdisc", "del", "dev", side.qdisc_dev, "root"]))
                continue
            netem_error = (r.stderr.strip().splitlines() or ["tc failed"])[-1]
        if "rate" in todo and side.qdisc_dev:
            r = side.run(["tc", "qdisc", "replace", "dev", side.qdisc_dev, "root"] + tbf_args(conds["rate"]))
            if r.returncode == 0:
                row(side, "rate", "tc tbf", "on %s (no netem: %s)" % (side.qdisc_dev, netem_error))
                undo.append((side.run, ["tc", "qdisc", "del", "dev", side.qdisc_dev, "root"]))
            else:
                row(side, "rate", "unavailable", "tc tbf: %s" % (r.stderr.strip().splitlines() or ["failed"])[-1])
        elif "rate" in todo:
            row(side, "rate", "unavailable", netem_error)
        if "loss" in todo:
            rule = [side.filter_chain, "-p", "udp", "--dport", str(port),
                    "-m", "statistic", "--mode", "random", "--probability", "%.6f" % (conds["loss"] / 100),
                    "-m", "comment", "--comment", COMMENT, "-j", "DROP"]
            rule[1:1] = ["-o" if side.filter_chain == "OUTPUT" else "-i", side.filter_dev]
            r = side.filter_run(["ip6tables", "-w", "-A"] + rule)
            if r.returncode == 0:
                row(side, "loss", "ip6tables statistic", "%s %s (no netem: %s)" % (side.filter_chain, side.filter_dev, netem_error))
                undo.append((side.filter_run, ["ip6tables", "-w", "-D"] + rule))
            elif side.direction == "out" and "emulate_loss" in emulate_keys:
                ini_extra["link.emulate_loss"] = "%g" % (conds["loss"] / 100)  # a probability
                row(side, "loss", "ilnp [link] emulate_loss", "in-process, on sending")
            else:
                row(side, "loss", "unavailable", "netem: %s; ip6tables: %s" % (
                    netem_error, (r.stderr.strip().splitlines() or ["not installed"])[-1]))
        for c in ("delay", "jitter"):
            if c not in todo:
                continue
            if side.direction == "out" and "emulate_" + c in emulate_keys:
                ini_extra["link.emulate_" + c] = "%g" % conds[c]
                row(side, c, "ilnp [link] emulate_%s" % c, "in-process, on sending")
            else:
                row(side, c, "unavailable", "needs tc netem (%s)%s" % (
                    netem_error, "" if side.direction == "in" else " or an ilnp with [link] emulate_" + c))
    return report, ini_extra, undo


def report_lines(report):
    lines = []
    for r in report:
        flag = "UNAVAILABLE" if r["mechanism"] == "unavailable" else "applied"
        lines.append("%s %s %s: %s via %s%s" % (flag, r["node"], r["direction"], r["value"], r["mechanism"],
                                                  " (%s)" % r["detail"] if r["detail"] else ""))
    return lines
