# The emulated testbed on one machine: a bridge in a namespace of its own, one
# namespace per node with eth0 on it, link conditions, node processes, and
# the state file that lets `testbed down` (from any shell, also after a
# crash) remove every namespace and process a testbed made. Knows nothing of
# experiments or analysis.
import json
import os
import shutil
import signal
import subprocess
import time

from . import conditions
from .plan import SpecError

RUN_ROOT = os.environ.get("ILNP_TESTBED_RUN", "/run/ilnp-testbed")
NS_PREFIX = "itb-"


class TestbedError(Exception):
    pass


def sh(argv, check=True):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise TestbedError("%s: %s" % (" ".join(argv), r.stderr.strip() or "exit %d" % r.returncode))
    return r


def require_root():
    if os.geteuid() != 0:
        raise TestbedError("the emulated testbed needs root (network namespaces, bridges, tc): run it with sudo")
    if shutil.which("ip") is None:
        raise TestbedError("iproute2's ip is missing: apt-get install -y iproute2")


def process_start_time(pid):
    """The kernel's start time of pid (field 22 of /proc/PID/stat), or None:
    a PID recorded in a state file is only ours if this still matches."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def list_testbeds():
    try:
        return sorted(d for d in os.listdir(RUN_ROOT) if os.path.isfile(os.path.join(RUN_ROOT, d, "state.json")))
    except FileNotFoundError:
        return []


class Testbed:
    def __init__(self, name):
        if not name or "/" in name or len(name) > 40:
            raise TestbedError("bad testbed name %r" % name)
        self.name = name
        self.dir = os.path.join(RUN_ROOT, name)
        self.state_path = os.path.join(self.dir, "state.json")
        self.state = None
        self.procs = {}  # node -> Popen (only in the process that started them)

    # ---- state -------------------------------------------------------------
    def load(self):
        try:
            with open(self.state_path) as f:
                self.state = json.load(f)
        except FileNotFoundError:
            raise TestbedError("no testbed %r is up (no %s)" % (self.name, self.state_path))
        return self

    def save(self):
        tmp = self.state_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.state, f, indent=1)
        os.replace(tmp, self.state_path)

    def ns(self, node):
        return "%s%s-%s" % (NS_PREFIX, self.name, node)

    @property
    def bridge_ns(self):
        return "%s%s-br" % (NS_PREFIX, self.name)

    def node_dir(self, node):
        return os.path.join(self.dir, "nodes", node)

    def out_path(self, node):
        return os.path.join(self.node_dir(node), "out")

    def log_path(self, node):
        return os.path.join(self.node_dir(node), "log")

    def socket_path(self, node):
        return os.path.join(self.node_dir(node), "xdg", "ilnp", node + ".sock")

    # ---- up ----------------------------------------------------------------
    def create(self, topology, ilnp, extra_ini=None, program_of=None):
        """Namespaces, bridge, conditions and configs for topology; no process
        is started (start() does). extra_ini: node -> {SECTION.KEY: value}."""
        require_root()
        if os.path.exists(self.state_path):
            raise TestbedError("testbed %r is already up (scripts/testbed down %s)" % (self.name, self.name))
        os.makedirs(self.dir, exist_ok=True)
        self.state = {"name": self.name, "topology": topology.path, "created": time.time(), "ilnp": ilnp,
                      "bridge_ns": self.bridge_ns, "namespaces": [], "nodes": {}, "pids": {}, "conditions": []}
        self.save()
        try:
            self._create(topology, ilnp, extra_ini or {}, program_of or topology.program)
        except Exception:
            self.destroy()
            raise

    def _add_ns(self, ns):
        # Recorded before it exists, so that a crash in between leaves nothing unknown.
        self.state["namespaces"].append(ns)
        self.save()
        sh(["ip", "netns", "add", ns])

    def _create(self, topology, ilnp, extra_ini, program_of):
        help_text = sh([ilnp, "node", "--help"], check=False).stdout
        emulate = conditions.in_process_keys(help_text)
        br = self.bridge_ns
        self._add_ns(br)
        sh(["ip", "-n", br, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"])
        sh(["ip", "-n", br, "link", "set", "br0", "addrgenmode", "none"])
        sh(["ip", "-n", br, "link", "set", "br0", "up"])
        for node in topology.nodes.values():
            ns, port = self.ns(node.name), "n%d" % node.index
            self._add_ns(ns)
            sh(["ip", "-n", br, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns])
            sh(["ip", "-n", br, "link", "set", port, "addrgenmode", "none"])
            sh(["ip", "-n", br, "link", "set", port, "master", "br0", "up"])
            sh(["ip", "-n", ns, "link", "set", "lo", "up"])
            sh(["ip", "-n", ns, "link", "set", "eth0", "addrgenmode", "none"])
            sh(["ip", "-n", ns, "addr", "add", "fd00::%x/64" % node.index, "dev", "eth0", "nodad"])
            sh(["ip", "-n", ns, "link", "set", "eth0", "up"])
            self._add_interfaces(node, ns, br)
            conds, direction = node.conditions()
            sides = []
            in_ns = conditions.run_local(["ip", "netns", "exec", ns])
            if direction in ("out", "both"):
                sides.append(conditions.Side("out", in_ns, "eth0", in_ns, "OUTPUT", "eth0"))
            if direction in ("in", "both"):
                sides.append(conditions.Side("in", conditions.run_local(["ip", "netns", "exec", br]), port,
                                             in_ns, "INPUT", "eth0"))
            report, ini_extra, _ = conditions.apply(node.name, conds, sides, 10000, emulate)
            self.state["conditions"] += report
            d = self.node_dir(node.name)
            os.makedirs(os.path.join(d, "xdg"), mode=0o700, exist_ok=True)
            extra = dict(ini_extra)
            extra.update(extra_ini.get(node.name, {}))
            with open(os.path.join(d, "node.ini"), "w") as f:
                f.write(topology.ini(node, "eth0", extra))
            self.state["nodes"][node.name] = {
                "ns": ns, "role": node.role, "program": program_of(node), "address": "fd00::%x" % node.index,
                "locators": node.locators, "mobile": node.is_mobile,
            }
            self.save()

    def _add_interfaces(self, node, ns, br):
        """A veth on the bridge for each further interface the node's
        locators name (LOCATOR%eth1): a second network card on the same LAN.
        Addresses survive a link event (keep_addr_on_down), as a Pi's
        link-local one comes back with its link: multicast needs a source.
        Link conditions apply to eth0 only."""
        for k, interface in enumerate([i for i in node.interfaces if i != "eth0"], 1):
            port = ("n%d%s" % (node.index, interface))[:15]
            sh(["ip", "-n", br, "link", "add", port, "type", "veth", "peer", "name", interface, "netns", ns])
            sh(["ip", "-n", br, "link", "set", port, "addrgenmode", "none"])
            sh(["ip", "-n", br, "link", "set", port, "master", "br0", "up"])
            sh(["ip", "-n", ns, "link", "set", interface, "addrgenmode", "none"])
            sh(["ip", "-n", ns, "addr", "add", "fd%02x::%x/64" % (k, node.index), "dev", interface, "nodad"])
            sh(["ip", "-n", ns, "link", "set", interface, "up"])
        for interface in node.interfaces:
            sh(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.%s.keep_addr_on_down=1" % interface])

    def set_link(self, node, interface, up):
        """A link event: `ip link set dev INTERFACE up|down` in NODE's namespace."""
        sh(["ip", "-n", self.ns(node), "link", "set", "dev", interface, "up" if up else "down"])

    def start(self, node, program=None, detach=False):
        """Starts NODE's process (`ilnp PROGRAM -c node.ini`) in its namespace
        with its own XDG_RUNTIME_DIR (so `ilnp ctl` sockets never collide),
        its own XDG_STATE_HOME (a run starts with no peers remembered from an
        earlier run: a binding restored from /var/lib/ilnp once sent a run's
        first datagram to where the mobile node had been) and TZ=UTC (log
        timestamps comparable across hosts)."""
        info = self.state["nodes"][node]
        program = program or info["program"]
        d = self.node_dir(node)
        env_args = ["env", "XDG_RUNTIME_DIR=" + os.path.join(d, "xdg"), "XDG_STATE_HOME=" + os.path.join(d, "state"),
                    "TZ=UTC"]
        argv = ["ip", "netns", "exec", info["ns"]] + env_args + [self.state["ilnp"], program, "-c",
                                                                os.path.join(d, "node.ini")]
        with open(self.out_path(node), "ab") as out, open(self.log_path(node), "ab") as log:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=log,
                                 start_new_session=detach)
        self.procs[node] = p
        self.state["pids"][node] = {"pid": p.pid, "start": process_start_time(p.pid), "program": program}
        self.save()
        return p

    def alive(self, node):
        rec = self.state["pids"].get(node)
        if not rec:
            return False
        p = self.procs.get(node)
        if p is not None:
            return p.poll() is None
        return process_start_time(rec["pid"]) == rec["start"]

    def stop(self, node, timeout=5.0):
        """SIGTERM, then SIGKILL after timeout. Returns the exit status if known."""
        rec = self.state["pids"].get(node)
        if not rec or not self.alive(node):
            p = self.procs.get(node)
            return p.poll() if p else None
        os.kill(rec["pid"], signal.SIGTERM)
        return self.wait(node, timeout)

    def wait(self, node, timeout):
        rec = self.state["pids"][node]
        deadline = time.time() + timeout
        while self.alive(node) and time.time() < deadline:
            time.sleep(0.05)
        if self.alive(node):
            os.kill(rec["pid"], signal.SIGKILL)
            time.sleep(0.1)
        p = self.procs.get(node)
        return p.wait() if p else None

    def ctl_status(self, node):
        r = sh([self.state["ilnp"], "ctl", "--socket", self.socket_path(node), "status", "--json"], check=False)
        if r.returncode != 0:
            return None
        try:
            return json.loads(r.stdout)
        except ValueError:
            return None

    # ---- down --------------------------------------------------------------
    def destroy(self, keep_dir=False):
        """Kills every process the testbed started or that runs in its
        namespaces, deletes the namespaces (the veths and the bridge go with
        them) and the run directory. Safe to repeat; works from the state
        file alone."""
        st = self.state or {}
        for rec in st.get("pids", {}).values():
            if process_start_time(rec["pid"]) == rec.get("start"):
                try:
                    os.kill(rec["pid"], signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.time() + 3
        for rec in st.get("pids", {}).values():
            while process_start_time(rec["pid"]) == rec.get("start") and time.time() < deadline:
                time.sleep(0.05)
        namespaces = list(st.get("namespaces", []))
        # Also any namespace of this name that a crash left unrecorded.
        for line in sh(["ip", "netns", "list"], check=False).stdout.splitlines():
            ns = line.split()[0] if line.split() else ""
            if ns.startswith("%s%s-" % (NS_PREFIX, self.name)) and ns not in namespaces:
                namespaces.append(ns)
        for ns in namespaces:
            for pid in sh(["ip", "netns", "pids", ns], check=False).stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
        for rec in st.get("pids", {}).values():
            if process_start_time(rec["pid"]) == rec.get("start"):
                try:
                    os.kill(rec["pid"], signal.SIGKILL)
                except ProcessLookupError:
                    pass
        for p in self.procs.values():
            try:
                p.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        problems = []
        for ns in namespaces:
            r = sh(["ip", "netns", "del", ns], check=False)
            if r.returncode != 0 and "No such file" not in r.stderr:
                problems.append("%s: %s" % (ns, r.stderr.strip()))
        if not keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        elif os.path.exists(self.state_path):
            os.remove(self.state_path)
        if problems:
            raise TestbedError("could not delete: " + "; ".join(problems))


def leftovers(name=None):
    """Namespaces (and run dirs) of testbeds, for checks: [(kind, what)]."""
    prefix = NS_PREFIX + (name + "-" if name else "")
    found = []
    for line in sh(["ip", "netns", "list"], check=False).stdout.splitlines():
        if line.startswith(prefix):
            found.append(("namespace", line.split()[0]))
    for tb in list_testbeds():
        if name is None or tb == name:
            found.append(("run dir", os.path.join(RUN_ROOT, tb)))
    return found


def check_topology_error(e):
    return isinstance(e, (SpecError, TestbedError))
