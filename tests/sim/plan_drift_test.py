#!/usr/bin/env python3
"""The two readers of topo/*.topo and experiments/*.exp must agree: for every
shipped file (and a few command-line overrides), `ilnp sim --plan FILE`
(src/apps/sim_plan.cpp) and spec.py's plan() (scripts/lib/ilnp_testbed)
resolve the same nodes, INI keys, flows and timing; and both refuse the
same broken files, naming the same file and line.

usage: plan_drift_test.py ILNP_BINARY REPO
"""
import json
import os
import subprocess
import sys
import tempfile

ilnp, repo = sys.argv[1], os.path.abspath(sys.argv[2])
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(repo, "scripts", "lib"))
from ilnp_testbed import spec  # noqa: E402

failures = []


def cxx(path, sets=()):
    argv = [ilnp, "sim", "--plan", "--repo", repo, path] + ["--set=" + s for s in sets]
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip()
    return json.loads(r.stdout), None


def py(path, sets=()):
    try:
        return spec.plan(path, repo, sets), None
    except spec.SpecError as e:
        return None, str(e)


def compare(label, path, sets=()):
    a, a_err = cxx(path, sets)
    b, b_err = py(path, sets)
    if a_err or b_err:
        failures.append("%s: ilnp sim: %s / spec.py: %s" % (label, a_err, b_err))
        return
    for part in ("meta", "nodes"):
        if a[part] != b[part]:
            keys = sorted(set(a[part]) | set(b[part]))
            diff = [k for k in keys if a[part].get(k) != b[part].get(k)]
            for k in diff[:5]:
                failures.append("%s: %s.%s: ilnp sim %r, spec.py %r" % (label, part, k, a[part].get(k), b[part].get(k)))
    print("ok: %s (%d nodes)" % (label, len(a["nodes"])))


files = [os.path.join(repo, "topo", f) for f in sorted(os.listdir(os.path.join(repo, "topo"))) if f.endswith(".topo")]
files += [os.path.join(repo, "experiments", f) for f in sorted(os.listdir(os.path.join(repo, "experiments")))
          if f.endswith(".exp")]
if len(files) < 8:
    failures.append("only %d files found under %s" % (len(files), repo))
for f in files:
    compare(os.path.relpath(f, repo), f)
exp1 = os.path.join(repo, "experiments", "exp1-cn-to-mn-ci.exp")
compare("exp1 with overrides", exp1, ["moves=4", "handoff=hard", "alice.loss=2%", "*.delay=5ms",
                                      "mobile.move_time=4", "bob.link_direction=out", "size=1000"])

# Broken files: both refuse, naming the same file:line.
broken = {
    "bad-locator.topo": "[node a]\nlocators = 0:0:0:a\n[node b]\nlocators = 0:0:0:zz\n",
    "bad-key.topo": "[node a]\nlocators = 0:0:0:a\ncolour = red\n",
    "bad-loss.topo": "[node a]\nlocators = 0:0:0:a\nloss = 120%\n",
    "no-flows.exp": "[experiment]\ntopology = three-pi\nrun_time = 5\n",
    "bad-flow.exp": "[experiment]\ntopology = three-pi\nflows = bob => alice\nrun_time = 5\n",
}
with tempfile.TemporaryDirectory() as d:
    for name, text in broken.items():
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write(text)
        _, a_err = cxx(path)
        _, b_err = py(path)
        if not a_err or not b_err:
            failures.append("%s: accepted (ilnp sim: %s, spec.py: %s)" % (name, a_err, b_err))
            continue
        where = b_err.split(": ")[0]
        if where not in a_err:
            failures.append("%s: ilnp sim says %r, spec.py %r" % (name, a_err, b_err))
        else:
            print("ok: %s refused at %s" % (name, os.path.basename(where)))

if failures:
    print("FAILED:\n  " + "\n  ".join(failures))
    sys.exit(1)
print("ok: ilnp sim and spec.py agree on %d files" % len(files))
