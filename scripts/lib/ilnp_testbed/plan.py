# A topology (.topo) or experiment (.exp) as `ilnp sim --plan` resolves it:
# the C++ reader is the only one; this wraps its JSON for the controller
# (nodes, flows, timing, each node's INI file). Knows no file syntax.
import json
import os
import subprocess

INI_SECTIONS = ("link", "network", "transport", "discovery", "application", "log", "control")


class SpecError(Exception):
    pass


class Node:
    def __init__(self, name, index, meta, ini, program):
        self.name = name
        self.index = index  # 1-based, in file order (addresses, interface names)
        self.meta = meta    # experiment.json's view: role, locators, conditions...
        self.ini_keys = ini  # {SECTION.KEY: value}
        self.program = program

    role = property(lambda self: self.meta["role"])
    locators = property(lambda self: self.meta["locators"])
    is_mobile = property(lambda self: self.meta["mobile"])
    interfaces = property(lambda self: self.meta["interfaces"])  # of its locators, the first is eth0's role
    link_events = property(lambda self: self.meta["link_events"])  # [{at_s, interface, up}], by time

    def conditions(self):
        """{'delay': s, 'jitter': s, 'loss': percent, 'rate': bit/s} of what is
        set, and the direction they apply in."""
        return dict(self.meta["conditions"]), self.meta["link_direction"]


class Topology:
    def __init__(self, doc):
        self.path = doc["run"]["topology_path"]
        self.name = doc["meta"]["topology"]
        self.description = doc["meta"]["description"]
        programs = doc["run"]["programs"]
        self.nodes = {name: Node(name, i, doc["meta"]["nodes"][name], keys, programs[name])
                      for i, (name, keys) in enumerate(doc["nodes"].items(), 1)}

    def mobile_nodes(self):
        return [n for n in self.nodes.values() if n.is_mobile]

    def ini(self, node, interface, extra=None):
        """The node's configuration file in the prototype's format. extra:
        {SECTION.KEY: value} written last (wins)."""
        keys = dict(node.ini_keys, **{"link.mcast_interface": interface})
        keys.update(extra or {})
        out = ["; generated from %s for node %s (role %s) -- do not edit" % (
            os.path.basename(self.path), node.name, node.role)]
        for section in INI_SECTIONS:
            items = [(k.split(".", 1)[1], v) for k, v in keys.items() if k.split(".", 1)[0] == section]
            if items:
                out += ["", "[%s]" % section] + ["%s = %s" % kv for kv in items]
        return "\n".join(out) + "\n"

    def program(self, node):
        return node.program


class Plan:
    """An experiment (or a topology run as one): what runner.run needs."""

    def __init__(self, doc):
        meta = doc["meta"]
        self.doc = doc
        self.path = doc["run"]["source"]
        self.name = meta["experiment"]
        self.description = meta["description"]
        self.flows = [(f["sender"], f["receiver"]) for f in meta["flows"]]
        self.interval = meta["interval_s"]
        self.size = meta["size"]
        self.run_time = meta["run_time_s"]
        self.settle = doc["run"]["settle_s"]
        self.start_groups = doc["run"]["start"]  # routers, others, senders: the start order
        self.sender_grace = doc["run"]["sender_grace_s"]
        self.receiver_grace = doc["run"]["receiver_grace_s"]
        self.topology = Topology(doc)

    def senders(self):
        return sorted({s for s, _ in self.flows})

    def receivers(self):
        return sorted({r for _, r in self.flows})

    def meta(self):
        """What the analysis needs to know, independent of where it ran."""
        return json.loads(json.dumps(self.doc["meta"]))


def load(ilnp, path, repo, overrides=()):
    """Runs `ilnp sim --plan` on PATH (a file, or a NAME found in topo/ or
    experiments/) with --set overrides; raises SpecError with its message
    (FILE:LINE: problem) when it refuses the file."""
    if not os.access(ilnp, os.X_OK):
        raise SpecError("no ilnp binary at %s to read %s (cmake --build build, or --ilnp PATH)" % (ilnp, path))
    argv = [ilnp, "sim", "--plan", "--repo", repo, path] + ["--set=" + s for s in overrides]
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise SpecError(r.stderr.strip().removeprefix("ilnp sim: "))
    return Plan(json.loads(r.stdout))
