#!/usr/bin/env python3
"""`ilnp sim --plan` is the one reader of topo/*.topo and experiments/*.exp:
every shipped file resolves through it and through the testbed's wrapper of
its JSON (scripts/lib/ilnp_testbed/plan.py), overrides take effect, and
broken files are refused naming their file and line.

usage: plan_test.py ILNP_BINARY REPO
"""
import os
import sys
import tempfile

ilnp, repo = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(repo, "scripts", "lib"))
from ilnp_testbed import plan  # noqa: E402

failures = []


def expect(label, got, want):
    if got != want:
        failures.append("%s: got %r, expected %r" % (label, got, want))


files = [os.path.join(repo, "topo", f) for f in sorted(os.listdir(os.path.join(repo, "topo"))) if f.endswith(".topo")]
files += [os.path.join(repo, "experiments", f) for f in sorted(os.listdir(os.path.join(repo, "experiments")))
          if f.endswith(".exp")]
if len(files) < 8:
    failures.append("only %d files found under %s" % (len(files), repo))
for f in files:
    label = os.path.relpath(f, repo)
    try:
        p = plan.load(ilnp, f, repo)
    except plan.SpecError as e:
        failures.append("%s: refused: %s" % (label, e))
        continue
    topo = p.topology
    if not topo.nodes:
        failures.append("%s: no nodes" % label)
    for node in topo.nodes.values():
        text = topo.ini(node, "wlan0", {"log.level": "debug"})
        for line in ("[discovery]", "hostname = " + node.name, "locators = " + node.locators,
                     "mcast_interface = wlan0", "[log]", "level = debug"):
            if line not in text.splitlines():
                failures.append("%s: %s's INI lacks %r" % (label, node.name, line))
        if topo.program(node) not in ("node", "heartbeat", "experiment"):
            failures.append("%s: %s runs %r" % (label, node.name, topo.program(node)))
    expect("%s: experiment" % label, p.doc["run"]["experiment"], f.endswith(".exp"))
    if f.endswith(".exp"):
        for s, r in p.flows:
            expect("%s: sender %s's program" % (label, s), topo.nodes[s].program, "experiment")
            expect("%s: %s's remote" % (label, s), topo.nodes[s].ini_keys.get("application.remote_hostname"), r)
        if not p.run_time or p.run_time <= 0:
            failures.append("%s: run time %r" % (label, p.run_time))
    print("ok: %s (%d nodes)" % (label, len(topo.nodes)))

# Overrides, as scripts/experiment passes its knobs.
p = plan.load(ilnp, "exp1-cn-to-mn-ci", repo, ["moves=4", "handoff=hard", "alice.loss=2%", "*.delay=5ms",
                                               "mobile.move_time=4", "bob.link_direction=out", "size=1000"])
nodes = p.topology.nodes
expect("moves=4 with move_time 4: run time", p.run_time, 4 * 4 + 4 / 2)
expect("size=1000", p.size, 1000)
expect("size=1000: buffer_size", nodes["bob"].ini_keys["link.buffer_size"], "1044")
expect("alice.loss=2%", nodes["alice"].conditions()[0].get("loss"), 2.0)
expect("*.delay=5ms on clare", nodes["clare"].conditions()[0].get("delay"), 0.005)
expect("bob.link_direction=out", nodes["bob"].conditions()[1], "out")
for m in p.topology.mobile_nodes():
    expect("handoff=hard on %s" % m.name, m.ini_keys["network.handoff_time"], "0")
    expect("mobile.move_time=4 on %s" % m.name, m.ini_keys["network.move_time"], "4")
expect("experiment.json keeps its keys", sorted(p.meta()),
       ["description", "experiment", "flows", "interval_s", "nodes", "run_time_s", "size", "topology"])

# Broken files: refused, naming the file and line.
broken = {
    "bad-locator.topo": ("[node a]\nlocators = 0:0:0:a\n[node b]\nlocators = 0:0:0:zz\n", ":4: "),
    "bad-key.topo": ("[node a]\nlocators = 0:0:0:a\ncolour = red\n", ":3: "),
    "bad-loss.topo": ("[node a]\nlocators = 0:0:0:a\nloss = 120%\n", ":3: "),
    "bad-syntax.topo": ("[node a]\nlocators = 0:0:0:a\njust words\n", ":3: "),
    "no-flows.exp": ("[experiment]\ntopology = three-pi\nrun_time = 5\n", ": [experiment] flows is required"),
    "bad-flow.exp": ("[experiment]\ntopology = three-pi\nflows = bob => alice\nrun_time = 5\n", ":3: "),
}
with tempfile.TemporaryDirectory() as d:
    for name, (text, where) in broken.items():
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write(text)
        try:
            plan.load(ilnp, path, repo)
            failures.append("%s: accepted" % name)
        except plan.SpecError as e:
            if not str(e).startswith(path + where):
                failures.append("%s: says %r, expected it to start with %r" % (name, str(e), path + where))
            else:
                print("ok: %s refused: %s" % (name, str(e)[len(d) + 1:]))

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("ok: %d files read by ilnp sim --plan" % len(files))
