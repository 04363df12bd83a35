# Runs one experiment on a backend (the emulated testbed, or real hosts over
# ssh) and leaves its logs and experiment.json in a results folder for
# experiments/analyze.py. Owns the waiting (the start order and grace times are
# the plan's, `ilnp sim --plan`); knows nothing of how a backend starts a process.
import json
import os
import re
import shutil
import sys
import threading
import time

from . import conditions, netns


def say(text):
    print("experiment: " + text, file=sys.stderr, flush=True)


class NetnsBackend:
    """The emulated testbed (netns.Testbed) as an experiment backend."""
    mode = "emulated testbed (network namespaces on one machine)"

    def __init__(self, name, ilnp):
        self.tb = netns.Testbed(name)
        self.ilnp = ilnp

    def prepare(self, experiment):
        self.tb.create(experiment.topology, self.ilnp)
        return self.tb.state["conditions"]

    def start(self, node):
        self.tb.start(node)

    def alive(self, node):
        return self.tb.alive(node)

    def stop(self, node, timeout=5):
        return self.tb.stop(node, timeout)

    def exit_status(self, node):
        p = self.tb.procs.get(node)
        return p.poll() if p else None

    def log_text(self, node):
        try:
            with open(self.tb.log_path(node), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def collect(self, node, dest):
        for src, ext in ((self.tb.out_path(node), "out"), (self.tb.log_path(node), "log"),
                         (os.path.join(self.tb.node_dir(node), "node.ini"), "ini")):
            if os.path.exists(src):
                shutil.copyfile(src, os.path.join(dest, "%s.%s" % (node, ext)))

    def set_link(self, node, interface, up):
        self.tb.set_link(node, interface, up)

    def teardown(self):
        self.tb.destroy()


def wait_until(predicate, timeout, poll=0.1):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(poll)
    return predicate()


PROGRESS_EVERY_S = float(os.environ.get("ILNP_PROGRESS_S", "30"))


def wait_with_progress(running, total, limit, poll=0.5):
    """Waits up to `limit` seconds until running() (the senders still sending)
    is empty, saying every PROGRESS_EVERY_S seconds how far the run is."""
    t0 = time.time()
    next_say = t0 + PROGRESS_EVERY_S
    while time.time() - t0 < limit:
        left = running()
        if not left:
            return True
        if time.time() >= next_say:
            say("%.0f/%.0f s, sending: %s" % (time.time() - t0, total, ", ".join(left)))
            next_say += PROGRESS_EVERY_S
        time.sleep(poll)
    return not running()


class LinkEvents:
    """The plan's link events, each at its time after the senders started,
    from a timer thread; each applied one is recorded in meta["link_events_applied"]."""

    def __init__(self, topo, backend, meta):
        self.backend, self.meta, self.t0, self.timers = backend, meta, time.time(), []
        meta["link_events_applied"] = []
        for node in topo.nodes.values():
            for e in node.link_events:
                timer = threading.Timer(e["at_s"], self.apply, (node.name, e))
                timer.daemon = True
                self.timers.append(timer)
        for timer in self.timers:
            timer.start()

    def apply(self, node, e):
        what = "%s %s %s" % (node, e["interface"], "up" if e["up"] else "down")
        try:
            self.backend.set_link(node, e["interface"], e["up"])
            self.meta["link_events_applied"].append({"node": node, "interface": e["interface"], "up": e["up"],
                                                     "at_s": round(time.time() - self.t0, 3)})
            say("link event: " + what)
        except Exception as x:
            self.meta["problems"].append("link event %s failed: %s" % (what, x))

    def cancel(self):
        for timer in self.timers:
            timer.cancel()


def run(experiment, backend, out_dir, keep=False):
    """Brings the nodes up in the plan's order (routers, then the other
    non-senders, then the senders), waits for the senders to finish and the receivers to stop,
    collects every node's logs into out_dir/logs and writes
    out_dir/experiment.json. Returns the metadata (with problems listed)."""
    topo = experiment.topology
    os.makedirs(os.path.join(out_dir, "logs"), exist_ok=True)
    meta = experiment.meta()
    meta["mode"] = backend.mode
    meta["problems"] = []
    started = {}
    link_events = None
    t_begin = time.time()
    try:
        say("preparing %d nodes of %s" % (len(topo.nodes), topo.name))
        meta["conditions"] = backend.prepare(experiment)
        for line in conditions.report_lines(meta["conditions"]):
            say(line)
        # The order and the grace times are the plan's (`ilnp sim` runs the same).
        groups = experiment.start_groups
        senders = set(groups["senders"])
        routers = [topo.nodes[n] for n in groups["routers"]]
        others = [topo.nodes[n] for n in groups["others"]]
        first_set = lambda n: n.locators.split("-")[0].split(",")[0].split("%")[0].strip()  # noqa: E731

        def start_group(group, what):
            for n in group:
                backend.start(n.name)
                started[n.name] = time.time()
            for n in group:
                pattern = re.compile(r"joined locator %s\b" % re.escape(first_set(n)))
                if not wait_until(lambda: bool(pattern.search(backend.log_text(n.name))) or not backend.alive(n.name), 15):
                    meta["problems"].append("%s did not join its locators within 15 s" % n.name)
                if not backend.alive(n.name):
                    raise RuntimeError("%s (%s) exited at start:\n%s" % (n.name, what, backend.log_text(n.name)[-1500:]))

        start_group(routers, "router")
        start_group(others, "receiver/host")
        time.sleep(experiment.settle)
        say("senders %s start: %g s of %d-byte datagrams every %g ms" % (
            ", ".join(sorted(senders)), experiment.run_time, experiment.size, 1000 * experiment.interval))
        meta["senders_started_utc"] = time.time()
        for name in sorted(senders):
            backend.start(name)
            started[name] = time.time()
        link_events = LinkEvents(topo, backend, meta)
        limit = experiment.run_time + experiment.sender_grace
        if not wait_with_progress(lambda: [s for s in sorted(senders) if backend.alive(s)], experiment.run_time, limit):
            meta["problems"].append("senders still running %g s after start: stopped" % limit)
        receivers = [r for r in experiment.receivers() if r not in senders]
        grace = experiment.receiver_grace
        if not wait_until(lambda: not any(backend.alive(r) for r in receivers), grace, poll=0.2):
            meta["problems"].append("receivers %s did not stop on the end-of-experiment datagram within %g s" % (
                ", ".join(r for r in receivers if backend.alive(r)), grace))
        for name in list(started):
            if backend.alive(name):
                backend.stop(name)
        for name in sorted(senders) + receivers:
            status = backend.exit_status(name)
            if status not in (0, None):
                meta["problems"].append("%s exited with status %s" % (name, status))
    except Exception as e:  # still collect what there is
        meta["problems"].append("run aborted: %s" % e)
        say("run aborted: %s" % e)
        for name in list(started):
            try:
                if backend.alive(name):
                    backend.stop(name, 2)
            except Exception:
                pass
    finally:
        if link_events:
            link_events.cancel()
        for name in topo.nodes:
            try:
                backend.collect(name, os.path.join(out_dir, "logs"))
            except Exception as e:
                meta["problems"].append("could not collect %s's logs: %s" % (name, e))
        if not keep:
            try:
                backend.teardown()
            except Exception as e:
                meta["problems"].append("teardown: %s" % e)
        meta["wall_time_s"] = time.time() - t_begin
        with open(os.path.join(out_dir, "experiment.json"), "w") as f:
            json.dump(meta, f, indent=1)
    for p in meta["problems"]:
        say("problem: " + p)
    return meta
