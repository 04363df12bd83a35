# Real hosts (Raspberry Pis) over ssh: copying the source, building there,
# installing the systemd unit (scripts/deploy), and running experiment nodes
# (scripts/experiment --hosts) through scripts/lib/remote-node.sh on each
# host. Knows nothing of namespaces or of the analysis.
import configparser
import os
import shlex
import subprocess
import sys
import threading
import time

from . import conditions

UNIT_TEMPLATE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ilnp-node@.service.in")


class HostError(Exception):
    pass


class Inventory:
    """Hosts for a real testbed: [defaults] and one [host NODE] per node
    (topo/README.md). An INI file of the laptop's, read with Python's own
    configparser: the experiment formats have their one reader in `ilnp`."""

    KEYS = ("address", "user", "ssh_port", "dir", "interface", "ssh_options", "identity", "build")

    def __init__(self, path):
        self.path = os.path.abspath(path)
        defaults = {"user": "root", "ssh_port": "22", "dir": "/opt/ilnp-overlay", "interface": "eth0",
                    "ssh_options": "", "identity": "", "build": "scripts/setup.sh"}
        ini = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";", "#"),
                                        default_section="\0none")
        try:
            with open(self.path, encoding="utf-8") as f:
                ini.read_file(f)
        except (OSError, configparser.Error) as e:
            raise HostError("%s: %s" % (self.path, e))
        self.hosts = {}
        for section in ini.sections():
            if section == "defaults":
                target = defaults
            elif section.startswith("host "):
                target = self.hosts.setdefault(section[5:].strip(), {})
            else:
                raise HostError("%s: unknown section [%s] (expected [defaults] or [host NODE])" % (path, section))
            for key, value in ini.items(section):
                if key not in self.KEYS:
                    raise HostError("%s: [%s]: unknown inventory key %r (one of %s)" % (
                        path, section, key, ", ".join(self.KEYS)))
                target[key] = value
        for name, host in self.hosts.items():
            for k, v in defaults.items():
                host.setdefault(k, v)
            if not host.get("address"):
                raise HostError("%s: [host %s] has no address" % (path, name))
            host["name"] = name
        if not self.hosts:
            raise HostError("%s: no [host NODE] sections" % path)


class Host:
    def __init__(self, spec):
        self.spec = spec
        self.name = spec["name"]
        self.dir = spec["dir"].rstrip("/") or "/"
        self.interface = spec["interface"]

    def ssh_argv(self):
        # ssh keeps the first value it is given for an option: the inventory's win.
        argv = ["ssh"] + shlex.split(self.spec.get("ssh_options", ""))
        argv += ["-p", str(self.spec["ssh_port"]), "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
                 "-o", "ControlMaster=auto", "-o", "ControlPath=/tmp/ilnp-ssh-%C", "-o", "ControlPersist=120"]
        if self.spec.get("identity"):
            argv += ["-i", os.path.expanduser(self.spec["identity"])]
        return argv + ["%s@%s" % (self.spec["user"], self.spec["address"])]

    def run(self, command, input=None, check=True, capture=True, timeout=None):
        """Runs a shell command line on the host."""
        r = subprocess.run(self.ssh_argv() + [command], input=input,
                           stdout=subprocess.PIPE if capture else None,
                           stderr=subprocess.PIPE if capture else None, timeout=timeout)
        if check and r.returncode != 0:
            err = (r.stderr or b"").decode(errors="replace").strip() if capture else ""
            raise HostError("%s (%s): `%s` failed with status %d%s" % (
                self.name, self.spec["address"], command, r.returncode, ": " + err[-800:] if err else ""))
        return r

    def run_with_progress(self, command, say, what, every=15):
        """Runs a long command (a build), saying every `every` seconds how long
        it has run and its latest output line (cmake's "[ 42%] Building ...").
        Returns (status, the output's last 3000 characters)."""
        p = subprocess.Popen(self.ssh_argv() + [command], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        tail = []
        latest = [""]

        def read():
            for raw in p.stdout:
                line = raw.decode(errors="replace").rstrip()
                if line:
                    latest[0] = line
                    tail.append(line)
                    del tail[:-60]
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        t = time.time()
        while reader.is_alive():
            reader.join(every)
            if reader.is_alive():
                say("%s: %s for %.0f s: %s" % (self.name, what, time.time() - t, latest[0][:120] or "(no output yet)"))
        return p.wait(), "\n".join(tail)[-3000:]

    def argv_runner(self):
        """conditions.Side runner: argv on the host, as root (sudo when not)."""
        def run(argv):
            sudo = "" if self.spec["user"] == "root" else "sudo -n "
            r = self.run(sudo + " ".join(shlex.quote(a) for a in argv), check=False)
            return subprocess.CompletedProcess(argv, r.returncode, r.stdout.decode(errors="replace"),
                                               r.stderr.decode(errors="replace"))
        return run

    def write(self, path, text):
        self.run("mkdir -p %s && cat > %s" % (shlex.quote(os.path.dirname(path)), shlex.quote(path)),
                 input=text.encode())

    def read(self, path):
        r = self.run("cat %s" % shlex.quote(path), check=False)
        return r.stdout if r.returncode == 0 else b""

    def node_cmd(self, verb, node):
        return "%s/scripts/lib/remote-node.sh %s %s" % (shlex.quote(self.dir), verb, shlex.quote(node))


def source_tar(repo):
    """A gzipped tar of the working tree (tracked and untracked files that git
    does not ignore, so uncommitted work is deployed too)."""
    if os.path.isdir(os.path.join(repo, ".git")):
        files = subprocess.run(["git", "-C", repo, "ls-files", "-z", "-co", "--exclude-standard"],
                               stdout=subprocess.PIPE, check=True).stdout.split(b"\0")
        files = [f for f in files if f and os.path.lexists(os.path.join(repo, f.decode()))]
        return subprocess.run(["tar", "-C", repo, "--null", "-T", "-", "-czf", "-"], input=b"\0".join(files),
                              stdout=subprocess.PIPE, check=True).stdout
    return subprocess.run(["tar", "-C", repo, "--exclude=./build*", "--exclude=./experiments/results",
                           "-czf", "-", "."], stdout=subprocess.PIPE, check=True).stdout


def deploy(inventory, repo, build=True, only=None, say=print):
    """Copies the source to every host of the inventory, builds there, installs
    the unit. Hosts sharing address, port and dir are done once."""
    tar = source_tar(repo)
    with open(UNIT_TEMPLATE) as f:
        template = f.read()
    done = {}
    for name, spec in inventory.hosts.items():
        if only and name not in only:
            continue
        host = Host(spec)
        key = (spec["address"], spec["ssh_port"], host.dir)
        if key in done:
            say("%s: same target as %s (%s:%s)" % (name, done[key], spec["address"], host.dir))
            continue
        done[key] = name
        say("%s: copying %d kB of source to %s:%s" % (name, len(tar) // 1024, spec["address"], host.dir))
        host.run("mkdir -p %s && tar -xzf - -C %s" % (shlex.quote(host.dir), shlex.quote(host.dir)), input=tar)
        if build:
            say("%s: building (%s)" % (name, spec["build"]))
            t = time.time()
            status, output = host.run_with_progress("cd %s && %s" % (shlex.quote(host.dir), spec["build"]), say,
                                                    "building")
            if status != 0:
                raise HostError("%s: build failed (status %d):\n%s" % (name, status, output))
            say("%s: built in %.0f s" % (name, time.time() - t))
        host.run("test -x %s/build/ilnp && %s/build/ilnp node --help >/dev/null" % (
            shlex.quote(host.dir), shlex.quote(host.dir)))
        unit = template.replace("@DIR@", host.dir)
        host.write(host.dir + "/testbed/ilnp-node@.service", unit)
        sudo = "" if spec["user"] == "root" else "sudo -n "
        r = host.run("test -d /run/systemd/system && %scp %s/testbed/ilnp-node@.service /etc/systemd/system/ && "
                     "%ssystemctl daemon-reload" % (sudo, shlex.quote(host.dir), sudo), check=False)
        if r.returncode == 0:
            say("%s: installed /etc/systemd/system/ilnp-node@.service" % name)
        else:
            say("%s: no systemd running there: unit left in %s/testbed/ilnp-node@.service; nodes run detached" % (
                name, host.dir))
    return done


class HostsBackend:
    """Experiment backend: one node per inventory host."""
    mode = "real hosts over ssh"

    def __init__(self, inventory, repo):
        self.inventory = inventory
        self.repo = repo
        self.hosts = {}
        self.undo = []

    def check(self, experiment):
        """Raises HostError unless the inventory has a host for every node:
        called before anything is written."""
        missing = [n for n in experiment.topology.nodes if n not in self.inventory.hosts]
        if missing:
            raise HostError("%s has no [host %s] for %s" % (self.inventory.path, "], [host ".join(missing),
                                                            ", ".join(missing)))

    def prepare(self, experiment):
        topo = experiment.topology
        self.check(experiment)
        scripted = [n.name for n in topo.nodes.values() if n.link_events]
        if scripted:
            # Pulling a Pi's interface from here could cut the ssh path we steer it by.
            raise HostError("link_events (%s) run on the emulated testbed and in the simulator only, not on hosts"
                            % ", ".join(scripted))
        report = []
        for node in topo.nodes.values():
            host = Host(self.inventory.hosts[node.name])
            self.hosts[node.name] = host
            host.run("test -x %s/build/ilnp && test -x %s/scripts/lib/remote-node.sh" % (
                shlex.quote(host.dir), shlex.quote(host.dir)), timeout=30)
            help_text = host.run("%s/build/ilnp node --help" % shlex.quote(host.dir), check=False).stdout.decode()
            conds, direction = node.conditions()
            run = host.argv_runner()
            sides = []
            if direction in ("out", "both"):
                sides.append(conditions.Side("out", run, host.interface, run, "OUTPUT", host.interface))
            if direction in ("in", "both"):
                sides.append(conditions.Side("in", run, None, run, "INPUT", host.interface))
            rows, ini_extra, undo = conditions.apply(node.name, conds, sides, 10000, conditions.in_process_keys(help_text))
            report += rows
            self.undo += undo
            host.run(host.node_cmd("stop", node.name), check=False)
            d = "%s/testbed/%s" % (host.dir, node.name)
            host.write(d + "/node.ini", topo.ini(node, host.interface, ini_extra))
            host.write(d + "/env", "ILNP_MODE=%s\n" % topo.program(node))
        return report

    def start(self, node):
        self.hosts[node].run(self.hosts[node].node_cmd("start", node))

    def alive(self, node):
        return self.hosts[node].run(self.hosts[node].node_cmd("alive", node), check=False).returncode == 0

    def stop(self, node, timeout=5):
        self.hosts[node].run(self.hosts[node].node_cmd("stop", node), check=False)

    def exit_status(self, node):
        out = self.hosts[node].run(self.hosts[node].node_cmd("status", node), check=False).stdout.strip()
        return int(out) if out.isdigit() else None

    def log_text(self, node):
        h = self.hosts[node]
        return h.read("%s/testbed/%s/log" % (h.dir, node)).decode(errors="replace")

    def collect(self, node, dest):
        h = self.hosts.get(node)
        if h is None:
            return
        for name, ext in (("out", "out"), ("log", "log"), ("node.ini", "ini")):
            with open(os.path.join(dest, "%s.%s" % (node, ext)), "wb") as f:
                f.write(h.read("%s/testbed/%s/%s" % (h.dir, node, name)))

    def teardown(self):
        for node, h in self.hosts.items():
            h.run(h.node_cmd("stop", node), check=False)
        for run, argv in reversed(self.undo):
            r = run(argv)
            if r.returncode != 0:
                print("experiment: could not undo `%s`: %s" % (" ".join(argv), r.stderr.strip()), file=sys.stderr)
        self.undo = []
