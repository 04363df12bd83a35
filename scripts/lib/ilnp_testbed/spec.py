# Topology (.topo), experiment (.exp) and inventory files: parsing, merging
# and the per-node INI configs they generate. Knows nothing of namespaces,
# processes or ssh (see netns.py, hosts.py); topo/README.md is the reference.
import os
import re

LOCATOR = re.compile(r"^[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4}){3}$")
DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(us|ms|s)?$")
PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%?$")
RATE = re.compile(r"^(\d+(?:\.\d+)?)\s*(bit|kbit|mbit|gbit)$", re.I)

ROLES = ("router", "mn", "cn", "host")
APPLICATIONS = ("none", "heartbeat", "experiment")
DIRECTIONS = ("out", "in", "both")
# Keys of a node section with a meaning of their own; any other key must be
# SECTION.KEY and is copied into the node's INI file as it is.
NODE_KEYS = {
    "role", "nid", "locators", "move_time", "handoff_time", "application", "port",
    "remote", "remote_port", "delay", "jitter", "loss", "rate", "link_direction",
}
CONDITION_KEYS = ("delay", "jitter", "loss", "rate")
INI_SECTIONS = ("link", "network", "transport", "discovery", "application", "log", "control")
TRANSPORT_OVERHEAD = 44  # network header 40 + skinny transport header 4


class SpecError(Exception):
    pass


def parse_ini(path, text=None):
    """[section] / key = value with '#' and ';' comment lines and trailing
    ' #' comments. Returns [(section, [(key, value, line)])], in file order;
    the same section may appear twice (merged by the caller)."""
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    sections = []
    current = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"\s+[#;].*$", "", raw).strip()
        if not line or line[0] in "#;":
            continue
        m = re.match(r"^\[\s*([^\]]+?)\s*\]$", line)
        if m:
            current = (" ".join(m.group(1).split()), [])
            sections.append(current)
            continue
        if "=" not in line:
            raise SpecError("%s:%d: expected 'key = value' or '[section]', got %r" % (path, number, raw.strip()))
        if current is None:
            raise SpecError("%s:%d: %r is outside any [section]" % (path, number, raw.strip()))
        key, value = line.split("=", 1)
        current[1].append((key.strip(), value.strip(), number))
    return sections


def duration_s(text, where):
    m = DURATION.match(text.strip())
    if not m:
        raise SpecError("%s: %r is not a duration (e.g. 20ms, 0.5s, 300us)" % (where, text))
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0, None: 1e-3}[m.group(2)]
    return float(m.group(1)) * scale


def percent(text, where):
    m = PERCENT.match(text.strip())
    if not m or float(m.group(1)) > 100:
        raise SpecError("%s: %r is not a percentage (e.g. 1%%, 0.5%%)" % (where, text))
    return float(m.group(1))


def rate_bits(text, where):
    m = RATE.match(text.strip())
    if not m:
        raise SpecError("%s: %r is not a rate (e.g. 10mbit, 500kbit)" % (where, text))
    return int(float(m.group(1)) * {"bit": 1, "kbit": 1e3, "mbit": 1e6, "gbit": 1e9}[m.group(2).lower()])


def locator_sets(text, where):
    """'a-b,c' -> [['a'], ['b', 'c']] (hyphens separate successive sets)."""
    sets = []
    for part in text.split("-"):
        locs = [x.strip() for x in part.split(",") if x.strip()]
        for loc in locs:
            if not LOCATOR.match(loc):
                raise SpecError("%s: %r is not a locator (four hex groups, e.g. 0:0:0:a)" % (where, loc))
        if not locs:
            raise SpecError("%s: empty locator set in %r" % (where, text))
        sets.append(locs)
    return sets


class Node:
    def __init__(self, name, index):
        self.name = name
        self.index = index  # 1-based, in file order (addresses, interface names)
        self.keys = {}      # raw key -> value (after overrides)
        self.where = {}     # key -> "file:line"

    def get(self, key, default=None):
        v = self.keys.get(key)
        return default if v is None or v == "" else v

    @property
    def role(self):
        return self.get("role", "host")

    @property
    def locators(self):
        return self.get("locators", "")

    @property
    def is_mobile(self):
        return len(locator_sets(self.locators, self.name)) > 1

    @property
    def application(self):
        return self.get("application", "none")

    def conditions(self):
        """{'delay': s, 'jitter': s, 'loss': percent, 'rate': bit/s} of what is set
        (zero values dropped), and the direction they apply in."""
        c = {}
        for key, conv in (("delay", duration_s), ("jitter", duration_s), ("loss", percent), ("rate", rate_bits)):
            v = self.get(key)
            if v is not None and v not in ("0", "none", "off"):
                value = conv(v, self.where.get(key, self.name))
                if value:
                    c[key] = value
        return c, self.get("link_direction", "both")


class Topology:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.description = ""
        self.defaults = {}  # SECTION.KEY -> value for every node
        self.nodes = {}     # name -> Node, in file order
        for section, entries in parse_ini(path):
            if section == "testbed":
                for key, value, line in entries:
                    where = "%s:%d" % (path, line)
                    if key == "name":
                        self.name = value
                    elif key == "description":
                        self.description = value
                    elif "." in key or key in NODE_KEYS:
                        self.defaults[key] = (value, where)
                    else:
                        raise SpecError("%s: unknown key %r in [testbed]" % (where, key))
            elif section.startswith("node "):
                name = section[5:].strip()
                if not re.match(r"^[a-z][a-z0-9_]{0,11}$", name):
                    raise SpecError("%s: node name %r: use 1-12 of a-z, 0-9, _ (starting with a letter)" % (path, name))
                node = self.nodes.get(name)
                if node is None:
                    node = self.nodes[name] = Node(name, len(self.nodes) + 1)
                for key, value, line in entries:
                    self.set(node, key, value, "%s:%d" % (path, line))
            else:
                raise SpecError("%s: unknown section [%s] (expected [testbed] or [node NAME])" % (path, section))
        for key, (value, where) in self.defaults.items():
            for node in self.nodes.values():
                if key not in node.keys:
                    self.set(node, key, value, where)
        if not self.nodes:
            raise SpecError("%s: no [node NAME] sections" % path)
        self.validate()

    def set(self, node, key, value, where):
        if key not in NODE_KEYS and not (
                "." in key and key.split(".", 1)[0] in INI_SECTIONS):
            raise SpecError("%s: unknown node key %r (see topo/README.md; INI keys are written SECTION.KEY)" % (where, key))
        node.keys[key] = value
        node.where[key] = where

    def override(self, target, key, value, where):
        """Applies NODE.KEY=VALUE ('*' or 'all' for every node, 'mobile' for MNs)."""
        if target in ("*", "all"):
            nodes = list(self.nodes.values())
        elif target == "mobile":
            nodes = [n for n in self.nodes.values() if n.is_mobile]
        elif target in self.nodes:
            nodes = [self.nodes[target]]
        else:
            raise SpecError("%s: no node %r in %s" % (where, target, self.path))
        for node in nodes:
            self.set(node, key, value, where)

    def validate(self):
        for node in self.nodes.values():
            w = lambda k: node.where.get(k, "[node %s]" % node.name)  # noqa: E731
            if node.role not in ROLES:
                raise SpecError("%s: role %r is not one of %s" % (w("role"), node.role, ", ".join(ROLES)))
            if not node.locators:
                raise SpecError("[node %s] in %s: locators are required" % (node.name, self.path))
            locator_sets(node.locators, w("locators"))
            if node.application not in APPLICATIONS:
                raise SpecError("%s: application %r is not one of %s" % (w("application"), node.application, ", ".join(APPLICATIONS)))
            remote = node.get("remote")
            if remote and remote not in self.nodes:
                raise SpecError("%s: remote %r is not a node of this topology" % (w("remote"), remote))
            if node.get("link_direction", "both") not in DIRECTIONS:
                raise SpecError("%s: link_direction must be out, in or both" % w("link_direction"))
            for key in ("move_time", "handoff_time"):
                if node.get(key) is not None:
                    try:
                        float(node.get(key))
                    except ValueError:
                        raise SpecError("%s: %s %r is not a number of seconds" % (w(key), key, node.get(key)))
            node.conditions()
            if node.get("nid") and not LOCATOR.match(node.get("nid")):
                raise SpecError("%s: nid %r is not four hex groups" % (w("nid"), node.get("nid")))

    def mobile_nodes(self):
        return [n for n in self.nodes.values() if n.is_mobile]

    def ini(self, node, interface, extra=None):
        """The node's configuration file in the prototype's format. extra:
        {SECTION.KEY: value} written last (wins)."""
        sections = self.ini_sections(node, interface, extra)
        out = ["; generated from %s for node %s (role %s) -- do not edit" % (os.path.basename(self.path), node.name, node.role)]
        for section in INI_SECTIONS:
            if sections[section]:
                out.append("")
                out.append("[%s]" % section)
                out += ["%s = %s" % (k, v) for k, v in sections[section].items()]
        return "\n".join(out) + "\n"

    def ini_sections(self, node, interface, extra=None):
        """{section: {key: value}} of the node's configuration file."""
        sections = {s: {} for s in INI_SECTIONS}
        sections["link"].update(mcast_port="10000", mcast_interface=interface)
        sections["network"]["locators"] = node.locators
        if node.get("nid"):
            sections["network"]["nid"] = node.get("nid")
        for key in ("move_time", "handoff_time"):
            if node.get(key) is not None:
                sections["network"][key] = node.get(key)
        sections["network"]["log"] = "info"
        sections["discovery"]["hostname"] = node.name
        app = sections["application"]
        if node.get("port"):
            app["port"] = node.get("port")
        if node.get("remote"):
            app["remote_hostname"] = node.get("remote")
            app["remote_port"] = node.get("remote_port", node.get("port", "1000"))
        items = [(k, v) for k, v in node.keys.items() if "." in k]
        items += list((extra or {}).items())
        for key, value in items:
            section, name = key.split(".", 1)
            sections[section][name] = value
        return sections

    def node_meta(self):
        """Per node: what the analysis needs (experiment.json "nodes")."""
        return {
            n.name: {
                "role": n.role, "nid": n.get("nid"), "locators": n.locators, "mobile": n.is_mobile,
                "move_time": n.get("move_time"), "handoff_time": n.get("handoff_time"),
                "conditions": n.conditions()[0], "link_direction": n.conditions()[1],
            }
            for n in self.nodes.values()
        }

    def program(self, node):
        return {"none": "node"}.get(node.application, node.application)


def find_file(name, kind, base_dirs):
    """A path as given, or NAME(.kind) in one of base_dirs."""
    candidates = [name]
    for d in base_dirs:
        candidates += [os.path.join(d, name), os.path.join(d, name + "." + kind)]
    for c in candidates:
        if os.path.isfile(c):
            return os.path.abspath(c)
    raise SpecError("no %s file %r (looked in %s)" % (kind, name, ", ".join(base_dirs) or "."))


class Experiment:
    """An experiment file: a topology, the flows, timing, overrides."""

    def __init__(self, path, repo_root, overrides=()):
        self.path = os.path.abspath(path)
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.description = ""
        self.flows = []
        self.port = "1000"
        self.interval = 0.01
        self.size = 1396
        self.moves = None
        self.run_time = None
        self.settle = 1.0
        self.progress = 0
        self.hard_handoff = False
        topology = None
        node_overrides = []
        for section, entries in self.load(self.path, repo_root, []):
            if section == "experiment":
                for key, value, line in entries:
                    where = "%s:%d" % (path, line)
                    if key == "topology":
                        topology = value
                    else:
                        self.set(key, value, where)
            elif section.startswith("node ") or section in ("nodes", "mobile"):
                target = {"nodes": "*", "mobile": "mobile"}.get(section, section[5:].strip())
                node_overrides += [(target, k, v, "%s:%d" % (path, line)) for k, v, line in entries]
            else:
                raise SpecError("%s: unknown section [%s] (expected [experiment], [nodes], [mobile] or [node NAME])" % (path, section))
        if not topology:
            raise SpecError("%s: [experiment] topology is required" % path)
        here = os.path.dirname(self.path)
        self.topology = Topology(find_file(topology, "topo", [here, os.path.join(repo_root, "topo")]))
        for target, key, value, where in node_overrides:
            self.topology.override(target, key, value, where)
        # Command-line overrides: experiment keys (run_time=5) or NODE.KEY=VALUE.
        for text in overrides:
            if "=" not in text:
                raise SpecError("--set %r: expected KEY=VALUE or NODE.KEY=VALUE" % text)
            key, value = text.split("=", 1)
            head, _, rest = key.partition(".")
            if rest and (head in self.topology.nodes or head in ("*", "all", "mobile")):
                self.topology.override(head, rest, value, "--set " + text)
            else:
                self.set(key, value, "--set " + text)
        if self.hard_handoff:
            self.topology.override("mobile", "handoff_time", "0", "hard_handoff")
        self.topology.validate()
        self.apply_flows()

    @staticmethod
    def load(path, repo_root, seen):
        """The file's sections, preceded by those of its base (base = FILE in
        [experiment]: a variant states only what differs)."""
        if path in seen:
            raise SpecError("%s: base files form a loop" % path)
        sections = parse_ini(path)
        out = []
        for section, entries in sections:
            if section == "experiment":
                for key, value, line in entries:
                    if key == "base":
                        base = find_file(value, "exp", [os.path.dirname(path), os.path.join(repo_root, "experiments")])
                        out = Experiment.load(base, repo_root, seen + [path]) + out
                entries = [e for e in entries if e[0] != "base"]
            out.append((section, entries))
        return out

    def set(self, key, value, where):
        try:
            if key == "name":
                self.name = value
            elif key == "description":
                self.description = value
            elif key == "flows":
                self.flows = []
                for part in value.split(","):
                    m = re.match(r"^\s*(\w+)\s*->\s*(\w+)\s*$", part)
                    if not m:
                        raise SpecError("%s: flow %r: write SENDER -> RECEIVER" % (where, part))
                    self.flows.append((m.group(1), m.group(2)))
            elif key == "port":
                self.port = str(int(value))
            elif key == "interval":
                self.interval = float(value)
            elif key == "size":
                self.size = int(value)
            elif key == "moves":  # the later of moves and run_time wins
                self.moves, self.run_time = int(value), None
            elif key == "run_time":
                self.run_time, self.moves = float(value), None
            elif key == "settle":
                self.settle = float(value)
            elif key == "progress":
                self.progress = float(value)
            elif key == "handoff":
                if value not in ("soft", "hard"):
                    raise SpecError("%s: handoff must be soft or hard" % where)
                self.hard_handoff = value == "hard"
            else:
                raise SpecError("%s: unknown experiment key %r" % (where, key))
        except ValueError:
            raise SpecError("%s: bad value %r for %s" % (where, value, key))

    def apply_flows(self):
        topo = self.topology
        if not self.flows:
            raise SpecError("%s: [experiment] flows is required (e.g. flows = bob -> alice)" % self.path)
        for sender, receiver in self.flows:
            for n in (sender, receiver):
                if n not in topo.nodes:
                    raise SpecError("%s: flow node %r is not in %s" % (self.path, n, topo.path))
        remotes = {}
        for sender, receiver in self.flows:
            if sender in remotes and remotes[sender] != receiver:
                raise SpecError("%s: %s sends to two nodes; ilnp experiment sends to one" % (self.path, sender))
            remotes[sender] = receiver
        if self.run_time is None:
            if self.moves is None:
                raise SpecError("%s: give run_time or moves" % self.path)
            move_time = max([float(n.get("move_time", 20)) for n in topo.mobile_nodes()] or [20.0])
            # Moves happen at k * move_time after the MN starts; half a period more
            # observes the last handoff to its end.
            self.run_time = self.moves * move_time + move_time / 2
        buffer_size = str(self.size + TRANSPORT_OVERHEAD)
        receivers = {r for _, r in self.flows}
        for node in topo.nodes.values():
            node.keys["link.buffer_size"] = buffer_size
            node.keys["application.print_datagrams"] = "true"
            if node.name in remotes or node.name in receivers:
                node.keys["application"] = "experiment"
                node.keys["port"] = self.port
                if self.progress:
                    node.keys["application.progress"] = str(self.progress)
            elif node.application == "experiment":
                node.keys["application"] = "none"  # not part of this experiment's flows
            if node.name in remotes:
                node.keys["remote"] = remotes[node.name]
                node.keys["remote_port"] = self.port
                node.keys["application.run_time"] = "%g" % self.run_time
                node.keys["application.wait_time"] = "%g" % self.interval
            else:
                node.keys.pop("remote", None)
                node.keys.pop("application.run_time", None)

    def senders(self):
        return sorted({s for s, _ in self.flows})

    def receivers(self):
        return sorted({r for _, r in self.flows})

    def meta(self):
        """What the analysis needs to know, independent of where it ran."""
        topo = self.topology
        return {
            "experiment": self.name,
            "description": self.description,
            "topology": topo.name,
            "flows": [{"sender": s, "receiver": r} for s, r in self.flows],
            "interval_s": self.interval,
            "size": self.size,
            "run_time_s": self.run_time,
            "nodes": topo.node_meta(),
        }


def plan(path, repo_root, overrides=()):
    """What a .topo or .exp resolves to, as `ilnp sim --plan` prints it (the
    C++ reading of these formats, src/apps/sim_plan.cpp; tests/sim compares
    the two): {"meta": experiment.json's description, "nodes": {NODE:
    {SECTION.KEY: VALUE}}} with mcast_interface eth0."""
    if path.endswith(".topo"):
        topo = Topology(path)
        for text in overrides:
            key, _, value = text.partition("=")
            head, _, rest = key.partition(".")
            topo.override(head, rest, value, "--set " + text)
        topo.validate()
        flows = [(n.name, n.get("remote")) for n in topo.nodes.values()
                 if n.application == "experiment" and n.get("remote")]
        meta = {"experiment": topo.name, "description": topo.description, "topology": topo.name,
                "flows": [{"sender": a, "receiver": b} for a, b in flows], "interval_s": 0.1, "size": 1396,
                "run_time_s": None, "nodes": topo.node_meta()}
    else:
        exp = Experiment(path, repo_root, overrides)
        topo, meta = exp.topology, exp.meta()
    nodes = {}
    for n in topo.nodes.values():
        sections = topo.ini_sections(n, "eth0")
        nodes[n.name] = {"%s.%s" % (s, k): v for s in INI_SECTIONS for k, v in sections[s].items()}
    return {"meta": meta, "nodes": nodes}


class Inventory:
    """Hosts for a real testbed: [defaults] and one [host NODE] per node."""

    KEYS = ("address", "user", "ssh_port", "dir", "interface", "ssh_options", "identity", "build")

    def __init__(self, path):
        self.path = os.path.abspath(path)
        defaults = {"user": "root", "ssh_port": "22", "dir": "/opt/ilnp-overlay", "interface": "eth0",
                    "ssh_options": "", "identity": "", "build": "scripts/setup.sh"}
        self.hosts = {}
        for section, entries in parse_ini(path):
            if section == "defaults":
                target = defaults
            elif section.startswith("host "):
                target = self.hosts.setdefault(section[5:].strip(), {})
            else:
                raise SpecError("%s: unknown section [%s] (expected [defaults] or [host NODE])" % (path, section))
            for key, value, line in entries:
                if key not in self.KEYS:
                    raise SpecError("%s:%d: unknown inventory key %r (one of %s)" % (path, line, key, ", ".join(self.KEYS)))
                target[key] = value
        for name, host in self.hosts.items():
            for k, v in defaults.items():
                host.setdefault(k, v)
            if not host.get("address"):
                raise SpecError("%s: [host %s] has no address" % (path, name))
            host["name"] = name
        if not self.hosts:
            raise SpecError("%s: no [host NODE] sections" % path)
